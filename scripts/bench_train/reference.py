"""The training step of `CMCLBench train` in PyTorch + transformers, for side-by-side timing.

Usage: reference.py WORKLOAD MODE STEPS [PRECISION]   (workload bert-tiny | minilm-l6, mode plain | cmpdrop2,
       precision fp32 | bf16)

The same model shape, batch, optimizer (AdamW, lr 1e-4, clipping at 1) and loss as the cmcl side.
CmpDrop(2) runs as the public reference implementation does: one forward pass per variant, the full
model with dropout off and variant k with every dropout at p_k = 1 - (1 - 0.1)^k, then the pairwise
comparative loss over the per-example losses and one backward pass.
With PRECISION bf16 the forward passes (and the losses) run under torch.autocast("cpu",
dtype=torch.bfloat16), as PyTorch's documentation recommends for mixed precision on CPUs; the backward
pass, clipping and AdamW run outside it (autocast's recorded casts make the backward products bf16 too).
Prints `step SECONDS s` and `cpu SECONDS s` (medians after the first step: wall clock, and CPU time of
all threads) and `peak_rss MB MB`.
"""
import contextlib, resource, sys, time
import torch
from transformers import BertConfig, BertForSequenceClassification

WORKLOADS = {
    "bert-tiny": dict(layers=2, hidden=128, heads=2, intermediate=512, batch=32, length=128),
    "minilm-l6": dict(layers=6, hidden=384, heads=12, intermediate=1536, batch=16, length=64),
}


def main():
    name, mode, steps = sys.argv[1], sys.argv[2], int(sys.argv[3])
    precision = sys.argv[4] if len(sys.argv) > 4 else "fp32"
    autocast = (lambda: torch.autocast("cpu", dtype=torch.bfloat16)) if precision == "bf16" else contextlib.nullcontext
    w = WORKLOADS[name]
    torch.manual_seed(1)
    config = BertConfig(vocab_size=30522, hidden_size=w["hidden"], num_hidden_layers=w["layers"],
                        num_attention_heads=w["heads"], intermediate_size=w["intermediate"], num_labels=2)
    model = BertForSequenceClassification(config)
    model.train()
    ids = torch.randint(1, 30522, (w["batch"], w["length"]))
    mask = torch.ones_like(ids)
    labels = torch.randint(0, 2, (w["batch"],))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4, weight_decay=0.01)
    dropouts = [m for m in model.modules() if isinstance(m, torch.nn.Dropout)]
    base = [m.p for m in dropouts]

    def per_example(p_scale):
        for m, p in zip(dropouts, base):
            m.p = 1 - (1 - p) ** p_scale
        logits = model(input_ids=ids, attention_mask=mask).logits
        return torch.nn.functional.cross_entropy(logits, labels, reduction="none")

    def loss_fn():
        if mode == "plain":
            for m, p in zip(dropouts, base):
                m.p = p
            return torch.nn.functional.cross_entropy(model(input_ids=ids, attention_mask=mask).logits, labels)
        losses = torch.stack([per_example(k) for k in range(3)], dim=1)    # [B, c+1]
        c = losses.shape[1] - 1
        total = losses.new_zeros(())
        for i in range(c + 1):
            for j in range(i + 1, c + 1):
                total = total + torch.relu(losses[:, i] - losses[:, j]).mean() + losses[:, i].mean() / (c + 1)
        return total

    def cpu():
        u = resource.getrusage(resource.RUSAGE_SELF)
        return u.ru_utime + u.ru_stime

    stamps, cpus = [time.perf_counter()], [cpu()]
    for _ in range(steps + 1):
        opt.zero_grad(set_to_none=True)
        with autocast():
            loss = loss_fn()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        stamps.append(time.perf_counter())
        cpus.append(cpu())
    times = sorted(b - a for a, b in zip(stamps[1:], stamps[2:]))
    cpu_times = sorted(b - a for a, b in zip(cpus[1:], cpus[2:]))
    print(f"step {times[len(times) // 2]} s")
    print(f"cpu {cpu_times[len(cpu_times) // 2]} s")
    print(f"peak_rss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024} MB")


if __name__ == "__main__":
    main()
