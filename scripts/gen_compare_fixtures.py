#!/usr/bin/env python3
"""Regenerates the committed fixtures of Tests/CMCLCompareTests/Fixtures.

- cmploss_cases.json: copied verbatim from the shared reference (../shared/reference), which was
  produced independently in float64 from the reference semantics.
- rdrop_cases.json: symmetric KL between softmax distributions, computed with scipy
  (scipy.special.softmax / rel_entr), the independent oracle for the R-Drop term.
- cmploss_span_cases.json: the span-extraction (start/end) comparative loss of the reference QA
  model, computed by the reference code itself (zycdev/CmpLoss: `modeling.get_objective`,
  `modeling.get_primary`, `utils.ranking`) in float64 with torch autograd. Give the path of an
  unedited checkout in CMPLOSS_DIR. The reference pins torch 1.11, whose `clamp_min` backward
  (inside `F.margin_ranking_loss`) passes the gradient at an exact tie; newer torch versions
  give 0 there, so the hinge is run with torch 1.11's backward rule (`TieHinge` below). The batch
  loss follows `CmpQA.forward`: rc = (start + end) / 2, `cr_schedule` drops the weighted ranking
  term while the batch-mean primary loss exceeds 1.1.

Needs numpy and scipy (and torch plus the reference checkout for the span cases); the Swift tests
do not.
"""
import json
import os
import shutil
import sys

import numpy as np
from scipy.special import rel_entr, softmax

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "CMCLCompareTests", "Fixtures")


def copy_reference():
    src = os.path.join(ROOT, "..", "shared", "reference", "cmploss_cases.json")
    shutil.copyfile(src, os.path.join(OUT, "cmploss_cases.json"))


def rdrop_cases():
    rng = np.random.default_rng(20230109)
    cases = []
    for rows, classes, alpha, scale in [(1, 2, 1.0, 1.0), (3, 4, 0.5, 2.0), (5, 7, 4.0, 3.0), (2, 3, 1.0, 10.0)]:
        a = rng.normal(size=(rows, classes)) * scale
        b = rng.normal(size=(rows, classes)) * scale
        p, q = softmax(a, axis=1), softmax(b, axis=1)
        per_row = 0.5 * (rel_entr(p, q).sum(axis=1) + rel_entr(q, p).sum(axis=1))
        cases.append({
            "rows": rows, "classes": classes, "alpha": alpha,
            "logits_a": a.tolist(), "logits_b": b.tolist(),
            "per_row": per_row.tolist(),
            "sum": float(alpha * per_row.sum()), "mean": float(alpha * per_row.mean()),
        })
    with open(os.path.join(OUT, "rdrop_cases.json"), "w") as f:
        json.dump({"what": "alpha * 0.5 * (KL(p||q) + KL(q||p)), p = softmax(logits_a), q = softmax(logits_b), "
                           "reduced over rows by sum or mean", "cases": cases}, f, indent=1)


def span_cases():
    ref = os.environ.get("CMPLOSS_DIR")
    if not ref:
        print("CMPLOSS_DIR not set: span cases not regenerated", file=sys.stderr)
        return
    import torch
    import torch.nn.functional as F
    sys.path.insert(0, ref)
    import modeling
    import utils.ranking as ranking

    class TieHinge(torch.autograd.Function):
        """max(0, x) with torch 1.11's clamp_min backward: gradient where(x >= 0)."""
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.clamp_min(0)

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * (x >= 0).to(g.dtype)

    class Functional:
        def __getattr__(self, name):
            return getattr(F, name)

        @staticmethod
        def margin_ranking_loss(x1, x2, target, margin=0.0, reduction="mean"):
            assert reduction == "none"
            return TieHinge.apply(-target * (x1 - x2) + margin)

    ranking.F = Functional()

    def reference_span_loss(s, t, cfg):
        """The loss part of the reference CmpQA.forward, batch-averaged."""
        rc = (s + t) / 2
        primary = modeling.get_primary(rc, cfg["primary"])
        temp = cfg["temp"]
        se, te = -s / temp, -t / temp
        labels = torch.arange(se.size(1), 0, -1)[None, :].expand_as(se)
        se_ = torch.cat([se, modeling.get_objective(se, cfg["target"])], dim=1)
        te_ = torch.cat([te, modeling.get_objective(te, cfg["target"])], dim=1)
        labels_ = torch.arange(se_.size(1), 0, -1)[None, :].expand_as(se_)
        fct = ranking.list_mle if cfg["listwise"] else ranking.pairwise_hinge
        if cfg["just_cmp"]:
            overall = (fct(se_, labels_, reduction="none") + fct(te_, labels_, reduction="none")) / 2
        else:
            reg = (fct(se, labels, reduction="none") + fct(te, labels, reduction="none")) / 2
            overall = primary
            if not (cfg["schedule"] and primary.mean() > 1.1):
                overall = overall + reg * cfg["weight"]
        return overall.mean()

    rng = np.random.default_rng(20260129)
    configs = []
    for target in ["ultra", "best", "first"]:
        for listwise in [False, True]:
            configs.append(dict(just_cmp=True, target=target, listwise=listwise, temp=1.0, weight=1.0,
                                primary="max", schedule=False))
    for primary in ["max", "avg", "fst", "lst"]:
        configs.append(dict(just_cmp=False, target="ultra", listwise=False, temp=1.0, weight=0.5,
                            primary=primary, schedule=False))
    configs.append(dict(just_cmp=False, target="ultra", listwise=True, temp=2.0, weight=1.0, primary="avg",
                        schedule=False))
    configs.append(dict(just_cmp=True, target="best", listwise=False, temp=0.5, weight=1.0, primary="max",
                        schedule=False))
    configs.append(dict(just_cmp=False, target="ultra", listwise=False, temp=1.0, weight=1.0, primary="max",
                        schedule=True))
    cases = []
    for index, cfg in enumerate(configs):
        for variant in range(3):
            c = 1 + (index + variant) % 3
            rows = 2 + variant
            scale = [0.8, 2.5, 0.3][variant]
            s = np.abs(rng.normal(size=(rows, c + 1))) * scale
            t = np.abs(rng.normal(size=(rows, c + 1))) * scale
            # exact ties between variants (a model whose ablation does not matter for that row)
            s[0, 1:] = s[0, 0]
            t[-1, -1] = t[-1, 0]
            st = torch.tensor(s, dtype=torch.float64, requires_grad=True)
            tt = torch.tensor(t, dtype=torch.float64, requires_grad=True)
            loss = reference_span_loss(st, tt, cfg)
            loss.backward()
            cases.append({"config": cfg, "n_ablations": c, "start": s.tolist(), "end": t.tolist(),
                          "loss": float(loss), "start_grad": st.grad.tolist(), "end_grad": tt.grad.tolist()})
    with open(os.path.join(OUT, "cmploss_span_cases.json"), "w") as f:
        json.dump({"what": "Span comparative loss of the reference QA model (CmpQA.forward): start and end task "
                           "losses [B, 1+c], batch-mean value and its gradient wrt both, float64, computed by the "
                           "reference code with torch 1.11's hinge backward (gradient passes at an exact tie)",
                   "cases": cases}, f, indent=1)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    copy_reference()
    rdrop_cases()
    span_cases()
