#!/usr/bin/env python3
"""Runs the hostile-input corpus (Tests/hostile/cases.py) against a built cmcl.

usage: run.py PATH/TO/cmcl [NAME-SUBSTRING...]

Each case is run in its own process with a 4 GB address-space limit and a timeout, and
must end the way its case says: the exit code, words on standard error, and nothing worse
(no signal, no hang, no flood of output). Prints `hostile: N passed, M failed`; exits 1 on
failure. The whole run has a time budget (CMCL_HOSTILE_BUDGET seconds, default 90): cases
that would start after it are counted as failed.
"""
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import timebound  # noqa: E402  (Tests/timebound.py)
import cases as corpus  # noqa: E402

BIN = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else ".build/release/cmcl"
ONLY = sys.argv[2:]
BUDGET = float(os.environ.get("CMCL_HOSTILE_BUDGET", "90"))
MEMORY_LIMIT = 4 << 30
MAX_STDERR = 64 << 10


def limit_resources():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.setsid()


def describe(rc):
    if rc is None:
        return "no exit"
    if rc < 0:
        return "killed by %s" % signal.Signals(-rc).name
    return "exit %d" % rc


def run_process(case, workdir):
    """Runs a non-interactive case; returns (problem or None, seconds)."""
    env = dict(os.environ, HOME=workdir, NO_COLOR="1", SWIFT_BACKTRACE="enable=no",
               CMCL_HISTORY=os.path.join(workdir, "history"))
    env.update(case.env)
    argv = [BIN] + [a.replace("{input}", case.input_path).replace("{dir}", workdir) for a in case.args]
    stdin = open(case.input_path, "rb") if case.stdin == "input" else subprocess.DEVNULL
    start = time.time()
    command = argv
    if case.shell:
        command = ["/bin/sh", "-c", case.shell.replace("{bin}", BIN).replace("{input}", case.input_path)
                   .replace("{dir}", workdir)]
    proc = subprocess.Popen(command, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            cwd=workdir, env=env, preexec_fn=limit_resources)
    signalled = None
    early = b""
    if case.interrupt is not None:
        # Wait for `ready` on standard error, then give the builtin `interrupt` seconds to start.
        while b"ready" not in early:
            if time.time() - start > case.timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.communicate()
                return "never wrote ready", time.time() - start
            r, _, _ = select.select([proc.stderr], [], [], 0.1)
            chunk = os.read(proc.stderr.fileno(), 1 << 16) if r else b""
            if r and not chunk:
                out, err = proc.communicate()
                return "ended before Ctrl-C was sent (%s); stderr: %s" % (
                    describe(proc.returncode), (early + err).decode("utf-8", "replace")[:300].strip()), \
                    time.time() - start
            early += chunk
        time.sleep(case.interrupt)
        if proc.poll() is not None:
            return "ended before Ctrl-C was sent (%s)" % describe(proc.returncode), time.time() - start
        signalled = time.time()
        proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=case.timeout)
        err = early + err
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return "hung (no exit within %g s)" % case.timeout, time.time() - start
    seconds = time.time() - start
    if signalled is not None and time.time() - signalled > timebound.bound(case.stop_within):
        return "took %.2f s to stop after Ctrl-C (at most %.2g s: %g s idle, scaled by the load, Tests/timebound.py)" % (
            time.time() - signalled, timebound.bound(case.stop_within), case.stop_within), seconds
    err_text = err.decode("utf-8", "replace")
    if proc.returncode not in case.exit:
        return "%s, expected exit %s; stderr: %s" % (describe(proc.returncode), "/".join(map(str, case.exit)),
                                                   err_text[:300].strip()), seconds
    if len(err) > MAX_STDERR:
        return "%d bytes on stderr (at most %d)" % (len(err), MAX_STDERR), seconds
    for words in case.stderr:
        if words not in err_text:
            return "stderr lacks %r: %s" % (words, err_text[:300].strip()), seconds
    for words in case.stdout:
        if words not in out.decode("utf-8", "replace"):
            return "stdout lacks %r: %s" % (words, out[:300]), seconds
    return None, seconds


def main():
    if not os.access(BIN, os.X_OK):
        print("test-hostile: no executable at %s" % BIN)
        print("hostile: 0 passed, 1 failed")
        return 1
    selected = [c for c in corpus.CASES if not ONLY or any(o in c.name for o in ONLY)]
    names = [c.name for c in selected]
    assert len(names) == len(set(names)), "case names must be unique"
    passed = failed = 0
    began = time.time()
    root = tempfile.mkdtemp(prefix="cmcl-hostile-")
    try:
        for case in selected:
            if time.time() - began > BUDGET:
                print("FAIL %s: not run, the %g s budget is spent" % (case.name, BUDGET))
                failed += 1
                continue
            workdir = os.path.join(root, case.name)
            os.makedirs(workdir)
            case.prepare(workdir)
            try:
                if case.repl is not None:
                    problem, seconds = corpus.run_repl(BIN, case, workdir)
                else:
                    problem, seconds = run_process(case, workdir)
            except Exception as e:  # a broken case is a failure, not a crash of the runner
                problem, seconds = "runner error: %r" % e, 0.0
            if problem:
                print("FAIL %s: %s" % (case.name, problem))
                failed += 1
            else:
                print("ok   %s (%.2f s)" % (case.name, seconds))
                passed += 1
            shutil.rmtree(workdir, ignore_errors=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print("hostile: %d passed, %d failed (%.1f s)" % (passed, failed, time.time() - began))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
