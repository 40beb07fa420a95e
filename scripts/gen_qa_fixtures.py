#!/usr/bin/env python3
"""Regenerates the QA fixtures of Tests/CMCLDataTests/Fixtures.

- hotpot_mini.json: four records of the HotpotQA distractor dev set, copied unchanged from
  ../shared/data/hotpotqa (yes, span, no, and a long-context question).
- hotpot_crops.json: what the reference data code (zycdev/CmpLoss `utils/data.py`,
  `MultiDocQADataset`, run unedited from the checkout in CMPLOSS_DIR) makes of those records:
  for evaluation mode (fixed kept-distractor counts 6, 4, 2, 0) and for training mode (its
  random paragraph shuffle, answer choice, distractor permutation and kept counts, recorded as
  it draws them), every crop level's kept paragraphs, input ids, token types, answer mask and
  answer positions. The reference reads a corpus TSV (title, text) and a question TSV (answer
  positions as [title, 0 title | 1 text, start char, end char], or ["012Q", -1, k, k] for
  yes/no); this script writes both from the official JSON: text = the sentences concatenated,
  positions = every occurrence of the answer in the supporting titles and texts (else in any
  paragraph). The tokenizer is Hugging Face's BertTokenizerFast on the committed
  bert-base-uncased vocabulary; the reference's marker tokens (RoBERTa's 'ĠYES', 'ĠNO',
  '????????', 'madeupword0000', 'madeupword0001') are looked up as yes, no, [unused0],
  [unused1], [unused2].
- qa_metrics.json: predictions with awkward normalisation cases scored by the official SQuAD
  v1.1 script (evaluate-v1.1.py, path in SQUAD_EVAL) and the official HotpotQA script
  (hotpot_evaluate_v1.py, path in HOTPOT_EVAL).

Needs transformers, numpy and the reference files; the Swift tests do not.
"""
import importlib.util
import json
import os
import random
import sys
import tempfile
import types

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "CMCLDataTests", "Fixtures")
SHARED = os.path.join(ROOT, "..", "shared", "data", "hotpotqa", "hotpot_dev_distractor_v1.json")
PICK = [0, 1, 3, 7]
MARKERS = {"ĠYES": "yes", "ĠNO": "no", "????????": "[unused0]", "madeupword0000": "[unused1]",
           "madeupword0001": "[unused2]"}


def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def occurrences(hay, needle):
    out, i = [], hay.find(needle)
    while i >= 0:
        out.append(i)
        i = hay.find(needle, i + 1)
    return out


def positions(record):
    answer = record["answer"]
    if answer == "yes":
        return [["012Q", -1, 0, 0]]
    if answer == "no":
        return [["012Q", -1, 1, 1]]
    gold = {t for t, _ in record["supporting_facts"]}

    def find(titles):
        found = []
        for title, sentences in record["context"]:
            if title not in titles:
                continue
            text = "".join(sentences)
            found += [[title, 0, s, s + len(answer)] for s in occurrences(title, answer)]
            found += [[title, 1, s, s + len(answer)] for s in occurrences(text, answer)]
        return found

    return find(gold) or find({t for t, _ in record["context"]})


class MarkerTokenizer:
    """The BERT tokenizer, answering the reference's marker token names with BERT tokens."""

    def __init__(self, tokenizer):
        self.tokenizer = tokenizer

    def __getattr__(self, name):
        return getattr(self.tokenizer, name)

    def __call__(self, *args, **kwargs):
        return self.tokenizer(*args, **kwargs)

    def convert_tokens_to_ids(self, token):
        return self.tokenizer.convert_tokens_to_ids(MARKERS.get(token, token))


class Recorder:
    """Wraps `random` and `numpy.random` as the reference module sees them, recording draws."""

    def __init__(self):
        self.log = []
        recorder = self

        class Random(types.ModuleType):
            def shuffle(self, x):
                random.shuffle(x)
                recorder.log.append(("shuffle", list(x)))

            def choice(self, seq):
                c = random.choice(seq)
                recorder.log.append(("choice", c))
                return c

        class NumpyRandom:
            def permutation(self, x):
                p = np.random.permutation(x)
                recorder.log.append(("permutation", p.tolist()))
                return p

            def choice(self, *args, **kwargs):
                c = np.random.choice(*args, **kwargs)
                recorder.log.append(("counts", c.tolist()))
                return c

        class Numpy(types.ModuleType):
            random = NumpyRandom()

        self.random = Random("random")
        self.numpy = Numpy("numpy")


def hotpot_crops(ref):
    from transformers import BertTokenizerFast
    sys.path.insert(0, ref)
    import utils.data as data

    with open(SHARED) as f:
        records = json.load(f)
    mini = [records[i] for i in PICK]
    with open(os.path.join(OUT, "hotpot_mini.json"), "w") as f:
        json.dump(mini, f)
    vocab = os.path.join(OUT, "bert-base-uncased-vocab.txt")
    bert = BertTokenizerFast(vocab=vocab, do_lower_case=True)  # transformers 5 (`vocab_file=` before)
    if bert.cls_token_id != 101:
        bert = BertTokenizerFast(vocab_file=vocab, do_lower_case=True)
    assert bert.cls_token_id == 101 and bert.convert_tokens_to_ids("[unused0]") == 1
    tokenizer = MarkerTokenizer(bert)
    recorder = Recorder()
    data.random = recorder.random
    data.np = types.SimpleNamespace(random=recorder.numpy.random)
    cases = []
    with tempfile.TemporaryDirectory() as tmp:
        corpus_path = os.path.join(tmp, "corpus.tsv")
        with open(corpus_path, "w") as f:
            f.write("id\ttitle\ttext\n")
            seen = set()
            for r in mini:
                for title, sentences in r["context"]:
                    if title not in seen:
                        seen.add(title)
                        f.write(f"{len(seen)}\t{title}\t{''.join(sentences)}\n")
        data_path = os.path.join(tmp, "questions.tsv")
        with open(data_path, "w") as f:
            f.write("id\tquestion\tcontext\tanswers\tsp_facts\n")
            for r in mini:
                sp = {}
                for title, k in r["supporting_facts"]:
                    sp.setdefault(title, []).append(k)
                answers = {"texts": [r["answer"]], "positions": positions(r)}
                f.write("\t".join([r["_id"], r["question"], json.dumps([t for t, _ in r["context"]]),
                                   json.dumps(answers), json.dumps(sp)]) + "\n")
        corpus = data.load_corpus(corpus_path, tokenizer)
        settings = [(512, 128, 256, 4), (160, 12, 24, 3)]
        for mode in ["validation", "train"]:
            for max_len, max_q, max_p, crops in settings:
                random.seed(len(cases))
                np.random.seed(len(cases))
                dataset = data.MultiDocQADataset(data_path, tokenizer, corpus, max_len, max_q, max_p, None, mode, crops,
                                                 recache=True)
                for index, r in enumerate(mini):
                    titles = [t for t, _ in r["context"]]
                    recorder.log.clear()
                    item = dataset[index]
                    plan = None
                    if mode == "train":
                        draws = dict(recorder.log)
                        answer = draws["choice"]
                        order = [titles.index(t) for t in draws["shuffle"]]
                        counts = draws.get("counts")
                        plan = {"order": order, "answer": answer,
                                "distractor_order": [titles.index(t) for t in draws["permutation"]],
                                "kept_counts": sorted(counts, reverse=True) if counts is not None else None}
                        if plan["kept_counts"] is None:
                            d = len(plan["distractor_order"])
                            plan["kept_counts"] = list(range(d - 1, -1, -1)) + [0] * (crops - d)
                    levels = []
                    for k in range(1 + crops):
                        ranges = item["range2para"][k]
                        kept = []
                        for title, _ in ranges.values():
                            if titles.index(title) not in kept:
                                kept.append(titles.index(title))
                        level = {"paragraphs": kept, "input_ids": item["input_ids"][k].tolist(),
                                 "token_type_ids": item["token_type_ids"][k].tolist(),
                                 "answer_mask": [int(v) for v in item["answer_mask"][k].tolist()],
                                 "start": int(item["start_positions"][k]), "end": int(item["end_positions"][k])}
                        levels.append(level)
                    cases.append({"example": index, "mode": mode, "max_len": max_len, "max_question": max_q,
                                  "max_paragraph": max_p, "crops": crops, "positions": positions(r), "plan": plan,
                                  "levels": levels})
    with open(os.path.join(OUT, "hotpot_crops.json"), "w") as f:
        json.dump({"what": "zycdev/CmpLoss MultiDocQADataset output for hotpot_mini.json (see "
                           "scripts/gen_qa_fixtures.py)", "cases": cases}, f)


def qa_metrics(squad_path, hotpot_path):
    squad = load_module("squad_eval", squad_path)
    sys.modules.setdefault("ujson", json)
    hotpot = load_module("hotpot_eval", hotpot_path)
    pairs = [
        ("the Eiffel Tower", ["Eiffel Tower"]), ("An apple a day", ["apple day"]), ("Theatre", ["the atre"]),
        ("a’s and b’s", ["’s and b’s"]), ("Denver Broncos!", ["Denver Broncos", "Broncos"]),
        ("1,000 people", ["1000 people"]), ("  spaced   out  ", ["spaced out"]), ("café au lait", ["Café au lait"]),
        ("the_the the", ["the_the"]), ("Ångström unit", ["ångström"]), ("", ["something"]),
        ("yes", ["yes"]), ("yes it is", ["yes"]), ("no", ["No."]), ("noanswer", ["no answer"]),
        ("The Beatles (band)", ["Beatles"]), ("an", ["an"]), ("A", ["a"]), ("Tim Burton's film", ["Tim Burton"]),
        ("Chief of Protocol of the United States", ["Chief of Protocol"]), ("São Paulo, Brazil", ["Sao Paulo"]),
        ("the the the", [""]), ("x\u00a0y", ["x y"]), ("ΑΒΓ the δ", ["αβγ δ"]),
    ]
    cases = []
    for prediction, answers in pairs:
        em = squad.metric_max_over_ground_truths(squad.exact_match_score, prediction, answers)
        f1 = squad.metric_max_over_ground_truths(squad.f1_score, prediction, answers)
        hem = hotpot.exact_match_score(prediction, answers[0])
        hf1 = hotpot.f1_score(prediction, answers[0])[0]
        cases.append({"prediction": prediction, "answers": answers, "normalized": squad.normalize_answer(prediction),
                      "squad_em": float(em), "squad_f1": float(f1), "hotpot_em": float(hem), "hotpot_f1": float(hf1)})
    dataset = [{"paragraphs": [{"qas": [{"id": str(i), "answers": [{"text": a} for a in c["answers"]]}]}]}
               for i, c in enumerate(cases)]
    total = squad.evaluate(dataset, {str(i): c["prediction"] for i, c in enumerate(cases)})
    metrics = {"em": 0, "f1": 0, "prec": 0, "recall": 0}
    for c in cases:
        hotpot.update_answer(metrics, c["prediction"], c["answers"][0])
    with open(os.path.join(OUT, "qa_metrics.json"), "w") as f:
        json.dump({"what": "official SQuAD v1.1 and HotpotQA answer metrics of these predictions",
                   "cases": cases, "squad": total,
                   "hotpot": {"em": metrics["em"] / len(cases), "f1": metrics["f1"] / len(cases)}}, f, indent=1,
                  ensure_ascii=False)


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    if os.environ.get("SQUAD_EVAL") and os.environ.get("HOTPOT_EVAL"):
        qa_metrics(os.environ["SQUAD_EVAL"], os.environ["HOTPOT_EVAL"])
    else:
        print("SQUAD_EVAL / HOTPOT_EVAL not set: qa_metrics.json not regenerated", file=sys.stderr)
    if os.environ.get("CMPLOSS_DIR"):
        hotpot_crops(os.environ["CMPLOSS_DIR"])
    else:
        print("CMPLOSS_DIR not set: hotpot fixtures not regenerated", file=sys.stderr)
