"""Reading a brief's files into a new index: only new text is read and analysed.

Files whose size and mtime are unchanged keep their documents, and a text whose hash the old
index knows keeps its chunks and postings (``store_builder.Builder.reuse``); the rest are read and
analysed in forked workers, one per core (``parallel.pmap``), in batches of files whose
chunks are analysed in one call (``counting.BatchCounter``). A worker sends back numbers and a
batch's vocabulary, never token lists.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import store as S
from .store_builder import Builder
from .corpus import chunk_document, read_document
from .counting import BatchCounter, forget_terms
from .manifest import Entry, text_hash
from .parallel import cores, pmap

PARALLEL_MIN = 256  # files to read before a second process is worth its start-up
BATCH, BATCH_MAX = 64, 1024  # files per batch: a few batches per core, fewer merges in this process

Progress = Callable[[int, int, int], None]  # (files done, files, chunks so far)


def _read(doc_id: str, path: str, known) -> tuple:
    """One file -> (document or None, text hash, warnings, retry, its chunks' spans and
    texts or None when ``known`` has its text already)."""
    warnings: list[str] = []
    doc, retry = read_document(doc_id, path, warnings)
    if doc is None:
        return None, None, warnings, retry, None
    sha = text_hash(doc.text)
    if sha in known:
        return doc, sha, warnings, False, None
    chunks = chunk_document(doc)
    return doc, sha, warnings, False, (S.span_rows(chunks, doc.text), [c.text for c in chunks])


def _read_batch(files: list[tuple[str, str]]) -> tuple[list[str], list[tuple], list[str], np.ndarray]:
    """``_read`` over files, their terms as (term id, chunk, frequency) entries in one
    vocabulary, and the words they hold with their counts: what a worker process sends back
    (numbers and a few strings, not tokens)."""
    read = [_read(doc_id, path, _KNOWN) for doc_id, path in files]
    texts = [t for r in read if r[4] is not None for t in r[4][1]]
    counter = BatchCounter()
    terms, chunks, tf, lengths = counter.count(texts)  # the batch at once: per-call costs once
    starts = np.cumsum([0] + [len(r[4][0]) for r in read if r[4] is not None])  # each file's first chunk
    ends = np.searchsorted(chunks, starts.astype(chunks.dtype)).tolist()  # and first entry: one search
    out, f = [], 0
    for doc, sha, warnings, retry, chunked in read:
        if chunked is not None:
            (c0, c1), (e0, e1) = starts[f:f + 2].tolist(), ends[f:f + 2]
            chunked = (chunked[0], terms[e0:e1], chunks[e0:e1] - c0, tf[e0:e1], lengths[c0:c1])
            f += 1
        out.append((doc, sha, warnings, retry, chunked))
    return list(counter.terms), out, *counter.word_counts()


_KNOWN: frozenset = frozenset()  # text hashes the old index has: set before workers fork


def _read_all(files: list[tuple[str, str]], known: frozenset):
    """``_read_batch`` results, in order, over every core when there are many files."""
    global _KNOWN
    _KNOWN = known
    size = min(max(len(files) // (8 * cores()), BATCH), BATCH_MAX)
    batches = [files[i:i + size] for i in range(0, len(files), size)]
    try:
        yield from pmap(_read_batch, batches, parallel=len(files) >= PARALLEL_MIN)
    finally:
        forget_terms()  # the words' terms this process learnt: a chat goes on without them


def assemble(entries: list[Entry], prev: list[Entry] | None, old: S.Stored | None,
              warnings: list[str], progress: Progress | None = None) -> tuple[S.Stored, list[Entry]]:
    """The index of the files, reusing the old one's documents where size and mtime, or
    failing that the content hash, are unchanged: only new text is read or tokenized."""
    seen = {e.path: e for e in prev} if prev else {}
    by_sha = old.sha_positions() if old is not None else {}
    plan: list[tuple[Entry, Entry | None]] = []
    to_read: list[tuple[str, str]] = []
    for e in entries:
        p = seen.get(e.path)
        same_file = p is not None and (p.size, p.mtime_ns) == (e.size, e.mtime_ns)
        if same_file and (p.sha is None and not p.retry or p.sha in by_sha):
            plan.append((e, p))
        else:
            plan.append((e, None))
            to_read.append((e.id, e.path))
    builder = Builder(old)
    results = _read_all(to_read, frozenset(by_sha))
    batch_vocab, batch = [], iter(())
    out: list[Entry] = []
    chunk_count = 0
    old_chunks = old.doc_chunks() if old is not None and progress is not None else None

    def _old_chunks(j: int) -> int:  # how many chunks the old index's document j has
        return int(old_chunks[j + 1] - old_chunks[j]) if old_chunks is not None else 0

    for done, (e, p) in enumerate(plan):
        if progress is not None:
            progress(done, len(plan), chunk_count)
        if p is not None:  # known file: its text (if any) is in the old index
            warnings.extend(p.warnings)
            if p.sha is None:
                out.append(e._replace(warnings=p.warnings))
                continue
            builder.reuse(by_sha[p.sha], e.id, e.path, p.sha)
            chunk_count += _old_chunks(by_sha[p.sha])
            out.append(e._replace(sha=p.sha, warnings=p.warnings))
            continue
        item = next(batch, None)
        if item is None:
            batch_vocab, items, words, counts = next(results)
            batch = iter(items)
            builder.vocabulary(batch_vocab, words, counts)
            item = next(batch)
        doc, sha, text_warnings, retry, chunked = item
        warnings.extend(text_warnings)
        if doc is None:
            out.append(e._replace(sha=None, warnings=tuple(text_warnings), retry=retry))
            continue
        if chunked is None:  # the same text as an old document: reuse its chunks and terms
            builder.reuse(by_sha[sha], e.id, e.path, sha, doc)
            chunk_count += _old_chunks(by_sha[sha])
        else:
            builder.add(doc, sha, *chunked)
            chunk_count += len(chunked[0])
        out.append(e._replace(sha=sha, warnings=tuple(text_warnings)))
    if progress is not None:
        progress(len(plan), len(plan), chunk_count)
    return builder.finish(), out

