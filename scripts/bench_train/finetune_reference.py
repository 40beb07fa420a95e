"""One fine-tuning run of examples/finetune-sst2.cmcl in PyTorch + transformers, for side-by-side timing.

Usage: finetune_reference.py MODEL_DIR GLUE_DIR MODE [PRECISION]   (MODE plain | cmpdrop2; PRECISION fp32 | bf16)

The notebook's setup: MiniLM-L6 with a fresh 2-class head, 2,000 SST-2 training sentences, 2 epochs,
batch 16, max length 64 with each batch padded to its longest sentence, AdamW (lr 5e-5, weight decay
0.01) with 6% linear warm-up, gradient clipping at 1, then accuracy on the 872 dev sentences.
CmpDrop(2, p: 0.1) runs as the public reference implementation does: the full model with dropout off
and two variants with every dropout at p_k = 1 - (1 - 0.1)^k, one forward pass each, the pairwise
comparative loss, one backward pass. The 2,000 sentences are drawn with Python's generator (seed 0),
so they are not cmcl's subset; timings compare like with like, accuracies only roughly.
With PRECISION bf16 the forward passes (training and evaluation) run under
torch.autocast("cpu", dtype=torch.bfloat16); backward, clipping and AdamW outside it.
Prints `train SECONDS s`, `evaluate SECONDS s`, `accuracy VALUE ratio`.
"""
import contextlib, csv, random, sys, time
import torch
from transformers import BertForSequenceClassification, BertTokenizerFast, get_linear_schedule_with_warmup


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [(r[0], int(r[1])) for r in rows[1:]]


def main():
    model_dir, glue_dir, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    bf16 = len(sys.argv) > 4 and sys.argv[4] == "bf16"
    autocast = (lambda: torch.autocast("cpu", dtype=torch.bfloat16)) if bf16 else contextlib.nullcontext
    torch.manual_seed(1)
    train = read(f"{glue_dir}/SST-2/train.tsv")
    random.Random(0).shuffle(train)
    train = train[:2000]
    dev = read(f"{glue_dir}/SST-2/dev.tsv")
    tok = BertTokenizerFast(f"{model_dir}/vocab.txt")
    model = BertForSequenceClassification.from_pretrained(model_dir, num_labels=2)
    opt = torch.optim.AdamW(model.parameters(), lr=5e-5, weight_decay=0.01)
    epochs, batch = 2, 16
    steps = epochs * ((len(train) + batch - 1) // batch)
    sched = get_linear_schedule_with_warmup(opt, int(0.06 * steps), steps)
    dropouts = [m for m in model.modules() if isinstance(m, torch.nn.Dropout)]
    base = [m.p for m in dropouts]

    def encode(rows):
        enc = tok([r[0] for r in rows], truncation=True, max_length=64, padding=True, return_tensors="pt")
        return enc["input_ids"], enc["attention_mask"], torch.tensor([r[1] for r in rows])

    def per_example(ids, mask, labels, k):
        for m, p in zip(dropouts, base):
            m.p = 1 - (1 - p) ** k
        return torch.nn.functional.cross_entropy(model(input_ids=ids, attention_mask=mask).logits, labels, reduction="none")

    start = time.perf_counter()
    model.train()
    order = random.Random(1)
    for _ in range(epochs):
        rows = train[:]
        order.shuffle(rows)
        for i in range(0, len(rows), batch):
            ids, mask, labels = encode(rows[i:i + batch])
            opt.zero_grad(set_to_none=True)
            with autocast():
                if mode == "plain":
                    for m, p in zip(dropouts, base):
                        m.p = p
                    loss = torch.nn.functional.cross_entropy(model(input_ids=ids, attention_mask=mask).logits, labels)
                else:
                    losses = torch.stack([per_example(ids, mask, labels, k) for k in range(3)], dim=1)
                    c = losses.shape[1] - 1
                    loss = losses[:, 0].mean()
                    for a in range(c + 1):
                        for b in range(a + 1, c + 1):
                            loss = loss + torch.relu(losses[:, a] - losses[:, b]).mean()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
    trained = time.perf_counter()
    model.eval()
    correct = 0
    with torch.no_grad(), autocast():
        for i in range(0, len(dev), 32):
            ids, mask, labels = encode(dev[i:i + 32])
            correct += (model(input_ids=ids, attention_mask=mask).logits.argmax(-1) == labels).sum().item()
    print(f"train {trained - start} s")
    print(f"evaluate {time.perf_counter() - trained} s")
    print(f"accuracy {correct / len(dev)} ratio")


if __name__ == "__main__":
    main()
