"""Chunk texts -> (term, chunk, frequency) entries: how the build counts a brief's terms.

``count_terms`` counts token lists (the in-memory index and the tests' reference);
``BatchCounter`` counts a batch of chunk texts the fast way, each distinct token analysed
once, and counts the words too for the name-variant scan. Both give ``index.Postings.build``
its inputs; the build's workers (``building.py``) run a ``BatchCounter`` each.
"""

from __future__ import annotations

import itertools
import operator
import re
from collections.abc import Sequence

import numpy as np

from .text import WORD_RE, term


def count_terms(tokens: Sequence[Sequence[str]], lookup: dict[str, int]
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(term id, chunk, frequency) entries of token lists, in chunk order, and each chunk's
    length; new terms get the next ids in ``lookup``."""
    ids = np.fromiter((lookup.setdefault(t, len(lookup)) for toks in tokens for t in toks), dtype=np.int64)
    lengths = np.fromiter((len(t) for t in tokens), dtype=np.int64, count=len(tokens))
    chunk_of = np.repeat(np.arange(len(tokens), dtype=np.int64), lengths)
    width = max(len(lookup), 1)
    keys, tf = np.unique(chunk_of * width + ids, return_counts=True)
    chunks, terms = np.divmod(keys, width)
    return terms, chunks.astype(np.int32), tf.astype(np.uint16), lengths.astype(np.int32)


_WORDS_OR_LINE_END = re.compile(f"{WORD_RE.pattern}|\n")


class _Terms(dict):
    """word -> ``text.term`` of it, kept across the batches one process counts (a build's
    worker counts many, and most of a batch's words were in an earlier one): a lookup in C
    where ``term`` (fold, stem) costs microseconds. Emptied when it grows past ``MAX``."""

    MAX = 1 << 20

    def __missing__(self, word: str) -> str:
        if len(self) >= self.MAX:
            self.clear()
        t = self[word] = term(word)
        return t


_TERM_OF = _Terms()


def forget_terms() -> None:
    """Drop the words' terms kept across batches (``_Terms``)."""
    _TERM_OF.clear()


class BatchCounter:
    """``count_terms`` over chunk texts, each distinct token analysed once per batch.

    A brief has far fewer distinct tokens than tokens (Heaps' law), so a batch's texts are
    cut at whitespace by ``str.split`` (C, and several times faster than the word regex over
    every character), the tokens get dense ids from a dict (``map(dict.__getitem__)``, C
    speed), and only a token not seen before in the batch is split into words by ``WORD_RE``
    and analysed by ``text.term``. No word crosses whitespace (``WORD_RE`` matches word
    characters, combining marks and the joiners ' ’ . , only), so the words of a text are the
    words of its tokens in order: the same terms as ``tokenize``, which is ``term`` of each
    word, stopwords dropped. The per-occurrence work after the ids is NumPy: each token's
    terms and words are rows of a ragged table (``_Rows``), expanded per occurrence with
    ``np.repeat``. The words are counted too (``word_counts``): the name-variant scan needs
    nothing else from the texts but the contexts of a few candidate names."""

    def __init__(self):
        self.tokens: dict[str, int] = {}  # whitespace-separated token -> id in this batch
        self.words: dict[str, int] = {}  # word -> id in this batch
        self.terms: dict[str, int] = {}  # term -> id in this batch
        self._token_words = _Rows()  # token id -> its word ids
        self._word_term = np.empty(0, dtype=np.int64)  # word id -> term id, -1 for a stopword
        self._word_n = np.zeros(0, dtype=np.int64)
        self._named: list[bool] = []  # word id -> whether it starts with no digit

    def count(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(term id, chunk, frequency) entries of the texts, in chunk order, and their lengths."""
        stream: list[str] = []
        sizes = []
        for text in texts:
            found = text.split()
            stream += found
            sizes.append(len(found))
        self._learn(set(stream).difference(self.tokens))
        ids = ids_of(self.tokens, stream)
        del stream
        words, at = self._token_words.expand(ids)
        self._word_n = np.concatenate([self._word_n, np.zeros(len(self.words) - len(self._word_n), dtype=np.int64)])
        self._word_n += np.bincount(words, minlength=len(self.words))
        tids = self._word_term[words]
        keep = tids >= 0
        tids = tids[keep]
        chunk_of = np.repeat(np.arange(len(texts), dtype=np.int64), sizes)[at[keep]]
        lengths = np.bincount(chunk_of, minlength=len(texts))
        width = max(len(self.terms), 1)
        keys = chunk_of * width + tids
        if len(texts) * width < 2**32:
            keys = keys.astype(np.uint32)  # a narrower sort
        keys, tf = np.unique(keys, return_counts=True)
        chunks, tids = np.divmod(keys.astype(np.int64), width)
        return tids, chunks.astype(np.int32), tf.astype(np.uint16), lengths.astype(np.int32)

    def _learn(self, new: set[str]) -> None:
        """Ids and words of tokens not seen before in this batch, and the terms of new words:
        one regex pass over the new tokens, one to a line (a line end is its own match, so
        it marks where each token's words end), Python only per new word (``text.term``)."""
        new_tokens = list(new)
        found = _WORDS_OR_LINE_END.findall("\n".join(new_tokens) + "\n")
        words, terms = self.words, self.terms
        new_words = list(set(found).difference(words))
        new_words.remove("\n")
        words.update(zip(new_words, range(len(words), len(words) + len(new_words))))
        self._named += [not w[:1].isdigit() for w in new_words]
        new_terms = [terms.setdefault(t, len(terms)) if t else -1 for t in map(_TERM_OF.__getitem__, new_words)]
        self._word_term = np.concatenate([self._word_term, np.array(new_terms, dtype=np.int64)])
        self.tokens.update(zip(new_tokens, range(len(self.tokens), len(self.tokens) + len(new_tokens))))
        ids = np.fromiter(map(words.get, found, itertools.repeat(-1)), dtype=np.int64, count=len(found))
        ends = np.flatnonzero(ids < 0)
        self._token_words.extend(np.diff(ends, prepend=-1) - 1, ids[ids >= 0])

    def word_counts(self) -> tuple[list[str], np.ndarray]:
        """Every word counted so far that starts with no digit, and how often it was written.
        (A number is never a name: the variant scan would drop it; a brief holds many.)"""
        keep = np.flatnonzero(self._named)
        words = list(self.words)
        return [words[i] for i in keep.tolist()], self._word_n[keep]


def ids_of(table: dict, keys: Sequence) -> np.ndarray:
    """``[table[k] for k in keys]`` as an int64 array: one ``itemgetter`` call loops in C,
    ~1.5x faster than ``np.fromiter(map(table.__getitem__, keys))``, which goes through the
    iterator protocol and a call per key (the readers look up every token of a brief)."""
    if len(keys) < 2:
        return np.array([table[k] for k in keys], dtype=np.int64)
    return np.fromiter(operator.itemgetter(*keys)(table), dtype=np.int64, count=len(keys))


class _Rows:
    """A ragged table of ints (row i: the ids token i stands for), grown a batch of rows at a
    time and read back per occurrence in NumPy."""

    def __init__(self):
        self.ptr = np.zeros(1, dtype=np.int64)
        self.values = np.zeros(0, dtype=np.int64)

    def extend(self, sizes: np.ndarray, values: np.ndarray) -> None:
        """Rows of these sizes, their values end to end."""
        self.ptr = np.concatenate([self.ptr, self.ptr[-1] + np.cumsum(sizes)])
        self.values = np.concatenate([self.values, values])

    def expand(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The rows of ``ids`` end to end, and for each value the position in ``ids`` it came from."""
        sizes = np.diff(self.ptr)[ids]
        at = np.repeat(np.arange(len(ids), dtype=np.int64), sizes)
        starts = self.ptr[ids]
        offset = np.arange(len(at), dtype=np.int64) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        return self.values[starts[at] + offset], at
