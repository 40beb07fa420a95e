#!/usr/bin/env python3
"""Checks a directory written by `net.save_pretrained(dir)` against transformers.

    python scripts/check-hf-export.py DIR EXPECTED.json

EXPECTED.json holds what cmcl computed: {"texts": [[text, pair-or-null], ...], "ids": [[...]],
"logits": [[...]]}. The script loads DIR with AutoTokenizer and
AutoModelForSequenceClassification (or AutoModelForQuestionAnswering for span heads), encodes
the texts, and prints one JSON line: {"ids_equal": bool, "max_abs_diff": float, "architecture": str}.
Exit status 0 when the ids are equal and the logits agree to 1e-5.
"""
import json
import sys

import torch
from transformers import AutoConfig, AutoModelForQuestionAnswering, AutoModelForSequenceClassification, AutoTokenizer


def main(directory, expected_path):
    with open(expected_path) as f:
        expected = json.load(f)
    config = AutoConfig.from_pretrained(directory)
    span = any(a.endswith("ForQuestionAnswering") for a in config.architectures or [])
    model_class = AutoModelForQuestionAnswering if span else AutoModelForSequenceClassification
    model = model_class.from_pretrained(directory)
    model.eval()
    tokenizer = AutoTokenizer.from_pretrained(directory)
    ids_equal, diff = True, 0.0
    for (text, pair), ids, logits in zip(expected["texts"], expected["ids"], expected["logits"]):
        enc = tokenizer(text, pair, return_tensors="pt")
        ids_equal &= enc["input_ids"][0].tolist() == ids
        with torch.no_grad():
            out = model(**enc)
        mine = torch.stack([out.start_logits, out.end_logits], -1) if span else out.logits
        theirs = torch.tensor(logits, dtype=torch.float32).reshape(mine.shape)
        diff = max(diff, (mine - theirs).abs().max().item())
    print(json.dumps({"ids_equal": ids_equal, "max_abs_diff": diff, "architecture": type(model).__name__}))
    return 0 if ids_equal and diff < 1e-5 else 1


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__.strip())
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
