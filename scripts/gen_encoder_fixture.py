#!/usr/bin/env python3
"""Parity fixture of a fetched pretrained encoder: Tests/CMCLNNTests/Fixtures/encoders/NAME.json.

    /path/to/venv/bin/python scripts/gen_encoder_fixture.py NAME [--onnx FILE]
    /path/to/venv/bin/python scripts/gen_encoder_fixture.py --tiny-onnx

Loads the model directory STORE/NAME (scripts/fetch-model NAME; the store is $CMCL_MODELS, else
~/.cache/cmcl/models) with transformers' BertModel and BertTokenizerFast, and records for a few
sentences (accents, CJK, punctuation, a sentence pair) the token ids, token types, mask and the
hidden states of every layer (the embeddings' output first), which
Tests/CMCLNNTests/EncoderParityTests.swift compares with cmcl's.

With --onnx FILE (a model that scripts/fetch-model converts from ONNX), the conversion itself is
checked too: onnxruntime runs FILE on the same batch (it takes no token types, so the pair is
given type 0 there) and the largest difference from transformers' last hidden states on the
converted weights is recorded as `onnx_last_hidden_max_abs_diff` (needs onnxruntime).

With --tiny-onnx, exports the tiny random BERT of Fixtures/pretrained/bert
(scripts/gen_pretrained_fixtures.py) to Fixtures/encoders/tiny-bert.onnx with torch.onnx (eager
attention, as sentence-transformers exports are made): EncoderParityTests converts it with
scripts/convert-onnx and compares every layer with that fixture's transformers hidden states.

Needs torch, transformers and tokenizers (pip install torch transformers).
"""
import json
import os
import sys

import torch
from transformers import BertModel, BertTokenizerFast

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_pretrained_fixtures import ROOT, SENTENCES, flat  # noqa: E402

PAIRS = [SENTENCES[0], SENTENCES[1], SENTENCES[4], ["a gripping, moving and often funny film", None]]


FIXTURES = os.path.join(ROOT, "Tests", "CMCLNNTests", "Fixtures")


def tiny_onnx():
    model = BertModel.from_pretrained(os.path.join(FIXTURES, "pretrained", "bert"), add_pooling_layer=False,
                                      attn_implementation="eager")
    model.eval()

    class LastHidden(torch.nn.Module):
        def __init__(self, bert):
            super().__init__()
            self.bert = bert

        def forward(self, input_ids, attention_mask):
            return self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    ids = torch.tensor([[2, 10, 11, 12, 3]])
    path = os.path.join(FIXTURES, "encoders", "tiny-bert.onnx")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.onnx.export(LastHidden(model), (ids, torch.ones_like(ids)), path + ".partial", input_names=["input_ids", "attention_mask"],
                      output_names=["last_hidden_state"], dynamic_axes={"input_ids": {0: "batch", 1: "length"},
                                                                        "attention_mask": {0: "batch", 1: "length"}},
                      opset_version=17, dynamo=False)
    os.replace(path + ".partial", path)
    print(f"wrote {os.path.relpath(path, ROOT)} ({os.path.getsize(path) // 1024} KB)")
    return 0


def main(argv):
    if argv[1:] == ["--tiny-onnx"]:
        return tiny_onnx()
    if len(argv) not in (2, 4) or (len(argv) == 4 and argv[2] != "--onnx"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    name = argv[1]
    store = os.environ.get("CMCL_MODELS") or os.path.expanduser("~/.cache/cmcl/models")
    d = os.path.join(store, name)
    if not os.path.exists(os.path.join(d, "config.json")):
        print(f"{name} is not fetched (scripts/fetch-model {name})", file=sys.stderr)
        return 1
    tok = BertTokenizerFast.from_pretrained(d)
    model = BertModel.from_pretrained(d, add_pooling_layer=False)
    model.eval()
    # Pad by hand so that pairs and single sentences share one batch.
    rows = [tok(t, p) if p else tok(t) for t, p in PAIRS]
    length = max(len(r["input_ids"]) for r in rows)
    ids = [r["input_ids"] + [tok.pad_token_id] * (length - len(r["input_ids"])) for r in rows]
    mask = [[1] * len(r["input_ids"]) + [0] * (length - len(r["input_ids"])) for r in rows]
    types = [r["token_type_ids"] + [0] * (length - len(r["input_ids"])) for r in rows]
    ids_t, mask_t, types_t = torch.tensor(ids), torch.tensor(mask), torch.tensor(types)
    with torch.no_grad():
        out = model(input_ids=ids_t, attention_mask=mask_t, token_type_ids=types_t, output_hidden_states=True)
    ref = {
        "model": name,
        "sentences": [{"text": t, "pair": p} for t, p in PAIRS],
        "tokens": [tok.convert_ids_to_tokens(r["input_ids"]) for r in rows],
        "shape": [len(rows), length],
        "ids": sum(ids, []), "mask": sum(mask, []), "types": sum(types, []),
        "hidden_size": model.config.hidden_size,
        "hidden_states": [flat(h) for h in out.hidden_states],
        "transformers": __import__("transformers").__version__, "torch": torch.__version__,
    }
    if len(argv) == 4:
        import numpy as np
        import onnxruntime
        session = onnxruntime.InferenceSession(argv[3])
        feeds = {"input_ids": ids_t.numpy(), "attention_mask": mask_t.numpy()}
        with torch.no_grad():
            plain = model(input_ids=ids_t, attention_mask=mask_t).last_hidden_state.numpy()
        outputs = [o for o in session.run(None, feeds) if o.shape == plain.shape]
        if len(outputs) != 1:
            print(f"{argv[3]}: expected one output of shape {plain.shape}", file=sys.stderr)
            return 1
        ref["onnx_last_hidden_max_abs_diff"] = float("%.3g" % float(np.abs(outputs[0] - plain).max()))
        ref["onnxruntime"] = onnxruntime.__version__
    out_dir = os.path.join(FIXTURES, "encoders")
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, name + ".json")
    with open(path + ".partial", "w") as f:
        json.dump(ref, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    os.replace(path + ".partial", path)
    print(f"wrote {os.path.relpath(path, ROOT)}: {len(out.hidden_states)} hidden states of shape {list(out.last_hidden_state.shape)}"
          + (f"; ONNX vs transformers last hidden {ref['onnx_last_hidden_max_abs_diff']}" if "onnx_last_hidden_max_abs_diff" in ref else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
