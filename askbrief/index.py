"""Chunks -> a BM25 index over the terms of ``text.py``.

The index keeps each chunk's raw terms as integer arrays (``RawTokens``: what the cache
stores) and builds from them, after an optional ``term_map`` (name variants folded to one
spelling), an inverted postings list: for every term, the chunks that contain it and how
often. A question is scored only over the chunks that hold one of its terms, with
rank_bm25's BM25Okapi arithmetic done on those arrays: same expression, same order, same
float64 values as ``BM25Okapi.get_scores``, which stays the oracle in the tests.

BM25Okapi floors the idf of any term found in more than half the chunks to a small
epsilon, so in a small brief about Haftar the name "Haftar" would score ~0. We use Lucene's
idf instead, log(1 + (N - n + .5)/(n + .5)), which is positive for every term and close to
Okapi's where Okapi's is positive. ``LuceneBM25`` is that variant of rank_bm25's class.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .corpus import Brief
from .text import tokenize

K1 = 1.2
B = 0.75
EMPTY = "\0"  # the one term of a chunk with no terms: rank_bm25 cannot average zero lengths


def __getattr__(name: str):
    # rank_bm25 (and the multiprocessing it imports) is only needed for the oracle
    if name == "LuceneBM25":
        cls = _lucene_class()
        globals()["LuceneBM25"] = cls
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _lucene_class():
    from rank_bm25 import BM25Okapi

    class LuceneBM25(BM25Okapi):
        """BM25Okapi with an idf that never goes negative or gets floored."""

        def __init__(self, corpus, k1: float = K1, b: float = B):
            if not corpus:
                raise ValueError("cannot index an empty corpus")
            super().__init__(corpus, k1=k1, b=b)

        def _calc_idf(self, nd):
            self.idf = {w: lucene_idf(self.corpus_size, f) for w, f in nd.items()}
            self.average_idf = sum(self.idf.values()) / max(len(self.idf), 1)

    LuceneBM25.__module__ = __name__
    return LuceneBM25


def lucene_idf(n: int, df: int) -> float:
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


@dataclass
class RawTokens:
    """Every chunk's terms, unmapped, in order: chunk i is ``ids[ptr[i]:ptr[i+1]]`` in ``vocab``."""

    vocab: list[str]
    ids: np.ndarray  # int32, all chunks' term ids end to end
    ptr: np.ndarray  # int64, len(chunks) + 1

    @classmethod
    def from_lists(cls, tokens: Sequence[Sequence[str]], vocab: list[str] | None = None) -> RawTokens:
        lookup = {t: i for i, t in enumerate(vocab or [])}
        ids = np.fromiter((lookup.setdefault(t, len(lookup)) for toks in tokens for t in toks),
                          dtype=np.int32)
        lens = np.fromiter((len(t) for t in tokens), dtype=np.int64, count=len(tokens))
        ptr = np.zeros(len(tokens) + 1, dtype=np.int64)
        np.cumsum(lens, out=ptr[1:])
        vocab = list(lookup)
        return cls(vocab, ids, ptr)

    def __len__(self) -> int:
        return len(self.ptr) - 1

    def chunk(self, i: int) -> list[str]:
        v = self.vocab
        return [v[j] for j in self.ids[self.ptr[i]:self.ptr[i + 1]].tolist()]

    def document_frequencies(self) -> dict[str, int]:
        """Raw term -> number of chunks holding it (what a term map is computed from)."""
        chunk_of = np.repeat(np.arange(len(self), dtype=np.int64), np.diff(self.ptr))
        pairs = np.unique(self.ids.astype(np.int64) * max(len(self), 1) + chunk_of)
        df = np.bincount(pairs // max(len(self), 1), minlength=len(self.vocab))
        return {t: int(n) for t, n in zip(self.vocab, df.tolist()) if n}


@dataclass
class Postings:
    """The BM25 statistics of a brief: for term j (``vocab[j]``), its chunks are
    ``docs[ptr[j]:ptr[j+1]]`` (ascending) with frequencies ``tf[...]``."""

    vocab: list[str]
    ptr: np.ndarray  # int64, len(vocab) + 1
    docs: np.ndarray  # int32
    tf: np.ndarray  # int32
    doc_len: np.ndarray  # int32, one per chunk; an empty chunk counts 1 (its EMPTY term)

    @classmethod
    def build(cls, raw: RawTokens, term_map: Mapping[str, str] | None = None) -> Postings:
        n = len(raw)
        lens = np.diff(raw.ptr)
        if term_map:
            vocab: list[str] = []
            lookup: dict[str, int] = {}
            remap = np.empty(len(raw.vocab), dtype=np.int64)
            for j, t in enumerate(raw.vocab):
                t = term_map.get(t, t)
                i = lookup.get(t)
                if i is None:
                    i = lookup[t] = len(vocab)
                    vocab.append(t)
                remap[j] = i
            ids = remap[raw.ids]
        else:
            vocab, ids = list(raw.vocab), raw.ids.astype(np.int64)
        chunk_of = np.repeat(np.arange(n, dtype=np.int64), lens)
        keys, tf = np.unique(ids * max(n, 1) + chunk_of, return_counts=True)
        terms, docs = np.divmod(keys, max(n, 1))
        df = np.bincount(terms, minlength=len(vocab))
        if len(vocab) and not df.all():  # terms only found in removed chunks: drop them
            keep = np.flatnonzero(df)
            new_id = np.full(len(vocab), -1, dtype=np.int64)
            new_id[keep] = np.arange(len(keep))
            vocab = [vocab[j] for j in keep.tolist()]
            terms, df = new_id[terms], df[keep]
        ptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(df, out=ptr[1:])
        return cls(vocab, ptr, docs.astype(np.int32), tf.astype(np.int32),
                   np.maximum(lens, 1).astype(np.int32))

    def check(self) -> None:
        """Raise ValueError unless the arrays fit together (a cache file may be damaged)."""
        n, v = len(self.doc_len), len(self.vocab)
        if (self.ptr.ndim != 1 or len(self.ptr) != v + 1 or self.ptr[0] != 0
                or self.ptr[-1] != len(self.docs) or len(self.tf) != len(self.docs)
                or (v and np.any(np.diff(self.ptr) <= 0))):
            raise ValueError("postings offsets do not fit")
        if len(self.docs) and (self.docs.min() < 0 or self.docs.max() >= n or self.tf.min() < 1):
            raise ValueError("postings refer to chunks that do not exist")
        if n and self.doc_len.min() < 1:
            raise ValueError("chunk lengths are damaged")


class _MappedTokens(Sequence):
    """``Index.tokens`` over the arrays: chunk i's mapped terms, made when asked for."""

    def __init__(self, raw: RawTokens, term_map: Mapping[str, str]):
        self._raw, self._map = raw, term_map

    def __len__(self) -> int:
        return len(self._raw)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        m = self._map
        toks = self._raw.chunk(i)
        return [m.get(t, t) for t in toks] if m else toks


class Index:
    """The BM25 index of a brief, plus each chunk's terms (the answerer reuses them).

    ``Index(brief)`` tokenizes the brief in memory; ``cache.load_index`` builds the same
    thing from cached arrays with ``Index.from_arrays``.
    """

    def __init__(self, brief: Brief, tokens: list[list[str]] | None = None,
                 term_map: Mapping[str, str] | None = None):
        if tokens is None:
            tokens = [tokenize(c.text) for c in brief.chunks]
        self._setup(brief, RawTokens.from_lists(tokens), term_map, None)

    @classmethod
    def from_arrays(cls, brief: Brief, raw: RawTokens, term_map: Mapping[str, str] | None = None,
                    postings: Postings | None = None) -> Index:
        index = cls.__new__(cls)
        index._setup(brief, raw, term_map, postings)
        return index

    def _setup(self, brief, raw, term_map, postings) -> None:
        if len(raw) == 0:
            raise ValueError("cannot index an empty corpus")
        if len(raw) != len(brief.chunks):
            raise ValueError("the token arrays do not match the brief's chunks")
        self.brief = brief
        self.raw = raw
        self.term_map: dict[str, str] = dict(term_map or {})
        self.postings = postings if postings is not None else Postings.build(raw, self.term_map)
        p = self.postings
        self._term_id = {t: j for j, t in enumerate(p.vocab)}
        n = len(p.doc_len)
        self.corpus_size = n
        self.avgdl = int(p.doc_len.sum(dtype=np.int64)) / n
        # BM25Okapi.get_scores' denominator without the term frequency, per chunk
        self._norm = K1 * (1 - B + B * p.doc_len.astype(np.int64) / self.avgdl)
        self._idf: dict[str, float] = {}
        self.tokens: Sequence[list[str]] = _MappedTokens(raw, self.term_map)
        self._bm25 = None

    # --- terms -----------------------------------------------------------------------

    def map_term(self, term: str) -> str:
        return self.term_map.get(term, term)

    def map_terms(self, terms: Sequence[str]) -> list[str]:
        m = self.term_map
        return [m.get(t, t) for t in terms] if m else list(terms)

    def __contains__(self, term: str) -> bool:
        return self.map_term(term) in self._term_id

    def chunks_with(self, term: str) -> np.ndarray:
        """The ids of the chunks holding a term (name variants folded), in postings order."""
        j, p = self._term_id.get(self.map_term(term)), self.postings
        return p.docs[p.ptr[j]:p.ptr[j + 1]] if j is not None else p.docs[:0]

    def df(self, term: str) -> int:
        j = self._term_id.get(self.map_term(term))
        return 0 if j is None else int(self.postings.ptr[j + 1] - self.postings.ptr[j])

    def idf(self, term: str) -> float:
        t = self.map_term(term)
        v = self._idf.get(t)
        if v is None:
            df = self.df(t)
            v = self._idf[t] = lucene_idf(self.corpus_size, df) if df else 0.0
        return v

    # --- scoring ---------------------------------------------------------------------

    def score(self, terms: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(chunk ids, BM25 scores) of the chunks holding at least one of the terms.

        Equal, float for float, to ``LuceneBM25(self.tokens).get_scores(terms)`` at those
        chunks (and every other chunk scores 0): the same expression, evaluated in the same
        order, only never for a chunk where the term frequency is zero.
        """
        p = self.postings
        found = []
        for t in self.map_terms(terms):
            j = self._term_id.get(t)
            if j is not None:
                found.append((t, int(p.ptr[j]), int(p.ptr[j + 1])))
        if not found:
            return np.empty(0, dtype=np.int32), np.empty(0)
        if len(found) == 1:
            t, a, b = found[0]
            docs = p.docs[a:b]
            return docs, self._term_scores(t, a, b, docs)
        scores = np.zeros(self.corpus_size)
        hit = np.zeros(self.corpus_size, dtype=bool)
        for t, a, b in found:
            docs = p.docs[a:b]
            scores[docs] += self._term_scores(t, a, b, docs)
            hit[docs] = True
        ids = np.flatnonzero(hit).astype(np.int32)
        return ids, scores[ids]

    def _term_scores(self, t: str, a: int, b: int, docs: np.ndarray) -> np.ndarray:
        q_freq = self.postings.tf[a:b]
        return self.idf(t) * (q_freq * (K1 + 1) / (q_freq + self._norm[docs]))

    def get_scores(self, terms: Sequence[str]) -> np.ndarray:
        """Scores of every chunk, like ``BM25Okapi.get_scores`` (slow path, for checks)."""
        out = np.zeros(self.corpus_size)
        ids, s = self.score(terms)
        out[ids] = s
        return out

    @property
    def bm25(self):
        """The rank_bm25 model of the same (mapped) tokens: the oracle; slow and large."""
        if self._bm25 is None:
            from . import index as _mod

            self._bm25 = _mod.LuceneBM25([t or [EMPTY] for t in self.tokens])
        return self._bm25

    def __len__(self) -> int:
        return self.corpus_size


def build_index(brief: Brief, term_map: Mapping[str, str] | None = None) -> Index:
    return Index(brief, term_map=term_map)
