"""A brief's index as a directory of plain ``.npy`` arrays, opened with ``mmap_mode="r"``.

``meta.json`` names the format, the code and the content fingerprint; the arrays:

- ``vocab``/``vocab_ptr``, ``post_ptr``, ``post_lo``/``post_run_at``/``post_run_hi`` (the chunk
  numbers: low 16 bits, and where the high part steps), ``post_tf``/``post_tf_at``/``post_tf_big``
  (frequencies in 4 bits, those of 15 or more aside), ``doc_len``: the postings
  (``index.Postings``), the vocabulary sorted by UTF-8 bytes so a term is found by binary search;
  ``post_ub``: each term's largest weight, the bound that lets a search skip common terms, and
  ``post_bmax``: each block of ``index.BLOCK`` postings' largest weight, which lets it skip
  stretches of the terms it reads;
- ``spans``: per chunk its document, the integer fields of ``Chunk`` (``SPAN_FIELDS``) and where
  its text lies in the document's UTF-8 bytes, so a passage is read without its document;
- ``text``/``text_ptr``/``text_blocks``: every document's text, UTF-8, end to end (``text_ptr``:
  where each starts), compressed with zlib ``TEXT_BLOCK`` bytes at a time (``text_blocks``: where
  each compressed block starts), so a passage is read by decompressing its block or two;
- ``ids``/``ids_ptr`` and ``id_order`` (the ids in byte order), ``fields``/``fields_ptr`` (the
  other fields of each ``Document``, one JSON object each, so a reader that adds a field needs
  no change here), ``shas`` (each text's SHA-256);
- ``words``/``words_ptr``, ``word_n``: every distinct word of the chunks as written (but those
  that start with a digit) and how often: what the name-variant scan counts, kept so it never
  reads the texts to count again.

Opening reads ``meta.json`` and the ``.npy`` headers; a question then touches the pages of
its terms' postings, the lengths of the chunks they name and the texts of its top passages.
A brief of a million paragraphs answers in the memory of a few of them. Numbers only: loaded
with ``allow_pickle=False``, nothing in them can run code.
"""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
import io
import json
import os
import weakref
import zlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .corpus import Brief
from .index import Freqs, Postings
from .strings import Strings
from .text import term
from .models import Chunk, Document

SPAN_FIELDS = ("paragraph", "part", "start", "end", "para_start", "para_end")  # after the document
SPAN_WIDTH = 1 + len(SPAN_FIELDS) + 2  # document, SPAN_FIELDS, the text's first and last byte + 1
TEXT_BLOCK = 4096  # bytes of text per compressed block: a passage read decompresses one or two
TEXT_LEVEL = 1  # zlib's fastest: 1.6x level 6's speed for 3.5% more bytes (docs/scaling.md)
THREADED_TEXT = 1 << 24  # bytes of text from which two threads compress it: below, importing the pool costs more
_DOC_FIELDS = tuple(f.name for f in dataclasses.fields(Document) if f.name not in ("id", "text"))
_ARRAYS = {"vocab": ("u", 1), "vocab_ptr": ("i", 1), "post_ptr": ("i", 1), "post_lo": ("u", 1),
           "post_run_at": ("i", 1), "post_run_hi": ("u", 1), "post_tf": ("u", 1), "post_tf_at": ("i", 1), "post_tf_big": ("u", 1), "post_ub": ("f", 1), "post_bmax": ("u", 1), "doc_len": ("iu", 1), "spans": ("i", 2), "text": ("u", 1),
           "text_ptr": ("i", 1), "text_blocks": ("i", 1),
           "ids": ("u", 1), "ids_ptr": ("i", 1), "id_order": ("i", 1), "fields": ("u", 1),
           "fields_ptr": ("i", 1), "shas": ("u", 2), "words": ("u", 1), "words_ptr": ("i", 1),
           "word_n": ("i", 1)}


class Foreign(Exception):
    """An index made by another version of askbrief, or for other files."""


class _Lazy(Sequence):
    """Items made from the arrays when asked for, and kept once made (a question asks for
    a few dozen); a pass over all of them (``__iter__``) keeps nothing: memory stays flat."""

    def __init__(self, n: int):
        self._n, self._made = n, {}

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = int(i)
        if i < 0:
            i += len(self)
        item = self._made.get(i)
        if item is None:
            if not 0 <= i < len(self):
                raise IndexError(i)
            item = self._made[i] = self._make(i)
        return item

    def _make(self, i: int):
        raise NotImplementedError


class LazyDocuments(_Lazy):
    """A brief's documents, from the text and field tables."""

    def __init__(self, ids: Strings, fields: Strings, texts: Strings, id_order: np.ndarray):
        super().__init__(len(ids))
        self.ids, self._fields, self._texts, self._order = ids, fields, texts, id_order

    def __iter__(self):
        for i in range(len(self)):
            yield self._made.get(i) or self._make(i)

    def _make(self, i: int) -> Document:
        fields = json.loads(self._fields[i])
        # JSON has no tuples: a tuple field (a reader's ``pages``) comes back as a list
        fields = {k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()}
        return Document(id=self.ids[i], text=self._texts[i], **fields)

    def position(self, doc_id: str) -> int:
        return self.ids.find(doc_id, self._order)

    def passage(self, i: int, chars: tuple[int, int], byte_range: tuple[int, int]) -> str:
        """Characters ``chars`` of document i's text: sliced from the document when it is
        made, else read from bytes ``byte_range`` of the text table alone."""
        doc = self._made.get(i)
        if doc is not None:
            return doc.text[chars[0]:chars[1]]
        return self._texts.part(i, *byte_range)


class LazyChunks(_Lazy):
    """A brief's chunks, from their spans: a million-chunk brief opens in a blink."""

    def __init__(self, documents: LazyDocuments, spans: np.ndarray):
        super().__init__(len(spans))
        self._docs, self._spans = documents, spans
        self.spans = spans

    def _make(self, i: int) -> Chunk:
        """One chunk, from its bytes of the text table: a question reads a few dozen passages
        of as many documents, each costing the pages of its own text and no more."""
        row = self._spans[i].tolist()
        fields = dict(zip(SPAN_FIELDS, row[1:]))
        text = self._docs.passage(row[0], (fields["start"], fields["end"]), (row[-2], row[-1]))
        return Chunk(doc=self._docs.ids[row[0]], text=text, **fields)

    def __iter__(self):
        return self.range(0, len(self))

    def range(self, start: int, stop: int):
        """Chunks ``start`` to ``stop``, made one after another and kept by nobody."""
        for i in range(start, stop, 65536):
            yield from self._chunks(self._spans[i:min(stop, i + 65536)].tolist())

    def texts(self, ids: np.ndarray) -> Iterator[tuple[int, str]]:
        """(document number, text) of the chunks ``ids`` (ascending): what a pass over many
        chunks' texts needs (the variant scan reads half a million at 1M paragraphs), without
        a ``Chunk`` and a ``Document`` (its fields' JSON) made for each."""
        texts, col = self._docs._texts, 1 + SPAN_FIELDS.index("start")
        d, text = -1, ""
        for i in range(0, len(ids), 65536):
            for k, a, b in self._spans[ids[i:i + 65536]][:, [0, col, col + 1]].tolist():
                if k != d:
                    d, text = k, texts[k]
                yield d, text[a:b]

    def _chunks(self, rows: list[list[int]]):
        doc, d = None, -1
        for row in rows:
            if row[0] != d:
                d = row[0]
                doc = self._docs._made.get(d) or self._docs._make(d)
            yield _chunk(doc, row)


class BlockTexts(Strings):
    """The texts table as stored: the texts end to end (``ptr`` are offsets in them), cut
    every ``TEXT_BLOCK`` bytes and each block compressed alone with zlib (``blocks``: where
    each compressed block starts in ``blob``), so reading a passage decompresses only its
    block or two. Compressed blocks are read with ``pread`` where there is one, not through
    the memory map: a page of a mapped file counts in the process's memory, and a file just
    written may be cached in large folios that map hundreds of KB for one passage (a question
    reads about a thousand). The last few blocks decompressed are kept: a document's passages
    share them."""

    KEEP = 64

    def __init__(self, blob: np.ndarray, ptr: np.ndarray, blocks: np.ndarray, path: Path | None = None,
                 offset: int = 0):
        super().__init__(blob, ptr)
        self.blocks = blocks
        self._starts = memoryview(blocks)
        self._made: dict[int, bytes] = {}
        self._fd = None
        if path is not None and hasattr(os, "pread"):
            self._fd, self._offset = os.open(path, os.O_RDONLY), offset
            weakref.finalize(self, os.close, self._fd)

    def _block(self, k: int) -> bytes:
        out = self._made.get(k)
        if out is None:
            a, b = self._starts[k], self._starts[k + 1]
            data = os.pread(self._fd, b - a, self._offset + a) if self._fd is not None else self._blob[a:b]
            out = zlib.decompress(data)
            if len(self._made) >= self.KEEP:
                self._made.clear()
            self._made[k] = out
        return out

    def _bytes(self, a: int, b: int) -> bytes:
        if b <= a:
            return b""
        k0, k1 = a // TEXT_BLOCK, (b - 1) // TEXT_BLOCK
        first = self._block(k0)
        if k0 == k1:
            return first[a - k0 * TEXT_BLOCK:b - k0 * TEXT_BLOCK]
        parts = [first[a - k0 * TEXT_BLOCK:]] + [self._block(k) for k in range(k0 + 1, k1)]
        return b"".join(parts + [self._block(k1)[:b - k1 * TEXT_BLOCK]])

    def check(self) -> None:
        n = -(-int(self.ptr[-1]) // TEXT_BLOCK) if len(self.ptr) else 0
        if len(self.blocks) != n + 1 or self.blocks[0] != 0 or self.blocks[-1] != len(self.blob):
            raise ValueError("the text blocks do not fit")


def span_rows(chunks: Sequence[Chunk], text: str) -> np.ndarray:
    """The ``spans`` rows of a document's chunks (document 0), with their byte offsets."""
    at, done, ascii_only = {0: 0}, 0, text.isascii()
    for c in sorted({c.start for c in chunks} | {c.end for c in chunks}):
        at[c] = at[done] + (c - done if ascii_only else len(text[done:c].encode("utf-8", "surrogatepass")))
        done = c
    rows = [[0, *(getattr(c, f) for f in SPAN_FIELDS), at[c.start], at[c.end]] for c in chunks]
    return np.array(rows, dtype=np.int32).reshape(-1, SPAN_WIDTH)


def _chunk(doc: Document, row: list[int]) -> Chunk:
    fields = dict(zip(SPAN_FIELDS, row[1:]))
    return Chunk(doc=doc.id, text=doc.text[fields["start"]:fields["end"]], **fields)


class CachedBrief(Brief):
    """A brief opened from the cache: documents and chunks made when asked for, its
    fingerprint stored (the tests hold it to ``Brief.fingerprint``)."""

    report: Any = None  # what loading it did (``cache.Report``): set by the cache

    def __init__(self, documents: Sequence[Document], chunks: Sequence[Chunk], fingerprint: str,
                 warnings: list[str], sources: list[str], stored: Stored | None = None):
        self.documents, self.chunks, self.warnings, self.sources = documents, chunks, warnings, sources
        self._fingerprint = fingerprint
        self._found: dict[str, int] = {}
        self._stored = stored

    def word_counts(self) -> Iterable[tuple[str, int]] | None:
        """(word as written, how often) over every chunk, as counted when the index was built."""
        return self._stored.word_counts() if self._stored is not None else None

    def chunks_holding(self, words: Iterable[str]) -> np.ndarray:
        """The chunks (ascending) that may hold one of the words: those holding its index
        term, from the postings (a superset: other words can share a term)."""
        from .index import LOW_BITS

        p = self._stored.postings
        js = np.array(sorted({p.term_id(t) for t in map(term, words) if t} - {-1}), dtype=np.int64)
        a, n = p.ptr[js].astype(np.int64), np.diff(p.ptr)[js].astype(np.int64)
        at = np.repeat(a - (np.cumsum(n) - n), n) + np.arange(int(n.sum()), dtype=np.int64)  # their postings
        run = np.searchsorted(p.run_at, at, side="right") - 1  # one search for all (the scan asks ~20,000 terms at 1M)
        held = np.zeros(len(p.doc_len), dtype=bool)  # a flag a chunk, not a sort of every posting
        held[(p.run_hi[run].astype(np.int64) << LOW_BITS) | p.lo[at]] = True
        return np.flatnonzero(held)

    def document(self, doc_id: str) -> Document:
        i = self._found.get(doc_id)
        if i is None:
            i = self._found[doc_id] = self.documents.position(doc_id)
        if i < 0:
            raise KeyError(doc_id)
        return self.documents[i]

    def paragraph(self, doc_id: str, paragraph: int) -> str | None:
        """A paragraph's text, found from its document's chunk spans (no pass over the brief)."""
        d = self.documents.position(doc_id)
        if d < 0:
            return None
        spans = self.chunks.spans
        c0, c1 = _doc_rows(spans, d)
        col = 1 + SPAN_FIELDS.index("paragraph")
        hit = np.flatnonzero(spans[c0:c1, col] == paragraph)
        if not len(hit):
            return None
        row = dict(zip(SPAN_FIELDS, spans[c0 + int(hit[0]), 1:].tolist()))
        return self.documents[d].text[row["para_start"]:row["para_end"]]

    def paragraphs_of(self, doc_id: str) -> list[tuple[int, int, int]]:
        """(paragraph index, start, end) of each paragraph of a document, from its chunk spans."""
        d = self.documents.position(doc_id)
        if d < 0:
            return []
        spans = self.chunks.spans
        c0, c1 = _doc_rows(spans, d)
        cols = [1 + SPAN_FIELDS.index(f) for f in ("paragraph", "para_start", "para_end")]
        found = {row[0]: (row[1], row[2]) for row in spans[c0:c1][:, cols].tolist()}
        return sorted((n, *span) for n, span in found.items())

    def paragraph_keys(self) -> list[tuple[str, int]]:
        return list(dict.fromkeys((c.doc, c.paragraph) for c in self.chunks))

    @property
    def fingerprint(self) -> str:
        return self._fingerprint


def _doc_rows(spans: np.ndarray, d: int) -> tuple[int, int]:
    """The rows of document d's chunks: a binary search that reads ~20 rows, where a
    ``searchsorted`` of the column would copy (and page in) all of it."""
    column = spans[:, 0]
    return bisect.bisect_left(column, d), bisect.bisect_left(column, d + 1)


def brief_fingerprint(ids: Sequence[str], shas: np.ndarray) -> str:
    """``Brief.fingerprint`` from the stored text hashes instead of the texts."""
    h = hashlib.sha256()
    for doc_id, sha in zip(ids, shas):
        h.update(doc_id.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
        h.update(sha.tobytes())
    return h.hexdigest()[:16]


class Stored:
    """An index as stored or about to be: documents, chunk spans, postings, text hashes."""

    def __init__(self, documents: Sequence[Document], spans: np.ndarray, postings: Postings,
                 shas: np.ndarray, words: Strings, word_n: np.ndarray, fingerprint: str | None = None):
        self.documents, self.spans, self.postings, self.shas = documents, spans, postings, shas
        self.words, self.word_n = words, word_n
        self.chunks = len(spans)
        self._fingerprint = fingerprint
        self.spool = None  # the file behind the texts of a new index

    @property
    def fingerprint(self) -> str:
        if self._fingerprint is None:
            ids = self.documents.ids if isinstance(self.documents, LazyDocuments) else [d.id for d in self.documents]
            self._fingerprint = brief_fingerprint(ids, self.shas)
        return self._fingerprint

    def brief(self, warnings: list[str], sources: list[str]) -> CachedBrief:
        return CachedBrief(self.documents, LazyChunks(self.documents, self.spans), self.fingerprint,
                           warnings, sources, self)

    def word_counts(self) -> Iterable[tuple[str, int]]:
        return zip(self.words, self.word_n.tolist())

    def sha_positions(self) -> dict[str, int]:
        return {bytes(s).hex(): i for i, s in enumerate(self.shas)}

    def doc_chunks(self) -> np.ndarray:
        """Chunk offsets of the documents: document i has chunks ``[out[i], out[i+1])``."""
        return np.searchsorted(self.spans[:, 0], np.arange(len(self.documents) + 1))


# --- on disk ------------------------------------------------------------------------

def write_stored(d: Path, stored: Stored, meta: dict) -> None:
    """Write an index into the (new, empty) directory ``d``."""
    docs = stored.documents
    p = stored.postings
    arrays = {"vocab": p.vocab.blob, "vocab_ptr": p.vocab.ptr, "post_ptr": p.ptr, "post_lo": p.lo,
              "post_run_at": p.run_at, "post_run_hi": p.run_hi, "post_tf": p.tf.nib,
              "post_tf_at": p.tf.big_at, "post_tf_big": p.tf.big, **_bounds(p), "doc_len": p.doc_len,
              "spans": stored.spans, "shas": stored.shas,
              "id_order": docs._order, "text_ptr": docs._texts.ptr, "words": stored.words.blob,
              "words_ptr": stored.words.ptr, "word_n": stored.word_n}
    for name, table in (("ids", docs.ids), ("fields", docs._fields)):
        arrays[name], arrays[f"{name}_ptr"] = table.blob, table.ptr
    for name, arr in arrays.items():
        _save(d / f"{name}.npy", arr)
    _save(d / "text_blocks.npy", _save_texts(d / "text.npy", docs._texts, stored.spool))
    meta = dict(meta, brief=stored.fingerprint, total_len=p.total_len, span_fields=list(SPAN_FIELDS),
                doc_fields=list(_DOC_FIELDS), text_block=TEXT_BLOCK)
    _write_bytes(d / "meta.json", json.dumps(meta).encode())


def _bounds(p: Postings) -> dict[str, np.ndarray]:
    ub, bmax = (p.ub, p.bmax) if p.ub is not None and p.bmax is not None else p.bounds()
    return {"post_ub": ub, "post_bmax": bmax}


def _save(path: Path, arr: np.ndarray) -> None:
    with open(path, "wb", opener=_private) as f:
        np.save(f, np.ascontiguousarray(arr), allow_pickle=False)


def _save_texts(path: Path, texts: Strings, spool=None) -> np.ndarray:
    """The texts end to end (read from the spool file the build wrote them to, else from the
    table), compressed ``TEXT_BLOCK`` bytes at a time into a byte array; returns where each
    compressed block starts (and the end). One block is in memory at a time."""
    total = int(texts.ptr[-1]) if len(texts.ptr) else 0
    if spool is not None:
        spool.seek(0)
        pieces = iter(lambda: spool.read(TEXT_BLOCK), b"")
    else:
        pieces = (texts._bytes(a, min(a + TEXT_BLOCK, total)) for a in range(0, total, TEXT_BLOCK))
    starts = [0]
    with open(path, "wb", opener=_private) as out:
        header = _byte_header(1 << 50)  # the largest: written again with the real length (the same size)
        out.write(header)
        for block in _compressed(pieces, threaded=total >= THREADED_TEXT):
            starts.append(starts[-1] + out.write(block))
        final = _byte_header(starts[-1])
        if len(final) != len(header):
            raise ValueError("the text header changed size")
        out.seek(0)
        out.write(final)
    return np.array(starts, dtype=np.int64)


def _compressed(pieces: Iterator[bytes], threaded: bool, group: int = 64, ahead: int = 4) -> Iterator[bytes]:
    """``zlib.compress`` of each piece, in order; ``threaded``, on two threads: zlib lets go of
    the GIL while it compresses, and when the index is written the build's readers are done, so
    the second core is free (the texts of 1M paragraphs take ~8 s on one). Pieces go ``group``
    to a task and at most ``ahead`` tasks are in flight: a few MB in memory whatever the size."""
    if not threaded:
        yield from (zlib.compress(piece, TEXT_LEVEL) for piece in pieces)
        return
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor
    from itertools import islice

    def compress(batch: list[bytes]) -> list[bytes]:
        return [zlib.compress(piece, TEXT_LEVEL) for piece in batch]

    with ThreadPoolExecutor(2) as pool:
        pending: deque = deque()
        while batch := list(islice(pieces, group)):
            pending.append(pool.submit(compress, batch))
            if len(pending) >= ahead:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()


def _byte_header(n: int) -> bytes:
    """The ``.npy`` header of a byte array of length n."""
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": "|u1", "fortran_order": False, "shape": (n,)})
    return buf.getvalue()


def _write_bytes(path: Path, data: bytes) -> None:
    with open(path, "wb", opener=_private) as f:
        f.write(data)


def _private(path, flags):
    return os.open(path, flags, 0o600)


def open_stored(d: Path, expect: dict) -> Stored:
    """The index in directory ``d``, its arrays memory-mapped; raises ``Foreign`` when it
    was made by other code or for other files, ``ValueError`` (or an ``OSError``) when damaged."""
    meta = json.loads((d / "meta.json").read_bytes())
    if not isinstance(meta, dict):
        raise ValueError("meta.json is not an index description")
    for k, v in expect.items():
        if meta.get(k) != v:
            raise Foreign("made by another version of askbrief" if k != "fingerprint" else "made for other files")
    if (meta.get("span_fields") != list(SPAN_FIELDS) or meta.get("doc_fields") != list(_DOC_FIELDS)
            or meta.get("text_block") != TEXT_BLOCK):
        raise Foreign("made by another version of askbrief")
    a, offsets = {}, {}
    for name, (kind, ndim) in _ARRAYS.items():
        arr = np.load(d / f"{name}.npy", mmap_mode="r", allow_pickle=False)
        if arr.dtype.kind not in kind or arr.ndim != ndim:
            raise ValueError(f"{name}: unexpected {arr.dtype} array of {arr.ndim} dimensions")
        a[name] = arr.view(np.ndarray)  # the same mapped pages, without np.memmap's slow indexing
        offsets[name] = getattr(arr, "offset", 0)
    total = meta.get("total_len")
    if not isinstance(total, int) or not isinstance(meta.get("brief"), str):
        raise ValueError("meta.json is damaged")
    postings = Postings(Strings(a["vocab"], a["vocab_ptr"]), a["post_ptr"], a["post_lo"], a["post_run_at"],
                        a["post_run_hi"], Freqs(a["post_tf"], a["post_tf_at"], a["post_tf_big"], len(a["post_lo"])), a["doc_len"], total, a["post_ub"], a["post_bmax"])
    postings.check()
    n_docs, n = len(a["ids_ptr"]) - 1, len(a["doc_len"])
    ids, fields = (Strings(a[k], a[f"{k}_ptr"]) for k in ("ids", "fields"))
    texts = BlockTexts(a["text"], a["text_ptr"], a["text_blocks"], d / "text.npy", offsets["text"])
    texts.check()
    for t in (texts, ids, fields):
        if len(t) != n_docs or (len(t.ptr) and (t.ptr[0] != 0 or (t is not texts and t.ptr[-1] != len(t.blob)))):
            raise ValueError("the document tables do not fit together")
    spans = a["spans"]
    if (spans.shape != (n, SPAN_WIDTH) or a["shas"].shape != (n_docs, 32)
            or len(a["id_order"]) != n_docs or (n and (spans[0, 0] != 0 or spans[-1, 0] != n_docs - 1))):
        raise ValueError("the arrays do not fit together")
    words = Strings(a["words"], a["words_ptr"])
    if len(a["word_n"]) != len(words) or (len(words.ptr) and words.ptr[-1] != len(words.blob)):
        raise ValueError("the word table is damaged")
    documents = LazyDocuments(ids, fields, texts, a["id_order"])
    return Stored(documents, spans, postings, a["shas"], words, a["word_n"], meta["brief"])
