"""The index cache: a brief's texts, chunks and terms on disk, refreshed file by file.

In ``paths.index_dir()``:

``brief-<sources>.json``
    one per list of corpus paths: each file's path, document id, size, mtime_ns, content
    hash and the warnings reading it gave, and the fingerprint of the index built from them.
    A file whose size and mtime are unchanged is not read again.
``index-<fingerprint>.npz``
    keyed by content (ids, paths and text hashes, and the code that tokenizes): the texts,
    titles and dates, chunk spans, every chunk's raw terms and the postings. A changed file
    is re-tokenized; the others' terms are sliced out of the previous index, not recomputed.
``map-<fingerprint>-<function>.json``, ``post-<fingerprint>-<map>.npz``
    the term map (name variants) a function computed from the brief, and the postings
    under it: the function runs again only when the brief (or its code) changes.

Nothing here can run code when read: JSON, and NumPy arrays of numbers loaded with
``allow_pickle=False``. Files are written to a temporary file and renamed (mode 0600), so a
crash never leaves half a file under a real name. A cache that is damaged, foreign or
unreadable is rebuilt; one that cannot be written is done without. Either way the caller
gets a one-line warning, never an exception.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .corpus import (Brief, chunk_document, corpus_folders, discover, leads_out, no_documents,
                     read_document)
from .index import Index, Postings, RawTokens
from .models import Chunk, Document
from .text import tokenize

FORMAT = 1
_CODE_FILES = ("text.py", "corpus.py", "index.py", "cache.py", "readers/__init__.py", "readers/pdf.py",
               "readers/html.py", "readers/docx.py", "readers/epub.py", "readers/eml.py",
               "readers/markdown.py", "readers/rst.py")
_TMP_MAX_AGE = 3600.0

TermMap = Mapping[str, str] | Callable[[Brief], Mapping[str, str]]
Progress = Callable[[int, int, int], None]


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
    cache: Path | None = None  # the index file, when the cache was used
    warnings: list[str] = field(default_factory=list)


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
class _Manifest:
    """A brief as last seen (``brief-<sources>.json``): its files, the directories listed
    to find them (with their mtimes: a directory whose mtime is unchanged has the same
    entries, so it need not be listed again), and the fingerprint of their index."""

    sources: list[str]
    fingerprint: str
    files: list[_Entry]
    dirs: list[tuple[str, int]] | None  # None: the listing cannot be trusted (it had errors)
    walk_warnings: list[str]

    @classmethod
    def parse(cls, data: bytes) -> _Manifest:
        obj = json.loads(data)
        keys = {"format", "code", "sources", "fingerprint", "files", "dirs", "walk_warnings"}
        if not isinstance(obj, dict):
            raise ValueError("not an askbrief index manifest")
        if obj.get("format") != FORMAT or obj.get("code") != _code_version():
            raise CacheDamaged("made by another version of askbrief")
        if obj.keys() != keys:
            raise ValueError("not an askbrief index manifest")
        cols, dirs = obj["files"], obj["dirs"]
        if not (_strs(obj["sources"]) and isinstance(obj["fingerprint"], str) and _strs(obj["walk_warnings"])
                and isinstance(cols, dict) and cols.keys() == _COLUMNS.keys()
                and (dirs is None or isinstance(dirs, list) and all(
                    isinstance(d, list) and len(d) == 2 and isinstance(d[0], str) and isinstance(d[1], int)
                    for d in dirs))):
            raise ValueError("not an askbrief index manifest")
        n = len(cols["path"])
        for name, kind in _COLUMNS.items():
            col = cols[name]
            if not isinstance(col, list) or len(col) != n or not all(isinstance(v, kind) for v in col):
                raise ValueError(f"file column {name} is damaged")
        if not all(_strs(w) for w in cols["warnings"]):
            raise ValueError("file column warnings is damaged")
        files = [_Entry(*row[:5], tuple(row[5]), row[6]) for row in zip(*(cols[c] for c in _COLUMNS))]
        return cls(obj["sources"], obj["fingerprint"], files,
                   None if dirs is None else [(d, m) for d, m in dirs], obj["walk_warnings"])

    def dump(self) -> bytes:
        cols = {c: [getattr(e, c) for e in self.files] for c in _COLUMNS}
        obj = {"format": FORMAT, "code": _code_version(), "sources": self.sources,
               "fingerprint": self.fingerprint, "dirs": self.dirs, "walk_warnings": self.walk_warnings,
               "files": cols}
        return json.dumps(obj, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _strs(obj) -> bool:
    return isinstance(obj, list) and all(isinstance(v, str) for v in obj)


@dataclass
class _Stored:
    """An index as stored: documents, their chunks' spans and terms, maybe postings."""

    documents: list[Document]
    shas: list[str]
    spans: np.ndarray  # int32 (chunks, 7): doc, paragraph, part, start, end, para_start, para_end
    raw: RawTokens
    postings: Postings | None = None


class LazyChunks(Sequence):
    """A brief's chunks made from spans when asked for: a 100k-chunk brief loads in a blink."""

    def __init__(self, documents: list[Document], spans: np.ndarray):
        self._docs, self._spans, self._made = documents, spans, {}

    def __len__(self) -> int:
        return len(self._spans)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = int(i)
        if i < 0:
            i += len(self)
        chunk = self._made.get(i)
        if chunk is None:
            if not 0 <= i < len(self):
                raise IndexError(i)
            chunk = self._made[i] = self._make(self._spans[i].tolist())
        return chunk

    def __iter__(self):
        # a pass over the whole brief (the variants scan) keeps nothing: memory stays flat
        for i, row in enumerate(self._spans.tolist()):
            yield self._made.get(i) or self._make(row)

    def _make(self, row: list[int]) -> Chunk:
        d, para, part, s, e, ps, pe = row
        doc = self._docs[d]
        return Chunk(doc=doc.id, paragraph=para, part=part, start=s, end=e, para_start=ps,
                     para_end=pe, text=doc.text[s:e])


class _CachedBrief(Brief):
    """A brief from the cache: its fingerprint comes from the stored text hashes instead
    of hashing every text again (the same value: the tests hold it to ``Brief.fingerprint``)."""

    text_hashes: list[str]
    report: Report  # what loading it did: files read, skipped

    @property
    def fingerprint(self) -> str:
        h = hashlib.sha256()
        for d, sha in zip(self.documents, self.text_hashes):
            h.update(d.id.encode("utf-8", "surrogatepass"))
            h.update(b"\0")
            h.update(bytes.fromhex(sha))
        return h.hexdigest()[:16]


# --- public -----------------------------------------------------------------------

def load_index(sources: Sequence[str | os.PathLike], term_map: TermMap | None = None,
               follow_links: bool = False, progress: Progress | None = None) -> tuple[Index, Report]:
    """The index of the brief at ``sources``, from the cache where the files are unchanged.

    ``term_map`` folds raw terms before BM25 counts them: a mapping, or a function of the
    brief that returns one (such as ``variants.term_map``); a function is called only when
    the brief changed, its result is cached with the index. Warnings (skipped files, a cache
    rebuilt or not writable) are in ``Report.warnings`` and ``index.brief.warnings``.
    ``follow_links`` reads links that lead out of the corpus folders (``corpus.discover``).
    ``progress(files done, files, chunks)`` is called as files are read, when they are.
    """
    sources = [str(s) for s in sources]
    report = Report()
    store = _Store.open(report)
    key = _sources_key(sources + (["--follow-links"] if follow_links else []))
    prev = store.read_manifest(key, report) if store else None
    old = store.read_index(prev.fingerprint, report) if store and prev else None
    if old is not None and _same_listing(prev, sources):
        files = [(e.id, e.path) for e in prev.files]
        dirs, walk_warnings = prev.dirs, list(prev.walk_warnings)
    else:
        dirs = _list_dirs(sources, follow_links)  # before discover: a file added meanwhile changes an mtime
        files, walk_warnings = discover(sources, follow_links)
    warnings = report.warnings
    warnings[:0] = walk_warnings
    entries = _stat_all(files, warnings)
    if old is not None and _unchanged(prev, entries):  # the fast path: nothing to read
        stored, entries, fp = old, prev.files, prev.fingerprint
        for e in entries:
            warnings.extend(e.warnings)
    else:
        stored, entries = _assemble(entries, prev, old, warnings, progress)
        fp = _fingerprint(entries)
        if old is not None and fp == prev.fingerprint:  # touched, not changed
            stored = old
    _count(report, prev, entries)
    report.documents, report.chunks = len(stored.documents), len(stored.spans)
    if not stored.documents:
        raise no_documents(sources, report.warnings)

    brief = _CachedBrief(documents=stored.documents, chunks=LazyChunks(stored.documents, stored.spans),
                         warnings=report.warnings, sources=sources)
    brief.text_hashes = stored.shas
    brief.report = report
    mapping, map_fresh = None, False
    if callable(term_map):
        fn_key = _function_key(term_map)
        mapping = store.read_map(fp, fn_key, report) if store else None
        if mapping is None:
            mapping, map_fresh = term_map(brief), True
    elif term_map:
        mapping = term_map
    mapping = {k: v for k, v in (mapping or {}).items() if k != v}
    map_key = _map_key(mapping) if mapping else None
    postings = stored.postings if not mapping else None
    if mapping and store:
        postings = store.read_postings(fp, map_key, report)
    index = Index.from_arrays(brief, stored.raw, mapping, postings)
    if store:
        ok = True
        if stored is not old:
            ok = store.write_index(fp, stored, index.postings, report)
        manifest = _Manifest(sources, fp, entries, dirs, walk_warnings)
        if ok and manifest != prev:
            ok = store.write_manifest(key, manifest, report)
            if ok and (prev is None or prev.fingerprint != fp):
                store.collect()
        if ok and map_fresh:
            ok = store.write_map(fp, fn_key, mapping, report)
        if ok and mapping and postings is None:
            ok = store.write_postings(fp, map_key, index.postings, report)
        if ok:
            report.cache = store.dir / f"index-{fp}.npz"
    return index, report


def refresh(sources: Sequence[str | os.PathLike], term_map: TermMap | None = None,
            follow_links: bool = False) -> Report:
    """Build or bring up to date the cached index of a brief (``askbrief index``)."""
    return load_index(sources, term_map, follow_links)[1]


# --- building ---------------------------------------------------------------------

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


def _same_listing(prev: _Manifest, sources: list[str]) -> bool:
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


def _unchanged(prev: _Manifest, entries: list[_Entry]) -> bool:
    if len(prev.files) != len(entries):
        return False
    return all((p.path, p.id, p.size, p.mtime_ns) == (e.path, e.id, e.size, e.mtime_ns)
               and not p.retry for p, e in zip(prev.files, entries))


def _assemble(entries: list[_Entry], prev: _Manifest | None, old: _Stored | None,
              warnings: list[str], progress: Progress | None = None) -> tuple[_Stored, list[_Entry]]:
    """The index of the files, reusing the old one's documents where size and mtime, or
    failing that the content hash, are unchanged: only new text is read or tokenized."""
    seen = {e.path: e for e in prev.files} if prev else {}
    by_sha: dict[str, int] = {}
    if old is not None:
        by_sha = {sha: i for i, sha in enumerate(old.shas)}
        doc_chunks = np.searchsorted(old.spans[:, 0], np.arange(len(old.documents) + 1))
    lookup = {t: i for i, t in enumerate(old.raw.vocab)} if old else {}
    docs: list[Document] = []
    shas: list[str] = []
    span_parts: list[np.ndarray] = []
    id_parts: list[np.ndarray] = []
    len_parts: list[np.ndarray] = []
    out: list[_Entry] = []
    chunk_count = 0
    for done, e in enumerate(entries):
        if progress is not None:
            progress(done, len(entries), chunk_count)
        p = seen.get(e.path)
        same_file = p is not None and (p.size, p.mtime_ns) == (e.size, e.mtime_ns)
        if same_file and p.sha is None and not p.retry:  # no text last time, none now
            warnings.extend(p.warnings)
            out.append(e._replace(warnings=p.warnings))
            continue
        doc = None
        if same_file and p.sha in by_sha:
            sha, text_warnings = p.sha, list(p.warnings)
            warnings.extend(text_warnings)
        else:
            text_warnings = []
            doc, retry = read_document(Path(e.path), e.id, text_warnings)
            warnings.extend(text_warnings)
            if doc is None:
                out.append(e._replace(sha=None, warnings=tuple(text_warnings), retry=retry))
                continue
            sha = _text_hash(doc.text)
        n = len(docs)
        j = by_sha.get(sha)
        if j is not None:  # the same text as an old document: reuse its chunks and terms
            if doc is None:
                od = old.documents[j]
                doc = od if (od.id, od.path) == (e.id, e.path) else dataclasses.replace(od, id=e.id, path=e.path)
            c0, c1 = int(doc_chunks[j]), int(doc_chunks[j + 1])
            spans = old.spans[c0:c1].copy()
            spans[:, 0] = n
            id_parts.append(old.raw.ids[old.raw.ptr[c0]:old.raw.ptr[c1]])
            len_parts.append(np.diff(old.raw.ptr[c0:c1 + 1]))
        else:
            chunks = chunk_document(doc)
            spans = np.array([(n, c.paragraph, c.part, c.start, c.end, c.para_start, c.para_end)
                              for c in chunks], dtype=np.int32).reshape(-1, 7)
            toks = [tokenize(c.text) for c in chunks]
            id_parts.append(np.fromiter((lookup.setdefault(t, len(lookup)) for ts in toks for t in ts),
                                        dtype=np.int32))
            len_parts.append(np.fromiter((len(ts) for ts in toks), dtype=np.int64, count=len(toks)))
        docs.append(doc)
        shas.append(sha)
        span_parts.append(spans)
        chunk_count += len(spans)
        out.append(e._replace(sha=sha, warnings=tuple(text_warnings)))
    if progress is not None:
        progress(len(entries), len(entries), chunk_count)
    vocab = list(lookup)
    ids = np.concatenate(id_parts) if id_parts else np.empty(0, dtype=np.int32)
    lens = np.concatenate(len_parts) if len_parts else np.empty(0, dtype=np.int64)
    ptr = np.zeros(len(lens) + 1, dtype=np.int64)
    np.cumsum(lens, out=ptr[1:])
    used = np.unique(ids)
    if len(used) < len(vocab):  # terms only removed documents had
        new_id = np.zeros(len(vocab), dtype=np.int32)
        new_id[used] = np.arange(len(used), dtype=np.int32)
        ids = new_id[ids]
        vocab = [vocab[j] for j in used.tolist()]
    spans = np.concatenate(span_parts) if span_parts else np.empty((0, 7), dtype=np.int32)
    raw = RawTokens(vocab, ids.astype(np.int32), ptr)
    return _Stored(docs, shas, spans.astype(np.int32), raw), out


def _count(report: Report, prev: _Manifest | None, entries: list[_Entry]) -> None:
    before = {e.path: e.sha for e in prev.files if e.sha} if prev else {}
    now = {e.path: e.sha for e in entries if e.sha}
    for path, sha in now.items():
        if path not in before:
            report.new += 1
        elif before[path] == sha:
            report.unchanged += 1
        else:
            report.updated += 1
    report.removed = sum(1 for p in before if p not in now)




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


def _map_key(mapping: dict[str, str]) -> str:
    blob = json.dumps(sorted(mapping.items()), ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()[:16]


# --- files ------------------------------------------------------------------------

def _bytes(obj) -> np.ndarray:
    return np.frombuffer(json.dumps(obj, ensure_ascii=False).encode("utf-8", "surrogatepass"), dtype=np.uint8)


def _json(arr: np.ndarray):
    if arr.dtype != np.uint8 or arr.ndim != 1:
        raise ValueError("metadata is not text")
    return json.loads(arr.tobytes().decode("utf-8", "surrogatepass"))


def _array(z, name: str, kind: str, ndim: int = 1) -> np.ndarray:
    a = z[name]
    if a.dtype.kind != kind or a.ndim != ndim:
        raise ValueError(f"{name}: unexpected {a.dtype} array of {a.ndim} dimensions")
    return a


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

    # manifests

    def read_manifest(self, key: str, report: Report) -> _Manifest | None:
        path = self.dir / f"brief-{key}.json"
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as e:
            self._damaged(path.name, e.strerror or str(e), report)
            return None
        try:
            m = _Manifest.parse(data)
        except (ValueError, TypeError, CacheDamaged) as e:
            self._damaged(path.name, e, report)
            return None
        return m

    def write_manifest(self, key: str, manifest: _Manifest, report: Report) -> bool:
        data = manifest.dump()
        return self._write(f"brief-{key}.json", lambda f: f.write(data), report)

    # indexes

    def read_index(self, fp: str, report: Report) -> _Stored | None:
        path = self.dir / f"index-{fp}.npz"
        try:
            return _read_index(path, fp)
        except FileNotFoundError:
            return None
        except Exception as e:  # noqa: BLE001  (any damage at all means: rebuild)
            self._damaged(path.name, e, report)
            return None

    def write_index(self, fp: str, stored: _Stored, postings: Postings, report: Report) -> bool:
        texts = [d.text.encode("utf-8", "surrogatepass") for d in stored.documents]
        text_ptr = np.zeros(len(texts) + 1, dtype=np.int64)  # in bytes: each text decodes alone
        np.cumsum([len(t) for t in texts], out=text_ptr[1:])
        text_len = np.array([len(d.text) for d in stored.documents], dtype=np.int64)
        meta = {"format": FORMAT, "code": _code_version(), "fingerprint": fp, "vocab": stored.raw.vocab,
                "docs": [[d.id, d.title, d.date, d.path, d.format, list(d.pages)] for d in stored.documents], "shas": stored.shas}
        arrays = {"meta": _bytes(meta),
                  "text": np.frombuffer(b"".join(texts), dtype=np.uint8),
                  "text_ptr": text_ptr, "text_len": text_len, "spans": stored.spans,
                  "tok_ids": stored.raw.ids, "tok_ptr": stored.raw.ptr}
        if postings.vocab == stored.raw.vocab:
            arrays.update(post_ptr=postings.ptr, post_docs=postings.docs, post_tf=postings.tf)
        return self._write(f"index-{fp}.npz", lambda f: np.savez(f, **arrays), report)

    def read_postings(self, fp: str, map_key: str, report: Report) -> Postings | None:
        path = self.dir / f"post-{fp}-{map_key}.npz"
        try:
            with np.load(path, allow_pickle=False) as z:
                meta = _json(z["meta"])
                if meta.get("format") != FORMAT or meta.get("fingerprint") != fp:
                    raise CacheDamaged("made for another index")
                return _postings(z, meta["vocab"], None)
        except FileNotFoundError:
            return None
        except Exception as e:  # noqa: BLE001
            self._damaged(path.name, e, report)
            return None

    def read_map(self, fp: str, fn_key: str, report: Report) -> dict[str, str] | None:
        path = self.dir / f"map-{fp}-{fn_key}.json"
        try:
            obj = json.loads(path.read_bytes())
            if not (isinstance(obj, dict) and obj.get("format") == FORMAT and obj.get("fingerprint") == fp
                    and isinstance(obj.get("map"), dict)
                    and all(isinstance(k, str) and isinstance(v, str) for k, v in obj["map"].items())):
                raise ValueError("not a term map for this index")
            return obj["map"]
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as e:
            self._damaged(path.name, e, report)
            return None

    def write_map(self, fp: str, fn_key: str, mapping: dict[str, str], report: Report) -> bool:
        data = json.dumps({"format": FORMAT, "fingerprint": fp, "map": mapping}, ensure_ascii=False)
        return self._write(f"map-{fp}-{fn_key}.json", lambda f: f.write(data.encode("utf-8", "surrogatepass")),
                           report)

    def write_postings(self, fp: str, map_key: str, postings: Postings, report: Report) -> bool:
        arrays = {"meta": _bytes({"format": FORMAT, "fingerprint": fp, "vocab": postings.vocab}),
                  "post_ptr": postings.ptr, "post_docs": postings.docs, "post_tf": postings.tf,
                  "doc_len": postings.doc_len}
        return self._write(f"post-{fp}-{map_key}.npz", lambda f: np.savez(f, **arrays), report)

    # writing and cleaning

    def _write(self, name: str, fill: Callable, report: Report) -> bool:
        if not self.writable:
            return False
        import tempfile

        tmp = None
        try:
            fd, tmp = tempfile.mkstemp(dir=self.dir, prefix=".tmp-", suffix=Path(name).suffix)
            with os.fdopen(fd, "wb") as f:  # mkstemp made it 0600
                fill(f)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.dir / name)
            return True
        except OSError as e:
            with contextlib.suppress(OSError):
                if tmp:
                    os.unlink(tmp)
            self.writable = False
            report.warnings.append(f"cannot write the index cache in {self.dir} ({e.strerror or e}); "
                                   "answering without it")
            return False

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
                if name.startswith(("index-", "post-", "map-")) and name.endswith((".npz", ".json")):
                    if name.split("-")[1].split(".")[0] not in keep:
                        f.unlink()
                elif name.startswith(".tmp-") and now - f.stat().st_mtime > _TMP_MAX_AGE:
                    f.unlink()
            except OSError:
                continue


def _short(e: BaseException | str) -> str:
    if isinstance(e, str):
        return e
    text = str(e).splitlines()[0] if str(e) else ""
    return f"{type(e).__name__}: {text[:80]}" if text else type(e).__name__


def _read_index(path: Path, fp: str) -> _Stored:
    with np.load(path, allow_pickle=False) as z:
        meta = _json(z["meta"])
        if meta.get("format") != FORMAT or meta.get("code") != _code_version():
            raise CacheDamaged("made by another version of askbrief")
        if meta.get("fingerprint") != fp:
            raise CacheDamaged("made for other files")
        blob = memoryview(_array(z, "text", "u"))
        text_ptr, lengths = _array(z, "text_ptr", "i"), _array(z, "text_len", "i")
        spans = _array(z, "spans", "i", 2)
        raw = RawTokens(list(meta["vocab"]), _array(z, "tok_ids", "i"), _array(z, "tok_ptr", "i"))
        vocab, shas, docs_meta = raw.vocab, list(meta["shas"]), meta["docs"]
        if not (len(docs_meta) == len(shas) == len(text_ptr) - 1 == len(lengths)
                and text_ptr[0] == 0 and text_ptr[-1] == len(blob)
                and spans.shape[1:] == (7,) and len(spans) == len(raw) and raw.ptr[0] == 0
                and raw.ptr[-1] == len(raw.ids) and np.all(np.diff(raw.ptr) >= 0)
                and np.all(np.diff(text_ptr) >= 0) and all(isinstance(t, str) for t in vocab)):
            raise ValueError("the arrays do not fit together")
        if not all(isinstance(x, str) and len(x) == 64 for x in shas) or \
                len(bytes.fromhex("".join(shas))) != 32 * len(shas):
            raise ValueError("text hashes are damaged")
        if len(raw.ids) and (raw.ids.min() < 0 or raw.ids.max() >= len(vocab)):
            raise ValueError("term ids out of range")
        documents = []
        bounds = text_ptr.tolist()
        for i, (doc_id, title, date, dpath, fmt, pages) in enumerate(docs_meta):
            text = str(blob[bounds[i]:bounds[i + 1]], "utf-8", "surrogatepass")
            documents.append(Document(id=doc_id, title=title, date=date, path=dpath, text=text,
                                      format=fmt, pages=tuple(pages)))
        if [len(d.text) for d in documents] != lengths.tolist():
            raise ValueError("document texts do not have their lengths")
        if len(spans):
            d = spans[:, 0]
            if d.min() < 0 or d.max() >= len(documents) or np.any(np.diff(d) < 0):
                raise ValueError("chunks refer to documents that do not exist")
            if (spans[:, 3].min() < 0 or np.any(spans[:, 3] > spans[:, 4])
                    or np.any(spans[:, 4] > lengths[d]) or np.any(spans[:, 6] > lengths[d])):
                raise ValueError("chunk spans fall outside their documents")
        postings = None
        if "post_ptr" in z.files:
            postings = _postings(z, vocab, np.maximum(np.diff(raw.ptr), 1).astype(np.int32))
    return _Stored(documents, shas, spans, raw, postings)


def _postings(z, vocab: list[str], doc_len: np.ndarray | None) -> Postings:
    if doc_len is None:
        doc_len = _array(z, "doc_len", "i")
    p = Postings(list(vocab), _array(z, "post_ptr", "i"), _array(z, "post_docs", "i"),
                 _array(z, "post_tf", "i"), doc_len)
    p.check()
    return p
