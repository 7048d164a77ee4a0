"""Chunks -> a BM25 index over the terms of ``text.py``.

BM25Okapi floors the idf of any term found in more than half the chunks to a small
epsilon, so in a small brief about Haftar the name "Haftar" would score ~0. We keep
rank_bm25's scoring and replace only the idf by Lucene's, log(1 + (N - n + .5)/(n + .5)),
which is positive for every term and close to Okapi's where Okapi's is positive.
"""

from __future__ import annotations

import math

from rank_bm25 import BM25Okapi

from .corpus import Brief
from .text import tokenize

K1 = 1.2
B = 0.75


class LuceneBM25(BM25Okapi):
    """BM25Okapi with an idf that never goes negative or gets floored."""

    def __init__(self, corpus, k1: float = K1, b: float = B):
        if not corpus:
            raise ValueError("cannot index an empty corpus")
        super().__init__(corpus, k1=k1, b=b)

    def _calc_idf(self, nd):
        n = self.corpus_size
        self.idf = {w: math.log(1.0 + (n - f + 0.5) / (f + 0.5)) for w, f in nd.items()}
        self.average_idf = sum(self.idf.values()) / max(len(self.idf), 1)


class Index:
    """The BM25 index of a brief, plus each chunk's terms (the answerer reuses them)."""

    def __init__(self, brief: Brief, tokens: list[list[str]] | None = None):
        self.brief = brief
        self.tokens = tokens if tokens is not None else [tokenize(c.text) for c in brief.chunks]
        # rank_bm25 divides by the average length: an all-stopword brief still needs one term
        self.bm25 = LuceneBM25([t or ["\0"] for t in self.tokens])

    def idf(self, term: str) -> float:
        return self.bm25.idf.get(term, 0.0)

    def __len__(self) -> int:
        return len(self.tokens)


def build_index(brief: Brief) -> Index:
    return Index(brief)
