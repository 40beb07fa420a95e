#!/usr/bin/env python3
"""Writes Tests/CMCLDataTests/Fixtures/stats.json: paired t-tests from scipy.stats.ttest_rel and
bootstrap intervals of the mean difference computed with cmcl's resampling scheme (SplitMix64
indices, NumPy linear quantiles), cross-checked against scipy.stats.bootstrap (percentile)."""
import json, os
import numpy as np
from scipy import stats

MASK = (1 << 64) - 1

class SplitMix64:
    def __init__(self, seed): self.state = seed & MASK
    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)
    def below(self, bound):
        if bound <= 1: return 0
        limit = MASK - (MASK % bound)  # UInt64.max - UInt64.max % b
        while True:
            x = self.next()
            if x < limit: return x % bound

def bootstrap(d, level, resamples, seed):
    rng = SplitMix64(seed)
    n = len(d)
    means = []
    for _ in range(resamples):
        s = 0.0
        for _ in range(n): s += d[rng.below(n)]
        means.append(s / n)
    alpha = (1 - level) / 2
    return float(np.quantile(means, alpha)), float(np.quantile(means, 1 - alpha))

rng = np.random.default_rng(2301)
cases = []
samples = [
    ([0.81, 0.83, 0.80, 0.84, 0.82], [0.79, 0.80, 0.80, 0.81, 0.80]),
    ([1.0, 2.0, 3.0], [1.5, 1.0, 2.0]),
    ([0.5, 0.6], [0.4, 0.65]),
]
for n in (4, 8, 20):
    a = rng.normal(0.8, 0.02, n); b = a - rng.normal(0.01, 0.02, n)
    samples.append((a.round(6).tolist(), b.round(6).tolist()))
for a, b in samples:
    r = stats.ttest_rel(a, b)
    d = [x - y for x, y in zip(a, b)]
    low, high = bootstrap(d, 0.95, 2000, 7)
    sp = stats.bootstrap((np.array(d),), np.mean, confidence_level=0.95, n_resamples=20000,
                         method="percentile", random_state=np.random.default_rng(0))
    cases.append({
        "a": a, "b": b,
        "mean": float(np.mean(a)), "sd": float(np.std(a, ddof=1)),
        "mean_difference": float(np.mean(d)),
        "t": float(r.statistic), "p": float(r.pvalue), "df": len(a) - 1,
        "bootstrap": {"level": 0.95, "resamples": 2000, "seed": 7, "low": low, "high": high},
        "scipy_bootstrap": {"low": float(sp.confidence_interval.low), "high": float(sp.confidence_interval.high)},
    })
# Student t tail probabilities at assorted points.
tails = [{"t": t, "df": df, "p": float(2 * stats.t.sf(abs(t), df))}
         for t in (0.1, 1.0, 2.0, 2.776, 5.0, 12.0, -3.5) for df in (1, 2, 4, 9, 30)]
out = os.path.join(os.path.dirname(__file__), "..", "Tests", "CMCLDataTests", "Fixtures", "stats.json")
with open(out, "w") as f:
    json.dump({"scipy": __import__("scipy").__version__, "paired": cases, "t_tails": tails}, f, indent=1)
    f.write("\n")
print("wrote", os.path.normpath(out))
