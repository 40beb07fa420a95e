"""Protocol fuzzing of cmcl's Jupyter kernel, for a bounded time: random and mutated frames
sent straight to the shell and control sockets (bad signatures, truncated multipart messages,
invalid UTF-8, JSON of the wrong shape, wrong header types, unknown message types, oversized
frames). The kernel must not crash or hang: afterwards its heartbeat answers and a normal
execute_request gets the right result.

    python fuzz_kernel.py --seconds 20 [--seed 1]
"""
import argparse
import hashlib
import hmac
import json
import random
import sys
import time
import uuid

import zmq
from jupyter_client.manager import start_new_kernel


def signed(key, parts):
    return hmac.new(key, b"".join(parts), hashlib.sha256).hexdigest().encode()


def header(msg_type):
    return {"msg_id": str(uuid.uuid4()), "username": "fuzz", "session": "fuzz", "date": "2026-01-01T00:00:00Z",
            "msg_type": msg_type, "version": "5.3"}


TYPES = ["execute_request", "kernel_info_request", "complete_request", "inspect_request", "is_complete_request",
         "history_request", "comm_info_request", "comm_open", "no_such_request", "interrupt_request"]


def random_json(rng, depth=0):
    kind = rng.randrange(7 if depth < 3 else 4)
    if kind == 0:
        return rng.choice([None, True, False])
    if kind == 1:
        return rng.choice([0, -1, 2**63, 1e308, 0.5])
    if kind == 2:
        return "".join(chr(rng.randrange(0x20, 0x2FFF)) for _ in range(rng.randrange(12)))
    if kind == 3:
        return rng.choice(["print(1)", "1 +", ":help", "}", "fn f(", "\x00", "print?", ":type 1"])
    if kind == 4:
        return [random_json(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {rng.choice(["code", "cursor_pos", "silent", "hist_access_type", "n", "restart", "x"]): random_json(rng, depth + 1)
            for _ in range(rng.randrange(4))}


def mutated_message(rng, key):
    msg_type = rng.choice(TYPES)
    h = header(msg_type)
    content = {"code": rng.choice(["1 + 1", "print(\"x\")", "fn g(", ":vars", "\u00e9\u4e2d"]), "cursor_pos": 3,
               "silent": False, "hist_access_type": "tail", "n": 2, "output": False, "raw": True}
    choice = rng.randrange(10)
    if choice == 0:
        h["msg_type"] = rng.choice([3, None, ["execute_request"], {"a": 1}])  # wrong header types
    elif choice == 1:
        content = random_json(rng)
    elif choice == 2:
        h = random_json(rng)
    parts = [json.dumps(x).encode() for x in (h, {}, {}, content)]
    if choice == 3:
        parts[3] = b"\xff\xfe{\"code\": \"\xc3\x28\"}"  # invalid UTF-8
    elif choice == 4:
        parts[rng.randrange(4)] = parts[0][: rng.randrange(len(parts[0]))]  # truncated JSON
    sig = signed(key, parts)
    if choice == 5:
        sig = bytes(rng.choice(b"0123456789abcdef") for _ in range(64))  # bad signature
    elif choice == 6:
        sig = b""
    frames = [b"<IDS|MSG>", sig] + parts
    if choice == 7:
        frames = frames[: rng.randrange(len(frames))]  # truncated multipart
    elif choice == 8:
        frames = [bytes(rng.randrange(256) for _ in range(rng.randrange(40))) for _ in range(rng.randrange(1, 8))]
    elif choice == 9:
        frames = [b"<IDS|MSG>", sig] + parts + [b"\x00" * rng.randrange(1 << 16)]  # buffers
    return frames


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    km, kc = start_new_kernel(kernel_name="cmcl")
    key = km.session.key
    ctx = zmq.Context.instance()
    shell = ctx.socket(zmq.DEALER)
    control = ctx.socket(zmq.DEALER)
    for s in (shell, control):
        s.linger = 0
    shell.connect(f"tcp://{km.ip}:{km.shell_port}")
    control.connect(f"tcp://{km.ip}:{km.control_port}")
    sent = 0
    deadline = time.monotonic() + args.seconds
    ok = True
    try:
        while time.monotonic() < deadline:
            frames = mutated_message(rng, key)
            sock = control if rng.random() < 0.15 else shell
            if frames and not any(b"interrupt" in f for f in frames if isinstance(f, bytes)):
                sock.send_multipart(frames)
                sent += 1
            time.sleep(0.002)  # a hostile but finite rate: the backlog must drain within the check below
            if sent % 50 == 0:
                # Drain replies so queues stay short.
                for s in (shell, control):
                    while s.poll(0):
                        s.recv_multipart()
            if sent % 200 == 0 and not km.is_alive():
                print("fuzz: the kernel died", file=sys.stderr)
                ok = False
                break
        # An oversized message (more than the kernel's 64 MiB limit) only drops that connection.
        big = ctx.socket(zmq.DEALER)
        big.linger = 0
        big.connect(f"tcp://{km.ip}:{km.shell_port}")
        big.send_multipart([b"<IDS|MSG>", b"", b"{}", b"{}", b"{}", b"x" * (65 << 20)])
        time.sleep(1)
        big.close()
        alive = km.is_alive()
        hb = ctx.socket(zmq.REQ)
        hb.linger = 0
        hb.connect(f"tcp://{km.ip}:{km.hb_port}")
        hb.send(b"ping")
        beating = hb.poll(5000) and hb.recv() == b"ping"
        hb.close()
        # Shell replies to the fuzzer are on its own socket; the real client still works.
        reply = kc.execute_interactive("40 + 2", timeout=120, output_hook=lambda m: None)
        answered = reply["content"]["status"] == "ok"
        print(f"fuzz: {sent} messages in {args.seconds:.0f} s; alive: {alive}, heartbeat: {bool(beating)}, "
              f"execute after fuzzing: {'ok' if answered else reply['content']}")
        ok = ok and alive and bool(beating) and answered
    finally:
        shell.close()
        control.close()
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    print("1 passed, 0 failed" if ok else "0 passed, 1 failed")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
