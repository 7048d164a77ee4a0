"""What a brief was last seen to be, and how to tell whether it changed.

``brief-<sources>.json`` (``Summary``) is small and read by every question: the folders listed
to find the files with their mtimes, the file count, the warnings, the fingerprint of the index.
``files-<sources>.json`` (``Entry`` rows) holds each file's size, mtime and text hash: read only
for small briefs or when something changed (``cache.STAT_FILES_MAX``). The keys here name the
cache files: by sources, by content, by the code that made them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from .corpus import corpus_folders, leads_out

FORMAT = 5
_CODE_FILES = ("text.py", "corpus.py", "index.py", "strings.py", "store.py", "store_builder.py", "cache.py", "manifest.py",
               "building.py", "cachedir.py", "readers/__init__.py", "readers/pdf.py", "readers/html.py", "readers/docx.py",
               "readers/epub.py", "readers/eml.py", "readers/markdown.py", "readers/rst.py")


class CacheDamaged(Exception):
    """A cache file that exists but cannot be used (truncated, garbage, foreign)."""


class Entry(NamedTuple):
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
class Summary:
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
    def parse(cls, data: bytes) -> Summary:
        obj = check_header(json.loads(data))
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
        obj = {"format": FORMAT, "code": code_version(), "sources": self.sources,
               "fingerprint": self.fingerprint, "dirs": self.dirs, "walk_warnings": self.walk_warnings,
               "warnings": self.warnings, "files": self.files, "documents": self.documents}
        return json.dumps(obj, ensure_ascii=False).encode("utf-8", "surrogatepass")


def check_header(obj) -> dict:
    if not isinstance(obj, dict):
        raise ValueError("not an askbrief index manifest")
    if obj.get("format") != FORMAT or obj.get("code") != code_version():
        raise CacheDamaged("made by another version of askbrief")
    return obj


def parse_files(data: bytes, fingerprint: str) -> list[Entry]:
    obj = check_header(json.loads(data))
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
    return [Entry(*row[:5], tuple(row[5]), row[6]) for row in zip(*(cols[c] for c in _COLUMNS))]


def dump_files(entries: list[Entry], fingerprint: str) -> bytes:
    cols = {c: [getattr(e, c) for e in entries] for c in _COLUMNS}
    obj = {"format": FORMAT, "code": code_version(), "fingerprint": fingerprint, "files": cols}
    return json.dumps(obj, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _strs(obj) -> bool:
    return isinstance(obj, list) and all(isinstance(v, str) for v in obj)


def list_dirs(sources: list[str], follow_links: bool = False) -> list[tuple[str, int]] | None:
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


def same_listing(prev: Summary, sources: list[str]) -> bool:
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


def stat_all(files: list[tuple[str, str | Path]], warnings: list[str]) -> list[Entry]:
    entries = []
    for doc_id, f in files:
        f = str(f)
        try:
            st = os.stat(f)
        except OSError as e:
            warnings.append(f"skipped {f}: {e.strerror or e}")
            continue
        entries.append(Entry(f, doc_id, st.st_size, st.st_mtime_ns))
    return entries


def unchanged(prev: list[Entry], entries: list[Entry]) -> bool:
    if len(prev) != len(entries):
        return False
    return all((p.path, p.id, p.size, p.mtime_ns) == (e.path, e.id, e.size, e.mtime_ns)
               and not p.retry for p, e in zip(prev, entries))



def code_version() -> str:
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


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def sources_key(sources: list[str]) -> str:
    where = [[s, os.path.realpath(os.path.expanduser(s))] for s in sources]
    return hashlib.sha256(json.dumps(where).encode("utf-8", "surrogatepass")).hexdigest()[:20]


def fingerprint_of(entries: list[Entry]) -> str:
    h = hashlib.sha256(code_version().encode())
    for e in entries:
        if e.sha:
            h.update(json.dumps([e.id, e.path, e.sha]).encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:24]


def function_key(fn: Callable) -> str:
    """Names a term-map function and the code it is in: new code, new map."""
    import inspect

    h = hashlib.sha256(f"{getattr(fn, '__module__', '')}.{getattr(fn, '__qualname__', repr(fn))}".encode())
    with contextlib.suppress(OSError, TypeError):
        h.update(Path(inspect.getsourcefile(fn)).read_bytes())
    return h.hexdigest()[:16]

