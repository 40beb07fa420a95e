#!/usr/bin/env python3
"""Resident-memory tests: programs that make many closures or reference cycles must run in
about the memory of the same program without them. Each program runs in its own process;
its peak resident set (ru_maxrss from wait4) is compared with a baseline program.

Usage: test_memory.py path/to/cmcl
"""
import os
import subprocess
import sys
import tempfile

# Memory a shape may use beyond the baseline. Leaking, each shape needs hundreds of MB
# (the closure shape over 1 GB).
ALLOWANCE_MB = 80

BASELINE = """
fn step() {
  let t = zeros(1000000)
  t.sum()
}
for i in range(300) { step() }
"""

SHAPES = {
    # Every call's locals (an 8 MB tensor) must be freed although a closure was made.
    "closure in a function": """
fn step() {
  let t = zeros(1000000)
  let f = fn(x) => x
  f(1)
}
for i in range(300) { step() }
""",
    # The same with a closure that captures the tensor and refers to itself (a cycle).
    "self-referencing closure holding a tensor": """
fn step() {
  let t = zeros(1000000)
  fn again(n) => if n == 0 { t.sum() } else { again(n - 1) }
  again(2)
}
for i in range(300) { step() }
""",
    "record that contains itself": """
for i in range(1000000) { let r = {i: i}; r.self = r }
""",
    "list that contains itself": """
for i in range(1000000) { let xs = [i]; xs.append(xs) }
""",
    "function that returns itself": """
fn g() { let f = nil; f = fn() => f; f }
for i in range(1000000) { g() }
""",
}


# Repeated training with the comparative loss: resident memory must stay flat once warm
# (each `fit` used to leave the graph of its logged loss parts behind, ~0.8 MB/s here).
FIT_WARM = """
let data = synth.sentiment(n: 1000, noise: 0.5, length: 40, label_noise: 0.1, seed: 1)
let tok = word_tokenizer(data)
let train = encode(data, tok, max_len: 42)
let loss = cmp(ce, ablate: cmpdrop(2))
fn once(seed) {
  let net = bag_of_embeddings(vocab: len(tok), dim: 32, hidden: [32], classes: 2, dropout: 0.1, seed: seed)
  fit(net, train, loss: loss, optimizer: adamw(lr: 3e-3), epochs: 1, seed: seed, progress: false)
}
for i in range(20) { once(i) }
print("warm")
for i in range(200) { once(i) }
"""
FIT_GROWTH_MB = 5


# Many sessions in one process (`cmcl test` runs each notebook in a fresh one, as the fuzzer
# runs each input): a finished session must give back everything, its stacks (several MB),
# its functions and the cycles its program left. Leaking, each session kept about 10 MB.
NOTEBOOK = """fn f(x) => x + 1
let t = zeros(100000)
let r = {t: t, f: fn() => r}
r.self = r
print(f(1))
# > 2
"""
NOTEBOOKS_FEW, NOTEBOOKS_MANY = 10, 150
SESSIONS_GROWTH_MB = 40


def notebooks_peak_mb(binary, count, folder):
    for name in os.listdir(folder):
        os.unlink(os.path.join(folder, name))
    for i in range(count):
        with open(os.path.join(folder, f"n{i:03d}.cmcl"), "w") as f:
            f.write(NOTEBOOK)
    return process_peak_mb([binary, "test", folder])


def growth_after_warm_mb(binary, source):
    """Peak resident memory minus the resident memory when the program printed `warm`."""
    with tempfile.NamedTemporaryFile("w", suffix=".cmcl", delete=False) as f:
        f.write(source)
        path = f.name
    try:
        proc = subprocess.Popen([binary, path], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = proc.stdout.readline()
        if line.strip() != "warm":
            raise RuntimeError(f"unexpected output {line!r}: {proc.stderr.read()}")
        with open(f"/proc/{proc.pid}/status") as status:
            warm = next(int(l.split()[1]) for l in status if l.startswith("VmRSS:")) / 1024
        _, status, usage = os.wait4(proc.pid, 0)
        err = proc.stderr.read()
        proc.stdout.close()
        proc.stderr.close()
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            raise RuntimeError(f"exit {code}: {err}")
        return usage.ru_maxrss / 1024 - warm
    finally:
        os.unlink(path)


def process_peak_mb(argv):
    """Runs argv to its end; its peak resident memory in MB (an error unless it exits 0)."""
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.stdout.close()
    proc.stderr.close()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError(f"exit {code}: {err.decode(errors='replace')}{out.decode(errors='replace')[-2000:]}")
    return usage.ru_maxrss / 1024


def peak_mb(binary, source):
    with tempfile.NamedTemporaryFile("w", suffix=".cmcl", delete=False) as f:
        f.write(source)
        path = f.name
    try:
        return process_peak_mb([binary, path])
    finally:
        os.unlink(path)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else ".build/release/cmcl"
    base = peak_mb(binary, BASELINE)
    print(f"baseline {base:.0f} MB")
    failures = 0
    for name, source in SHAPES.items():
        try:
            peak = peak_mb(binary, source)
        except RuntimeError as e:
            print(f"FAIL {name}: {e}")
            failures += 1
            continue
        ok = peak <= base + ALLOWANCE_MB
        failures += 0 if ok else 1
        print(f"{'ok  ' if ok else 'FAIL'} {name}: peak {peak:.0f} MB (limit {base + ALLOWANCE_MB:.0f} MB)")

    def fit_growth():
        growth = growth_after_warm_mb(binary, FIT_WARM)
        return growth <= FIT_GROWTH_MB, f"grew {growth:.1f} MB after warm-up (limit {FIT_GROWTH_MB} MB)"

    def sessions_growth():
        with tempfile.TemporaryDirectory() as folder:
            few = notebooks_peak_mb(binary, NOTEBOOKS_FEW, folder)
            many = notebooks_peak_mb(binary, NOTEBOOKS_MANY, folder)
        return many - few <= SESSIONS_GROWTH_MB, \
            f"peak {many:.0f} MB, {few:.0f} MB for {NOTEBOOKS_FEW} (limit +{SESSIONS_GROWTH_MB} MB)"

    for name, measure in [("repeated fit with the comparative loss", fit_growth),
                          (f"{NOTEBOOKS_MANY} sessions in one process", sessions_growth)]:
        try:
            ok, text = measure()
            print(f"{'ok  ' if ok else 'FAIL'} {name}: {text}")
        except RuntimeError as e:
            ok = False
            print(f"FAIL {name}: {e}")
        failures += 0 if ok else 1
    print(f"memory: {len(SHAPES) + 2 - failures} passed, {failures} failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
