"""Side-by-side timings of the cmcl and IPython kernels through jupyter_client (see
scripts/bench-kernel). Start-up: process start to the first kernel_info_reply (best of 5).
Round trip: execute_request of `1 + 1` to the idle status after its result, over N rounds.
Throughput: one cell printing L lines; every line must arrive, in order."""
import argparse
import os
import platform
import statistics
import time

from jupyter_client.manager import KernelManager


def cpu_model():
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def startup(name):
    times = []
    for _ in range(5):
        km = KernelManager(kernel_name=name)
        t0 = time.perf_counter()
        km.start_kernel()
        kc = km.client()
        kc.start_channels()
        while True:
            kc.kernel_info()
            try:
                reply = kc.get_shell_msg(timeout=0.05)
            except Exception:
                continue
            if reply["msg_type"] == "kernel_info_reply":
                break
        times.append(time.perf_counter() - t0)
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return min(times), statistics.median(times)


def run_until_idle(kc, code, on_output=None):
    msg_id = kc.execute(code)
    while True:
        msg = kc.get_iopub_msg(timeout=120)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if on_output:
            on_output(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    kc.get_shell_msg(timeout=120)


def session(name, rounds, lines, code_lines):
    km = KernelManager(kernel_name=name)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    for _ in range(20):
        run_until_idle(kc, "1 + 1")
    trips = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        run_until_idle(kc, "1 + 1")
        trips.append(time.perf_counter() - t0)
    chunks = []

    def collect(msg):
        if msg["msg_type"] == "stream" and msg["content"]["name"] == "stdout":
            chunks.append(msg["content"]["text"])
    t0 = time.perf_counter()
    run_until_idle(kc, code_lines, collect)
    seconds = time.perf_counter() - t0
    text = "".join(chunks)
    complete = text == "".join(f"{i}\n" for i in range(lines))
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    trips.sort()
    return {"median": statistics.median(trips), "p99": trips[min(len(trips) - 1, int(0.99 * len(trips)))],
            "stream_s": seconds, "messages": len(chunks), "complete": complete}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=1000)
    p.add_argument("--lines", type=int, default=100_000)
    a = p.parse_args()
    print(f"CPU: {cpu_model()}; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
    cm_start = startup("cmcl")
    ip_start = startup("python3")
    cm = session("cmcl", a.rounds, a.lines, f"for i in range({a.lines}) {{ print(i) }}")
    ip = session("python3", a.rounds, a.lines, f"for i in range({a.lines}):\n    print(i)")
    print(f"{'':28}{'cmcl':>12}{'ipykernel':>12}{'ratio':>9}")
    print(f"{'start-up to kernel_info (min)':28}{cm_start[0]*1e3:10.0f}ms{ip_start[0]*1e3:10.0f}ms{ip_start[0]/cm_start[0]:8.1f}x")
    print(f"{'start-up (median of 5)':28}{cm_start[1]*1e3:10.0f}ms{ip_start[1]*1e3:10.0f}ms{ip_start[1]/cm_start[1]:8.1f}x")
    print(f"{'1 + 1 round trip, median':28}{cm['median']*1e3:10.2f}ms{ip['median']*1e3:10.2f}ms{ip['median']/cm['median']:8.1f}x")
    print(f"{'1 + 1 round trip, p99':28}{cm['p99']*1e3:10.2f}ms{ip['p99']*1e3:10.2f}ms{ip['p99']/cm['p99']:8.1f}x")
    print(f"{f'{a.lines:,} lines printed':28}{cm['stream_s']:11.2f}s{ip['stream_s']:11.2f}s{ip['stream_s']/cm['stream_s']:8.1f}x")
    print(f"{'  stream messages':28}{cm['messages']:12}{ip['messages']:12}")
    print(f"{'  every line, in order':28}{str(cm['complete']):>12}{str(ip['complete']):>12}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
