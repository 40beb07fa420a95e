#!/usr/bin/env python3
"""Drives the real `cmcl` binary through a pseudo-terminal (pexpect).

usage: test_repl.py PATH/TO/cmcl
Prints one line per test and a closing `repl: N passed, M failed`; exits 1 on failure.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

import pexpect

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import timebound  # noqa: E402  (Tests/timebound.py)

BIN = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else ".build/release/cmcl"
TIMEOUT = 15
TMP = tempfile.mkdtemp(prefix="cmcl-repl-test-")
TESTS = []


def test(fn):
    TESTS.append(fn)
    return fn


def prompt(n):
    return r"In \[%d\]: " % n


def spawn(history=None, extra_env=None):
    env = dict(os.environ)
    env.update({
        "HOME": TMP,
        "INPUTRC": "/dev/null",
        "TERM": "xterm",
        "NO_COLOR": "1",
        "CMCL_HISTORY": history or os.path.join(TMP, "history-%d" % len(os.listdir(TMP))),
    })
    env.update(extra_env or {})
    child = pexpect.spawn(BIN, env=env, cwd=TMP, encoding="utf-8", timeout=TIMEOUT, dimensions=(40, 200))
    child.expect(prompt(1))
    return child


def run_cell(child, text, next_cell):
    child.sendline(text)
    child.expect(prompt(next_cell))
    return child.before


def quit(child):
    child.sendline(":quit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, "exit status %r" % child.exitstatus


@test
def history_is_recalled_in_a_new_session():
    history = os.path.join(TMP, "shared-history")
    a = spawn(history)
    run_cell(a, "4200 + 42", 2)
    run_cell(a, "let recalled_name = 7", 3)
    quit(a)
    with open(history) as f:
        assert "4200 + 42" in f.read()
    b = spawn(history)
    b.send("\x10")            # Ctrl-P: previous entry (`:quit`)
    b.send("\x10")            # `let recalled_name = 7`
    b.send("\x1b[A")          # Up arrow: `4200 + 42`
    b.send("\r")
    b.expect(r"Out\[1\]: 4242")
    b.expect(prompt(2))
    quit(b)


@test
def tab_completes_a_builtin():
    c = spawn()
    c.send("pri\t")
    c.expect(r"print\(")
    c.send("\"completed\")\r")
    c.expect("completed")
    c.expect(prompt(2))
    quit(c)


@test
def tab_completes_a_member_after_dot():
    c = spawn()
    run_cell(c, "let cfg = {epochs: 3, lr: 0.5, model: {layers: 12}}", 2)
    c.send("cfg.ep\t")
    c.expect("epochs")
    c.send("\r")
    c.expect(r"Out\[2\]: 3")
    c.expect(prompt(3))
    c.send("cfg.model.la\t\r")
    c.expect(r"Out\[3\]: 12")
    c.expect(prompt(4))
    quit(c)


@test
def multi_line_function_definition():
    c = spawn()
    c.sendline("fn add(a, b) {")
    c.expect(r"\.\.\.: ")
    c.sendline("  let s = a + b")
    c.expect(r"\.\.\.: ")
    c.sendline("  s * 10")
    c.expect(r"\.\.\.: ")
    c.sendline("}")
    c.expect(prompt(2))
    c.sendline("add(2,")
    c.expect(r"\.\.\.: ")
    c.sendline("    3)")
    c.expect(r"Out\[2\]: 50")
    c.expect(prompt(3))
    quit(c)


@test
def error_then_successful_cell():
    c = spawn()
    run_cell(c, "let total = 40", 2)
    out = run_cell(c, "totl + 2", 3)
    assert "name `totl` is not defined" in out, out
    assert "did you mean `total`?" in out, out
    c.sendline("total + 2")
    c.expect(r"Out\[3\]: 42")
    c.expect(prompt(4))
    quit(c)


@test
def ctrl_c_interrupts_a_running_cell():
    c = spawn()
    run_cell(c, "let kept = 5", 2)
    c.sendline("let n = 0; while true { n = n + 1; if n == 1000 { print(\"spinning\") } }")
    c.expect(r"spinning\r?\n")      # the output, not the echo of the command
    start = time.time()
    c.sendintr()
    c.expect("cancelled by Ctrl-C")
    c.expect(prompt(3))
    assert time.time() - start < timebound.bound(5), "interrupt took too long"
    c.sendline("kept + 1")
    c.expect(r"Out\[3\]: 6")
    c.expect(prompt(4))
    c.sendline("n >= 1000")
    c.expect(r"Out\[4\]: true")
    c.expect(prompt(5))
    quit(c)


@test
def ctrl_c_at_the_prompt_clears_the_line_and_ctrl_d_exits():
    c = spawn()
    c.send("this line is abandoned")
    c.sendintr()
    c.expect(r"\^C")
    c.expect(prompt(1))
    c.sendline("1 + 1")
    c.expect(r"Out\[1\]: 2")
    c.expect(prompt(2))
    c.sendline("fn unfinished(x) {")
    c.expect(r"\.\.\.: ")
    c.sendintr()
    c.expect(prompt(2))
    c.sendcontrol("d")
    c.expect(pexpect.EOF)
    c.close()
    assert c.exitstatus == 0, c.exitstatus


@test
def underscore_and_numbered_outputs():
    c = spawn()
    c.sendline("6 * 7")
    c.expect(r"Out\[1\]: 42")
    c.expect(prompt(2))
    c.sendline("_ + 1")
    c.expect(r"Out\[2\]: 43")
    c.expect(prompt(3))
    c.sendline("[_1, _2, _]")
    c.expect(r"Out\[3\]: \[42, 43, 43\]")
    c.expect(prompt(4))
    quit(c)


@test
def save_writes_a_script_that_replays_the_output():
    c = spawn()
    cells = [
        "let xs = [3, 1, 2]",
        "sorted(xs)",
        "undefined_thing",
        "fn scale(v, k: 2) {\n  v * k\n}",
        "print(\"scaled\", scale(_2[2], k: 10))",
        "{best: _2[0], n: len(xs)}",
    ]
    n = 1
    transcript = ""
    for cell in cells:
        lines = cell.split("\n")
        for line in lines[:-1]:
            c.sendline(line)
            c.expect(r"\.\.\.: ")
        c.sendline(lines[-1])
        n += 1
        c.expect(prompt(n))
        transcript += c.before
    path = os.path.join(TMP, "saved.cmcl")
    c.sendline(":save " + path)
    c.expect("saved 5 cells")
    c.expect(prompt(n))
    quit(c)
    result = subprocess.run([BIN, path], capture_output=True, text=True, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "scaled 30\n", repr(result.stdout)
    with open(path) as f:
        saved = f.read()
    # What was typed, as typed; the values shown as comments. Only a cell whose value a later
    # cell reads (`_2`) binds it.
    assert "undefined_thing" not in saved
    assert "repr(" not in saved and "let _6" not in saved, saved
    assert "let _2 = sorted(xs)" in saved, saved
    for cell in cells[:1] + cells[3:]:
        assert cell in saved, (cell, saved)
    for shown in ["# Out[2]: [1, 2, 3]", "# Out[6]: {best: 1, n: 3}"]:
        assert shown in saved, (shown, saved)
        assert shown[2:] in transcript, (shown, transcript)


@test
def meta_commands():
    c = spawn()
    out = run_cell(c, ":help range", 1)
    assert "range(start, stop: nil, step: 1)" in out and "example:" in out, out
    out = run_cell(c, ":hepl", 1)
    assert "did you mean `:help`?" in out, out
    run_cell(c, "let rate = 0.25", 2)
    out = run_cell(c, ":vars", 2)
    assert re.search(r"rate\s+number\s+0\.25", out), out
    out = run_cell(c, ":type rate", 2)
    assert "number" in out, out
    c.sendline(":time sum(range(1000))")
    c.expect(r"Out\[2\]: 499500")
    c.expect(r"time: [0-9.]+ (µs|ms|s)")
    c.expect(prompt(3))
    script = os.path.join(TMP, "lib.cmcl")
    with open(script, "w") as f:
        f.write("fn cube(v) => v * v * v\n")
    run_cell(c, ":load lib.cmcl", 3)
    c.sendline("cube(3)")
    c.expect(r"Out\[3\]: 27")
    c.expect(prompt(4))
    out = run_cell(c, ":reset", 1)
    assert "session reset" in out, out
    out = run_cell(c, "rate", 2)
    assert "not defined" in out, out
    quit(c)


@test
def completes_file_paths_in_strings():
    os.makedirs(os.path.join(TMP, "datadir"), exist_ok=True)
    with open(os.path.join(TMP, "datadir", "train_split.txt"), "w") as f:
        f.write("x\n")
    c = spawn()
    c.send("let p = \"datad\t")
    c.expect("datadir/")
    c.send("tra\t")
    c.expect("train_split.txt\"")     # a unique file closes the string
    c.send("\r")
    c.expect(prompt(2))
    c.sendline("p")
    c.expect(r"Out\[2\]: \"datadir/train_split.txt\"")
    c.expect(prompt(3))
    quit(c)


@test
def stdin_that_is_not_a_terminal_runs_as_a_script():
    result = subprocess.run([BIN], input="let a = 2\nprint(a * 21)\na\n", capture_output=True, text=True,
                            timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "42\n", repr(result.stdout)


TRAIN_SETUP = ("let d = synth.sentiment(n: 400, noise: 0.5, length: 20, seed: 1); "
               "let tok = word_tokenizer(d); let tr = encode(d, tok, max_len: 22); "
               "let net = bag_of_embeddings(vocab: len(tok), dim: 16, hidden: [16], classes: 2, seed: 1)")


@test
def ctrl_c_stops_a_long_map_quickly():
    c = spawn()
    c.sendline("print(\"mapping\"); let ys = map(range(10000000), fn(x) => x * 2)")
    c.expect(r"mapping\r?\n")
    time.sleep(0.5)
    start = time.time()
    c.sendintr()
    c.expect("cancelled by Ctrl-C")
    c.expect(prompt(2))
    assert time.time() - start < timebound.bound(3), "interrupt took %.1f s" % (time.time() - start)
    quit(c)


@test
def ctrl_c_stops_fit_in_an_endless_loop():
    c = spawn()
    run_cell(c, TRAIN_SETUP, 2)
    c.sendline("let rounds = 0; while true { fit(net, tr, loss: ce, epochs: 1, progress: false); rounds += 1; if rounds == 2 { print(\"training\") } }")
    c.expect(r"training\r?\n")
    c.sendintr()
    c.expect("cancelled by Ctrl-C")
    c.expect(prompt(3))
    c.sendline("1 + 1")
    c.expect(r"Out\[3\]: 2")
    c.expect(prompt(4))
    quit(c)


def run_script_interrupted(source, marker, extra_args=(), after=0.3):
    """Runs a script, sends SIGINT once `marker` was printed; returns (exit code, stdout, stderr)."""
    path = os.path.join(TMP, "interrupted-%d.cmcl" % len(os.listdir(TMP)))
    with open(path, "w") as f:
        f.write(source)
    proc = subprocess.Popen([BIN] + list(extra_args) + [path], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, stdin=subprocess.DEVNULL)
    seen = ""
    deadline = time.time() + TIMEOUT
    while marker is not None and marker not in seen and time.time() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        seen += line
    assert marker is None or marker in seen, "no %r in output: %r" % (marker, seen)
    time.sleep(after)
    proc.send_signal(2)
    out, err = proc.communicate(timeout=TIMEOUT)
    return proc.returncode, seen + out, err, path


@test
def ctrl_c_stops_a_script_inside_a_map_callback():
    code, out, err, _ = run_script_interrupted(
        "print(\"mapping\")\nlet ys = map(range(10000000), fn(x) => x * 2)\nprint(\"finished\")\n", "mapping")
    assert code == 130, (code, err)
    assert "finished" not in out, out
    assert "stopped by Ctrl-C" in err, err


@test
def ctrl_c_during_fit_ends_a_sweep_with_130():
    source = TRAIN_SETUP.replace("; ", "\n") + (
        "\nfor seed in [1, 2, 3] {\n  print(\"seed\", seed)\n"
        "  fit(net, tr, loss: ce, epochs: 2000, seed: seed, progress: false)\n}\nprint(\"done\")\n")
    code, out, err, _ = run_script_interrupted(source, "seed 1", after=1.0)
    assert code == 130, (code, out, err)
    assert "seed 2" not in out and "done" not in out, out
    assert "training stopped after step" in err, err


@test
def an_interrupted_notebook_is_not_recorded():
    source = "print(\"recording\")\n# > old\nlet n = 0\nwhile true { n += 1 }\n"
    # `cmcl test` captures the notebook's output: interrupt after a while instead of on a marker.
    code, out, err, path = run_script_interrupted(source, None, extra_args=["test", "--record"], after=1.5)
    with open(path) as f:
        assert f.read() == source, "the notebook was rewritten"
    assert code == 130, (code, out, err)



@test
def pasted_function_with_a_blank_line():
    c = spawn()
    c.sendline("fn f(x) {")
    c.expect(r"\.\.\.: ")
    c.sendline("  let y = x * 2")
    c.expect(r"\.\.\.: ")
    c.sendline("")
    c.expect(r"\.\.\.: ")
    c.sendline("  y + 1")
    c.expect(r"\.\.\.: ")
    c.sendline("}")
    c.expect(prompt(2))
    c.sendline("f(20)")
    c.expect(r"Out\[2\]: 41")
    c.expect(prompt(3))
    quit(c)


@test
def unterminated_string_is_an_error_at_once():
    c = spawn()
    out = run_cell(c, 'print("abc', 2)
    assert "unterminated string" in out, out
    c.sendline("1 + 1")
    c.expect(r"Out\[2\]: 2")
    c.expect(prompt(3))
    quit(c)


@test
def plots_fill_the_terminal_width_and_export_as_svg():
    c = spawn()
    out = run_cell(c, "plot({a: [1, 3, 2, 5], b: [2, 2, 3, 1]})", 2)
    axis = [line for line in out.splitlines() if "\u2514" in line]  # the x axis
    assert axis and 180 <= len(axis[0].rstrip()) <= 200, (len(axis[0]) if axis else None, out)
    html = os.path.join(TMP, "session.html")
    out = run_cell(c, ':export "%s"' % html, 2)
    assert "exported 1 cell" in out, out
    with open(html, encoding="utf-8") as f:
        text = f.read()
    assert text.count("<svg") == 1 and "plot({a:" in text, text[:300]
    quit(c)


def ipynb(*cells):
    """A Jupyter notebook (nbformat 4.5) of cmcl code cells, as text."""
    return json.dumps({"nbformat": 4, "nbformat_minor": 5,
                       "metadata": {"kernelspec": {"name": "cmcl", "display_name": "cmcl", "language": "cmcl"}},
                       "cells": [{"cell_type": "code", "id": "cell-%d" % i, "metadata": {}, "execution_count": None,
                                  "outputs": [], "source": code} for i, code in enumerate(cells)]})


def run_notebook(source, extra=(), interrupt_after=None, suffix=".cmcl"):
    """Runs `cmcl notebook` on `source` (a .cmcl notebook, or a .ipynb with `suffix`);
    returns (exit code, stderr, html)."""
    path = os.path.join(TMP, "nb-%d%s" % (len(os.listdir(TMP)), suffix))
    out = path[:-len(suffix)] + ".html"
    with open(path, "w") as f:
        f.write(source)
    proc = subprocess.Popen([BIN, "notebook", path, "-o", out] + list(extra), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    if interrupt_after is not None:
        time.sleep(interrupt_after)
        proc.send_signal(2)
    _, err = proc.communicate(timeout=TIMEOUT)
    html = open(out, encoding="utf-8").read() if os.path.exists(out) else ""
    return proc.returncode, err, html


@test
def notebook_exits_70_after_a_failing_cell_unless_allowed():
    source = "let results = error(\"diverged\")\n\nprint(\"later\")\n\nprint(results)\n"
    code, err, html = run_notebook(source)
    assert code == 70, (code, err)
    assert "cell 1/3" in err and "cell 3/3" in err, err          # per-cell progress on stderr
    assert "2 errors" in err, err
    assert "undefined because the cell at line 1 failed" in html, html[-2000:]
    assert "later" in html                                       # later cells still run
    code, err, _ = run_notebook(source, extra=["--allow-errors"])
    assert code == 0, (code, err)


@test
def notebook_stops_with_130_on_ctrl_c():
    source = "print(\"first\")\n\nlet n = 0\nwhile true { n += 1 }\n\nprint(\"never \" + \"printed\")\n"
    code, err, html = run_notebook(source, interrupt_after=1.5)
    assert code == 130, (code, err)
    assert "never printed" not in html, html[-1500:]
    assert "Ctrl-C" in err, err


# A Jupyter notebook run by `cmcl notebook X.ipynb` ends as a .cmcl notebook does.
@test
def ipynb_notebook_exits_70_after_a_failing_cell_unless_allowed():
    source = ipynb("let results = error(\"diverged\")", "print(\"later\")", "print(results)")
    code, err, html = run_notebook(source, suffix=".ipynb")
    assert code == 70, (code, err)
    assert "2 errors" in err, err
    assert "diverged" in html and "later" in html, html[-2000:]   # later cells still run
    code, err, _ = run_notebook(source, extra=["--allow-errors"], suffix=".ipynb")
    assert code == 0, (code, err)
    # A failed `:` command is a failed cell too.
    code, err, _ = run_notebook(ipynb(":load no-such-file.cmcl", "1 + 1"), suffix=".ipynb")
    assert code == 70 and "1 error" in err, (code, err)


@test
def ipynb_notebook_stops_with_130_on_ctrl_c():
    source = ipynb("print(\"first\")", "let n = 0\nwhile true { n += 1 }", "print(\"never \" + \"printed\")")
    code, err, html = run_notebook(source, interrupt_after=1.5, suffix=".ipynb")
    assert code == 130, (code, err)
    assert "first" in html and "never printed" not in html, html[-1500:]
    assert "Ctrl-C" in err, err


@test
def ctrl_c_in_fit_keeps_the_history_and_says_the_model_changed():
    c = spawn()
    run_cell(c, TRAIN_SETUP, 2)
    c.sendline("let h = fit(net, tr, loss: ce, epochs: 2000, progress: false)")
    time.sleep(1.5)
    c.sendintr()
    c.expect("the model was changed")
    c.expect(prompt(3))
    c.sendline("h.stopped_early")
    c.expect(r"Out\[3\]: true")
    c.expect(prompt(4))
    c.sendline("len(h.steps) > 0")
    c.expect(r"Out\[4\]: true")
    c.expect(prompt(5))
    quit(c)


@test
def a_cancelled_let_is_named_in_the_repl():
    c = spawn()
    run_cell(c, "fn spin() { let n = 0; while true { n += 1 }; n }", 2)
    c.sendline("let results = spin()")
    time.sleep(1.0)
    c.sendintr()
    c.expect("cancelled by Ctrl-C")
    c.expect(prompt(3))
    out = run_cell(c, "results", 4)
    assert "`results` is undefined because the cell at In [2] was cancelled" in out, out
    quit(c)


@test
def help_is_reachable():
    c = spawn()
    out = run_cell(c, "fit?", 1)
    assert "fit(model, data" in out and "5e-5" in out and "1e-3" in out, out
    c.sendline("print(help(fit))")
    c.expect("Hugging Face Trainer")
    c.expect(prompt(2))
    out = run_cell(c, ":help save_pretrained", 2)
    assert "Model.save_pretrained(self, dir" in out, out
    out = run_cell(c, ":help compare", 2)
    assert "also a topic" in out, out
    out = run_cell(c, ":help topic compare", 2)
    assert "cmpdrop" in out, out
    out = run_cell(c, "save(1, \"x\")", 3)
    assert "is a method of" in out and ".save(" in out, out
    out = run_cell(c, "map([1, 2], s => s * 2)", 4)
    assert "fn(s) =>" in out, out
    quit(c)


@test
def completion_offers_named_arguments_and_glue_tasks():
    c = spawn()
    run_cell(c, TRAIN_SETUP, 2)
    c.send("fit(net, tr, ep\t")
    c.expect("epochs: ")
    c.send("1, progress: false).steps.len()\r")
    c.expect(prompt(3))
    c.send("glue(\"ss\t")
    c.expect("sst2\"")
    c.sendcontrol("c")
    c.expect(prompt(3))
    quit(c)


@test
def a_missing_data_file_names_the_data_root():
    env = dict(os.environ, CMCL_DATA=os.path.join(TMP, "no-data"))
    r = subprocess.run([BIN, "-e", "squad(data_dir(\"squad/dev-v1.1.json\"))"], capture_output=True, text=True,
                       timeout=TIMEOUT, env=env, stdin=subprocess.DEVNULL)
    assert r.returncode == 70, (r.returncode, r.stderr)
    assert "the data root is " + env["CMCL_DATA"] in r.stderr and "CMCL_DATA=" in r.stderr, r.stderr
    assert "scripts/fetch-data" in r.stderr, r.stderr


@test
def step_runs_a_notebook_cell_by_cell():
    path = os.path.join(TMP, "lesson.cmcl")
    with open(path, "w") as f:
        f.write("# A lesson\nlet a = 20\n\nprint(\"second\", a + 1)\n# > second 21\n")
    c = spawn()
    out = run_cell(c, ":step " + path, 2)
    assert "(cell 1/2)" in out and "let a = 20" in out, out
    out = run_cell(c, ":step", 3)
    assert "(cell 2/2)" in out and "second 21" in out, out
    out = run_cell(c, ":step", 3)
    assert "end of" in out, out
    quit(c)


@test
def progress_lines_on_a_terminal():
    c = spawn()
    run_cell(c, TRAIN_SETUP, 2)
    out = run_cell(c, "let h = fit(net, tr, loss: ce, epochs: 1)", 3)
    assert "step 13/13" in out and "done" in out and "0 µs left" not in out, out
    out = run_cell(c, "let curve = ablation_curve(net, tr, cmpdrop(2, p: 0.1), batch: 16)", 4)
    assert "ablation_curve cmpdrop(2" in out and "batch" in out and "done in" in out, out
    quit(c)


@test
def a_script_shows_fit_progress_on_a_terminal_and_in_a_log():
    path = os.path.join(TMP, "train-script.cmcl")
    with open(path, "w") as f:
        f.write(TRAIN_SETUP + "\nfit(net, tr, loss: ce, epochs: 3)\nprint(\"trained\")\n")
    # Off a terminal (a log): a line every CMCL_PROGRESS_SECONDS, then the final loss.
    env = dict(os.environ, CMCL_PROGRESS_SECONDS="0", NO_COLOR="1")
    proc = subprocess.run([BIN, path], capture_output=True, text=True, env=env, cwd=TMP, timeout=60,
                          stdin=subprocess.DEVNULL)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "trained\n", proc.stdout
    timed = re.findall(r"^epoch \d/3  step \d+/39  loss \d\.\d{4}  .* left$", proc.stderr, re.M)
    assert len(timed) >= 10, proc.stderr
    assert "trained 39 steps, final loss" in proc.stderr, proc.stderr
    # At a terminal: the line drawn in place, ending in "done".
    child = pexpect.spawn(BIN, [path], env=env, cwd=TMP, encoding="utf-8", timeout=60, dimensions=(40, 200))
    child.expect("trained")
    assert "steps/s" in child.before and "done" in child.before, child.before
    child.expect(pexpect.EOF)
    child.close()


def main():
    passed = failed = 0
    start = time.time()
    for fn in TESTS:
        t0 = time.time()
        try:
            fn()
            passed += 1
            print("ok   %s (%.2f s)" % (fn.__name__, time.time() - t0))
        except Exception as e:  # noqa: BLE001 - report every failure and go on
            failed += 1
            print("FAIL %s: %s" % (fn.__name__, e))
            if isinstance(e, (pexpect.TIMEOUT, pexpect.EOF)):
                print("     (expect timed out or the process ended)")
            traceback.print_exc(limit=3)
    shutil.rmtree(TMP, ignore_errors=True)
    print("repl: %d passed, %d failed (%.1f s)" % (passed, failed, time.time() - start))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
