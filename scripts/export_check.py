#!/usr/bin/env python3
"""Checks that a PyTorch export reproduces cmcl (needs torch and transformers).

    python scripts/export_check.py .build/release/cmcl [WORKDIR]

1. Before training, the exported model's eval-mode logits equal cmcl's (1e-5).
2. With dropout rate 0, the first 20 step losses of a 2-process torchrun (gloo) equal cmcl's
   single-process losses on the same global batches (1e-4).
3. With CmpDrop on, the exported objective on fixed masks (cmcl's own uniform draws) gives
   cmcl's loss value and gradients, for every target, ranking and mode.
4. examples/scale-out.cmcl, exported and trained with torchrun, ends within noise of cmcl's
   accuracy, and its run log reads back into cmcl.
5. SQuAD windows and a span head: eval logits before training (1e-5), cmcl's decoded answers
   and official EM/F1 on the first 32 questions reproduced exactly, 20 steps at dropout 0 on 2
   processes equal cmcl's losses (1e-4), EM/F1 after the same steps.
6. A CmpDrop SQuAD fine-tune ends within noise of cmcl's EM and F1.
7. ELECTRA and RoBERTa checkpoints: eval logits (1e-5) and 20 steps without dropout (1e-4).
3 also runs on the span head (start and end losses on SQuAD windows).
CMCL_EXPORT_CHECKS=135 runs only those checks.
Prints the largest differences; exits non-zero when a check fails.
"""
import json
import math
import os
import pathlib
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
CMCL = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else str(ROOT / ".build/release/cmcl")
WORK = pathlib.Path(sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="cmcl-export-"))
WORK.mkdir(parents=True, exist_ok=True)
failures = []


def run_cmcl(code, *args):
    script = WORK / "script.cmcl"
    script.write_text(code)
    out = subprocess.run([CMCL, str(script), *args], capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        sys.exit(f"cmcl failed:\n{out.stdout}\n{out.stderr}")
    return out.stdout


def tagged(stdout, tag):
    """Lines `TAG rest` of a cmcl script's output, parsed as JSON."""
    return [json.loads(line[len(tag) + 1:]) for line in stdout.splitlines() if line.startswith(tag + " ")]


def torchrun(directory, *extra):
    env = dict(os.environ, OMP_NUM_THREADS="1")
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node=2", "--master_port", str(29500 + os.getpid() % 1000),
           str(directory / "train.py"), "--device", "cpu", *extra]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        sys.exit(f"torchrun failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}")
    return [json.loads(line) for line in (directory / "runs" / "history.jsonl").read_text().splitlines()]


def report(name, value, limit):
    ok = value <= limit
    print(f"  {'ok  ' if ok else 'FAIL'} {name}: max abs diff {value:.3g} (limit {limit:g})")
    if not ok:
        failures.append(name)


def compare_steps(name, cmcl_losses, log):
    """The step losses of a torchrun log against cmcl's (1e-4); False when the step counts differ."""
    torch_losses = [r["loss"] for r in log if r["type"] == "step"]
    if len(torch_losses) != len(cmcl_losses):
        failures.append(name)
        print(f"  FAIL {name}: torchrun ran {len(torch_losses)} steps, cmcl {len(cmcl_losses)}")
        return False
    report(name, max(abs(a - b) for a, b in zip(cmcl_losses, torch_losses)), 1e-4)
    return True


DATA = """
let data = synth.sentiment(n: 400, noise: 0.5, length: 16, seed: 5)
let tok = word_tokenizer(data)
let train = encode(data, tok, max_len: 20)
"""


def check_zero_dropout_steps():
    print("2. 20 steps at dropout 0: torchrun (2 processes, gloo) vs cmcl (1 process)")
    directory = WORK / "zero"
    out = run_cmcl(DATA + f"""
let net = transformer(vocab: len(tok), layers: 2, hidden: 32, heads: 2, intermediate: 64, max_len: 32, dropout: 0, seed: 3)
let loss = cmp(ce, ablate: cmpdrop(2))
export_torch(net, train, "{directory}", loss: loss, optimizer: adamw(lr: 2e-3), schedule: warmup_linear(ratio: 0.2),
             steps: 20, batch: 16, seed: 4)
let h = fit(net, train, loss: loss, optimizer: adamw(lr: 2e-3), schedule: warmup_linear(ratio: 0.2),
            steps: 20, batch: 16, seed: 4, progress: false)
# The objective (the ranking loss here), each number in full: lists print 6 significant digits.
print("LOSSES", h.objective.map(str))
""")
    log = torchrun(directory, "--no-save")
    compare_steps("step losses", [float(x) for x in tagged(out, "LOSSES")[0]], log)


class Xoshiro:
    """cmcl's Generator (xoshiro256** seeded through SplitMix64), for its dropout draws."""
    M = (1 << 64) - 1

    def __init__(self, seed):
        x = seed
        state = []
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & self.M
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & self.M
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & self.M
            state.append(z ^ (z >> 31))
        self.s = state

    def next(self):
        s, M = self.s, self.M

        def rotl(v, k):
            return ((v << k) | (v >> (64 - k))) & M
        result = (rotl((s[1] * 5) & M, 7) * 9) & M
        t = (s[1] << 17) & M
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def uniform(self, shape):
        import torch
        n = math.prod(shape)
        return torch.tensor([(self.next() >> 40) * 2.0 ** -24 for _ in range(n)], dtype=torch.float32).reshape(shape)


P = float(os.environ.get("CMCL_EXPORT_P", "0.2"))


def check_fixed_masks(data=DATA, network=None, task="classification", loss="ce", configs=None, label="", directory="masks"):
    print(f"3{label}. CmpDrop on cmcl's own masks: loss value and gradients")
    network = network or "transformer(vocab: len(tok), layers: 2, hidden: 32, heads: 2, intermediate: 64, max_len: 32, dropout: 0.1, seed: 3)"
    sys.path.insert(0, str(WORK / directory))
    if configs is None:
        configs = [("comparative", t, r) for t in ("ultra", "best", "first") for r in ("pairwise", "listwise")]
        configs += [("regularize", "ultra", r) for r in ("pairwise", "listwise")]
    code = data + f"""
let net = {network}
export_torch(net, train, "{WORK / directory}", loss: cmp({loss}, ablate: cmpdrop(2)), steps: 1, batch: 8)
let b = batches(train, 8)[0]
fn dump(name, t) {{
    let xs = tolist(flatten(t))
    for i in range(0, len(xs), 100) {{ print("GRAD", [name, i, xs[i:i + 100]]) }}
}}
"""
    for i, (mode, target, ranking) in enumerate(configs):
        code += f"""
let l{i} = cmp({loss}, ablate: cmpdrop(3, p: {P}), mode: "{mode}", target: "{target}", ranking: "{ranking}", temp: 0.7, weight: 0.5)
let o{i} = l{i}(net, b)
backward(o{i}.total)
print("VALUE", item(o{i}.total))
for name in keys(net.params()) {{ dump(name, net.params()[name].grad) }}
for name in keys(net.params()) {{ zero_grad(net.params()[name]) }}
"""
    out = run_cmcl(code)
    values = tagged(out, "VALUE")
    # Whether cmcl's pairwise hinge passes gradient at an exact tie (the reference's rule).
    tie = tagged(run_cmcl('print("TIE", tolist(cmp_report(tensor([[0.5, 0.5]])).gradient))'), "TIE")[0]
    cmcl_tie_rule = abs(tie[0][1]) < 1e-12
    chunks = tagged(out, "GRAD")
    grads = []                      # per configuration: name -> flat gradient
    for name, start, part in chunks:
        if start == 0 and (not grads or name in grads[-1]):
            grads.append({})
        grads[-1].setdefault(name, []).extend(part)

    import torch
    import importlib
    exported = importlib.import_module("train")
    experiment = exported.load_experiment(str(WORK / directory))
    rows = exported.read_jsonl(str(WORK / directory / "data/train.jsonl"))[:8]
    batch = exported.collate(rows, experiment["data"]["pad_id"], task)
    plan = exported.DropoutPlan()
    model = exported.load_model(experiment, str(WORK / directory))
    sites = exported.install_sites(model, plan)
    model.train()
    b, t = batch["input_ids"].shape
    hidden, heads = model.config.hidden_size, model.config.num_attention_heads
    shapes = []
    for site in sites:
        name = site.site
        if name.endswith("attention.self.dropout"):
            shapes.append((name, (b, heads, t, t)))
        elif name == "dropout":
            shapes.append((name, (b, hidden)))
        else:
            shapes.append((name, (b, t, hidden)))
    for i, (mode, target, ranking) in enumerate(configs):
        generator = Xoshiro(0)
        preset = {name: generator.uniform(shape) for name, shape in shapes}
        spec = {"kind": "cmp", "task": task, "mode": mode, "target": target, "ranking": ranking,
                "temperature": 0.7, "weight": 0.5, "primary": "max", "drop": {"steps": 3, "p": P}, "crop": None}
        objective = exported.Objective(spec, task, plan)
        model.zero_grad(set_to_none=True)
        total, _ = objective.rows(model, batch, b, preset=preset)
        loss_value = total.mean()
        loss_value.backward()
        named = dict(model.named_parameters())
        worst = 0.0
        for name, values_list in grads[i].items():
            p = named[name] if name in named else named[model.base_model_prefix + "." + name]
            want = torch.tensor(values_list, dtype=torch.float64)
            got = p.grad.double().flatten() if p.grad is not None else torch.zeros_like(want)
            worst = max(worst, (got - want).abs().max().item())
        name = f"{label.strip(' ()') + ' ' if label else ''}{mode}/{target}/{ranking}"
        report(f"{name} value", abs(loss_value.item() - values[i]), 1e-5)
        if ranking == "pairwise" and target != "ultra" and not cmcl_tie_rule:
            # The targets best and first tie with a variant by construction; train.py follows the
            # reference (gradient at a tie), this cmcl build does not yet.
            print(f"  skip {name} gradient: this cmcl gives no gradient at a tie (difference {worst:.3g})")
            continue
        report(f"{name} gradient", worst, 1e-5)
    sys.path.remove(str(WORK / directory))
    sys.modules.pop("train", None)


SQUAD = f"""
let questions = squad("{ROOT / 'Tests/CMCLDataTests/Fixtures/squad-dev-sample.json'}")
let tok = word_tokenizer(questions.map(fn(e) => e.question + " " + e.context))
let train = encode(questions, tok, max_len: 96, stride: 32)
"""


def span_network(dropout, hidden=32):
    return (f'transformer(vocab: len(tok), layers: 2, hidden: {hidden}, heads: 2, intermediate: {2 * hidden}, max_len: 128, '
            f'head: "span", dropout: {dropout}, seed: 3)')


def check_squad_steps():
    print("5. SQuAD windows (73 questions, 211 windows of 96 tokens): eval logits, answers, 20 steps at dropout 0")
    directory = WORK / "squad-zero"
    settings = 'loss: cmp(span_ce, ablate: cmpdrop(2)), optimizer: adamw(lr: 2e-3), eval: train, steps: 20, batch: 16, seed: 4'
    out = run_cmcl(SQUAD + f"""
let net = {span_network(0)}
export_torch(net, train, "{directory}", {settings})
let h = fit(net, train, {settings}, progress: false)
print("LOSSES", h.objective.map(str))
print("EVALS", h.evals.map(fn(r) => [r.step, str(r.exact_match), str(r.f1)]))
""")
    cmcl_losses = [float(x) for x in tagged(out, "LOSSES")[0]]
    cmcl_evals = [[step, float(em), float(f1)] for step, em, f1 in tagged(out, "EVALS")[0]]
    log = torchrun(directory, "--no-save")
    checks = [r for r in log if r["type"] == "check"]
    report("span eval logits before training", checks[0]["max_abs_diff"] if checks else float("inf"), 1e-5)
    answers = [r for r in checks if r["what"] == "answers vs cmcl"]
    if answers:
        a = answers[0]
        print(f"  {'ok  ' if a['different_answers'] == 0 else 'FAIL'} decoded answers before training: "
              f"{a['different_answers']} of {a['questions']} questions differ; EM difference {a['exact_match_diff']:.3g}, "
              f"F1 difference {a['f1_diff']:.3g}")
        if a["different_answers"] != 0 or a["exact_match_diff"] > 1e-12 or a["f1_diff"] > 1e-12:
            failures.append("squad answers")
    else:
        print("  FAIL no answer check in the run log")
        failures.append("squad answers")
    if not compare_steps("span step losses", cmcl_losses, log):
        return
    torch_evals = [[r["step"], r["exact_match"], r["f1"]] for r in log if r["type"] == "eval"]
    steps_match = [e[0] for e in torch_evals] == [e[0] for e in cmcl_evals]
    worst = max((max(abs(a[1] - b[1]), abs(a[2] - b[2])) for a, b in zip(cmcl_evals, torch_evals)), default=float("inf"))
    # After 14 identical steps the weights agree to float rounding; one answer flipping on a
    # near tie moves EM or F1 by at most 1/73.
    print(f"  cmcl EM/F1 {cmcl_evals}, PyTorch {torch_evals}")
    if not steps_match:
        failures.append("squad evaluation steps")
        print("  FAIL evaluations at different steps")
    report("EM and F1 after the same steps", worst, 1.0 / 73 + 1e-9)


def check_squad_finetune():
    print("6. SQuAD fine-tune with CmpDrop (dropout 0.1, 8 epochs, scored on the 73 training questions): cmcl vs torchrun")
    directory = WORK / "squad-tune"
    settings = ('loss: cmp(span_ce, ablate: cmpdrop(1)), optimizer: adamw(lr: 3e-3), schedule: warmup_linear(ratio: 0.1), '
                'eval: train, epochs: 8, batch: 16, seed: 4, keep_best: "f1"')
    out = run_cmcl(SQUAD + f"""
let net = {span_network(0.1, hidden=64)}
export_torch(net, train, "{directory}", {settings})
let h = fit(net, train, {settings}, progress: false)
print("BEST", [h.best.exact_match, h.best.f1])
""")
    cmcl_em, cmcl_f1 = tagged(out, "BEST")[0]
    log = torchrun(directory, "--no-save")
    best = [r for r in log if r["type"] == "end"][0]["best"]
    n = 73
    noise = 2 * math.sqrt(2 * max(cmcl_em * (1 - cmcl_em), 0.25 / n) / n)
    print(f"  cmcl EM {cmcl_em:.4f} F1 {cmcl_f1:.4f}; PyTorch (2 processes) EM {best['exact_match']:.4f} F1 {best['f1']:.4f}; "
          f"noise {noise:.3f} (two standard errors of a difference of two EMs on {n} questions)")
    report("EM difference", abs(cmcl_em - best["exact_match"]), noise)
    report("F1 difference", abs(cmcl_f1 - best["f1"]), noise)


def check_example():
    print("1 and 4. examples/scale-out.cmcl: eval logits before training, accuracy after")
    directory = WORK / "scale-out"
    out = run_cmcl((ROOT / "examples/scale-out.cmcl").read_text(), str(directory))
    best = [line for line in out.splitlines() if line.startswith("best accuracy")]
    cmcl_accuracy = float(best[-1].split()[2])
    dev = sum(1 for _ in open(directory / "data/eval.jsonl"))
    log = torchrun(directory)
    check = [r for r in log if r["type"] == "check"]
    report("eval logits before training", check[0]["max_abs_diff"] if check else float("inf"), 1e-5)
    end = [r for r in log if r["type"] == "end"][0]
    torch_accuracy = end["best"]["accuracy"]
    # Two standard errors of the difference of two accuracies measured on `dev` examples.
    noise = 2 * math.sqrt(2 * cmcl_accuracy * (1 - cmcl_accuracy) / dev)
    print(f"  cmcl accuracy {cmcl_accuracy:.4f}, PyTorch (2 processes) {torch_accuracy:.4f}, noise {noise:.3f}")
    report("accuracy difference", abs(cmcl_accuracy - torch_accuracy), noise)
    out = run_cmcl(f"""
let runs = read_runs("{directory / 'runs.jsonl'}")
print("RUN", [len(runs), runs[0].name, runs[0].status, str(runs[0].accuracy)])
let history = read_json("{directory / 'runs/history.jsonl'}", lines: true)
print("HISTORY", [len(history), len(filter(history, fn(r) => r.type == "step"))])
""")
    runs, history = tagged(out, "RUN")[0], tagged(out, "HISTORY")[0]
    ok = runs[:3] == [1, "pytorch", "ok"] and abs(float(runs[3]) - torch_accuracy) < 1e-12 and history[1] == end["steps"]
    print(f"  {'ok  ' if ok else 'FAIL'} read back in cmcl: read_runs {runs}, read_json {history[0]} records, {history[1]} steps")
    if not ok:
        failures.append("read back")


def check_families():
    print("7. ELECTRA and RoBERTa (the tiny checkpoints of Tests/CMCLNNTests/Fixtures/pretrained): eval logits, 20 steps without dropout")
    for family in ("electra", "roberta"):
        directory = WORK / family
        settings = 'optimizer: adamw(lr: 1e-3), steps: 20, batch: 16, seed: 4, dropout: false'
        fixture = ROOT / "Tests/CMCLNNTests/Fixtures/pretrained" / family
        out = run_cmcl(f"""
let net = pretrained("{fixture}", head: "classification", classes: 2, seed: 1, quiet: true)
let data = synth.sentiment(n: 400, noise: 0.5, length: 12, seed: 5)
let train = encode(data, net, max_len: 24)
export_torch(net, train, "{directory}", {settings})
let h = fit(net, train, {settings}, progress: false)
print("LOSSES", h.objective.map(str))
""")
        log = torchrun(directory, "--no-save")
        checks = [r for r in log if r["type"] == "check"]
        report(f"{family} eval logits before training", checks[0]["max_abs_diff"] if checks else float("inf"), 1e-5)
        compare_steps(f"{family} step losses", [float(x) for x in tagged(out, "LOSSES")[0]], log)


def main():
    print(f"export checks in {WORK}")
    only = os.environ.get("CMCL_EXPORT_CHECKS", "1234567")
    if "1" in only or "4" in only:
        check_example()
    if "2" in only:
        check_zero_dropout_steps()
    if "3" in only:
        check_fixed_masks()
        span_configs = [("comparative", "ultra", "pairwise"), ("comparative", "ultra", "listwise"),
                        ("comparative", "best", "pairwise"), ("regularize", "ultra", "pairwise")]
        check_fixed_masks(SQUAD, span_network(0.1), "span", "span_ce", span_configs, " (span head, SQuAD windows)", "span-masks")
    if "5" in only:
        check_squad_steps()
    if "6" in only:
        check_squad_finetune()
    if "7" in only:
        check_families()
    if failures:
        sys.exit("export checks failed: " + ", ".join(failures))
    print("export checks passed")


if __name__ == "__main__":
    main()
