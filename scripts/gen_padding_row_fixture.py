#!/usr/bin/env python3
"""Padding-row fixture (Tests/CMCLNNTests/Fixtures/padding_row.json).

transformers builds word embeddings as nn.Embedding(vocab, width, padding_idx=pad_token_id): the
padding row gets no gradient, so an optimizer step moves it by weight decay alone. This script
takes the tiny BERT and RoBERTa checkpoints of Tests/CMCLNNTests/Fixtures/pretrained/ (pad ids 0
and 1), runs one AdamW step (lr 1e-2, weight decay 0.01, dropout off) on a loss that reaches
every position, padding included (the sum of the last hidden states times fixed weights), and
records the padding row and a used row before and after, and the loss.

Usage: /work/torch-venv/bin/python scripts/gen_padding_row_fixture.py
Needs torch and transformers.
"""
import json
import os

import torch
from transformers import AutoModel

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
FIXTURES = os.path.join(ROOT, "Tests", "CMCLNNTests", "Fixtures")
LR, DECAY = 1e-2, 0.01


def flat(t):
    return [float("%.9g" % v) for v in t.detach().reshape(-1).tolist()]


def case(family):
    directory = os.path.join(FIXTURES, "pretrained", family)
    with open(os.path.join(directory, "expected.json")) as f:
        e = json.load(f)
    model = AutoModel.from_pretrained(directory)
    model.eval()  # no dropout; gradients still flow
    pad = model.config.pad_token_id
    b, t = e["shape"]
    ids = torch.tensor(e["batch_ids"]).reshape(b, t)
    mask = torch.tensor(e["batch_mask"]).reshape(b, t)
    types = torch.tensor(e["batch_types"]).reshape(b, t)
    assert (ids == pad).any(), "the batch must contain padding"
    hidden = model.config.hidden_size
    # Fixed weights with a simple closed form, rebuilt identically by the Swift test.
    weights = torch.tensor([[((i * 7 + j * 3) % 11 - 5) / 10.0 for j in range(hidden)] for i in range(t)])
    table = model.embeddings.word_embeddings.weight
    used = int(ids[0, 1])
    before_pad, before_used = table[pad].detach().clone(), table[used].detach().clone()
    opt = torch.optim.AdamW(model.parameters(), lr=LR, weight_decay=DECAY)
    opt.zero_grad()
    last = model(input_ids=ids, attention_mask=mask, token_type_ids=types).last_hidden_state
    loss = (last * weights).sum()
    loss.backward()
    assert float(table.grad[pad].abs().max()) == 0.0
    opt.step()
    return {
        "family": family, "pad_id": pad, "used_id": used, "lr": LR, "weight_decay": DECAY,
        "loss": float(loss),
        "pad_before": flat(before_pad), "pad_after": flat(table[pad]),
        "used_before": flat(before_used), "used_after": flat(table[used]),
        "transformers": __import__("transformers").__version__, "torch": torch.__version__,
    }


def main():
    out = {"cases": [case("bert"), case("roberta")]}
    path = os.path.join(FIXTURES, "padding_row.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    for c in out["cases"]:
        moved = max(abs(a - b) for a, b in zip(c["pad_before"], c["pad_after"]))
        print(f"{c['family']}: pad row moved {moved:.3g} (weight decay only), loss {c['loss']:.6g}")


if __name__ == "__main__":
    main()
