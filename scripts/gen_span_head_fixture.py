#!/usr/bin/env python3
"""Parity fixture for span (question-answering) heads: Tests/CMCLNNTests/Fixtures/pretrained/bert-qa/.

Loads the tiny random BERT of Tests/CMCLNNTests/Fixtures/pretrained/bert (written by
scripts/gen_pretrained_fixtures.py) into BertForQuestionAnswering, gives its `qa_outputs` head
seeded random weights, saves it as a Hugging Face directory (config.json, model.safetensors,
the tokenizer files copied from bert/) and records in expected.json the start and end logits of
the bert fixture's padded batch (its batch_ids, batch_mask, batch_types).

Usage: /path/to/venv/bin/python scripts/gen_span_head_fixture.py
Needs torch and transformers (pip install torch transformers).
"""
import json
import os
import shutil

import torch
from transformers import BertForQuestionAnswering

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
FIXTURES = os.path.join(ROOT, "Tests", "CMCLNNTests", "Fixtures", "pretrained")
TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json", "vocab.txt"]


def flat(t):
    return [float("%.8g" % v) for v in t.detach().reshape(-1).tolist()]


def main():
    source, out = os.path.join(FIXTURES, "bert"), os.path.join(FIXTURES, "bert-qa")
    os.makedirs(out, exist_ok=True)
    for f in os.listdir(out):
        os.remove(os.path.join(out, f))
    with open(os.path.join(source, "expected.json")) as f:
        e = json.load(f)
    model = BertForQuestionAnswering.from_pretrained(source, num_labels=2)  # the encoder; qa_outputs is new
    g = torch.Generator().manual_seed(7)
    with torch.no_grad():
        model.qa_outputs.weight.copy_(0.3 * torch.randn(model.qa_outputs.weight.shape, generator=g))
        model.qa_outputs.bias.copy_(0.3 * torch.randn(model.qa_outputs.bias.shape, generator=g))
    model.save_pretrained(out, safe_serialization=True)
    for f in TOKENIZER_FILES:
        shutil.copy(os.path.join(source, f), out)
    model.eval()
    shape = e["shape"]
    ids, mask, types = (torch.tensor(e[k]).reshape(shape) for k in ("batch_ids", "batch_mask", "batch_types"))
    with torch.no_grad():
        result = model(input_ids=ids, attention_mask=mask, token_type_ids=types)
    expected = {"shape": shape, "batch_ids": e["batch_ids"], "batch_mask": e["batch_mask"], "batch_types": e["batch_types"],
                "start_logits": flat(result.start_logits), "end_logits": flat(result.end_logits),
                "qa_outputs_shape": list(model.qa_outputs.weight.shape)}
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", os.path.relpath(out, ROOT), "with", sorted(os.listdir(out)))


if __name__ == "__main__":
    main()
