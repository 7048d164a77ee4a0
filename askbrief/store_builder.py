"""A new index assembled in memory from a brief's documents in order: new documents' analysed
batches, old ones' postings carried over (``building.assemble`` drives it). What it makes is a ``store.Stored``, written by ``store.write_stored``."""

from __future__ import annotations

import dataclasses
import json
import tempfile
from collections.abc import Sequence

import numpy as np

from .corpus import make_document
from .counting import ids_of
from .index import Postings
from .strings import Strings, byte_order
from .models import Document
from .store import _DOC_FIELDS, SPAN_WIDTH, LazyChunks, LazyDocuments, Stored
from .text import WORD_RE


class Builder:
    """Collects a brief's documents in order, new or carried over from the old index, and
    makes the new index: only new documents' terms were counted, the others' postings are
    moved to their documents' new chunk numbers."""

    def __init__(self, old: Stored | None):
        self.old = old
        self.ids: list[str] = []
        self.fields: list[bytes] = []
        self.text = tempfile.TemporaryFile(buffering=1 << 20)  # texts go to disk as they come, 1 MB at a time
        self.text_ptr = [0]
        self.shas: list[bytes] = []
        self.spans: list[np.ndarray] = []
        self.lengths: list[np.ndarray] = []
        self.entries: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.vocab: list[str] = []
        self._lookup: dict[str, int] = {}
        self._batch = np.empty(0, dtype=np.int64)
        self.n = 0
        self._words: dict[str, int] = {}  # word -> position in _word_n
        self._word_n = np.zeros(1024, dtype=np.int64)
        if old is not None:
            self._old_chunks = old.doc_chunks()
            self._remap = np.full(old.chunks, -1, dtype=np.int32)
            self._reused = np.zeros(len(old.documents), dtype=np.int64)
            self._copies: list[tuple[int, int, int]] = []  # old chunks c0:c1 again at chunk n

    def vocabulary(self, batch_vocab: list[str], words: list[str] = (), counts: np.ndarray | None = None) -> None:
        """The vocabulary of the next documents' term ids, and the words those documents hold
        with their counts (one batch of ``building._read_batch``)."""
        old = self.old.postings.vocab if self.old is not None else None
        lookup = self._lookup
        for t in sorted(set(batch_vocab).difference(lookup)):  # terms no earlier batch had
            j = old.find(t) if old is not None else -1
            if j < 0:
                j = len(old or ()) + len(self.vocab)
                self.vocab.append(t)
            lookup[t] = j
        self._batch = ids_of(lookup, batch_vocab)
        if len(words):
            self._count_words(words, counts)

    def _count_words(self, words: Sequence[str], counts: np.ndarray) -> None:
        known = self._words
        new = set(words).difference(known)
        known.update(zip(new, range(len(known), len(known) + len(new))))
        if len(known) > len(self._word_n):
            self._word_n = np.concatenate([self._word_n, np.zeros(len(known), dtype=np.int64)])
        ids = ids_of(known, words)
        self._word_n[ids] += counts  # the words of one batch are distinct

    def add(self, doc: Document, sha: str, spans: np.ndarray, terms: np.ndarray, chunks: np.ndarray,
            tf: np.ndarray, lengths: np.ndarray) -> None:
        spans = spans.copy()
        spans[:, 0] = len(self.ids)
        self._document(doc)
        self.shas.append(bytes.fromhex(sha))
        self.spans.append(spans)
        self.lengths.append(lengths)
        self.entries.append((self._batch[terms].astype(np.int32), chunks + self.n, tf))
        self.n += len(spans)

    def reuse(self, j: int, doc_id: str, path: str, sha: str, doc: Document | None = None) -> None:
        """Document ``j`` of the old index, under this id and path."""
        old = self.old
        docs = old.documents
        d = len(self.ids)
        if doc is None and docs.ids[j] == doc_id and json.loads(docs._fields[j]).get("path") == path:
            self._append(doc_id, docs._fields.raw(j), docs._texts.raw(j))  # as stored: nothing decoded
        else:
            if doc is None:  # renamed or moved: a reader's document keeps its format and pages
                od = docs[j]
                doc = (make_document(doc_id, od.text, path) if od.format == "text"
                       else dataclasses.replace(od, id=doc_id, path=path))
            self._document(doc)
        c0, c1 = int(self._old_chunks[j]), int(self._old_chunks[j + 1])
        spans = np.array(old.spans[c0:c1])
        spans[:, 0] = d
        self._reused[j] += 1
        if c1 > c0 and self._remap[c0] >= 0:  # a second file with this text: its own copy
            self._copies.append((c0, c1, self.n))
        else:
            self._remap[c0:c1] = np.arange(self.n, self.n + c1 - c0, dtype=np.int32)
        self.shas.append(bytes.fromhex(sha))
        self.spans.append(spans)
        self.lengths.append(np.array(old.postings.doc_len[c0:c1]))
        self.n += c1 - c0

    def _document(self, doc: Document) -> None:
        fields = json.dumps({f: getattr(doc, f) for f in _DOC_FIELDS}, ensure_ascii=False)
        self._append(doc.id, fields.encode("utf-8", "surrogatepass"), doc.text.encode("utf-8", "surrogatepass"))

    def _append(self, doc_id: str, fields: bytes, text: bytes) -> None:
        self.ids.append(doc_id)
        self.fields.append(fields)
        self.text_ptr.append(self.text_ptr[-1] + self.text.write(text))

    def finish(self) -> Stored:
        vocab: list[str] = self.vocab
        ordered = True
        if self.old is not None and (self._remap >= 0).any():
            p = self.old.postings
            old_terms = np.repeat(np.arange(len(p.vocab), dtype=np.int32), np.diff(p.ptr))
            old_chunks, old_tf = p.all_chunks(), p.tf[:]
            chunks = self._remap[old_chunks]
            keep = chunks >= 0
            self.entries.append((old_terms[keep], chunks[keep], old_tf[keep]))
            for c0, c1, n in self._copies:
                keep = (old_chunks >= c0) & (old_chunks < c1)
                self.entries.append((old_terms[keep], old_chunks[keep] - c0 + n, old_tf[keep]))
            ordered = False
        if self.old is not None:
            vocab = list(self.old.postings.vocab) + self.vocab
        terms, chunks, tf = (_concat([e[k] for e in self.entries], dt)
                             for k, dt in enumerate((np.int32, np.int32, np.uint16)))
        self.entries.clear()
        lengths = _concat(self.lengths, np.int32)
        postings = Postings.build(vocab, terms, chunks, tf, lengths, chunk_ordered=ordered)
        spans = _concat(self.spans, np.int32).reshape(-1, SPAN_WIDTH)
        shas = np.frombuffer(b"".join(self.shas), dtype=np.uint8).reshape(-1, 32)
        self.text.flush()
        blob = (np.memmap(self.text, dtype=np.uint8, mode="r").view(np.ndarray) if self.text_ptr[-1]
                else np.empty(0, dtype=np.uint8))
        texts = Strings(blob, np.array(self.text_ptr, dtype=np.int64))
        docs = LazyDocuments(Strings.of(self.ids), Strings.of_bytes(self.fields), texts,
                             np.array(byte_order(self.ids), dtype=np.int32))
        words, word_n = self._word_table()
        stored = Stored(docs, spans, postings, shas, words, word_n)
        stored.spool = self.text
        return stored

    def _word_table(self) -> tuple[Strings, np.ndarray]:
        """The words of the new index, sorted, and their counts: the new documents' as counted, plus
        the old index's less the documents it loses (and once more for each extra copy of a
        document that two files now hold); only those documents' texts are read."""
        if self.old is not None:
            self._count_words(list(self.old.words), np.asarray(self.old.word_n))
            for j in np.flatnonzero(self._reused != 1).tolist():
                c0, c1 = int(self._old_chunks[j]), int(self._old_chunks[j + 1])
                lost: dict[str, int] = {}
                for c in LazyChunks(self.old.documents, self.old.spans).range(c0, c1):
                    for w in WORD_RE.findall(c.text):
                        if not w[:1].isdigit():
                            lost[w] = lost.get(w, 0) + 1
                if lost:
                    self._count_words(list(lost), (self._reused[j] - 1) * np.array(list(lost.values())))
        word_n = self._word_n[:len(self._words)]
        keep = np.flatnonzero(word_n > 0)
        names = list(self._words)
        order = sorted(keep.tolist(), key=names.__getitem__)  # as written, whatever the batches
        return Strings.of(names[i] for i in order), word_n[order]


def _concat(parts: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.empty(0, dtype=dtype)
