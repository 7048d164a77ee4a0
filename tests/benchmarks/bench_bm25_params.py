"""Which BM25 variant and parameters retrieve best: recall@1/@5 and MRR of the gold paragraph on
the SQuAD sample (answerable questions) and of a paragraph holding a gold answer on the seeds.

    python tests/benchmarks/bench_bm25_params.py
"""

import sys
from pathlib import Path

import numpy as np
from rank_bm25 import BM25L, BM25Okapi, BM25Plus

from askbrief import evaluate
from askbrief.text import tokenize

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bm25_oracle import LuceneBM25  # noqa: E402  (the tests' oracle)


def rank_of(scores, gold):
    order = np.argsort(-scores, kind="stable")
    for r, i in enumerate(order):
        if i in gold:
            return r
    return None


def measure(name, score_fn, qs):
    ranks = [rank_of(score_fn(toks), gold) for toks, gold in qs]
    n = len(ranks)
    r1 = sum(r is not None and r < 1 for r in ranks) / n
    r5 = sum(r is not None and r < 5 for r in ranks) / n
    mrr = sum(1 / (r + 1) for r in ranks if r is not None) / n
    print(f"  {name:28s} recall@1 {100 * r1:5.1f}  @5 {100 * r5:5.1f}  MRR {mrr:.3f}")


def questions(brief, cases):
    qs = []
    for c in cases:
        answers = [a for a in (c.answers or []) if a]
        if not answers:
            continue
        if c.gold is not None:  # SQuAD: (doc, paragraph)
            gold = {i for i, ch in enumerate(brief.chunks) if (ch.doc, ch.paragraph) in c.gold}
        else:
            gold = {i for i, ch in enumerate(brief.chunks) if any(a.lower() in ch.text.lower() for a in answers)}
        if gold:
            qs.append((tokenize(c.asked[-1]), gold))
    return qs


for path in ("tests/data/squad2-tune.json", "tests/data/seeds-questions.jsonl"):
    ev = evaluate.prepare(path)
    brief = ev.assistant.brief
    toks = [tokenize(ch.text) or ["\0"] for ch in brief.chunks]
    qs = questions(brief, ev.questions.cases)
    print(f"{path}: {len(qs)} questions, {len(toks)} chunks")
    for k1, b in ((1.2, 0.75), (0.9, 0.4), (1.5, 0.75), (1.2, 0.5), (2.0, 0.75)):
        lucene = LuceneBM25(toks, k1=k1, b=b)
        measure(f"Lucene idf k1={k1} b={b}", lucene.get_scores, qs)
    measure("BM25Okapi (idf floor) 1.5/.75", BM25Okapi(toks).get_scores, qs)
    measure("BM25Plus", BM25Plus(toks).get_scores, qs)
    measure("BM25L", BM25L(toks).get_scores, qs)
