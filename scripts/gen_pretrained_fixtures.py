#!/usr/bin/env python3
"""Parity fixtures for pretrained encoders (Tests/CMCLNNTests/Fixtures/pretrained/).

Creates tiny random BERT, ELECTRA and RoBERTa sequence classifiers with `transformers`, saves
each as a Hugging Face directory (config.json, model.safetensors, tokenizer files), and records
in expected.json, for a handful of tricky sentences, the token ids of the Hugging Face tokenizer
and the model's outputs: last hidden states, every layer's hidden states (BERT), pooled outputs
(BERT; RoBERTa's pooler is kept in the checkpoint for the purpose) and logits.

- bert:    WordPiece trained on a small corpus, uncased (accents stripped), tokenizer.json
- electra: the same vocabulary, cased; embedding size 16 ≠ hidden 32 (embeddings_project)
- roberta: byte-level BPE trained on the corpus; positions offset by padding_idx + 1

With the MiniLM-L6 checkpoint fetched (scripts/fetch-model, or CMCL_MINILM_DIR), also writes
minilm_reference.json: token ids, last hidden states and pooled outputs of BertModel.

Usage: /path/to/venv/bin/python scripts/gen_pretrained_fixtures.py
Needs torch, transformers, tokenizers and safetensors (pip install torch transformers).
"""
import json
import os
import shutil
import sys
import unicodedata

import torch
from safetensors.torch import load_file, save_file
from tokenizers import ByteLevelBPETokenizer
from transformers import (BertConfig, BertForSequenceClassification, BertModel, BertTokenizerFast,
                          ElectraConfig, ElectraForSequenceClassification, ElectraTokenizerFast,
                          RobertaConfig, RobertaForSequenceClassification, RobertaModel, RobertaTokenizerFast)

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "Tests", "CMCLNNTests", "Fixtures", "pretrained")

SENTENCES = [
    ["Héllo, wörld! Ça va? Naïve café, résumé.", None],
    ["東京は日本の首都です。中文测试 and English", None],
    ["Well... isn't it (sort of) \"great\"?!—yes; $5.00 & 100% #1 @home", None],
    ["Antidisestablishmentarianism meets supercalifragilisticexpialidocious", None],
    ["Who wrote The Hobbit?", "It was written by J. R. R. Tolkien in 1937."],
    ["  multiple   spaces\tand\nnewlines  I ❤️ pizza 🍕 ", None],
]

CORPUS = [s for pair in SENTENCES for s in pair if s] + [
    "the quick brown fox jumps over the lazy dog",
    "a movie that is charming and often affecting",
    "it is not a great film but it has moments",
    "The Hobbit is a novel by Tolkien, published in 1937 by Allen & Unwin.",
    "Ça ira, naïveté, façade, coöperate, déjà vu, über, señor",
    "東京 日本 首都 中文 测试 汉字 北京 上海",
    "writing written writer wrote rewriting misunderstanding establishment",
    "She said: \"I don't know—maybe?\" (He'd left.) It's 5:00 pm; isn't it?",
] * 3


def perturb(model, seed):
    """Random weights of a useful scale: every tensor, layer norms around 1."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm.weight" in name:
                p.copy_(1 + 0.1 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(0.15 * torch.randn(p.shape, generator=g))


def flat(t):
    return [float("%.8g" % v) for v in t.detach().reshape(-1).tolist()]


def record(tokenizer, model, base, family, hidden_layers):
    enc = [tokenizer(t, p) for t, p in SENTENCES]
    # Pad by hand so pairs and singles share one batch.
    length = max(len(e["input_ids"]) for e in enc)
    pad = tokenizer.pad_token_id
    ids = [e["input_ids"] + [pad] * (length - len(e["input_ids"])) for e in enc]
    mask = [[1] * len(e["input_ids"]) + [0] * (length - len(e["input_ids"])) for e in enc]
    types = [e.get("token_type_ids", [0] * len(e["input_ids"])) + [0] * (length - len(e["input_ids"])) for e in enc]
    ids_t, mask_t, types_t = torch.tensor(ids), torch.tensor(mask), torch.tensor(types)
    model.eval()
    base.eval()
    with torch.no_grad():
        kwargs = dict(input_ids=ids_t, attention_mask=mask_t, token_type_ids=types_t)
        out = base(**kwargs, output_hidden_states=True)
        logits = model(**kwargs).logits
    result = {
        "family": family,
        "sentences": [{"text": t, "pair": p} for t, p in SENTENCES],
        "tokens": [tokenizer.convert_ids_to_tokens(e["input_ids"]) for e in enc],
        "ids": [e["input_ids"] for e in enc],
        "type_ids": [e.get("token_type_ids", [0] * len(e["input_ids"])) for e in enc],
        "shape": [len(SENTENCES), length],
        "batch_ids": sum(ids, []), "batch_mask": sum(mask, []), "batch_types": sum(types, []),
        "hidden_size": base.config.hidden_size,
        "last_hidden": flat(out.last_hidden_state),
        "pooled": flat(out.pooler_output) if getattr(out, "pooler_output", None) is not None else None,
        "logits": flat(logits),
        "classes": model.config.num_labels,
    }
    if hidden_layers:
        result["hidden_states"] = [flat(h) for h in out.hidden_states]
    return result


def write(name, data):
    with open(os.path.join(OUT, name, "expected.json"), "w") as f:
        json.dump(data, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


def strip_accents(s):
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")


def wordpiece_vocab(tmp):
    """A vocab.txt for both the uncased (BERT) and the cased (ELECTRA) tokenizer, built
    deterministically: specials, every character of the corpus (alone and as a ## piece), the
    most frequent words, and a few ## suffixes."""
    from tokenizers.normalizers import BertNormalizer as Norm
    from tokenizers.pre_tokenizers import BertPreTokenizer
    words = {}
    for lower in (False, True):
        norm, pre = Norm(lowercase=lower, strip_accents=None), BertPreTokenizer()
        for text in CORPUS:
            for w, _ in pre.pre_tokenize_str(norm.normalize_str(text)):
                words[w] = words.get(w, 0) + 1
    chars = sorted({c for w in words for c in w})
    frequent = [w for w, _ in sorted(words.items(), key=lambda kv: (-kv[1], kv[0])) if 1 < len(w) <= 6][:260]
    suffixes = ["##ing", "##ed", "##s", "##er", "##tion", "##ment", "##ism", "##ly", "##est", "##ish", "##ian", "##fra", "writ", "estab", "##tten"]
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + chars + ["##" + c for c in chars] + frequent + suffixes
    seen, ordered = set(), []
    for t in vocab:
        if t not in seen:
            seen.add(t)
            ordered.append(t)
    path = os.path.join(tmp, "vocab.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(ordered) + "\n")
    return path


def fast_tokenizer(cls, files, config, into):
    """A transformers fast tokenizer built from vocabulary files (via a directory, as a user would)."""
    src = os.path.join(OUT, ".src")
    os.makedirs(src, exist_ok=True)
    for f in files:
        shutil.copy(f, src)
    with open(os.path.join(src, "tokenizer_config.json"), "w") as f:
        json.dump(config, f)
    tok = cls.from_pretrained(src)
    shutil.rmtree(src)
    tok.save_pretrained(into)
    for f in files:  # the files the fallback readers use
        shutil.copy(f, into)
    return tok


def clean(d):
    os.makedirs(d, exist_ok=True)
    for f in os.listdir(d):
        os.remove(os.path.join(d, f))


def bert(vocab):
    d = os.path.join(OUT, "bert")
    clean(d)
    tok = fast_tokenizer(BertTokenizerFast, [vocab], {"do_lower_case": True, "tokenizer_class": "BertTokenizer"}, d)
    cfg = BertConfig(vocab_size=tok.vocab_size, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                     intermediate_size=64, max_position_embeddings=64, type_vocab_size=2, num_labels=3,
                     layer_norm_eps=1e-12)
    torch.manual_seed(1)
    model = BertForSequenceClassification(cfg)
    perturb(model, 1)
    model.save_pretrained(d, safe_serialization=True)
    write("bert", record(tok, model, model.bert, "bert", hidden_layers=True))


def electra(vocab):
    d = os.path.join(OUT, "electra")
    clean(d)
    tok = fast_tokenizer(ElectraTokenizerFast, [vocab], {"do_lower_case": False, "tokenizer_class": "ElectraTokenizer"}, d)
    cfg = ElectraConfig(vocab_size=tok.vocab_size, embedding_size=16, hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=4, intermediate_size=64, max_position_embeddings=64, num_labels=2,
                        layer_norm_eps=1e-12)
    torch.manual_seed(2)
    model = ElectraForSequenceClassification(cfg)
    perturb(model, 2)
    model.save_pretrained(d, safe_serialization=True)
    write("electra", record(tok, model, model.electra, "electra", hidden_layers=False))


def roberta(tmp):
    d = os.path.join(OUT, "roberta")
    clean(d)
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(CORPUS, vocab_size=600, min_frequency=1,
                            special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    bpe.save_model(tmp)
    tok = fast_tokenizer(RobertaTokenizerFast, [os.path.join(tmp, "vocab.json"), os.path.join(tmp, "merges.txt")],
                         {"tokenizer_class": "RobertaTokenizer", "add_prefix_space": False}, d)
    cfg = RobertaConfig(vocab_size=len(tok), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=64, max_position_embeddings=66, type_vocab_size=1, pad_token_id=1,
                        num_labels=2, layer_norm_eps=1e-5)
    torch.manual_seed(3)
    model = RobertaForSequenceClassification(cfg)
    perturb(model, 3)
    base = RobertaModel(cfg, add_pooling_layer=True)
    base.load_state_dict(model.roberta.state_dict(), strict=False)
    with torch.no_grad():
        g = torch.Generator().manual_seed(33)
        base.pooler.dense.weight.copy_(0.15 * torch.randn(base.pooler.dense.weight.shape, generator=g))
        base.pooler.dense.bias.copy_(0.15 * torch.randn(base.pooler.dense.bias.shape, generator=g))
    model.save_pretrained(d, safe_serialization=True)
    # Keep the pooler in the checkpoint, as RobertaModel checkpoints have it.
    path = os.path.join(d, "model.safetensors")
    state = load_file(path)
    state["roberta.pooler.dense.weight"] = base.pooler.dense.weight.detach().clone()
    state["roberta.pooler.dense.bias"] = base.pooler.dense.bias.detach().clone()
    save_file(state, path, metadata={"format": "pt"})
    write("roberta", record(tok, model, base, "roberta", hidden_layers=False))


def minilm():
    d = os.environ.get("CMCL_MINILM_DIR") or os.path.join(
        os.environ.get("CMCL_MODELS") or os.path.expanduser("~/.cache/cmcl/models"), "minilm-l6")
    if not os.path.exists(os.path.join(d, "config.json")):
        print("minilm-l6 not fetched (scripts/fetch-model minilm-l6): minilm_reference.json left as is")
        return
    tok = BertTokenizerFast.from_pretrained(d)
    model = BertModel.from_pretrained(d)
    model.eval()
    texts = [SENTENCES[0][0], SENTENCES[1][0], SENTENCES[2][0], SENTENCES[3][0]]
    enc = tok(texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        out = model(**enc)
    ref = {"texts": texts, "ids": enc["input_ids"].reshape(-1).tolist(), "mask": enc["attention_mask"].reshape(-1).tolist(),
           "shape": list(enc["input_ids"].shape), "hidden": flat(out.last_hidden_state), "pooled": flat(out.pooler_output)}
    with open(os.path.join(ROOT, "Tests", "CMCLNNTests", "Fixtures", "minilm_reference.json"), "w") as f:
        json.dump(ref, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print("wrote minilm_reference.json")


def main():
    tmp = os.path.join(OUT, ".work")
    os.makedirs(tmp, exist_ok=True)
    vocab = wordpiece_vocab(tmp)
    bert(vocab)
    electra(vocab)
    roberta(tmp)
    for f in os.listdir(tmp):
        os.remove(os.path.join(tmp, f))
    os.rmdir(tmp)
    minilm()
    for name in ["bert", "electra", "roberta"]:
        d = os.path.join(OUT, name)
        size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
        print(f"{name}: {sorted(os.listdir(d))}, {size // 1024} KB")


if __name__ == "__main__":
    sys.exit(main())
