"""The index cache: a brief's index on disk, opened (not loaded) by a question, refreshed
file by file.

In ``paths.index_dir()``:

``brief-<sources>.json``
    one per list of corpus paths, small: the folders listed to find the files (with their
    mtimes), the file count, the warnings reading them gave, and the fingerprint of the
    index built from them. What a question reads to decide whether the index is fresh.
``files-<sources>.json``
    each file's path, document id, size, mtime_ns and content hash: read on each question
    only for briefs of up to ``STAT_FILES_MAX`` files (whose files are then all stat'ed),
    else only when a folder changed or on ``askbrief index``.
``index-<fingerprint>/``
    keyed by content (ids, paths and text hashes, and the code that tokenizes): plain
    ``.npy`` arrays (``store.py``): postings, chunk spans and lengths, texts and document
    fields, opened with ``mmap_mode="r"``. A changed file is re-tokenized; the others'
    postings are carried over from the previous index, not recomputed.
``map-<fingerprint>-<function>.json``
    the term map (name variants) a function computed from the brief: the function runs
    again only when the brief (or its code) changes. It is applied when terms are looked
    up, so the postings on disk serve every map.

Nothing here can run code when read: JSON, and NumPy arrays of numbers loaded with
``allow_pickle=False``. Files are written under a temporary name and renamed (mode 0600,
directories 0700), so a crash never leaves half an index under a real name. A cache that is
damaged, foreign or unreadable is rebuilt; one that cannot be written is done without.
Either way the caller gets a one-line warning, never an exception.

This module decides what to do; ``manifest.py`` (what was seen, what changed, the keys),
``building.py`` (reading and analysing what changed) and ``cachedir.py`` (the files, written
whole or not at all) do it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import store as S
from .building import Progress, assemble
from .cachedir import CacheDir
from .corpus import Brief, discover, no_documents
from .index import Index
from .manifest import (Entry, Summary, fingerprint_of, function_key, list_dirs, same_listing, sources_key,
                       stat_all, unchanged)

STAT_FILES_MAX = 5000  # briefs with more files: folder mtimes only on each question

TermMap = Mapping[str, str] | Callable[[Brief], Mapping[str, str]]


@dataclass
class Report:
    """What a load or ``askbrief index`` did: file counts relative to the previous run."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    chunks: int = 0
    documents: int = 0
    cache: Path | None = None  # the index directory, when the cache was used
    warnings: list[str] = field(default_factory=list)
    checked: str = ""  # what told the index was fresh: "files", "folders" or "" (built)


# --- public -----------------------------------------------------------------------

def load_index(sources: Sequence[str | os.PathLike], term_map: TermMap | None = None,
               follow_links: bool = False, progress: Progress | None = None) -> tuple[Index, Report]:
    """The index of the brief at ``sources``, from the cache where the files are unchanged.

    ``term_map`` folds raw terms when they are looked up: a mapping, or a function of the
    brief that returns one (such as ``variants.term_map``); a function is called only when
    the brief changed, its result is cached with the index. Warnings (skipped files, a cache
    rebuilt or not writable) are in ``Report.warnings`` and ``index.brief.warnings``.
    ``follow_links`` reads links that lead out of the corpus folders (``corpus.discover``).
    ``progress(files done, files, chunks)`` is called as files are read, when they are.
    """
    return _load(sources, term_map, follow_links, full_check=False, progress=progress)


def refresh(sources: Sequence[str | os.PathLike], term_map: TermMap | None = None,
            follow_links: bool = False, progress: Progress | None = None) -> Report:
    """Build or bring up to date the cached index of a brief (``askbrief index``): every
    file's size and mtime are checked, whatever the brief's size."""
    return refresh_index(sources, term_map, follow_links, progress)[1]


def refresh_index(sources: Sequence[str | os.PathLike], term_map: TermMap | None = None,
                  follow_links: bool = False, progress: Progress | None = None) -> tuple[Index, Report]:
    """``refresh``, and the index it made (what ``askbrief index`` counts formats in)."""
    return _load(sources, term_map, follow_links, full_check=True, progress=progress)


def _load(sources, term_map, follow_links: bool, full_check: bool,
          progress: Progress | None = None) -> tuple[Index, Report]:
    sources = [str(s) for s in sources]
    report = Report()
    store = CacheDir.open(report)
    key = sources_key(sources + (["--follow-links"] if follow_links else []))
    summary = store.read_summary(key, report) if store else None
    opened = store.open_index(summary.fingerprint, report) if store and summary else None
    prev: list[Entry] | None = None
    fresh = tried = False
    if opened is not None and same_listing(summary, sources):
        if summary.files <= STAT_FILES_MAX or full_check:
            prev, tried = store.read_files(key, summary.fingerprint, report), True
            if prev is not None:
                fresh = unchanged(prev, stat_all([(e.id, e.path) for e in prev], []))
                report.checked = "files" if fresh else ""
        else:
            fresh, report.checked = True, "folders"
    if fresh:
        report.warnings[:0] = summary.walk_warnings + summary.warnings
        stored, fp = opened, summary.fingerprint
        report.unchanged = summary.documents
    else:
        if opened is not None and not tried:
            prev = store.read_files(key, summary.fingerprint, report)
        if prev is None:
            opened = None  # without the file list the old index cannot be matched to files
        stored, fp, now, entries = _rebuild(sources, follow_links, prev, opened, report, progress)
        if opened is not None and fp == summary.fingerprint:  # touched, not changed
            stored = opened
    report.documents, report.chunks = len(stored.documents), stored.chunks
    if not report.documents:
        raise no_documents(sources, report.warnings)
    if store and not fresh:
        stored = _save(store, key, fp, stored, opened, (now, entries), summary, report)
    brief = stored.brief(report.warnings, sources)
    brief.report = report  # what loading it did: files read, skipped (the CLI's summary line)
    if store and store.writable:
        report.cache = store.dir / f"index-{fp}"
    return Index.from_postings(brief, stored.postings, _term_map(term_map, brief, store, fp, report)), report


def _rebuild(sources: list[str], follow_links: bool, prev: list[Entry] | None, opened: S.Stored | None,
             report: Report, progress: Progress | None) -> tuple[S.Stored, str, Summary, list[Entry]]:
    """List and stat the files again, and build the index of those that changed: the index,
    its fingerprint, the summary (its document count still to be filled in) and file list to save."""
    dirs = list_dirs(sources, follow_links)  # before discover: a file added meanwhile changes an mtime
    files, walk_warnings = discover(sources, follow_links)
    report.warnings[:0] = walk_warnings
    entries = stat_all(files, report.warnings)
    stored, entries = assemble(entries, prev, opened, report.warnings, progress)
    fp = fingerprint_of(entries)
    _count(report, prev, entries)
    now = Summary(sources, fp, dirs, walk_warnings, [w for e in entries for w in e.warnings], len(entries), 0)
    return stored, fp, now, entries


def _save(store: CacheDir, key: str, fp: str, stored: S.Stored, opened: S.Stored | None,
          seen: tuple[Summary, list[Entry]], before: Summary | None, report: Report) -> S.Stored:
    """Write what was rebuilt; the index to answer from (the files just written, when they
    were: the build's arrays go)."""
    ok = True
    if stored is not opened:
        ok = store.write_index(fp, stored, report)
        if ok:
            stored = store.open_index(fp, report) or stored
    now, entries = seen
    now.documents = report.documents
    if ok and store.write_files(key, entries, fp, report) and store.write_summary(key, now, report):
        if before is None or before.fingerprint != fp:
            store.collect()
    return stored


def _term_map(term_map: TermMap | None, brief, store: CacheDir | None, fp: str,
              report: Report) -> Mapping[str, str] | None:
    """The term map: given, or a function's of the brief, computed once per brief and cached."""
    if not callable(term_map):
        return term_map or None
    fn_key = function_key(term_map)
    mapping = store.read_map(fp, fn_key, report) if store else None
    if mapping is None:
        mapping = term_map(brief)
        if store and store.writable:
            store.write_map(fp, fn_key, dict(mapping), report)
    return mapping


def _count(report: Report, prev: list[Entry] | None, entries: list[Entry]) -> None:
    before = {e.path: e.sha for e in prev if e.sha} if prev else {}
    now = {e.path: e.sha for e in entries if e.sha}
    for path, sha in now.items():
        if path not in before:
            report.new += 1
        elif before[path] == sha:
            report.unchanged += 1
        else:
            report.updated += 1
    report.removed = sum(1 for p in before if p not in now)
