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
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np

from . import store as S
from .corpus import (Brief, chunk_document, corpus_folders, discover, leads_out, no_documents,
                     read_document)
from .index import BatchCounter, Index
from .parallel import pmap

FORMAT = 3
STAT_FILES_MAX = 5000  # briefs with more files: folder mtimes only on each question
PARALLEL_MIN = 256  # files to read before a second process is worth its start-up
BATCH = 64
_CODE_FILES = ("text.py", "corpus.py", "index.py", "store.py", "cache.py", "readers/__init__.py",
               "readers/pdf.py", "readers/html.py", "readers/docx.py", "readers/epub.py", "readers/eml.py",
               "readers/markdown.py", "readers/rst.py")
_TMP_MAX_AGE = 3600.0

TermMap = Mapping[str, str] | Callable[[Brief], Mapping[str, str]]
Progress = Callable[[int, int, int], None]  # (files done, files, chunks so far)


class CacheDamaged(Exception):
    """A cache file that exists but cannot be used (truncated, garbage, foreign)."""


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


class _Entry(NamedTuple):
    """One file of a brief as last seen."""

    path: str
    id: str
    size: int
    mtime_ns: int
    sha: str | None = None  # None: the file gave no text (skipped, with its warnings)
    warnings: tuple[str, ...] = ()
    retry: bool = False  # skipped for a reason that may pass (unreadable, binary): read again


_COLUMNS = {"path": str, "id": str, "size": int, "mtime_ns": int, "sha": (str, type(None)),
            "warnings": list, "retry": bool}


@dataclass
class _Summary:
    """A brief as last seen, in brief (``brief-<sources>.json``): the directories listed to
    find its files with their mtimes (a directory whose mtime is unchanged has the same
    entries), the fingerprint of its index, and what a question needs to report."""

    sources: list[str]
    fingerprint: str
    dirs: list[tuple[str, int]] | None  # None: the listing cannot be trusted (it had errors)
    walk_warnings: list[str]
    warnings: list[str]  # the files' own warnings, in order
    files: int
    documents: int

    _KEYS = {"format", "code", "sources", "fingerprint", "dirs", "walk_warnings", "warnings", "files",
             "documents"}

    @classmethod
    def parse(cls, data: bytes) -> _Summary:
        obj = _check_header(json.loads(data))
        if obj.keys() != cls._KEYS:
            raise ValueError("not an askbrief index manifest")
        dirs = obj["dirs"]
        if not (_strs(obj["sources"]) and isinstance(obj["fingerprint"], str) and _strs(obj["walk_warnings"])
                and _strs(obj["warnings"]) and isinstance(obj["files"], int) and isinstance(obj["documents"], int)
                and (dirs is None or isinstance(dirs, list) and all(
                    isinstance(d, list) and len(d) == 2 and isinstance(d[0], str) and isinstance(d[1], int)
                    for d in dirs))):
            raise ValueError("not an askbrief index manifest")
        return cls(obj["sources"], obj["fingerprint"], None if dirs is None else [(d, m) for d, m in dirs],
                   obj["walk_warnings"], obj["warnings"], obj["files"], obj["documents"])

    def dump(self) -> bytes:
        obj = {"format": FORMAT, "code": _code_version(), "sources": self.sources,
               "fingerprint": self.fingerprint, "dirs": self.dirs, "walk_warnings": self.walk_warnings,
               "warnings": self.warnings, "files": self.files, "documents": self.documents}
        return json.dumps(obj, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _check_header(obj) -> dict:
    if not isinstance(obj, dict):
        raise ValueError("not an askbrief index manifest")
    if obj.get("format") != FORMAT or obj.get("code") != _code_version():
        raise CacheDamaged("made by another version of askbrief")
    return obj


def _parse_files(data: bytes, fingerprint: str) -> list[_Entry]:
    obj = _check_header(json.loads(data))
    cols = obj.get("files")
    if obj.get("fingerprint") != fingerprint:
        raise CacheDamaged("made for other files")
    if not (isinstance(cols, dict) and cols.keys() == _COLUMNS.keys()):
        raise ValueError("not an askbrief file list")
    n = len(cols["path"])
    for name, kind in _COLUMNS.items():
        col = cols[name]
        if not isinstance(col, list) or len(col) != n or not all(isinstance(v, kind) for v in col):
            raise ValueError(f"file column {name} is damaged")
    if not all(_strs(w) for w in cols["warnings"]):
        raise ValueError("file column warnings is damaged")
    return [_Entry(*row[:5], tuple(row[5]), row[6]) for row in zip(*(cols[c] for c in _COLUMNS))]


def _dump_files(entries: list[_Entry], fingerprint: str) -> bytes:
    cols = {c: [getattr(e, c) for e in entries] for c in _COLUMNS}
    obj = {"format": FORMAT, "code": _code_version(), "fingerprint": fingerprint, "files": cols}
    return json.dumps(obj, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _strs(obj) -> bool:
    return isinstance(obj, list) and all(isinstance(v, str) for v in obj)


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
    store = _Store.open(report)
    key = _sources_key(sources + (["--follow-links"] if follow_links else []))
    summary = store.read_summary(key, report) if store else None
    opened = store.open_index(summary.fingerprint, report) if summary else None
    prev: list[_Entry] | None = None
    fresh = tried = False
    if opened is not None and _same_listing(summary, sources):
        if summary.files <= STAT_FILES_MAX or full_check:
            prev, tried = store.read_files(key, summary.fingerprint, report), True
            if prev is not None:
                fresh = _unchanged(prev, _stat_all([(e.id, e.path) for e in prev], []))
                report.checked = "files" if fresh else ""
        else:
            fresh, report.checked = True, "folders"
    if fresh:
        report.warnings[:0] = summary.walk_warnings + summary.warnings
        stored, fp, dirs, walk_warnings, entries = opened, summary.fingerprint, summary.dirs, None, None
        report.unchanged = summary.documents
    else:
        if opened is not None and not tried:
            prev = store.read_files(key, summary.fingerprint, report)
        if prev is None:
            opened = None  # without the file list the old index cannot be matched to files
        dirs = _list_dirs(sources, follow_links)  # before discover: a file added meanwhile changes an mtime
        files, walk_warnings = discover(sources, follow_links)
        report.warnings[:0] = walk_warnings
        entries = _stat_all(files, report.warnings)
        stored, entries = _assemble(entries, prev, opened, report.warnings, progress)
        fp = _fingerprint(entries)
        _count(report, prev, entries)
        if opened is not None and fp == summary.fingerprint:  # touched, not changed
            stored = opened
    report.documents, report.chunks = len(stored.documents), stored.chunks
    if not report.documents:
        raise no_documents(sources, report.warnings)
    if store and not fresh:
        ok = True
        if stored is not opened:
            ok = store.write_index(fp, stored, report)
            if ok:  # answer from the files just written: the build's arrays go
                stored = store.open_index(fp, report) or stored
        summary_now = _Summary(sources, fp, dirs, walk_warnings, [w for e in entries for w in e.warnings],
                               len(entries), report.documents)
        if ok:
            ok = store.write_files(key, entries, fp, report) and store.write_summary(key, summary_now, report)
            if ok and (summary is None or summary.fingerprint != fp):
                store.collect()

    brief = stored.brief(report.warnings, sources)
    brief.report = report  # what loading it did: files read, skipped (the CLI's summary line)
    mapping, fn_key = None, None
    if callable(term_map):
        fn_key = _function_key(term_map)
        mapping = store.read_map(fp, fn_key, report) if store else None
        if mapping is None:
            mapping = term_map(brief)
            if store and store.writable:
                store.write_map(fp, fn_key, dict(mapping), report)
    elif term_map:
        mapping = term_map
    if store and store.writable:
        report.cache = store.dir / f"index-{fp}"
    return Index.from_postings(brief, stored.postings, mapping), report


# --- freshness --------------------------------------------------------------------

def _list_dirs(sources: list[str], follow_links: bool = False) -> list[tuple[str, int]] | None:
    """Every directory ``corpus.discover`` lists for these sources, with its mtime."""
    dirs: list[tuple[str, int]] = []
    failed = False

    def fail(_):
        nonlocal failed
        failed = True

    seen: set[str] = set()
    inside = corpus_folders(sources)
    for raw in sources:
        root = os.path.expanduser(raw)
        if not os.path.isdir(root):
            continue
        for dirpath, dirnames, _ in os.walk(root, followlinks=True, onerror=fail):
            real = os.path.realpath(dirpath)
            if real in seen:
                dirnames[:] = []
                continue
            seen.add(real)
            dirnames[:] = [d for d in dirnames if not d.startswith(".")
                           and (follow_links or not leads_out(os.path.join(dirpath, d), inside))]
            try:
                dirs.append((dirpath, os.stat(dirpath).st_mtime_ns))
            except OSError:
                failed = True
    return None if failed else dirs


def _same_listing(prev: _Summary, sources: list[str]) -> bool:
    """True when listing the sources again would find the same files as last time."""
    if prev.dirs is None or prev.sources != sources:
        return False
    roots = {d for d, _ in prev.dirs}
    for s in sources:  # each still there, and still a folder or still a file
        s = os.path.expanduser(s)
        if not (s in roots if os.path.isdir(s) else os.path.isfile(s) and s not in roots):
            return False
    try:
        return all(os.stat(d).st_mtime_ns == m for d, m in prev.dirs)
    except OSError:
        return False


def _stat_all(files: list[tuple[str, str | Path]], warnings: list[str]) -> list[_Entry]:
    entries = []
    for doc_id, f in files:
        f = str(f)
        try:
            st = os.stat(f)
        except OSError as e:
            warnings.append(f"skipped {f}: {e.strerror or e}")
            continue
        entries.append(_Entry(f, doc_id, st.st_size, st.st_mtime_ns))
    return entries


def _unchanged(prev: list[_Entry], entries: list[_Entry]) -> bool:
    if len(prev) != len(entries):
        return False
    return all((p.path, p.id, p.size, p.mtime_ns) == (e.path, e.id, e.size, e.mtime_ns)
               and not p.retry for p, e in zip(prev, entries))


def _count(report: Report, prev: list[_Entry] | None, entries: list[_Entry]) -> None:
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


# --- building ---------------------------------------------------------------------

def _read(doc_id: str, path: str, known) -> tuple:
    """One file -> (document or None, text hash, warnings, retry, its chunks' spans and
    texts or None when ``known`` has its text already)."""
    warnings: list[str] = []
    doc, retry = read_document(doc_id, path, warnings)
    if doc is None:
        return None, None, warnings, retry, None
    sha = _text_hash(doc.text)
    if sha in known:
        return doc, sha, warnings, False, None
    chunks = chunk_document(doc)
    spans = np.array([[0, *(getattr(c, f) for f in S.SPAN_FIELDS)] for c in chunks], dtype=np.int32)
    return doc, sha, warnings, False, (spans.reshape(-1, 1 + len(S.SPAN_FIELDS)), [c.text for c in chunks])


def _read_batch(files: list[tuple[str, str]]) -> tuple[list[str], list[tuple], list[str], np.ndarray]:
    """``_read`` over files, their terms as (term id, chunk, frequency) entries in one
    vocabulary, and the words they hold with their counts: what a worker process sends back
    (numbers and a few strings, not tokens)."""
    read = [_read(doc_id, path, _KNOWN) for doc_id, path in files]
    texts = [t for r in read if r[4] is not None for t in r[4][1]]
    counter = BatchCounter()
    terms, chunks, tf, lengths = counter.count(texts)  # the batch at once: per-call costs once
    out, c0 = [], 0
    for doc, sha, warnings, retry, chunked in read:
        if chunked is not None:
            spans = chunked[0]
            c1 = c0 + len(spans)
            e0, e1 = np.searchsorted(chunks, [c0, c1]).tolist()
            chunked = (spans, terms[e0:e1], chunks[e0:e1] - c0, tf[e0:e1], lengths[c0:c1])
            c0 = c1
        out.append((doc, sha, warnings, retry, chunked))
    return list(counter.terms), out, *counter.word_counts()


_KNOWN: frozenset = frozenset()  # text hashes the old index has: set before workers fork


def _read_all(files: list[tuple[str, str]], known: frozenset):
    """``_read_batch`` results, in order, over every core when there are many files."""
    global _KNOWN
    _KNOWN = known
    batches = [files[i:i + BATCH] for i in range(0, len(files), BATCH)]
    yield from pmap(_read_batch, batches, parallel=len(files) >= PARALLEL_MIN)


def _assemble(entries: list[_Entry], prev: list[_Entry] | None, old: S.Stored | None,
              warnings: list[str], progress: Progress | None = None) -> tuple[S.Stored, list[_Entry]]:
    """The index of the files, reusing the old one's documents where size and mtime, or
    failing that the content hash, are unchanged: only new text is read or tokenized."""
    seen = {e.path: e for e in prev} if prev else {}
    by_sha = old.sha_positions() if old is not None else {}
    plan: list[tuple[_Entry, _Entry | None]] = []
    to_read: list[tuple[str, str]] = []
    for e in entries:
        p = seen.get(e.path)
        same_file = p is not None and (p.size, p.mtime_ns) == (e.size, e.mtime_ns)
        if same_file and (p.sha is None and not p.retry or p.sha in by_sha):
            plan.append((e, p))
        else:
            plan.append((e, None))
            to_read.append((e.id, e.path))
    builder = S.Builder(old)
    results = _read_all(to_read, frozenset(by_sha))
    batch_vocab, batch = [], iter(())
    out: list[_Entry] = []
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


# --- keys -------------------------------------------------------------------------

def _code_version() -> str:
    """Changes when the code that makes chunks and terms changes: old caches are foreign."""
    global _CODE
    if _CODE is None:
        h = hashlib.sha256(f"format {FORMAT}".encode())
        here = Path(__file__).resolve().parent
        for name in _CODE_FILES:
            with contextlib.suppress(OSError):
                h.update((here / name).read_bytes())
        _CODE = h.hexdigest()[:16]
    return _CODE


_CODE: str | None = None


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _sources_key(sources: list[str]) -> str:
    where = [[s, os.path.realpath(os.path.expanduser(s))] for s in sources]
    return hashlib.sha256(json.dumps(where).encode("utf-8", "surrogatepass")).hexdigest()[:20]


def _fingerprint(entries: list[_Entry]) -> str:
    h = hashlib.sha256(_code_version().encode())
    for e in entries:
        if e.sha:
            h.update(json.dumps([e.id, e.path, e.sha]).encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:24]


def _function_key(fn: Callable) -> str:
    """Names a term-map function and the code it is in: new code, new map."""
    import inspect

    h = hashlib.sha256(f"{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', repr(fn))}".encode())
    with contextlib.suppress(OSError, TypeError):
        h.update(Path(inspect.getsourcefile(fn)).read_bytes())
    return h.hexdigest()[:16]


# --- files ------------------------------------------------------------------------

class _Store:
    """The index directory; ``writable`` turns False (with one warning) at the first failure."""

    def __init__(self, path: Path):
        self.dir = path
        self.writable = True

    @classmethod
    def open(cls, report: Report) -> _Store | None:
        from .errors import LocationError
        from .paths import index_dir

        try:
            return cls(index_dir())
        except LocationError as e:
            report.warnings.append(f"index cache unavailable ({e}); indexing without it")
            return None

    def _damaged(self, name: str, why: BaseException | str, report: Report) -> None:
        if isinstance(why, CacheDamaged):
            report.warnings.append(f"index cache {name} was {why}; rebuilt")
        else:
            report.warnings.append(f"index cache {name} was damaged ({_short(why)}); rebuilt")

    def _read_json(self, name: str, parse: Callable, report: Report):
        path = self.dir / name
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as e:
            self._damaged(name, e.strerror or str(e), report)
            return None
        try:
            return parse(data)
        except (ValueError, TypeError, KeyError, CacheDamaged) as e:
            self._damaged(name, e, report)
            return None

    def read_summary(self, key: str, report: Report) -> _Summary | None:
        return self._read_json(f"brief-{key}.json", _Summary.parse, report)

    def write_summary(self, key: str, summary: _Summary, report: Report) -> bool:
        data = summary.dump()
        return self._write(f"brief-{key}.json", lambda f: f.write(data), report)

    def read_files(self, key: str, fp: str, report: Report) -> list[_Entry] | None:
        return self._read_json(f"files-{key}.json", lambda data: _parse_files(data, fp), report)

    def write_files(self, key: str, entries: list[_Entry], fp: str, report: Report) -> bool:
        data = _dump_files(entries, fp)
        return self._write(f"files-{key}.json", lambda f: f.write(data), report)

    def open_index(self, fp: str, report: Report) -> S.Stored | None:
        path = self.dir / f"index-{fp}"
        try:
            return S.open_stored(path, {"format": FORMAT, "code": _code_version(), "fingerprint": fp})
        except FileNotFoundError:
            return None
        except S.Foreign as e:
            self._damaged(path.name, CacheDamaged(str(e)), report)
        except Exception as e:  # noqa: BLE001  (any damage at all means: rebuild)
            self._damaged(path.name, e, report)
        return None

    def write_index(self, fp: str, stored: S.Stored, report: Report) -> bool:
        meta = {"format": FORMAT, "code": _code_version(), "fingerprint": fp}
        return self._write(f"index-{fp}", lambda d: S.write_stored(d, stored, meta), report, directory=True)

    def read_map(self, fp: str, fn_key: str, report: Report) -> dict[str, str] | None:
        def parse(data):
            obj = json.loads(data)
            if not (isinstance(obj, dict) and obj.get("format") == FORMAT and obj.get("fingerprint") == fp
                    and isinstance(obj.get("map"), dict)
                    and all(isinstance(k, str) and isinstance(v, str) for k, v in obj["map"].items())):
                raise ValueError("not a term map for this index")
            return obj["map"]

        return self._read_json(f"map-{fp}-{fn_key}.json", parse, report)

    def write_map(self, fp: str, fn_key: str, mapping: dict[str, str], report: Report) -> bool:
        data = json.dumps({"format": FORMAT, "fingerprint": fp, "map": mapping}, ensure_ascii=False)
        return self._write(f"map-{fp}-{fn_key}.json", lambda f: f.write(data.encode("utf-8", "surrogatepass")),
                           report)

    # writing and cleaning

    def _write(self, name: str, fill: Callable, report: Report, directory: bool = False) -> bool:
        """Fill a temporary file (or directory) and rename it to ``name``."""
        if not self.writable:
            return False
        import tempfile

        tmp = None
        try:
            if directory:
                tmp = tempfile.mkdtemp(dir=self.dir, prefix=".tmp-")  # 0700
                fill(Path(tmp))
                self._place(Path(tmp), self.dir / name)
            else:
                fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".tmp-", suffix=Path(name).suffix)
                with os.fdopen(fd, "wb") as f:  # mkstemp made it 0600
                    fill(f)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, self.dir / name)
            return True
        except OSError as e:
            if tmp:
                with contextlib.suppress(OSError):
                    shutil.rmtree(tmp) if directory else os.unlink(tmp)
            self.writable = False
            report.warnings.append(f"cannot write the index cache in {self.dir} ({e.strerror or e}); "
                                   "answering without it")
            return False

    def _place(self, tmp: Path, target: Path) -> None:
        """Rename a finished index directory into place. Another process may have put the
        same content there meanwhile (then ours goes); a damaged one is set aside first."""
        import errno
        import tempfile

        try:
            os.rename(tmp, target)
            return
        except OSError as e:
            if e.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
        try:
            S.open_stored(target, {"format": FORMAT, "code": _code_version()})
            shutil.rmtree(tmp, ignore_errors=True)
            return
        except Exception:  # noqa: BLE001  (damaged: replace it)
            pass
        trash = tempfile.mkdtemp(dir=self.dir, prefix=".tmp-")
        with contextlib.suppress(FileNotFoundError):
            os.rename(target, Path(trash) / "old")
        try:
            os.rename(tmp, target)
        except OSError as e:
            if e.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
            shutil.rmtree(tmp, ignore_errors=True)
        shutil.rmtree(trash, ignore_errors=True)

    def collect(self) -> None:
        """Remove index files no brief refers to any more, and stale temporary files."""
        keep = set()
        for m in self.dir.glob("brief-*.json"):
            try:
                keep.add(json.loads(m.read_bytes()).get("fingerprint"))
            except (OSError, ValueError, AttributeError):
                continue
        now = time.time()
        for f in self.dir.iterdir():
            name = f.name
            try:
                if name.startswith(("index-", "map-")):
                    if name.split("-")[1].split(".")[0] not in keep:
                        shutil.rmtree(f) if f.is_dir() else f.unlink()
                elif name.startswith(".tmp-") and now - f.stat().st_mtime > _TMP_MAX_AGE:
                    shutil.rmtree(f) if f.is_dir() else f.unlink()
            except OSError:
                continue


def _short(e: BaseException | str) -> str:
    if isinstance(e, str):
        return e
    text = str(e).splitlines()[0] if str(e) else ""
    return f"{type(e).__name__}: {text[:80]}" if text else type(e).__name__
