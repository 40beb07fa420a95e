#!/usr/bin/env python3
# Trains an experiment exported by cmcl's export_torch(...) with PyTorch distributed data
# parallel training and Hugging Face transformers.
#
#   torchrun --nproc_per_node=N train.py            # N processes on this machine
#   python train.py                                 # one process
#
# Everything about the run is in experiment.json next to this file: the model directory (a
# Hugging Face BERT, ELECTRA or RoBERTa checkpoint with a classification, regression or span
# head), the tokenized data (text examples, or SQuAD windows made by cmcl) and cmcl's batch
# order, the objective (plain, R-Drop or the cross-model comparative loss with CmpDrop and
# CmpCrop), the optimizer, the learning-rate schedule, clipping, evaluation and keep-best. The
# semantics are cmcl's:
#
# - every optimizer step sees the same global batch as cmcl (same examples, same order); the
#   batch is split across ranks and the loss is scaled so that the averaged gradient equals
#   the gradient of the global batch mean;
# - CmpDrop variant k runs every dropout site at p_k = 1 - (1 - p)^k from ONE uniform draw per
#   unit per step, reused for every k (keep where U >= p_k, scale 1 / (1 - p_k)), so masks are
#   nested; the full model (k = 0) runs with dropout off;
# - CmpCrop removes a further share of tokens per level (nested), compacting kept tokens left;
# - the comparative loss ranks effects e_k = -l_k / T (targets ultra, best, first; pairwise
#   hinge or ListMLE; comparative or regularize mode); the pairwise hinge passes gradient at an
#   exact tie, as the reference implementation under the PyTorch version it pins;
# - AdamW skips weight decay on the parameters listed in experiment.json (biases, layer norms);
#   warm-up linear, cosine or constant schedules; global-norm clipping;
# - SQuAD evaluation decodes the windows of each question as cmcl's SQuAD.predict (n-best start
#   and end logits paired inside the context, answers of at most max_answer_length tokens, the
#   best float32 start + end over all windows) and scores the official v1.1 exact match and F1;
# - the [PAD] embedding row trains when cmcl built the model (padding_row "trained") and stays
#   as loaded for a checkpoint (transformers' padding_idx), as in cmcl;
# - the run log is JSON lines (run, check, step, eval and end records) that cmcl reads back.
#
# Random draws (batch order aside) come from PyTorch's generators, so masks and crops follow
# the same distribution as cmcl's but not the same numbers.

import argparse
import collections
import copy
import json
import math
import os
import re
import string
import struct
import sys
import time

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))


# ----------------------------------------------------------------------------- experiment

def load_experiment(directory):
    with open(os.path.join(directory, "experiment.json")) as f:
        experiment = json.load(f)
    if experiment.get("format") != "cmcl-torch-export":
        raise SystemExit(f"{directory}/experiment.json is not a cmcl export")
    return experiment


def read_jsonl(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line:
                rows.append(json.loads(line))
    return rows


# ----------------------------------------------------------------------------- batches

def collate(rows, pad_id, task):
    """Pads examples to the longest row, as cmcl's batches."""
    length = max(1, max(len(r["input_ids"]) for r in rows))
    ids = torch.full((len(rows), length), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), length), dtype=torch.long)
    types = torch.zeros((len(rows), length), dtype=torch.long)
    for i, r in enumerate(rows):
        n = len(r["input_ids"])
        ids[i, :n] = torch.tensor(r["input_ids"], dtype=torch.long)
        mask[i, :n] = 1
        if r.get("token_type_ids"):
            types[i, :n] = torch.tensor(r["token_type_ids"], dtype=torch.long)
    batch = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
    if task == "classification":
        batch["labels"] = torch.tensor([int(r.get("label", -100)) for r in rows], dtype=torch.long)
    elif task == "regression":
        batch["labels"] = torch.tensor([float(r["label"]) for r in rows], dtype=torch.float32)
    elif task == "span":
        batch["start_positions"] = torch.tensor([int(r.get("start", -100)) for r in rows], dtype=torch.long)
        batch["end_positions"] = torch.tensor([int(r.get("end", -100)) for r in rows], dtype=torch.long)
    return batch


def to_device(batch, device):
    return {k: v.to(device) for k, v in batch.items()}


def shard(indices, rank, world):
    """This rank's contiguous share of a global batch (sizes differ by at most one)."""
    n = len(indices)
    start = (n * rank) // world
    end = (n * (rank + 1)) // world
    return indices[start:end]


# ----------------------------------------------------------------------------- dropout sites

class DropoutPlan:
    """How every dropout site of the model behaves in the current forward pass.

    mode "ordinary": inverted dropout with fresh draws (plain training, R-Drop);
    mode "off": identity (the full model of CmpDrop, evaluation);
    mode "nested": level k of nested dropout from one uniform draw per unit and site, shared
    by every level of the step (``begin_step`` starts a new draw).
    """

    def __init__(self, generator=None):
        self.mode = "ordinary"
        self.level = 0
        self.rate = None          # explicit base rate of CmpDrop, or None for each site's own
        self.generator = generator
        self.uniforms = {}        # (site, shape) -> U, drawn on first use in a step
        self.preset = None        # site -> U supplied by the caller (fixed masks)

    def begin_step(self, rate=None, preset=None):
        self.rate = rate
        self.uniforms = {}
        self.preset = preset

    def apply(self, site, x):
        if not site.training or self.mode == "off":
            return x
        if self.mode == "ordinary":
            return F.dropout(x, site.p, True) if site.p > 0 else x
        p = self.rate if self.rate is not None else site.p
        pk = 1.0 - (1.0 - p) ** self.level if self.level > 0 else 0.0
        key = (site.site, tuple(x.shape))
        u = self.uniforms.get(key)
        if u is None:
            if self.preset is not None and site.site in self.preset:
                u = self.preset[site.site].to(device=x.device, dtype=torch.float32)
                if tuple(u.shape) != tuple(x.shape):
                    raise ValueError(f"uniforms for {site.site} have shape {tuple(u.shape)}, the site {tuple(x.shape)}")
            else:
                u = torch.rand(x.shape, generator=self.generator, device=x.device, dtype=torch.float32)
            self.uniforms[key] = u
        keep = (u >= pk).to(x.dtype)
        return x * (keep * (1.0 / (1.0 - pk)))


class SiteDropout(nn.Module):
    """A dropout module whose behaviour the shared DropoutPlan decides; `site` is cmcl's site id."""

    def __init__(self, site, p, plan):
        super().__init__()
        self.site = site
        self.p = p
        self.plan = plan

    def forward(self, x):
        return self.plan.apply(self, x)

    def extra_repr(self):
        return f"site={self.site}, p={self.p}"


def attention_with_site_dropout(module, query, key, value, attention_mask, scaling=None, dropout=0.0, **kwargs):
    """Eager attention whose probabilities go through the layer's own dropout site."""
    if scaling is None:
        scaling = query.size(-1) ** -0.5
    scores = torch.matmul(query, key.transpose(2, 3)) * scaling
    if attention_mask is not None:
        scores = scores + attention_mask
    probs = torch.softmax(scores, dim=-1)
    probs = module.dropout(probs)
    out = torch.matmul(probs, value).transpose(1, 2).contiguous()
    return out, probs


def install_sites(model, plan):
    """Replaces every nn.Dropout of the model by a site following `plan`; returns the sites in
    the order the forward pass reaches them."""
    prefix = getattr(model, "base_model_prefix", "") + "."
    sites = []
    for full, module in list(model.named_modules()):       # depth-first: the order of the forward pass
        if not isinstance(module, nn.Dropout):
            continue
        parent_name, _, child_name = full.rpartition(".")
        parent = model.get_submodule(parent_name) if parent_name else model
        site = full[len(prefix):] if full.startswith(prefix) else full
        replacement = SiteDropout(site, float(module.p), plan)
        setattr(parent, child_name, replacement)
        sites.append(replacement)
    from transformers import AttentionInterface
    AttentionInterface.register("cmcl_sites", attention_with_site_dropout)
    try:
        from transformers.masking_utils import AttentionMaskInterface, eager_mask
        AttentionMaskInterface.register("cmcl_sites", eager_mask)
    except ImportError:
        pass
    model.set_attn_implementation("cmcl_sites")
    return sites


# ----------------------------------------------------------------------------- model

def load_model(experiment, directory):
    """The exported model (a Hugging Face directory) with its task head."""
    import transformers
    spec = experiment["model"]
    path = os.path.join(directory, spec["dir"])
    if spec["head"] == "span":
        cls = transformers.AutoModelForQuestionAnswering
    else:
        cls = transformers.AutoModelForSequenceClassification
    model = cls.from_pretrained(path, attn_implementation="eager")
    if spec.get("padding_row") == "trained":
        # cmcl trains the [PAD] row of a model it built (transformers' padding_idx would not).
        model.get_input_embeddings().padding_idx = None
    return model


def forward(model, batch, task):
    """The model's output as cmcl's: logits [B, C] / predictions [B] / start and end logits."""
    kwargs = {k: batch[k] for k in ("input_ids", "attention_mask", "token_type_ids")}
    out = model(**kwargs)
    if task == "span":
        return {"start": out.start_logits, "end": out.end_logits}
    logits = out.logits
    if task == "regression":
        logits = logits.squeeze(-1)
    return {"logits": logits}


def example_losses(out, batch, task):
    """Per-example task losses [B] (span: start and end losses)."""
    if task == "classification":
        return F.cross_entropy(out["logits"], batch["labels"], reduction="none", ignore_index=-100), None
    if task == "regression":
        return (out["logits"] - batch["labels"].to(out["logits"].dtype)) ** 2, None
    t = out["start"].shape[1]

    def clamp(p):
        return torch.where((p < 0) | (p >= t), torch.full_like(p, -100), p)
    s = F.cross_entropy(out["start"], clamp(batch["start_positions"]), reduction="none", ignore_index=-100)
    e = F.cross_entropy(out["end"], clamp(batch["end_positions"]), reduction="none", ignore_index=-100)
    return s, e


# ----------------------------------------------------------------------------- comparative loss

def hinge(d):
    # max(0, d) whose gradient is 1 at d == 0, as the reference's clamp under PyTorch 1.11.
    return torch.where(d >= 0, d, torch.zeros_like(d))


def pairwise(effects):
    """Mean over pairs i < j of max(0, e_j - e_i), per row."""
    n = effects.shape[1]
    i, j = torch.triu_indices(n, n, offset=1, device=effects.device)
    return hinge(effects[:, j] - effects[:, i]).mean(dim=1)


def listwise(effects, eps=1e-10):
    """ListMLE in the order 0 ... n-1, per row."""
    m = effects.max(dim=1, keepdim=True).values
    z = effects - m
    suffix = z.exp().flip(dims=[1]).cumsum(dim=1).flip(dims=[1])
    return (torch.log(suffix + eps) - z)[:, :-1].sum(dim=1)


def target_effect(effects, target):
    with torch.no_grad():
        if target == "best":
            return effects.max(dim=1, keepdim=True).values
        if target == "first":
            first = effects[:, :1]
            rest = effects[:, 1:].max(dim=1, keepdim=True).values
            return torch.where(first > rest, (first + rest) / 2, rest)
        return torch.zeros_like(effects[:, :1])


def primary_term(losses, primary):
    if primary == "avg":
        return losses.mean(dim=1)
    if primary == "fst":
        return losses[:, 0]
    if primary == "lst":
        return losses[:, -1]
    return losses.max(dim=1).values


def ranking_rows(losses, config, with_target):
    effects = -losses / config["temperature"]
    if with_target:
        effects = torch.cat([effects, target_effect(effects, config["target"]).detach()], dim=1)
    return listwise(effects) if config["ranking"] == "listwise" else pairwise(effects)


def comparative_rows(losses, config, end_losses=None, batch_mean=None):
    """Per-example comparative loss [B], ranking term [B] and primary term [B] of a [B, c+1] loss
    matrix (column 0: full model); span tasks pass start losses and end losses. `batch_mean`
    turns a per-row tensor into the mean over the global batch (for `cr_schedule`)."""
    comparative = config["mode"] == "comparative"
    if end_losses is None:
        ranking = ranking_rows(losses, config, comparative)
        if comparative:
            return ranking, ranking, torch.zeros_like(ranking)
        primary = primary_term(losses, config["primary"])
    else:
        ranking = (ranking_rows(losses, config, comparative) + ranking_rows(end_losses, config, comparative)) / 2
        if comparative:
            return ranking, ranking, torch.zeros_like(ranking)
        primary = primary_term((losses + end_losses) / 2, config["primary"])
    weight = config["weight"]
    if config.get("cr_schedule"):
        # The reference's cr_schedule: no ranking term while the batch-mean primary loss exceeds 1.1.
        mean = batch_mean(primary.detach()) if batch_mean else float(primary.detach().mean())
        if mean > 1.1:
            weight = 0.0
    return primary + weight * ranking, ranking, primary


def violations(losses):
    """Per row: pairs i < j where the more ablated variant j has the strictly lower loss."""
    n = losses.shape[1]
    i, j = torch.triu_indices(n, n, offset=1, device=losses.device)
    return (losses[:, j] < losses[:, i]).sum(dim=1).to(losses.dtype)


def variant_schedule(crops, drops):
    """(crop level, drop level) of variants 0 ... c, crop first (as cmcl's AblationSchedule)."""
    variants = [(0, 0)]
    cc = dc = 0
    for i in range(crops + drops):
        if cc < crops and (i % 2 == 0 or dc >= drops):
            cc += 1
        else:
            dc += 1
        variants.append((cc, dc))
    return variants


# ----------------------------------------------------------------------------- CmpCrop

def removal_totals(eligible, steps, ratio):
    totals = [0]
    for k in range(1, steps + 1):
        target = int(math.floor(eligible * (1 - (1 - ratio) ** k) + 0.5))
        totals.append(min(eligible, max(totals[k - 1] + 1, target)))
    return totals


def crop_plan(count, steps, ratio, style, protected, rng):
    """Kept token indices per level 0 ... steps of one text of `count` tokens (nested)."""
    eligible = [i for i in range(count) if i not in protected]
    totals = removal_totals(len(eligible), steps, ratio)
    removed = [set()]
    if style == "spans":
        remaining = list(eligible)
        gone = set()
        for k in range(1, steps + 1):
            length = totals[k] - totals[k - 1]
            if length > 0:
                start = int(torch.randint(0, len(remaining) - length + 1, (1,), generator=rng).item())
                gone.update(remaining[start:start + length])
                del remaining[start:start + length]
            removed.append(set(gone))
    else:
        order = torch.randperm(len(eligible), generator=rng).tolist()
        order = [eligible[i] for i in order]
        for k in range(1, steps + 1):
            removed.append(set(order[:totals[k]]))
    return [[i for i in range(count) if i not in r] for r in removed]


def crop_levels(batch, crop, rng):
    """The batches of crop levels 0 ... steps: kept tokens compacted left, same padded length."""
    ids, mask, types = batch["input_ids"], batch["attention_mask"], batch["token_type_ids"]
    b, t = ids.shape
    protected_ids = set(crop["protected_ids"])
    starts = batch.get("start_positions")
    ends = batch.get("end_positions")
    plans = []
    for row in range(b):
        positions = [p for p in range(t) if mask[row, p] != 0]
        if not positions:
            plans.append([[] for _ in range(crop["steps"] + 1)])
            continue
        protected = {0, len(positions) - 1}
        row_ids = ids[row].tolist()
        for i, p in enumerate(positions):
            if row_ids[p] in protected_ids:
                protected.add(i)
        if starts is not None:
            s, e = int(starts[row]), int(ends[row])
            for i, p in enumerate(positions):
                if s <= p <= e or p == s or p == e:
                    protected.add(i)
        kept = crop_plan(len(positions), crop["steps"], crop["ratio"], crop["style"], protected, rng)
        plans.append([[positions[i] for i in level] for level in kept])
    levels = [batch]
    for k in range(1, crop["steps"] + 1):
        new_ids = torch.full_like(ids, crop["pad_id"])
        new_mask = torch.zeros_like(mask)
        new_types = torch.zeros_like(types)
        level = dict(batch)
        new_starts = starts.clone() if starts is not None else None
        new_ends = ends.clone() if ends is not None else None
        for row in range(b):
            kept = plans[row][k]
            index = torch.tensor(kept, dtype=torch.long, device=ids.device)
            n = len(kept)
            if n:
                new_ids[row, :n] = ids[row, index]
                new_types[row, :n] = types[row, index]
                new_mask[row, :n] = 1
            where = {p: j for j, p in enumerate(kept)}
            for positions in (new_starts, new_ends):
                if positions is not None:
                    p = int(positions[row])
                    if 0 <= p < t:
                        positions[row] = where.get(p, -100)
        level.update(input_ids=new_ids, attention_mask=new_mask, token_type_ids=new_types)
        if new_starts is not None:
            level.update(start_positions=new_starts, end_positions=new_ends)
        levels.append(level)
    return levels


# ----------------------------------------------------------------------------- objectives

class Objective:
    """One step's loss on this rank's rows. `rows` returns per-row contributions whose sum over
    the global batch divided by its size is cmcl's batch loss, plus the same for every part."""

    def __init__(self, spec, task, plan, crop_generator=None, dropout=True, batch_mean=None):
        self.spec = spec
        self.task = task
        self.plan = plan
        self.crop_generator = crop_generator
        self.ordinary = "ordinary" if dropout else "off"   # fit(dropout: false): no ordinary dropout
        self.batch_mean = batch_mean

    def rows(self, model, batch, global_size, preset=None):
        kind = self.spec["kind"]
        if kind == "plain":
            return self.plain(model, batch)
        if kind == "rdrop":
            return self.rdrop(model, batch, global_size)
        return self.comparative(model, batch, preset)

    def plain(self, model, batch):
        self.plan.mode = self.ordinary
        s, e = example_losses(forward(model, batch, self.task), batch, self.task)
        task = s if e is None else (s + e) / 2
        return task, {"loss": task, "task": task}

    def rdrop(self, model, batch, global_size):
        self.plan.mode = self.ordinary
        a = forward(model, batch, self.task)
        b = forward(model, batch, self.task)
        sa, ea = example_losses(a, batch, self.task)
        sb, eb = example_losses(b, batch, self.task)
        task = ((sa if ea is None else (sa + ea) / 2) + (sb if eb is None else (sb + eb) / 2)) / 2
        if self.task == "span":
            kl = (symmetric_kl(a["start"], b["start"]) + symmetric_kl(a["end"], b["end"])) / 2
        elif self.task == "regression":
            kl = (a["logits"] - b["logits"]) ** 2
        else:
            kl = symmetric_kl(a["logits"], b["logits"])
        # A summed divergence is the batch size times its mean.
        scale = float(global_size) if self.spec.get("reduction", "sum") == "sum" else 1.0
        kl_rows = kl * scale
        total = task + self.spec["alpha"] * kl_rows
        return total, {"loss": total, "task": task, "kl": kl_rows}

    def comparative(self, model, batch, preset=None):
        spec = self.spec
        crop, drop = spec.get("crop"), spec.get("drop")
        batches = crop_levels(batch, crop, self.crop_generator) if crop else [batch]
        schedule = variant_schedule(crop["steps"] if crop else 0, drop["steps"] if drop else 0)
        self.plan.mode = "nested"
        self.plan.begin_step(rate=drop.get("p") if drop else None, preset=preset)
        starts, ends = [], []
        for crop_level, drop_level in schedule:
            level = drop_level if drop else 1
            if (drop and level == 0) or (not drop and self.ordinary == "off"):
                self.plan.mode = "off"
            else:
                self.plan.mode = "nested"
                self.plan.level = level
            s, e = example_losses(forward(model, batches[crop_level], self.task), batches[crop_level], self.task)
            starts.append(s)
            if e is not None:
                ends.append(e)
        self.plan.mode = "ordinary"
        losses = torch.stack(starts, dim=1)
        end_losses = torch.stack(ends, dim=1) if ends else None
        total, ranking, primary = comparative_rows(losses, spec, end_losses, self.batch_mean)
        task_losses = losses if end_losses is None else (losses + end_losses) / 2
        n = losses.shape[1]
        parts = {"loss": total, "task": task_losses[:, 0].detach(), "ranking": ranking, "primary": primary,
                 "violation_rate": violations(task_losses.detach()) / (n * (n - 1) / 2)}
        for k in range(n):
            parts[f"l_{k}"] = task_losses[:, k].detach()
        return total, parts


def part_names(spec):
    """The logged parts of an objective, as cmcl's history records them."""
    if spec["kind"] == "plain":
        return ["loss", "task"]
    if spec["kind"] == "rdrop":
        return ["kl", "loss", "task"]
    c = (spec["crop"]["steps"] if spec.get("crop") else 0) + (spec["drop"]["steps"] if spec.get("drop") else 0)
    return sorted(["loss", "task", "ranking", "primary", "violation_rate"] + [f"l_{k}" for k in range(c + 1)])


def symmetric_kl(a, b):
    """Per row (KL(p || q) + KL(q || p)) / 2 of the softmaxes of logits a and b."""
    la, lb = F.log_softmax(a, dim=-1), F.log_softmax(b, dim=-1)
    pa, pb = la.exp(), lb.exp()
    return ((pa * (la - lb)).sum(-1) + (pb * (lb - la)).sum(-1)) / 2


# ----------------------------------------------------------------------------- optimizer, schedule

def make_optimizer(model, spec, no_decay):
    decay, plain = [], []
    for name, p in model.named_parameters():
        if p.requires_grad:
            (plain if name in no_decay else decay).append(p)
    wd = float(spec.get("weight_decay", 0.0))
    groups = [{"params": decay, "weight_decay": wd}, {"params": plain, "weight_decay": 0.0}]
    name = spec["name"]
    if name == "adamw":
        return torch.optim.AdamW(groups, lr=spec["lr"], betas=tuple(spec["betas"]), eps=spec["eps"])
    if name == "adam":
        return torch.optim.Adam(groups, lr=spec["lr"], betas=tuple(spec["betas"]), eps=spec["eps"])
    if name == "sgd":
        return torch.optim.SGD(groups, lr=spec["lr"], momentum=spec.get("momentum", 0.0))
    raise SystemExit(f"unknown optimizer {name}")


def lr_factor(spec, step, total):
    """cmcl's schedules: step is the 0-based optimizer update."""
    total = max(total, 1)
    ws = int(spec.get("warmup_steps", 0))
    kind = spec["kind"]
    if step < ws:
        return step / max(1, ws)
    if kind == "linear":
        return max(0.0, (total - step) / max(1, total - ws))
    if kind == "cosine":
        progress = (step - ws) / max(1, total - ws)
        c = max(0.0, 0.5 * (1 + math.cos(math.pi * progress)))
        m = float(spec.get("min_factor", 0.0))
        return m + (1 - m) * c
    return 1.0


# ----------------------------------------------------------------------------- evaluation

def prefers_higher(metric, higher):
    if higher is not None:
        return bool(higher)
    m = metric.lower()
    return not any(w in m for w in ("loss", "mse", "rmse", "mae", "error"))


def f1_of(pred, gold, positive):
    tp = sum(1 for p, g in zip(pred, gold) if p == positive and g == positive)
    fp = sum(1 for p, g in zip(pred, gold) if p == positive and g != positive)
    fn = sum(1 for p, g in zip(pred, gold) if p != positive and g == positive)
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


# ----------------------------------------------------------------------------- SQuAD answers

def float32(x):
    """x rounded to the nearest float32 (cmcl scores spans in float32)."""
    return struct.unpack("f", struct.pack("f", x))[0]


def top_indices(values, k):
    """Indices of the k largest values, largest first (ties: lower index first)."""
    return sorted(range(len(values)), key=lambda i: (-values[i], i))[:k]


def decode_answers(rows, questions, starts, ends, n_best, max_answer_length):
    """The best answer text of every question from the start and end logits of its windows, as
    cmcl's SQuAD.predict: the n_best largest start and end logits of each window paired, spans
    outside the context, reversed or longer than max_answer_length tokens dropped, the highest
    start + end logit (float32) over all windows of the question wins."""
    candidates = [[] for _ in questions]
    for row, s_logits, e_logits in zip(rows, starts, ends):
        offsets = row["offsets"]
        n = len(offsets)
        s_logits, e_logits = s_logits[:n], e_logits[:n]
        context = questions[row["question"]]["context"]
        top_ends = top_indices(e_logits, n_best)
        for s in top_indices(s_logits, n_best):
            if offsets[s] is None:
                continue
            for e in top_ends:
                if offsets[e] is None or e < s or e - s + 1 > max_answer_length:
                    continue
                lo, hi = offsets[s][0], offsets[e][1]
                if hi > len(context):
                    continue
                candidates[row["question"]].append((float32(s_logits[s] + e_logits[e]), context[lo:hi]))
    texts = []
    for c in candidates:
        c.sort(key=lambda x: -x[0])         # stable: equal scores keep window and pairing order
        texts.append(c[0][1] if c else "")
    return texts


def normalize_answer(text):
    """The official SQuAD v1.1 normalisation: lower case, no punctuation, no articles, single spaces."""
    text = "".join(ch for ch in text.lower() if ch not in set(string.punctuation))
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def answer_f1(prediction, gold):
    p, g = normalize_answer(prediction).split(), normalize_answer(gold).split()
    same = sum((collections.Counter(p) & collections.Counter(g)).values())
    if same == 0:
        return 0.0
    precision, recall = same / len(p), same / len(g)
    return 2 * precision * recall / (precision + recall)


def answer_scores(texts, questions):
    """The official SQuAD v1.1 exact match and F1 (fractions, as cmcl's evaluate)."""
    em = f1 = 0.0
    for text, q in zip(texts, questions):
        answers = q["answers"]
        em += 1.0 if any(normalize_answer(text) == normalize_answer(a) for a in answers) else 0.0
        f1 += max((answer_f1(text, a) for a in answers), default=0.0)
    n = max(1, len(texts))
    return {"exact_match": em / n, "f1": f1 / n}


def span_logits(model, rows, experiment, device):
    """Start and end logits of every row (evaluation mode), each cut to its row's length."""
    size = experiment["training"]["eval_batch"]
    pad_id = experiment["data"]["pad_id"]
    starts, ends = [], []
    was_training = model.training
    model.eval()
    with torch.no_grad():
        for i in range(0, len(rows), size):
            chunk = rows[i:i + size]
            out = forward(model, to_device(collate(chunk, pad_id, "span"), device), "span")
            for r, row in enumerate(chunk):
                n = len(row["input_ids"])
                starts.append(out["start"][r, :n].float().tolist())
                ends.append(out["end"][r, :n].float().tolist())
    model.train(was_training)
    return starts, ends


def squad_answers(model, rows, questions, experiment, device):
    """Decoded answers to `questions` from the windows `rows` (each row's `question` indexes them)."""
    starts, ends = span_logits(model, rows, experiment, device)
    decoding = experiment["training"]["answers"]
    return decode_answers(rows, questions, starts, ends, decoding["n_best"], decoding["max_answer_length"])


def evaluate(model, rows, experiment, device, plan, questions=None):
    """cmcl's evaluate(...) metrics of the model on the evaluation rows (no dropout); SQuAD
    windows with their questions are decoded and scored with the official answer metrics."""
    task = experiment["model"]["head"]
    training = experiment["training"]
    if questions is not None:
        return answer_scores(squad_answers(model, rows, questions, experiment, device), questions)
    size = training["eval_batch"]
    pad_id = experiment["data"]["pad_id"]
    wanted = training["metrics"] or {"classification": ["accuracy", "f1", "macro_f1", "loss"],
                                     "regression": ["mse", "rmse", "mae", "pearson", "loss"],
                                     "span": ["exact_match", "start_accuracy", "end_accuracy", "loss"]}[task]
    was_training = model.training
    model.eval()
    loss_sum, count = 0.0, 0
    pred, gold, start_hits, end_hits = [], [], [], []
    with torch.no_grad():
        for i in range(0, len(rows), size):
            batch = to_device(collate(rows[i:i + size], pad_id, task), device)
            out = forward(model, batch, task)
            s, e = example_losses(out, batch, task)
            n = batch["input_ids"].shape[0]
            if task == "classification":
                valid = (batch["labels"] != -100).sum().item()
                loss_sum += (s.sum().item() / max(1, valid)) * n
                pred += out["logits"].argmax(-1).tolist()
                gold += batch["labels"].tolist()
            elif task == "regression":
                loss_sum += s.sum().item()
                pred += out["logits"].tolist()
                gold += batch["labels"].tolist()
            else:
                loss_sum += ((s.sum().item() + e.sum().item()) / 2)
                start_hits += (out["start"].argmax(-1) == batch["start_positions"]).tolist()
                end_hits += (out["end"].argmax(-1) == batch["end_positions"]).tolist()
            count += n
    model.train(was_training)

    def mean(xs):
        return sum(xs) / len(xs) if xs else float("nan")
    result = {}
    for m in wanted:
        if m == "loss":
            result[m] = loss_sum / count if count else float("nan")
        elif m == "accuracy":
            result[m] = mean([1.0 if p == g else 0.0 for p, g in zip(pred, gold)])
        elif m == "f1":
            classes = experiment["model"].get("classes", 2)
            result[m] = f1_of(pred, gold, 1) if classes == 2 else mean([f1_of(pred, gold, c) for c in sorted(set(pred) | set(gold))])
        elif m == "macro_f1":
            result[m] = mean([f1_of(pred, gold, c) for c in sorted(set(pred) | set(gold))])
        elif m in ("mse", "rmse"):
            v = mean([(p - g) ** 2 for p, g in zip(pred, gold)])
            result[m] = v if m == "mse" else math.sqrt(v)
        elif m == "mae":
            result[m] = mean([abs(p - g) for p, g in zip(pred, gold)])
        elif m == "pearson":
            n = len(pred)
            mx, my = sum(pred) / n, sum(gold) / n
            sxy = sum((a - mx) * (b - my) for a, b in zip(pred, gold))
            sxx = sum((a - mx) ** 2 for a in pred)
            syy = sum((b - my) ** 2 for b in gold)
            result[m] = float("nan") if sxx == 0 or syy == 0 else sxy / math.sqrt(sxx * syy)
        elif m == "exact_match":
            result[m] = mean([1.0 if a and b else 0.0 for a, b in zip(start_hits, end_hits)])
        elif m == "start_accuracy":
            result[m] = mean([1.0 if a else 0.0 for a in start_hits])
        elif m == "end_accuracy":
            result[m] = mean([1.0 if a else 0.0 for a in end_hits])
        else:
            raise SystemExit(f"unknown metric {m}")
    return result


# ----------------------------------------------------------------------------- run log

class RunLog:
    """JSON lines, written by rank 0 only and flushed after every record."""

    def __init__(self, path, enabled):
        self.file = None
        if enabled:
            os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
            self.file = open(path, "w")

    def write(self, record):
        if self.file:
            self.file.write(json.dumps(record, allow_nan=True) + "\n")
            self.file.flush()

    def close(self):
        if self.file:
            self.file.close()


def check_reference(model, experiment, directory, rows, device, plan):
    """Eval-mode logits of the first training rows against the values cmcl computed at export."""
    path = os.path.join(directory, experiment.get("reference", "reference.json"))
    if not os.path.exists(path):
        return None
    with open(path) as f:
        reference = json.load(f)
    task = experiment["model"]["head"]
    batch = to_device(collate([rows[i] for i in reference["rows"]], experiment["data"]["pad_id"], task), device)
    was_training = model.training
    model.eval()
    with torch.no_grad():
        out = forward(model, batch, task)
    model.train(was_training)
    worst = 0.0
    for key, values in reference["outputs"].items():
        got = out[key].double().cpu()
        want = torch.tensor(values, dtype=torch.float64)
        worst = max(worst, (got - want).abs().max().item())
    return worst, reference.get("answers")


def check_answers(model, experiment, reference, rows, questions, device):
    """This model's answers to the first evaluation questions against cmcl's at export."""
    k = reference["questions"]
    mine = [r for r in rows if r["question"] < k]
    texts = squad_answers(model, mine, questions[:k], experiment, device)
    scores = answer_scores(texts, questions[:k])
    return {"type": "check", "what": "answers vs cmcl", "questions": k,
            "different_answers": sum(1 for a, b in zip(texts, reference["texts"]) if a != b),
            "exact_match_diff": abs(scores["exact_match"] - reference["exact_match"]),
            "f1_diff": abs(scores["f1"] - reference["f1"])}


# ----------------------------------------------------------------------------- training

def main(argv=None):
    parser = argparse.ArgumentParser(description="Train an experiment exported from cmcl (DDP).")
    parser.add_argument("--dir", default=HERE, help="the exported project (default: this file's directory)")
    parser.add_argument("--log", default=None,
                        help="run log the run's line is appended to, cmcl's experiment format (default: DIR/runs.jsonl)")
    parser.add_argument("--history", default=None,
                        help="every step and evaluation, JSON lines (default: DIR/runs/history.jsonl)")
    parser.add_argument("--output", default=None, help="where the trained model goes (default: DIR/trained)")
    parser.add_argument("--steps", type=int, default=None, help="stop after this many steps (the schedule keeps its length)")
    parser.add_argument("--device", default=None, help="cpu or cuda (default: cuda when available)")
    parser.add_argument("--no-save", action="store_true", help="do not write the trained model")
    args = parser.parse_args(argv)

    directory = os.path.abspath(args.dir)
    experiment = load_experiment(directory)
    training = experiment["training"]
    task = experiment["model"]["head"]

    distributed = "RANK" in os.environ and "WORLD_SIZE" in os.environ
    device_name = args.device or ("cuda" if torch.cuda.is_available() else "cpu")
    if distributed:
        dist.init_process_group(backend="nccl" if device_name == "cuda" else "gloo")
        rank, world = dist.get_rank(), dist.get_world_size()
    else:
        rank, world = 0, 1
    if device_name == "cuda":
        local = int(os.environ.get("LOCAL_RANK", 0))
        torch.cuda.set_device(local)
        device = torch.device("cuda", local)
    else:
        device = torch.device("cpu")
    seed = int(training["seed"])
    torch.manual_seed(seed * 1009 + rank)
    mask_generator = torch.Generator(device=device)
    mask_generator.manual_seed(seed * 7919 + rank + 1)
    crop_generator = torch.Generator()
    crop_generator.manual_seed(seed * 104729 + rank + 2)

    plan = DropoutPlan(mask_generator)
    model = load_model(experiment, directory)
    install_sites(model, plan)
    model.to(device)
    model.train()

    train_rows = read_jsonl(os.path.join(directory, experiment["data"]["train"]))
    eval_rows = read_jsonl(os.path.join(directory, experiment["data"]["eval"])) if experiment["data"].get("eval") else None
    questions = read_jsonl(os.path.join(directory, experiment["data"]["questions"])) if experiment["data"].get("questions") else None
    with open(os.path.join(directory, experiment["data"]["order"])) as f:
        epoch_orders = json.load(f)
    pad_id = experiment["data"]["pad_id"]

    log = RunLog(args.history or os.path.join(directory, "runs", "history.jsonl"), rank == 0)
    log.write({"type": "run", "engine": "pytorch", "torch": torch.__version__, "world_size": world,
               "device": device.type, "name": experiment.get("name", ""), "objective": experiment["objective"],
               "optimizer": experiment["optimizer"], "schedule": experiment["schedule"], "training": training})
    if rank == 0:
        checked = check_reference(model, experiment, directory, train_rows, device, plan)
        if checked is not None:
            difference, answers = checked
            log.write({"type": "check", "what": "eval logits vs cmcl", "max_abs_diff": difference})
            if difference > 1e-3:
                log.close()
                raise SystemExit(f"the exported model's outputs differ from cmcl's by {difference:.3g}: the export is broken")
            if answers is not None and questions is not None:
                log.write(check_answers(model, experiment, answers, eval_rows, questions, device))

    core = model
    if distributed:
        model = nn.parallel.DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)
    optimizer = make_optimizer(core, experiment["optimizer"], set(experiment["model"]["no_decay"]))
    base_lr = float(experiment["optimizer"]["lr"])
    def batch_mean(rows, size):
        total = rows.double().sum().reshape(1)
        if distributed:
            dist.all_reduce(total)
        return float(total) / size

    objective = Objective(experiment["objective"], task, plan, crop_generator, training.get("dropout", True))
    parameters = [p for p in core.parameters() if p.requires_grad]
    clip = training.get("clip")
    batch_size = int(training["batch"])
    total = int(training["total_steps"])
    epochs = int(training["epochs"])
    every = training.get("every")
    keep_best = training.get("keep_best")

    best = None
    last_eval = None
    last_loss = float("nan")
    step = 0
    start = time.time()

    def run_evaluation(epoch):
        nonlocal best, last_eval
        if eval_rows is None:
            return
        if rank == 0:
            metrics = evaluate(core, eval_rows, experiment, device, plan, questions)
            last_eval = metrics
            log.write(dict({"type": "eval", "step": step, "epoch": epoch + 1}, **metrics))
            if keep_best:
                value = metrics[keep_best]
                higher = prefers_higher(keep_best, training.get("higher_is_better"))
                better = (value > best[1] if higher else value < best[1]) if best else math.isfinite(value)
                if better:
                    best = ({"step": step, "epoch": epoch + 1, **metrics}, value,
                            {k: v.detach().clone() for k, v in core.state_dict().items()})
        if distributed:
            dist.barrier()

    names = part_names(experiment["objective"])
    stopped = False
    for epoch in range(epochs):
        order = epoch_orders[epoch]
        ended = False
        for first in range(0, len(order), batch_size):
            if step >= total:
                ended = True
                break
            global_rows = order[first:first + batch_size]
            mine = shard(global_rows, rank, world)
            lr = base_lr * lr_factor(experiment["schedule"], step, total)
            for group in optimizer.param_groups:
                group["lr"] = lr
            optimizer.zero_grad(set_to_none=True)
            # A rank without rows (a last batch smaller than the world) still runs one row, weighted 0,
            # so that every rank takes part in the gradient average.
            batch = to_device(collate([train_rows[i] for i in (mine or global_rows[:1])], pad_id, task), device)
            objective.batch_mean = lambda r, n=len(global_rows), w=bool(mine): batch_mean(r if w else r * 0, n)
            rows, parts = objective.rows(model, batch, len(global_rows))
            # DDP averages gradients over ranks: scale so the average is the global mean.
            loss = rows.sum() * (world / len(global_rows)) * (1.0 if mine else 0.0)
            if not mine:
                parts = {}
            loss.backward()
            sums = torch.tensor([float(parts[n].detach().double().sum()) if n in parts else 0.0 for n in names],
                                dtype=torch.float64)
            if distributed:
                sums = sums.to(device)
                dist.all_reduce(sums)
                sums = sums.cpu()
            values = {n: float(v) / len(global_rows) for n, v in zip(names, sums.tolist())}
            if clip:
                norm = float(torch.nn.utils.clip_grad_norm_(parameters, clip))
            else:
                norm = float(torch.sqrt(sum((p.grad.double() ** 2).sum() for p in parameters if p.grad is not None)))
            optimizer.step()
            step += 1
            last_loss = values["loss"]
            record = {"type": "step", "step": step, "epoch": epoch + 1, "loss": values["loss"], "lr": lr, "grad_norm": norm}
            record.update({n: v for n, v in values.items() if n != "loss"})
            log.write(record)
            if every and step % every == 0:
                run_evaluation(epoch)
            if args.steps and step >= args.steps:
                stopped = ended = True
                break
        if ended:
            break
        if not every:
            run_evaluation(epoch)
    if every and eval_rows is not None and step % every != 0 and not stopped:
        run_evaluation(max(0, epochs - 1))

    if rank == 0:
        if best is not None:
            core.load_state_dict(best[2])
        end = {"type": "end", "steps": step, "seconds": time.time() - start, "stopped_early": stopped}
        if best is not None:
            end["best"] = best[0]
            end["best_metric"] = keep_best
        log.write(end)
        log.close()
        metrics = dict(best[0] if best is not None else (last_eval or {}))
        metrics.pop("step", None)
        metrics.pop("epoch", None)
        metrics["train_loss"] = last_loss
        append_run(args.log or os.path.join(directory, "runs.jsonl"), experiment, metrics, end["seconds"])
        if not args.no_save:
            output = args.output or os.path.join(directory, "trained")
            save_model(core, output)
    if distributed:
        dist.barrier()
        dist.destroy_process_group()


def append_run(path, experiment, metrics, seconds):
    """Appends the run's line to a run log in the format of cmcl's `experiment` (docs/experiments.md),
    so `read_runs` and `compare` take PyTorch runs alongside cmcl's."""
    config = {"name": experiment.get("name") or "pytorch"}
    name = config["name"] if isinstance(config.get("name"), str) else json.dumps(config, sort_keys=True, separators=(",", ":"))
    line = {"config": config, "name": name, "seed": experiment["training"]["seed"], "status": "ok",
            "metrics": metrics, "seconds": seconds,
            "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "cmcl": f"torch {torch.__version__}"}
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    data = (json.dumps(line) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, data)          # one write per line, as cmcl's own log
    finally:
        os.close(fd)


def save_model(model, output):
    """The trained model as a Hugging Face directory (plain dropout modules restored)."""
    clean = copy.deepcopy(model)
    for name, module in list(clean.named_modules()):
        for child_name, child in list(module.named_children()):
            if isinstance(child, SiteDropout):
                setattr(module, child_name, nn.Dropout(child.p))
    clean.set_attn_implementation("eager")
    clean.save_pretrained(output)


if __name__ == "__main__":
    main()
