"""Files -> documents -> paragraph chunks.

A paragraph is a block of non-blank lines (hard-wrapped lines belong together); its span
in the document text is exact, so every quote can be traced back to the file. A very long
paragraph is cut at sentence boundaries into parts that share its paragraph index.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CorpusError, UsageError
from .models import Chunk, Document
from .text import sentence_spans

SUFFIXES = (".txt", ".md")
MAX_CHUNK_CHARS = 1500
MAX_FILE_BYTES = 8 * 1024 * 1024  # read at most this much of one file: memory stays bounded
_DATE_RE = re.compile(r"\A\s*date (\d{4}-\d{2}-\d{2})\s+")
_PARA_RE = re.compile(r"\S(?:.*\S)?(?:\n[ \t\r\f\v]*\S(?:.*\S)?)*")
_TEXT_RE = re.compile(r"\S")
_TITLE_MAX = 120


@dataclass
class Brief:
    """The documents of a brief and their chunks, in a stable order."""

    documents: list[Document]
    chunks: list[Chunk]
    warnings: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._docs = {d.id: d for d in self.documents}
        self._paragraphs: dict[tuple[str, int], tuple[int, int]] | None = None

    def document(self, doc_id: str) -> Document:
        return self._docs[doc_id]

    def paragraph(self, doc_id: str, paragraph: int) -> str | None:
        """The whole text of a paragraph, or None when the brief has no such paragraph.

        A citation names a paragraph, not a chunk (a long paragraph is several chunks): this
        is where its quote is checked and shown."""
        span = self._paragraph_spans().get((doc_id, paragraph))
        return None if span is None else self._docs[doc_id].text[span[0]:span[1]]

    def paragraph_keys(self) -> list[tuple[str, int]]:
        """(document id, paragraph index) of every paragraph, in the brief's order."""
        return list(self._paragraph_spans())

    def _paragraph_spans(self) -> dict[tuple[str, int], tuple[int, int]]:
        if self._paragraphs is None:  # one pass over the chunks, when first asked
            self._paragraphs = {}
            for c in self.chunks:
                self._paragraphs.setdefault((c.doc, c.paragraph), (c.para_start, c.para_end))
        return self._paragraphs

    @property
    def fingerprint(self) -> str:
        """Content hash of the brief: same texts and ids, same fingerprint."""
        h = hashlib.sha256()
        for d in self.documents:
            h.update(d.id.encode("utf-8", "surrogatepass"))
            h.update(b"\0")
            h.update(hashlib.sha256(d.text.encode("utf-8", "surrogatepass")).digest())
        return h.hexdigest()[:16]


def make_title(text: str, fallback: str) -> str:
    for line in text.splitlines():
        line = line.strip()
        if line:
            line = line.lstrip("#").strip() or fallback
            if len(line) > _TITLE_MAX:
                cut = line.rfind(" ", 0, _TITLE_MAX)
                line = line[: cut if cut > 40 else _TITLE_MAX].rstrip(" ,;:") + "…"
            return line
    return fallback


def make_document(doc_id: str, text: str, path: str = "") -> Document:
    """A document from decoded text: the date prefix read, the title found."""
    text = text.lstrip("\ufeff")
    m = _DATE_RE.match(text)
    date = m.group(1) if m else None
    body = text[m.end():] if m else text
    return Document(id=doc_id, title=make_title(body, doc_id), date=date, path=path, text=text)


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the paragraphs of a document text (the date prefix is not one)."""
    m = _DATE_RE.match(text)
    offset = m.end() if m else 0
    return [(p.start(), p.end()) for p in _PARA_RE.finditer(text, offset)]


def chunk_document(doc: Document, paragraphs: Sequence[tuple[int, int]] | None = None) -> list[Chunk]:
    """The chunks of a document: its paragraphs, a long one cut at sentence boundaries.

    ``paragraphs``: the paragraphs' spans when the caller knows them (a SQuAD file's contexts,
    where a context holding a blank line is still one paragraph); by default they are found
    by blank lines. Paragraph i is the i-th span; one with no text has no chunk."""
    spans = paragraph_spans(doc.text) if paragraphs is None else paragraphs
    chunks = []
    for index, (ps, pe) in enumerate(spans):
        if not _TEXT_RE.search(doc.text, ps, pe):
            continue
        for part, (s, e) in enumerate(_split_long(doc.text, ps, pe)):
            chunks.append(Chunk(doc=doc.id, paragraph=index, part=part, start=s, end=e,
                                para_start=ps, para_end=pe, text=doc.text[s:e]))
    return chunks


def _split_long(text: str, start: int, end: int) -> list[tuple[int, int]]:
    if end - start <= MAX_CHUNK_CHARS:
        return [(start, end)]
    parts: list[tuple[int, int]] = []
    cur_s = cur_e = None
    for s, e in sentence_spans(text, start, end):
        while e - s > MAX_CHUNK_CHARS:  # a "sentence" with no boundary: cut at a space
            cut = text.rfind(" ", s, s + MAX_CHUNK_CHARS)
            cut = cut if cut > s else s + MAX_CHUNK_CHARS
            if cur_s is not None:
                parts.append((cur_s, cur_e))
                cur_s = None
            parts.append((s, cut))
            s = cut
            while s < e and text[s].isspace():
                s += 1
        if s >= e:
            continue
        if cur_s is None:
            cur_s, cur_e = s, e
        elif e - cur_s <= MAX_CHUNK_CHARS:
            cur_e = e
        else:
            parts.append((cur_s, cur_e))
            cur_s, cur_e = s, e
    if cur_s is not None:
        parts.append((cur_s, cur_e))
    return parts


def build_brief(documents: list[Document], warnings: list[str] | None = None,
                sources: list[str] | None = None) -> Brief:
    chunks = [c for d in documents for c in chunk_document(d)]
    return Brief(documents=documents, chunks=chunks, warnings=list(warnings or []),
                 sources=list(sources or []))


def decode(data: bytes, name: str, warnings: list[str]) -> str | None:
    """Text of a file: UTF-8 (or UTF-16 with a BOM); None, with a warning, for binary files."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", errors="replace")
    if b"\0" in data[:8192]:
        warnings.append(f"skipped {name}: binary file")
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        warnings.append(f"{name}: not valid UTF-8, undecodable bytes replaced")
        return data.decode("utf-8", errors="replace")


def _walk(root: Path, warnings: list[str]) -> list[Path]:
    """Files under root with a brief suffix, sorted, following links without looping."""
    found = []
    seen: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True,
                                                onerror=lambda e: warnings.append(
                                                    f"skipped {e.filename}: {e.strerror}")):
        real = os.path.realpath(dirpath)
        if real in seen:
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for f in sorted(filenames):
            if f.startswith(".") or not f.lower().endswith(SUFFIXES):
                continue
            found.append(Path(dirpath) / f)
    return found


def _doc_id(path: Path, root: Path | None) -> str:
    rel = path.relative_to(root) if root is not None else Path(path.name)
    return rel.with_suffix("").as_posix()


def discover(paths: list[str | os.PathLike]) -> tuple[list[tuple[str, Path]], list[str]]:
    """(document id, file) pairs for the given corpus paths, and warnings."""
    warnings: list[str] = []
    files: list[tuple[str, Path]] = []
    ids: set[str] = set()
    for raw in paths:
        p = Path(raw).expanduser()
        if not p.exists():
            raise UsageError(f"corpus path not found: {raw}")
        if p.is_dir():
            entries = [(_doc_id(f, p), f) for f in _walk(p, warnings)]
        else:
            entries = [(_doc_id(p, None), p)]
        for doc_id, f in entries:
            base, n = doc_id, 2
            while doc_id in ids:
                doc_id, n = f"{base}~{n}", n + 1
            ids.add(doc_id)
            files.append((doc_id, f))
    return files, warnings


def read_file(path: Path, warnings: list[str]) -> str | None:
    """A file's text; at most MAX_FILE_BYTES of it (cut at a line end), with a warning."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO or device would block or never end
            warnings.append(f"skipped {path}: not a regular file")
            return None
        with open(path, "rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        warnings.append(f"skipped {path}: {e.strerror or e}")
        return None
    if len(data) > MAX_FILE_BYTES:
        data = data[:MAX_FILE_BYTES]
        cut = data.rfind(b"\n")
        data = data[:cut] if cut > 0 else data
        warnings.append(f"{path}: larger than {MAX_FILE_BYTES // 2**20} MB, only the first "
                        f"{MAX_FILE_BYTES // 2**20} MB read")
    return decode(data, str(path), warnings)


def load_documents(paths: list[str | os.PathLike]) -> tuple[list[Document], list[str]]:
    files, warnings = discover(paths)
    docs = []
    for doc_id, f in files:
        text = read_file(f, warnings)
        if text is None:
            continue
        doc = make_document(doc_id, text, str(f))
        if not paragraph_spans(doc.text):
            warnings.append(f"skipped {f}: no text")
            continue
        docs.append(doc)
    if not docs:
        where = ", ".join(str(p) for p in paths)
        raise CorpusError(f"no readable .txt or .md files with text in {where}")
    return docs, warnings


def load_brief(paths: list[str | os.PathLike]) -> Brief:
    docs, warnings = load_documents(paths)
    return build_brief(docs, warnings, [str(p) for p in paths])
