#!/usr/bin/env python3
"""Regenerates the committed fixtures of Tests/CMCLCompareTests/Fixtures.

- cmploss_cases.json: copied verbatim from the shared reference (../shared/reference), which was
  produced independently in float64 from the reference semantics.
- rdrop_cases.json: symmetric KL between softmax distributions, computed with scipy
  (scipy.special.softmax / rel_entr), the independent oracle for the R-Drop term.

Needs numpy and scipy; the Swift tests do not.
"""
import json
import os
import shutil

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


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    copy_reference()
    rdrop_cases()
