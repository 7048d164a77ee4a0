"""Chunks -> a BM25 index over the terms of ``text.py``, searched where it lies.

The index is an inverted postings list over each chunk's raw terms: for term j of a sorted
vocabulary, the chunks that hold it (ascending) and how often. Every part of it is a flat
NumPy array, so the cache keeps them as ``.npy`` files and a one-shot question opens them
with ``mmap_mode="r"``: it reads the postings of its own terms (a binary search in the
sorted vocabulary finds them), the chunk lengths of the chunks they name, and nothing else.

Name variants (``term_map``: Hifter -> haftar) are folded when a term is looked up: a
folded term's postings are the union of its spellings' postings, with their frequencies
added, which is exactly what counting the folded terms would give. So one index on disk
serves every term map, and a new map costs nothing to apply.

A question is scored only over the chunks that hold one of its terms, with rank_bm25's
BM25Okapi arithmetic (same expression, same order, same float64 values as ``get_scores``,
which stays the oracle in the tests) but Lucene's idf, log(1 + (N - n + .5)/(n + .5)):
BM25Okapi floors the idf of any term found in more than half the chunks, so in a small brief
about Haftar the name "Haftar" would score ~0.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .strings import Strings, byte_order
from .counting import count_terms
from .text import tokenize

K1 = 1.2
B = 0.75
_UP, _DOWN = 1 + 1e-9, 1 - 1e-9  # margins that keep pruning safe from float rounding


def _kth(values: np.ndarray, k: int) -> float:
    """The k-th largest of at least k values."""
    return float(np.partition(values, len(values) - k)[len(values) - k])


def _search(a: np.ndarray, keys, side: str = "left") -> np.ndarray:
    """``np.searchsorted`` with the keys in ``a``'s own type: keys of another type (a Python
    int, a tuple) make NumPy copy the whole of ``a`` first, 0.3 ms for a million postings."""
    return np.searchsorted(a, np.asarray(keys, dtype=a.dtype), side)


def _find(docs: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each of ``ids`` is in the ascending postings ``docs`` (a binary search each),
    and whether it is there at all."""
    at = np.searchsorted(docs, ids)
    at[at == len(docs)] = 0
    return at, docs[at] == ids


def _reaching(partial: np.ndarray, read: list[np.ndarray], cut: float) -> np.ndarray:
    """The chunks (ascending, int32) whose partial score reaches ``cut`` > 0, where only the
    chunks of the postings ``read`` have one: looked for among those when they are a small
    part of the array (a gather each; what reaches is sorted), else by a scan of the array."""
    if 64 * sum(map(len, read)) < len(partial):
        return np.unique(np.concatenate([d[partial[d] >= cut] for d in read])).astype(np.int32, copy=False)
    return np.flatnonzero(partial >= cut).astype(np.int32)


def _keys(tf: np.ndarray, doc_len: np.ndarray, docs: np.ndarray) -> np.ndarray | None:
    """The places of postings (frequencies ``tf`` in chunks ``docs``) in
    ``Postings.weight_table``: tf << 8 | chunk length; None if a frequency needs more than a byte."""
    if tf.dtype != np.uint8 and len(tf) and int(tf.max()) > 255:
        return None
    key = tf.astype(np.uint16) << 8
    key |= doc_len[docs]
    return key


LOW_BITS = 16
LOW_MASK = (1 << LOW_BITS) - 1
BLOCK = 128  # postings per block-max bound
BLOCK_STEP = (K1 + 1) / 255  # a block's bound is a byte: this many weights each


class Plist:
    """One term's postings as stored: each chunk number's low ``LOW_BITS`` bits (``lo``) and
    the high part in runs (``hi[r]`` from position ``at[r]`` on), two bytes a posting where
    int32 took four. Reading it (``docs``) ors each run's high part into its stretch of low bits,
    once: the numbers are kept, as a warm process kept the pages of the int32 numbers mapped.
    A folded term's merged postings come as plain chunk numbers (``of_docs``). Its frequencies
    are read from the packed table (``freqs``, from ``start``) when first needed, whole (``tf``)
    or at a few positions (``tf_at``): a long list only looked up needs a few of them."""

    __slots__ = ("lo", "_tf", "hi", "at", "_docs", "start", "freqs", "n")

    def __init__(self, lo, tf, hi=None, at=None, docs=None, start=None, freqs=None, n=None):
        self.lo, self._tf, self.hi, self.at, self._docs = lo, tf, hi, at, docs
        self.start = start  # where the list starts among all postings (its blocks' bounds), if stored so
        self.freqs, self.n = freqs, len(tf) if n is None else n

    @classmethod
    def of_docs(cls, docs: np.ndarray, tf: np.ndarray) -> Plist:
        return cls(None, tf, docs=docs)

    def __len__(self) -> int:
        return self.n

    @property
    def tf(self) -> np.ndarray:
        """The term's frequency in each chunk of ``docs``."""
        if self._tf is None:
            self._tf = self.freqs[self.start:self.start + self.n]
        return self._tf

    def tf_at(self, at: np.ndarray) -> np.ndarray:
        """The frequencies at positions ``at`` of the list."""
        return self.tf[at] if self._tf is not None else self.freqs.at(at + self.start)

    @property
    def docs(self) -> np.ndarray:
        """The chunk numbers, ascending (int32)."""
        if self._docs is not None:
            return self._docs
        self._docs = _decode(self.lo, self.hi, self.at)
        return self._docs

    def first(self, n: int) -> np.ndarray:
        if self._docs is not None or n >= self.n:
            return self.docs[:n]
        return _decode(self.lo[:n], self.hi, self.at, n)


def _decode(lo: np.ndarray, hi: np.ndarray, at: np.ndarray, n: int | None = None) -> np.ndarray:
    """Chunk numbers from their low bits and the runs of their high part (run r from ``at[r]``)."""
    out = lo[:n].astype(np.int32)
    ends = at[1:].tolist() + [len(out)]
    for a, b, h in zip(at.tolist(), ends, hi.tolist()):
        if h and a < len(out):
            out[a:b] |= h << LOW_BITS
    return out


def encode_chunks(docs, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(``lo``, run starts, run highs) of ascending-per-term chunk numbers ``docs`` (anything
    sliced into int32 arrays), where each term starts at one of ``starts``: each term begins a
    run, and so does each step of the high part. A few million postings at a time, so memory
    stays flat."""
    lo = np.empty(len(docs), dtype=np.uint16)
    at, hi = [], []
    term_start = np.zeros(len(docs) + 1, dtype=bool)
    term_start[starts] = True
    step, prev = 1 << 22, None
    for a in range(0, len(docs), step):
        d = np.asarray(docs[a:a + step], dtype=np.int32)
        lo[a:a + len(d)] = d & LOW_MASK
        h = d >> LOW_BITS
        new = term_start[a:a + len(d)].copy()
        new[1:] |= h[1:] != h[:-1]
        if prev is not None:
            new[0] |= h[0] != prev
        prev = h[-1]
        idx = np.flatnonzero(new)
        at.append(idx + a)
        hi.append(h[idx])
    run_at = np.concatenate(at).astype(np.int64) if at else np.empty(0, dtype=np.int64)
    run_hi = np.concatenate(hi) if hi else np.empty(0, dtype=np.int32)
    return lo, run_at, narrow(run_hi, (np.uint8, np.uint16, np.uint32))


NIBBLE = 15  # a frequency of this or more is kept in full in ``Freqs``' side table


class Freqs:
    """Every posting's term frequency in 4 bits, two a byte (``nib``: the even position in the
    low half), where a byte each took twice the room: a paragraph rarely repeats a term 15
    times. Those that reach ``NIBBLE`` are written ``NIBBLE`` and kept in full in a side table
    (``big_at``: positions, ascending; ``big``: the frequencies). Read a slice at a time."""

    __slots__ = ("nib", "big_at", "big", "n")

    def __init__(self, nib: np.ndarray, big_at: np.ndarray, big: np.ndarray, n: int):
        self.nib, self.big_at, self.big, self.n = nib, big_at, big, n

    @classmethod
    def pack(cls, tf: np.ndarray) -> Freqs:
        n = len(tf)
        small = np.minimum(tf, NIBBLE).astype(np.uint8)
        nib = small[0::2].copy()
        nib[:n // 2] |= small[1::2] << 4
        big_at = np.flatnonzero(tf >= NIBBLE)
        return cls(nib, big_at, tf[big_at].astype(np.uint16), n)

    def __len__(self) -> int:
        return self.n

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        return self[:] if dtype is None else self[:].astype(dtype)

    def __getitem__(self, s: slice) -> np.ndarray:
        """The frequencies of positions ``s`` (uint8, or uint16 where one is 256 or more)."""
        a, b, _ = s.indices(self.n)
        b = max(a, b)
        packed = self.nib[a >> 1:(b + 1) >> 1]
        both = np.empty(2 * len(packed), dtype=np.uint8)
        both[0::2] = packed & 15
        both[1::2] = packed >> 4
        out = both[a & 1:(a & 1) + b - a]
        r0, r1 = _search(self.big_at, (a, b)).tolist()
        if r1 > r0:
            big = self.big[r0:r1]
            if big.max() > 255:
                out = out.astype(np.uint16)
            out[self.big_at[r0:r1] - a] = big
        return out

    def at(self, pos: np.ndarray) -> np.ndarray:
        """The frequencies at positions ``pos`` (ascending), as ``self[a:b]`` gives them."""
        out = (self.nib[pos >> 1] >> ((pos & 1) << 2).astype(np.uint8)) & 15
        big = np.flatnonzero(out == NIBBLE)
        if len(big):
            full = self.big[_search(self.big_at, pos[big])]
            if full.max() > 255:
                out = out.astype(np.uint16)
            out[big] = full
        return out

    def check(self) -> None:
        if (len(self.nib) != (self.n + 1) // 2 or len(self.big_at) != len(self.big)
                or (len(self.big_at) and (self.big_at[0] < 0 or self.big_at[-1] >= self.n))):
            raise ValueError("term frequencies do not fit")


def narrow(a: np.ndarray, types=(np.int32, np.int64)) -> np.ndarray:
    """``a`` (non-negative integers) in the first of ``types`` that holds its largest: offsets
    fit in four bytes up to 2**31 postings, chunk lengths in one (a chunk has at most a few
    hundred terms): the same numbers in half or a quarter of the room."""
    top = int(a.max()) if len(a) else 0
    for t in types:
        if top <= np.iinfo(t).max:
            return a.astype(t, copy=False)
    return a


def lucene_idf(n: int, df: int) -> float:
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


@dataclass
class Postings:
    """The BM25 statistics of a brief: for term j (``vocab[j]``, sorted), its postings are
    positions ``ptr[j]:ptr[j+1]``: the chunks (ascending), kept as their low bits ``lo`` and
    the runs of their high part (``run_at``: where each run starts, ``run_hi``: its high
    part; every term starts a run), with frequencies ``tf``."""

    vocab: Strings
    ptr: np.ndarray  # int32 (int64 past 2**31 postings), len(vocab) + 1
    lo: np.ndarray  # uint16: each chunk number's low LOW_BITS bits
    run_at: np.ndarray  # int32 (int64 past 2**31 postings), ascending
    run_hi: np.ndarray  # uint16
    tf: Freqs  # 4 bits a posting, and the frequencies of 15 or more aside
    doc_len: np.ndarray  # uint8 (uint16, int32 if need be), one per chunk; an empty chunk counts 1, as rank_bm25's [EMPTY]
    total_len: int  # doc_len's sum
    ub: np.ndarray | None = None  # float32 per term: its largest BM25 weight before idf (``weights``), rounded up
    bmax: np.ndarray | None = None  # uint8 per BLOCK postings (positions b*BLOCK on): their largest weight in BLOCK_STEPs, rounded up

    @classmethod
    def build(cls, vocab: Sequence[str], terms: np.ndarray, chunks: np.ndarray, tf: np.ndarray,
              lengths: np.ndarray, chunk_ordered: bool = True) -> Postings:
        """From (term id in ``vocab``, chunk, frequency) entries, in ascending chunk order
        unless ``chunk_ordered`` is False; terms no entry uses are left out of the vocabulary."""
        df = np.bincount(terms, minlength=len(vocab)) if len(terms) else np.zeros(len(vocab), np.int64)
        used = np.flatnonzero(df)
        names = [vocab[j] for j in used.tolist()]
        order = byte_order(names)
        rank = np.full(len(vocab), -1, dtype=np.int32)
        rank[used[order]] = np.arange(len(order), dtype=np.int32)
        ranked = rank[terms]
        del terms
        perm = np.argsort(ranked, kind="stable") if chunk_ordered else np.lexsort((chunks, ranked))
        del ranked
        ptr = np.zeros(len(order) + 1, dtype=np.int64)
        np.cumsum(df[used[order]], out=ptr[1:])
        ptr = narrow(ptr)
        doc_len = narrow(np.maximum(lengths, 1), (np.uint8, np.uint16, np.int32))
        tf = Freqs.pack(tf[perm])
        lo, run_at, run_hi = encode_chunks(_Gather(chunks, perm), ptr[:-1])
        del perm
        vocab_ = Strings.of(names[i] for i in order)
        out = cls(Strings(vocab_.blob, narrow(vocab_.ptr)), ptr, lo, narrow(run_at), run_hi, tf, doc_len,
                  int(doc_len.sum(dtype=np.int64)))
        out.ub, out.bmax = out.bounds()
        return out

    def chunks_at(self, a: int, b: int) -> np.ndarray:
        """The chunk numbers of postings ``a:b`` (any positions, across terms)."""
        r0 = max(int(_search(self.run_at, a, side="right")) - 1, 0)
        r1 = int(_search(self.run_at, b))
        at = np.maximum(self.run_at[r0:r1], a) - a
        return _decode(self.lo[a:b], self.run_hi[r0:r1], at)

    def weights(self, docs: np.ndarray, tf: np.ndarray) -> np.ndarray:
        """BM25's weight of a term in chunks before its idf, tf * (k1 + 1) / (tf + k1 * (1 - b +
        b * doc_len / avgdl)): rank_bm25's expression, in its order, so the floats are its."""
        return self._weights(self.doc_len[docs], tf)

    def _weights(self, lengths: np.ndarray, tf: np.ndarray) -> np.ndarray:
        norm = K1 * (1 - B + B * lengths.astype(np.int64) / (self.total_len / len(self.doc_len)))
        return tf * (K1 + 1) / (tf + norm)

    def weight_table(self) -> np.ndarray | None:
        """``weights`` of every (tf, chunk length) pair below 256, at ``tf << 8 | length``:
        the same expression on the same numbers, so a lookup gives the same float, where
        computing it took ten passes over a term's postings. None when chunk lengths need
        more than a byte."""
        if self.doc_len.dtype != np.uint8:
            return None
        grid = np.arange(1 << 16)
        return self._weights((grid & 255).astype(np.uint8), (grid >> 8).astype(np.uint8))

    def bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Each term's largest weight (``weights``) over its chunks, as float32 rounded up, and
        each block's: the largest weight of postings ``b*BLOCK:(b+1)*BLOCK`` (across term
        boundaries: a bound for every term there) in steps of ``BLOCK_STEP``, rounded up to a
        byte. What dynamic pruning needs to know that a term, or a stretch of its postings,
        cannot lift a chunk into the top k unread."""
        ub = np.zeros(len(self.vocab))
        n = len(self.lo)
        bmax = np.zeros(-(-n // BLOCK), dtype=np.uint8)
        step = BLOCK << 12
        for a in range(0, n, step):  # a few hundred thousand postings at a time: memory stays flat
            b = min(a + step, n)
            w = self.weights(self.chunks_at(a, b), self.tf[a:b])
            seg = np.union1d([a], self.ptr[(self.ptr > a) & (self.ptr < b)])
            j = np.searchsorted(self.ptr, seg, side="right") - 1
            np.maximum.at(ub, j, np.maximum.reduceat(w, seg - a))
            m = np.maximum.reduceat(w, np.arange(0, b - a, BLOCK))
            q = np.minimum(np.ceil(m / BLOCK_STEP), 255)
            q[q * BLOCK_STEP < m] += 1  # a weight is below k1 + 1 = 255 steps: q stays a byte
            bmax[a // BLOCK:a // BLOCK + len(q)] = q
        ub32 = ub.astype(np.float32)
        low = ub32 < ub
        ub32[low] = np.nextafter(ub32[low], np.float32(np.inf))
        return ub32, bmax

    @classmethod
    def of_tokens(cls, tokens: Sequence[Sequence[str]]) -> Postings:
        lookup: dict[str, int] = {}
        terms, chunks, tf, lengths = count_terms(tokens, lookup)
        return cls.build(list(lookup), terms, chunks, tf, lengths)

    def check(self) -> None:
        """Raise ValueError unless the arrays fit together (a cache file may be damaged).
        Only what can be checked without reading the postings themselves."""
        v = len(self.vocab)
        if (self.ptr.ndim != 1 or len(self.ptr) != v + 1 or (v and (self.ptr[0] != 0
                or self.ptr[-1] != len(self.lo))) or len(self.tf) != len(self.lo)
                or self.vocab.ptr[0] != 0 or self.vocab.ptr[-1] != len(self.vocab.blob)
                or len(self.run_at) != len(self.run_hi) or (len(self.lo) and (len(self.run_at) < v
                or self.run_at[0] != 0 or self.run_at[-1] >= len(self.lo)))):
            raise ValueError("postings offsets do not fit")
        self.tf.check()
        if self.total_len < len(self.doc_len):
            raise ValueError("chunk lengths are damaged")
        if (self.ub is not None and self.ub.shape != (v,)) or (
                self.bmax is not None and self.bmax.shape != (-(-len(self.lo) // BLOCK),)):
            raise ValueError("term bounds do not fit")

    def term_id(self, term: str) -> int:
        return self.vocab.find(term)

    def entries(self, j: int) -> Plist:
        a, b = self.ptr[j:j + 2].tolist()
        r0, r1 = _search(self.run_at, (a, b)).tolist()
        at = self.run_at[r0:r1] - a
        if b > a and (not len(at) or at[0] != 0
                      or (int(self.run_hi[r1 - 1]) << LOW_BITS | int(self.lo[b - 1])) >= len(self.doc_len)):
            raise ValueError("postings refer to chunks that do not exist")
        return Plist(self.lo[a:b], None, self.run_hi[r0:r1], at, start=a, freqs=self.tf, n=b - a)

    def all_chunks(self) -> np.ndarray:
        """Every posting's chunk number, term after term (an update moves them all)."""
        return self.chunks_at(0, len(self.lo))


class _Gather:
    """``chunks[perm]`` read a slice at a time (the build never holds it whole)."""

    def __init__(self, chunks: np.ndarray, perm: np.ndarray):
        self.chunks, self.perm = chunks, perm

    def __len__(self) -> int:
        return len(self.perm)

    def __getitem__(self, s: slice) -> np.ndarray:
        return self.chunks[self.perm[s]]


class Index:
    """The BM25 index of a brief: statistics and postings, looked up term by term.

    ``Index(brief)`` tokenizes the brief in memory; ``cache.load_index`` opens the same
    thing from cached arrays with ``Index.from_postings``. The public surface the answer
    stage uses: ``map_term(s)``, ``in``, ``df``, ``idf``, ``score``, ``chunks_with``,
    ``brief`` (chunk texts are ``brief.chunks[i].text``).
    """

    def __init__(self, brief, tokens: Sequence[Sequence[str]] | None = None,
                 term_map: Mapping[str, str] | None = None):
        if tokens is None:
            tokens = [tokenize(c.text) for c in brief.chunks]
        if len(tokens) == 0:
            raise ValueError("cannot index an empty corpus")
        self._setup(brief, Postings.of_tokens(tokens), term_map)

    @classmethod
    def from_postings(cls, brief, postings: Postings, term_map: Mapping[str, str] | None = None) -> Index:
        index = cls.__new__(cls)
        index._setup(brief, postings, term_map)
        return index

    def with_map(self, term_map: Mapping[str, str] | None) -> Index:
        """The same index with other name variants folded (nothing is rebuilt)."""
        return Index.from_postings(self.brief, self.postings, term_map)

    def _setup(self, brief, postings: Postings, term_map) -> None:
        n = len(postings.doc_len)
        if n == 0:
            raise ValueError("cannot index an empty corpus")
        if len(brief.chunks) != n:
            raise ValueError("the postings do not match the brief's chunks")
        self.brief = brief
        self.postings = postings
        self.term_map: dict[str, str] = {k: v for k, v in (term_map or {}).items() if k != v}
        self._spellings: dict[str, list[str]] = {}  # a folded term -> the raw terms folded to it
        for raw, folded in self.term_map.items():
            self._spellings.setdefault(folded, [] if folded in self.term_map else [folded]).append(raw)
        self.corpus_size = n
        self.avgdl = postings.total_len / n
        self._lists: dict[str, Plist | None] = {}
        self._idf: dict[str, float] = {}
        self._bounds: dict[str, float] = {}
        self._ub: dict[str, float] = {}  # a folded term's largest weight before idf (its spellings' summed)
        self._keys: dict[str, np.ndarray | None] = {}  # a term read whole: its postings' ``_keys``
        self._table: np.ndarray | None = None
        self._spare: list[np.ndarray] = []  # the search's array of partial scores, reused (zeroed after use)

    # --- terms -----------------------------------------------------------------------

    def map_term(self, term: str) -> str:
        return self.term_map.get(term, term)

    def map_terms(self, terms: Sequence[str]) -> list[str]:
        m = self.term_map
        return [m.get(t, t) for t in terms] if m else list(terms)

    def _postings(self, term: str) -> Plist | None:
        """The postings of a folded term: its spellings' postings merged."""
        if term in self._lists:
            return self._lists[term]
        p = self.postings
        spellings = self._spellings.get(term, [] if term in self.term_map else [term])
        ids = [j for j in map(p.term_id, spellings) if j >= 0]
        found = [p.entries(j) for j in ids]
        if p.ub is not None:
            self._ub[term] = float(sum(p.ub[j] for j in ids))
        if not found:
            out = None
        elif len(found) == 1:
            out = found[0]
        else:
            docs = np.concatenate([f.docs for f in found])
            tf = np.concatenate([f.tf for f in found]).astype(np.int64)
            ids, where = np.unique(docs, return_inverse=True)
            out = Plist.of_docs(ids.astype(np.int32), np.bincount(where, weights=tf).astype(np.uint16))
        self._lists[term] = out
        return out

    def __contains__(self, term: str) -> bool:
        return self._postings(self.map_term(term)) is not None

    def df(self, term: str) -> int:
        found = self._postings(self.map_term(term))
        return 0 if found is None else len(found)

    def idf(self, term: str) -> float:
        t = self.map_term(term)
        v = self._idf.get(t)
        if v is None:
            df = self.df(t)
            v = self._idf[t] = lucene_idf(self.corpus_size, df) if df else 0.0
        return v

    def chunks_with(self, term: str, limit: int | None = None) -> np.ndarray:
        """The chunks holding a term (folded), ascending; the first ``limit`` of them."""
        found = self._postings(self.map_term(term))
        if found is None:
            return np.empty(0, dtype=np.int32)
        return found.first(limit) if limit is not None else found.docs

    # --- scoring ---------------------------------------------------------------------

    def _found(self, terms: Sequence[str]) -> list[tuple[str, np.ndarray, Plist]]:
        """(term, its chunks, its postings) of the terms that have postings, folded; the
        chunks decoded once a process."""
        found = []
        for t in self.map_terms(terms):
            pl = self._postings(t)
            if pl is not None:
                found.append((t, pl.docs, pl))
        return found

    def _weight_table(self) -> np.ndarray | None:
        if self._table is None:
            table = self.postings.weight_table()
            self._table = table if table is not None else np.empty(0)
        return self._table if len(self._table) else None

    def _key(self, t: str, pl: Plist) -> np.ndarray | None:
        """Each posting's place in ``Postings.weight_table`` (tf << 8 | chunk length, uint16),
        kept per process beside its decoded chunks once the term is read whole: its weights
        are then one gather from a 512 KB table. None where a frequency or a length needs more
        than a byte."""
        if t in self._keys:
            return self._keys[t]
        key = self._keys[t] = _keys(pl.tf, self.postings.doc_len, pl.docs) if self._weight_table() is not None else None
        return key

    def score(self, terms: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(chunk ids, BM25 scores) of the chunks holding at least one of the terms.

        Equal, float for float, to rank_bm25's ``get_scores(terms)`` over the folded terms
        at those chunks (and every other chunk scores 0): the same expression, evaluated in
        the same order, only never for a chunk where the term frequency is zero.
        """
        found = self._found(terms)
        if not found:
            return np.empty(0, dtype=np.int32), np.empty(0)
        if len(found) == 1:
            return found[0][1], self._scores(found[0])
        scores = np.zeros(self.corpus_size)
        hit = np.zeros(self.corpus_size, dtype=bool)
        for f in found:
            docs = f[1]
            scores[docs] += self._scores(f)
            hit[docs] = True
        ids = np.flatnonzero(hit).astype(np.int32)
        return ids, scores[ids]

    def _scores(self, f: tuple, at: np.ndarray | None = None) -> np.ndarray:
        """BM25Okapi.get_scores' term ``f`` at its postings ``at`` (all of them when None):
        idf * (tf * (k1 + 1) / (tf + k1 * (1 - b + b * doc_len / avgdl))), the weight looked
        up in the table where there is one."""
        t, docs, pl = f
        table = self._weight_table()
        if table is not None:
            if at is None:
                key = self._key(t, pl)
                if key is not None:
                    return (self.idf(t) * table)[key]  # the same products, a pass fewer
            else:
                key = self._keys.get(t)
                key = _keys(pl.tf_at(at), self.postings.doc_len, docs[at]) if key is None else key[at]
            if key is not None:
                return self.idf(t) * table[key]
        if at is None:
            return self.idf(t) * self.postings.weights(docs, pl.tf)
        return self.idf(t) * self.postings.weights(docs[at], pl.tf_at(at))

    def _bound(self, t: str) -> float:
        """The most term ``t`` (folded) adds to a chunk's score. A folded term's weight is at
        most the sum of its spellings' (the weight is concave in tf and 0 at 0)."""
        v = self._bounds.get(t)
        if v is None:
            if self.postings.ub is None:
                return math.inf
            self._postings(t)
            v = self._bounds[t] = self.idf(t) * self._ub[t]
        return v

    def top(self, terms: Sequence[str], k: int) -> tuple[np.ndarray, np.ndarray]:
        """The chunks that may be among the k best for the terms, with their exact scores
        (``score``'s floats): every chunk of the true top k (ties included) is there.

        MaxScore (Turtle and Flood 1995) term at a time: the terms are added up rarest
        first (highest ``_bound``); once the bounds of the terms left sum below the k-th best
        score so far, a chunk that holds none of the terms read cannot reach the top k, so
        the long postings of common words are never read whole: only the few chunks still in
        the running are looked up in them (a binary search each) and scored exactly, summed
        in the question's order as rank_bm25 sums them. Block-max (Ding and Suel 2011) on top:
        once the terms after the one being read bound less than the bar, its blocks of
        ``BLOCK`` postings whose own bound (``Postings.bmax``) cannot make up the difference
        are not scored but for the chunks an earlier term holds (``_live``).
        """
        found = self._found(terms)
        if len(found) < 2 or k < 1:
            return self.score(terms)
        partial = self._spare.pop() if self._spare else np.zeros(self.corpus_size)
        read_docs: list[np.ndarray] = []
        try:
            got = self._top(found, k, partial, read_docs)
        finally:
            if 16 * sum(map(len, read_docs)) > len(partial):
                partial.fill(0)  # one pass over the array costs less than many scattered writes
            else:
                for docs in read_docs:
                    partial[docs] = 0
            self._spare.append(partial)
        return self.score(terms) if got is None else got  # None: fewer than k chunks per term

    def _top(self, found: list, k: int, partial: np.ndarray, read_docs: list) -> tuple[np.ndarray, np.ndarray] | None:
        """``top`` on the zeroed array ``partial``; the postings it scores into it are
        added to ``read_docs`` (to be zeroed again)."""
        bound = {f[0]: self._bound(f[0]) for f in found}
        order = sorted(found, key=lambda f: -bound[f[0]])
        left = [0.0] * (len(order) + 1)
        for i in range(len(order) - 1, -1, -1):
            left[i] = left[i + 1] + bound[order[i][0]]
        theta, read = 0.0, 0
        for f in order:  # the essential terms: read whole
            if left[read] * _UP < theta:
                break
            t, docs = f[0], f[1]
            rest = left[read + 1]
            read_docs.append(docs)
            live = self._live(t, f[2].start, len(docs), theta, rest) if rest * _UP < theta else None
            if live is None:
                got = partial[docs] + self._scores(f)
                partial[docs] = got
            else:  # blocks that cannot lift an unread chunk: only the chunks read so far looked up there
                d = np.flatnonzero(~live)
                d = d[partial[docs[d]] > 0]
                partial[docs[d]] += self._scores(f, d)
                d = np.flatnonzero(live)
                partial[docs[d]] += self._scores(f, d)
                got = partial[docs]
            read += 1
            if len(docs) >= k and left[read] * _UP >= theta:  # the k-th best score of its most promising chunks: the bar
                best = docs if len(docs) <= 2 * k else np.sort(docs[np.argpartition(got, len(got) - 2 * k)[-2 * k:]])
                theta = max(theta, self._bar(partial, best, order[read:], k))
        if theta == 0:
            return None
        ids = _reaching(partial, read_docs, (theta - left[read] * _UP) / _UP)
        got = partial[ids]
        if len(ids) > 8 * k:  # the k-th best score of the most promising: a higher bar
            best = np.sort(ids[np.argpartition(got, len(ids) - 2 * k)[len(ids) - 2 * k:]])
            theta = max(theta, self._bar(partial, best, order[read:], k))
        for f in order[read:]:  # the others: looked up for the chunks still in the running
            keep = (got + left[read]) * _UP >= theta
            ids, got = ids[keep], got[keep]
            at, hit = _find(f[1], ids)
            got[hit] += self._scores(f, at[hit])
            read += 1
        ids = ids[got * _UP >= theta]
        return ids, self._exact(found, ids)

    def _live(self, t: str, start: int | None, n: int, theta: float, rest: float) -> np.ndarray | None:
        """Which of term ``t``'s postings lie in a block whose bound, with the bounds ``rest``
        of the terms after it, reaches the bar ``theta`` (None: all of them). A chunk in any
        other block that no term before ``t`` holds scores below the bar: it is not read."""
        bmax = self.postings.bmax
        if start is None or bmax is None or n < 2 * BLOCK:
            return None
        fb, lb = start // BLOCK, (start + n - 1) // BLOCK + 1
        live = (bmax[fb:lb] * BLOCK_STEP * self.idf(t) + rest) * _UP >= theta
        if 4 * int(live.sum()) > 3 * len(live):  # under a quarter to skip: reading all is cheaper
            return None
        edges = np.clip(np.arange(fb, lb + 1, dtype=np.int64) * BLOCK, start, start + n)
        return np.repeat(live, np.diff(edges))

    def _bar(self, partial: np.ndarray, best: np.ndarray, unread: list, k: int) -> float:
        """The k-th best score of chunks ``best`` (ascending, at least k): their partial
        scores plus the terms not read yet, looked up. The sum is in another order than
        rank_bm25's, so it is taken a margin lower: no chunk of the true top k falls below it."""
        scores = partial[best]
        for f in unread:
            at, hit = _find(f[1], best)
            if hit.any():
                scores[hit] += self._scores(f, at[hit])
        return _kth(scores, k) * _DOWN * _DOWN

    def _exact(self, found: list, ids: np.ndarray) -> np.ndarray:
        """The scores of chunks ``ids`` (ascending), each term looked up by binary search in
        its postings and added in the question's order: ``score``'s floats at those chunks."""
        scores = np.zeros(len(ids))
        for f in found:
            at, hit = _find(f[1], ids)
            if hit.any():
                scores[hit] += self._scores(f, at[hit])
        return scores

    def __len__(self) -> int:
        return self.corpus_size


def build_index(brief, term_map: Mapping[str, str] | None = None) -> Index:
    return Index(brief, term_map=term_map)
