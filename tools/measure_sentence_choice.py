"""Sentence choice with and without the soft match: top-1 / top-3 of the sentence holding the answer.

    python tools/measure_sentence_choice.py                         # the shipped table, THRESHOLD
    python tools/measure_sentence_choice.py --grid                  # thresholds x weights
    python tools/measure_sentence_choice.py --vectors /tmp/table    # another table (build_word_vectors --out)
    python tools/measure_sentence_choice.py --oracle                # wordllama itself (pip install -e '.[vectors]')

Every sentence of the brief is a candidate; a question is right at k when a sentence holding one of
its gold answers (case and spaces folded) is among the k best. Scores: BM25 over the sentences
(stemmed terms of ``askbrief.text``, Lucene idf, the brief's name variants folded), and BM25 +
weight x ``meaning.soft_match``. Only training questions are read:

- seeds: ``seeds-free-train.jsonl`` (freely worded) and ``seeds-questions.jsonl`` (near the text),
  single-turn answerable questions, candidates = all sentences of the bundled brief;
- SQuAD: ``squad2-tune.json`` + ``squad2-train.json`` answerable questions, candidates = the
  sentences of the question's article (idf within the article), gold = sentences of its paragraph.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from askbrief import meaning  # noqa: E402
from askbrief.corpus import Brief, load_brief  # noqa: E402
from askbrief.evaluate import read_questions, squad_brief  # noqa: E402
from askbrief.index import Index  # noqa: E402
from askbrief.models import Chunk  # noqa: E402
from askbrief.text import WORD_RE, fold, sentence_spans, term, tokenize  # noqa: E402
from askbrief.variants import term_map  # noqa: E402

DATA = ROOT / "tests" / "data"
SEED_SETS = {"free": DATA / "seeds-free-train.jsonl", "near": DATA / "seeds-questions.jsonl"}
SQUAD_SETS = [DATA / "squad2-tune.json", DATA / "squad2-train.json"]


class OracleVectors:
    """wordllama's own embedding of each word: what the shipped table approximates."""

    def __init__(self):
        import wordllama
        from wordllama import WordLlama

        self.wl = WordLlama.load(cache_dir=os.path.dirname(wordllama.__file__), disable_download=True)
        self.dims = self.wl.embedding.shape[1]
        self._cache: dict[str, np.ndarray] = {}

    def vector(self, word: str) -> np.ndarray:
        w = fold(word)
        if w not in self._cache:
            self._cache[w] = self.wl.embed([w], norm=True)[0].astype(np.float32)
        return self._cache[w]

    def matrix(self, ws) -> np.ndarray:
        return np.stack([self.vector(w) for w in ws])


def _folded(s: str) -> str:
    return " ".join(fold(s).split())


class Group:
    """The candidate sentences of one brief (or one article) with their BM25 index."""

    def __init__(self, brief: Brief, chunks: list[Chunk], tmap: dict[str, str]):
        self.sentences: list[tuple[Chunk, str]] = []
        for c in chunks:
            for s, e in sentence_spans(c.text):
                self.sentences.append((c, c.text[s:e]))
        sent_chunks = [Chunk(doc=c.doc, paragraph=c.paragraph, part=i, start=0, end=len(t),
                             para_start=0, para_end=len(t), text=t)
                       for i, (c, t) in enumerate(self.sentences)]
        self.index = Index(Brief(documents=brief.documents, chunks=sent_chunks), term_map=tmap)
        self.words = [WORD_RE.findall(t) for _, t in self.sentences]
        self.folded = [_folded(t) for _, t in self.sentences]

    def key(self, w: str) -> str:
        return self.index.map_term(term(w))

    def gold(self, answers: list[str], paragraph: tuple[str, int] | None) -> set[int]:
        golds = [_folded(a) for a in answers if a.strip()]
        return {i for i, f in enumerate(self.folded)
                if any(g in f for g in golds)
                and (paragraph is None or (self.sentences[i][0].doc, self.sentences[i][0].paragraph) == paragraph)}


def items(vectors, squad_too: bool = True) -> dict[str, list[tuple[np.ndarray, list, set[int]]]]:
    """Per question set: (BM25 scores, soft partners per sentence, gold sentence ids) per question."""
    out: dict[str, list] = {}
    brief = load_brief([str(ROOT / "seeds")])
    seeds = Group(brief, brief.chunks, term_map(brief))
    for name, path in SEED_SETS.items():
        qs = read_questions(path)
        out[name] = [_item(seeds, c.asked[0], c.answers, None, vectors)
                     for c in qs.cases if len(c.asked) == 1 and c.answers]
    squad = []
    for path in SQUAD_SETS if squad_too else ():
        qs = read_questions(path)
        sb = squad_brief(qs)
        tmap = term_map(sb)
        by_doc = defaultdict(list)
        for c in sb.chunks:
            by_doc[c.doc].append(c)
        groups = {d: Group(sb, cs, tmap) for d, cs in by_doc.items()}
        for c in qs.cases:
            if c.answers and c.gold:
                doc, para = next(iter(c.gold))
                squad.append(_item(groups[doc], c.asked[0], c.answers, (doc, para), vectors))
    if squad_too:
        out["squad"] = squad
    return {k: [i for i in v if i[2]] for k, v in out.items()}


def _item(g: Group, question: str, answers: list[str], paragraph, vectors):
    bm25 = g.index.get_scores(tokenize(question))
    qw = WORD_RE.findall(question)
    soft = [meaning.partners(qw, sw, g.index.idf, g.key, vectors) for sw in g.words]
    return bm25, soft, g.gold(answers, paragraph), question


def score(data, threshold: float, weight: float) -> tuple[float, float]:
    top1 = top3 = 0
    for bm25, soft, gold, _ in data:
        order = _order(bm25, soft, threshold, weight)
        top1 += int(order[0]) in gold
        top3 += any(int(o) in gold for o in order)
    return 100 * top1 / len(data), 100 * top3 / len(data)


def _order(bm25, soft, threshold: float, weight: float) -> np.ndarray:
    s = bm25 + weight * np.array([sum(i * b for i, b in p if b > threshold) for p in soft])
    return np.argsort(-s, kind="stable")[:3]


def changes(data, threshold: float, weight: float) -> list[str]:
    """The questions whose first sentence turns right (+) or wrong (-) with the soft match."""
    out = []
    for bm25, soft, gold, question in data:
        before = int(_order(bm25, soft, 0, 0)[0]) in gold
        after = int(_order(bm25, soft, threshold, weight)[0]) in gold
        if before != after:
            out.append(f"{'+' if after else '-'} {question}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--vectors", help="a table folder (default: the shipped one)")
    ap.add_argument("--oracle", action="store_true", help="wordllama's embeddings, not a table")
    ap.add_argument("--no-inflections", action="store_true", help="no stem fallback for unknown words")
    ap.add_argument("--threshold", type=float, default=meaning.THRESHOLD)
    ap.add_argument("--weight", type=float, default=1.0)
    ap.add_argument("--grid", action="store_true")
    ap.add_argument("--seeds-only", action="store_true", help="skip SQuAD (a quick look)")
    ap.add_argument("--show", action="store_true", help="list the seed questions whose top-1 changes")
    args = ap.parse_args(argv)
    if args.oracle:
        vectors = OracleVectors()
    else:
        vectors = meaning.WordVectors(args.vectors or meaning.DATA_DIR, inflections=not args.no_inflections)
    t0 = time.perf_counter()
    data = items(vectors, not args.seeds_only)
    print(f"({time.perf_counter() - t0:.1f} s; questions: "
          + ", ".join(f"{k} {len(v)}" for k, v in data.items()) + ")")
    cols = list(data)
    print("| scorer | " + " | ".join(f"{c} top-1 / top-3" for c in cols) + " |")
    print("|---|" + "---|" * len(cols))

    def row(label, threshold, weight):
        figs = [score(data[c], threshold, weight) for c in cols]
        print(f"| {label} | " + " | ".join(f"{a:.1f} / {b:.1f}" for a, b in figs) + " |")

    row("BM25", 0.0, 0.0)
    if args.grid:
        for t in (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5):
            for w in (0.5, 1.0, 1.5):
                row(f"+ soft, threshold {t}, weight {w}", t, w)
    else:
        row(f"+ soft, threshold {args.threshold}, weight {args.weight}", args.threshold, args.weight)
    if args.show:
        for c in ("free", "near"):
            print(f"\n{c}:", *changes(data[c], args.threshold, args.weight), sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
