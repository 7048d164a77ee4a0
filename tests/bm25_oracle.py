"""The oracle the postings search is held to: rank_bm25's BM25Okapi with Lucene's idf.

askbrief never imports rank_bm25 at run time; the tests (and the scale benchmark) keep it to
check, float for float, that ``Index.score`` is rank_bm25's ``get_scores`` on the same terms.
"""

from __future__ import annotations

import numpy as np
from rank_bm25 import BM25Okapi

from askbrief.index import B, K1, lucene_idf
from askbrief.text import tokenize

EMPTY = "\0"  # the one term of a chunk with no terms: rank_bm25 cannot average zero lengths


class LuceneBM25(BM25Okapi):
    """BM25Okapi with an idf that never goes negative or gets floored."""

    def __init__(self, corpus, k1: float = K1, b: float = B):
        if not corpus:
            raise ValueError("cannot index an empty corpus")
        super().__init__([toks or [EMPTY] for toks in corpus], k1=k1, b=b)

    def _calc_idf(self, nd):
        self.idf = {w: lucene_idf(self.corpus_size, f) for w, f in nd.items()}
        self.average_idf = sum(self.idf.values()) / max(len(self.idf), 1)


def folded_tokens(tokens, term_map) -> list[list[str]]:
    return [[term_map.get(t, t) for t in toks] for toks in tokens]


def oracle_of(index, tokens=None) -> LuceneBM25:
    """rank_bm25 over the index's chunks, tokenized again and folded by its term map."""
    if tokens is None:
        tokens = [tokenize(c.text) for c in index.brief.chunks]
    return LuceneBM25(folded_tokens(tokens, index.term_map))


def dense_scores(index, terms) -> np.ndarray:
    out = np.zeros(len(index))
    ids, s = index.score(terms)
    out[ids] = s
    return out


def oracle_top(bm, terms, k):
    scores = bm.get_scores(terms)
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    return [(i, scores[i]) for i in order[:k] if scores[i] > 0]
