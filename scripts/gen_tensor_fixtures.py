#!/usr/bin/env python3
"""Generates PyTorch reference values for the CMCLTensor tests.

Writes Tests/CMCLTensorTests/Fixtures/torch_ops.json: for each case, the float32 inputs (so the
Swift side feeds identical values), the forward output and the gradient of sum(output * r) with
respect to every floating input, where r is a stored random weight tensor.
Requires torch (pip install torch); the tests themselves do not.
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

rng = np.random.default_rng(20230107)
cases = []


def t(shape, low=-1.0, high=1.0):
    return rng.uniform(low, high, size=shape).astype(np.float32)


def ints(values, shape):
    return np.array(values, dtype=np.int32).reshape(shape)


def case(name, inputs, fn):
    """inputs: list of numpy arrays (float32 → differentiated, int32 → passed as long)."""
    ts = []
    for a in inputs:
        if a.dtype == np.float32:
            ts.append(torch.tensor(a, requires_grad=True))
        else:
            ts.append(torch.tensor(a.astype(np.int64)))
    out = fn(*ts)
    r = t(list(out.shape), 0.5, 1.5)
    (out * torch.tensor(r)).sum().backward()
    cases.append({
        "name": name,
        "inputs": [{"shape": list(a.shape), "dtype": "float32" if a.dtype == np.float32 else "int32",
                    "data": a.reshape(-1).tolist()} for a in inputs],
        "weights": r.reshape(-1).tolist(),
        "output": {"shape": list(out.shape), "data": out.detach().reshape(-1).tolist()},
        "grads": [x.grad.reshape(-1).tolist() if x.requires_grad and x.grad is not None else None for x in ts],
    })


case("add_broadcast", [t([2, 3, 4]), t([3, 1])], lambda a, b: a + b)
case("mul_div", [t([3, 4]), t([4], 0.5, 2)], lambda a, b: a * b / (b + 1))
case("pow", [t([3, 4], 0.5, 2), t([4], 0.5, 2)], lambda a, b: a ** b)
case("unary_chain", [t([5, 6], 0.2, 2)], lambda a: torch.exp(a).log() + torch.sqrt(a) + torch.tanh(a) + torch.sigmoid(a) + a.abs())
case("relu", [t([20])], lambda a: F.relu(a))
case("gelu_erf", [t([4, 8], -4, 4)], lambda a: F.gelu(a))
case("where_clamp", [t([4, 5]), t([5])], lambda a, b: torch.where(a > 0, a, b).clamp(-0.5, 0.7))
case("masked_fill", [t([3, 4])], lambda a: a.masked_fill(torch.tensor([[True, False, False, True]]), -2.0))
case("sum_mean_axes", [t([2, 3, 4])], lambda a: a.sum(dim=(0, 2)) + a.mean(dim=(0, 2)))
case("max_axis", [t([3, 5])], lambda a: a.max(dim=1).values)
case("var_unbiased", [t([4, 6])], lambda a: a.var(dim=1))
case("logsumexp", [t([3, 7], -5, 5)], lambda a: torch.logsumexp(a, dim=1))
case("softmax", [t([2, 3, 6], -4, 4)], lambda a: F.softmax(a, dim=-1))
case("log_softmax_axis1", [t([2, 5, 3], -4, 4)], lambda a: F.log_softmax(a, dim=1))
case("matmul_2d", [t([5, 7]), t([7, 3])], lambda a, b: a @ b)
case("matmul_batched_broadcast", [t([2, 1, 4, 5]), t([3, 5, 6])], lambda a, b: a @ b)
case("matmul_transposed", [t([6, 4]), t([3, 6])], lambda a, b: a.t() @ b.t())
case("layer_norm", [t([2, 3, 8]), t([8], 0.5, 1.5), t([8])], lambda x, w, b: F.layer_norm(x, (8,), w, b, eps=1e-12))
case("cross_entropy_ignore", [t([6, 5], -3, 3), ints([1, -100, 4, 0, 2, -100], [6])],
     lambda x, y: F.cross_entropy(x, y, ignore_index=-100))
case("cross_entropy_none", [t([4, 3], -3, 3), ints([2, 0, 1, 1], [4])],
     lambda x, y: F.cross_entropy(x, y, reduction="none"))
case("embedding", [t([7, 4]), ints([3, 0, 3, 6, 1, 3], [2, 3])], lambda w, i: F.embedding(i, w))
case("gather", [t([3, 5]), ints([4, 0, 1, 1, 3, 2], [3, 2])], lambda a, i: torch.gather(a, 1, i))
case("concat_slice_pad", [t([2, 3]), t([2, 2])],
     lambda a, b: F.pad(torch.cat([a, b], dim=1)[:, 1::2], (1, 2), value=0.5))
case("mlp_2layer", [t([8, 6]), t([6, 16]), t([16]), t([16, 3]), t([3]), ints([0, 2, 1, 1, 0, 2, 2, 1], [8])],
     lambda x, w1, b1, w2, b2, y: F.cross_entropy(F.gelu(x @ w1 + b1) @ w2 + b2, y))


def attention(x, wq, wk, wv, mask):
    q, k, v = x @ wq, x @ wk, x @ wv
    s = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1]) + mask
    return F.softmax(s, dim=-1) @ v


case("attention", [t([2, 5, 8]), t([8, 8]), t([8, 8]), t([8, 8]),
                   np.array([0, 0, 0, -10000, -10000], dtype=np.float32).reshape(1, 1, 5)],
     lambda x, wq, wk, wv, m: attention(x, wq, wk, wv, m.detach()))

out = os.path.join(os.path.dirname(__file__), "..", "Tests", "CMCLTensorTests", "Fixtures", "torch_ops.json")
with open(out, "w") as f:
    json.dump({"generator": "scripts/gen_tensor_fixtures.py", "torch": torch.__version__, "cases": cases}, f)
print(f"wrote {len(cases)} cases to {os.path.normpath(out)}")
