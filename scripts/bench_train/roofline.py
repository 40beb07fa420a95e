"""The matrix-product FLOPs of a training step of scripts/bench-train's workloads, for the roofline
that bench-train and bench_train/scaling print."""

SHAPES = {"bert-tiny": dict(layers=2, hidden=128, inter=512, batch=32, length=128),
          "minilm-l6": dict(layers=6, hidden=384, inter=1536, batch=16, length=64)}


def flops(workload, mode, batch=None, length=None):
    """FLOPs of one step's matrix products: per layer and token 4h² (Q, K, V, output) + 2hi
    (feed-forward) multiply-adds, and 2·L²·h per sequence (scores and context); the backward is twice
    the forward; CmpDrop(2) runs three forward passes and backs through all three. The pooler and
    the classifier (a few MFLOP) are left out."""
    s = SHAPES[workload]
    b, t = batch or s["batch"], length or s["length"]
    h = s["hidden"]
    macs = s["layers"] * (b * t * (4 * h * h + 2 * h * s["inter"]) + 2 * b * t * t * h)
    return 2 * macs * 3 * (3 if mode.startswith("cmpdrop") else 1)


def peak_keys(precision):
    """The `CMCLBench peak` lines of a precision: on all cores (wall clock), one core per CPU second."""
    return ("bf16_peak", "bf16_core_cpu_peak") if precision == "bf16" else ("fma_peak", "fma_core_cpu_peak")
