#!/usr/bin/env python3
"""An experiment killed midway (SIGKILL, then Ctrl-C) and run again finishes only the runs
missing from its log. Usage: test_resume.py path/to/cmcl"""
import json, os, re, signal, subprocess, sys, tempfile, time

cmcl = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".build/release/cmcl")
work = tempfile.mkdtemp(prefix="cmcl-resume-")
log = os.path.join(work, "runs.jsonl")
script = os.path.join(work, "sweep.cmcl")
with open(script, "w") as f:
    f.write("""
let results = experiment([{name: "plain"}, {name: "cmpdrop", c: 2}], seeds: [1, 2, 3, 4], log: args[0],
  run: fn(config, seed) {
    let t0 = clock()
    while clock() - t0 < 0.25 { }
    {accuracy: 0.8 + seed / 100}
  })
print(len(results))
""")

def log_lines():
    if not os.path.exists(log): return []
    with open(log) as f: return [l for l in f.read().split("\n") if l.strip()]

def run_until(lines, sig):
    p = subprocess.Popen([cmcl, script, log], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while len(log_lines()) < lines and time.time() < deadline and p.poll() is None: time.sleep(0.02)
    p.send_signal(sig)
    out, err = p.communicate(timeout=60)
    return p.returncode, out, err

failures = []
def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond: failures.append(what)

code, out, err = run_until(3, signal.SIGKILL)
first = len(log_lines())
check(code == -signal.SIGKILL and 3 <= first < 8, f"killed with {first} runs logged")
code, out, err = run_until(first + 2, signal.SIGINT)
second = len(log_lines())
check(code == 130, f"Ctrl-C ends the sweep with 130 (got {code})")
check(f"{first} of 8 runs already in" in err, "the second start resumes from the log")
check(first < second < 8, f"{second} runs logged after the second start")

r = subprocess.run([cmcl, script, log], capture_output=True, text=True, timeout=120)
check(r.returncode == 0 and r.stdout == "8\n", f"a finished sweep prints only its results on stdout ({r.stdout!r})")
ran = re.findall(r"^\[\d+/8\]", r.stderr, re.M)
check(f"{second} of 8 runs already in" in r.stderr and len(ran) == 8 - second, f"the third start ran only the {8 - second} missing runs")
runs = [json.loads(l) for l in log_lines()]
keys = [(json.dumps(x["config"], sort_keys=True), x["seed"]) for x in runs]
check(len(runs) == 8 and len(set(keys)) == 8, f"the log holds each run once ({len(runs)} lines)")
check(all(x["status"] == "ok" and x["cmcl"].startswith("cmcl ") and x["time"].endswith("Z") for x in runs), "every line is a finished run")
# The third start ran exactly the missing runs.
again = subprocess.run([cmcl, script, log], capture_output=True, text=True, timeout=60)
check("8 of 8 runs already in" in again.stderr and not re.findall(r"^\[\d+/8\]", again.stderr, re.M),
      "a finished sweep runs nothing again")
# The SST-2 example, killed after four runs and started again, trains only the other eleven.
root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The data root as cmcl finds it: $CMCL_DATA, else ../shared/data beside the repository.
data = os.environ.get("CMCL_DATA") or os.path.join(os.path.dirname(root), "shared", "data")
glue = os.path.join(os.path.join(root, data) if not os.path.isabs(data) else data, "glue")
if not os.path.exists(os.path.join(glue, "SST-2", "train.tsv")):
    print(f"SKIP examples/experiment.cmcl: no GLUE data at {glue} (CMCL_DATA; scripts/fetch-data)")
else:
    log = os.path.join(work, "sst2.jsonl")
    example = [cmcl, os.path.join(root, "examples", "experiment.cmcl"), glue, log]
    p = subprocess.Popen(example, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=root)
    deadline = time.time() + 600
    while len(log_lines()) < 4 and time.time() < deadline and p.poll() is None: time.sleep(0.05)
    p.send_signal(signal.SIGINT)
    p.communicate(timeout=120)
    killed = len(log_lines())
    check(p.returncode == 130 and 4 <= killed < 15, f"the example stopped by Ctrl-C after {killed} runs (exit {p.returncode})")
    r = subprocess.run(example, capture_output=True, text=True, timeout=900, cwd=root)
    ran = re.findall(r"^\[\d+/15\]", r.stderr, re.M)
    check(r.returncode == 0 and f"{killed} of 15 runs already in" in r.stderr and len(ran) == 15 - killed,
          f"the second start trained only the {15 - killed} missing runs (ran {len(ran)})")
    check("paired differences against plain" in r.stdout and "CmpDrop" in r.stdout, "the comparison table is printed")
    runs = [json.loads(l) for l in log_lines()]
    check(len(runs) == 15 and len({(x["name"], x["seed"]) for x in runs}) == 15, "the example's log holds 15 distinct runs")
print("resume:", "FAILED" if failures else "passed")
sys.exit(1 if failures else 0)
