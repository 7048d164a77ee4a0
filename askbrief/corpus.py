"""Files -> documents -> paragraph chunks.

A document's text is the file's text (plain text) or what its format's reader extracted
(``readers``: PDF, HTML, Word, ...); that text is what the cache stores and quotes come from.
A paragraph is a block of non-blank lines (hard-wrapped lines belong together); its span
in the document text is exact, so every quote can be traced back to it. A very long
paragraph is cut at sentence boundaries into parts that share its paragraph index.

A document's id is its path relative to the corpus folder it was found under, without the
suffix; when two files would share an id, each keeps its suffix, and when that is not enough
(the same relative path under two corpus folders), the folder's name comes first.
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
from .readers import SUFFIXES, Unreadable, date_line, decode, format_of
from .text import sentence_spans

MAX_CHUNK_CHARS = 1500
MAX_FILE_BYTES = 8 * 1024 * 1024  # read at most this much of one text file: memory stays bounded
MAX_PACKED_BYTES = 128 * 1024 * 1024  # PDF, Word, EPUB: read whole (half a PDF is no PDF) up to this
# lines ending in spaces (a Markdown hard line break) still belong to their paragraph
_PARA_RE = re.compile(r"\S(?:.*\S)?(?:[ \t\r\f\v]*\n[ \t\r\f\v]*\S(?:.*\S)?)*")
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

    def paragraphs_of(self, doc_id: str) -> list[tuple[int, int, int]]:
        """(paragraph index, start, end) of each paragraph of a document, in order."""
        return sorted((n, *span) for (d, n), span in self._paragraph_spans().items() if d == doc_id)

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
    """A document from decoded plain text: the date line read, the title found."""
    text = text.lstrip("\ufeff")
    found = date_line(text)
    date, body = (found[0], text[:found[1]] + text[found[2]:]) if found else (None, text)
    return Document(id=doc_id, title=make_title(body, doc_id), date=date, path=path, text=text)


def paragraph_spans(text: str, dated: bool = True) -> list[tuple[int, int]]:
    """Spans of the paragraphs of a document text (with ``dated``, the date line is not one:
    plain text; a reader's text has its date in the document)."""
    return [(p.start(), p.end()) for s, e in _cuts(text, dated) for p in _PARA_RE.finditer(text, s, e)]


def _cuts(text: str, dated: bool) -> list[tuple[int, int]]:
    """Where a text's paragraphs may be: all of it but its date line (with ``dated``)."""
    found = date_line(text) if dated else None
    return [(0, found[1]), (found[2], len(text))] if found else [(0, len(text))]


def _has_paragraph(text: str, dated: bool) -> bool:
    """Whether ``paragraph_spans`` finds one: a paragraph starts at any non-space character."""
    return any(_TEXT_RE.search(text, s, e) for s, e in _cuts(text, dated))


def chunk_document(doc: Document, paragraphs: Sequence[tuple[int, int]] | None = None) -> list[Chunk]:
    """The chunks of a document: its paragraphs, a long one cut at sentence boundaries.

    ``paragraphs``: the paragraphs' spans when the caller knows them (a SQuAD file's contexts,
    where a context holding a blank line is still one paragraph); by default they are found
    by blank lines. Paragraph i is the i-th span; one with no text has no chunk."""
    spans = paragraph_spans(doc.text, doc.format == "text") if paragraphs is None else paragraphs
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


def _walk(root: Path, warnings: list[str], inside: list[str], follow_links: bool) -> list[Path]:
    """Files under root with a brief suffix, sorted, following links without looping; links
    that lead out of the corpus folders (``inside``) are skipped unless ``follow_links``."""
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
        dirnames[:] = [d for d in sorted(dirnames) if not d.startswith(".")
                       and (follow_links or not leads_out(os.path.join(dirpath, d), inside, warnings))]
        for f in sorted(filenames):
            if f.startswith("."):
                continue
            if not f.lower().endswith(SUFFIXES):
                warnings.append(f"skipped {Path(dirpath) / f}: {UNSUPPORTED}")
                continue
            if follow_links or not leads_out(os.path.join(dirpath, f), inside, warnings):
                found.append(Path(dirpath) / f)
    return found


UNSUPPORTED = "unsupported file type"


def _rel_path(path: Path, root: Path | None) -> Path:
    return path.relative_to(root) if root is not None else Path(path.name)


def leads_out(path: str, inside: list[str], warnings: list[str] | None = None) -> bool:
    """True (with a warning naming it) when ``path`` is a symbolic link whose target lies
    outside every folder in ``inside`` (real paths): a brief unpacked from elsewhere must not
    pull in ``/etc/passwd`` through ``passwd.txt -> /etc/passwd``."""
    if not os.path.islink(path):
        return False
    target = os.path.realpath(path)
    if any(target == d or target.startswith(d.rstrip(os.sep) + os.sep) for d in inside):
        return False
    if warnings is not None:
        warnings.append(f"skipped {path}: a link to {target}, outside the brief's folders "
                        f"(--follow-links reads it)")
    return True


def corpus_folders(paths) -> list[str]:
    """The real paths of the folders among the corpus paths: what links may point into."""
    return [os.path.realpath(os.path.expanduser(p)) for p in paths if os.path.isdir(os.path.expanduser(p))]


def discover(paths: Sequence[str | os.PathLike[str]], follow_links: bool = False
             ) -> tuple[list[tuple[str, Path]], list[str]]:
    """(document id, file) pairs for the given corpus paths, and warnings."""
    from .paths import fs_text

    warnings: list[str] = []
    found: list[tuple[Path, Path | None]] = []  # (file, the corpus folder it was found under)
    inside = corpus_folders(paths)
    for raw in paths:
        p = Path(raw).expanduser()
        if not p.exists():
            raise UsageError(f"corpus path not found: {raw}")
        if p.is_dir():
            found += [(f, p) for f in _walk(p, warnings, inside, follow_links)]
        else:
            found.append((p, None))
    ids = [fs_text(_rel_path(f, root).with_suffix("").as_posix()) for f, root in found]
    for longer in (lambda f, root: _rel_path(f, root).as_posix(),
                   lambda f, root: (Path(root.name) / _rel_path(f, root)).as_posix() if root else f.name,
                   lambda f, root: f.as_posix()):
        seen: dict[str, int] = {}
        for doc_id in ids:
            seen[doc_id] = seen.get(doc_id, 0) + 1
        if all(n == 1 for n in seen.values()):
            break
        ids = [fs_text(longer(f, root)) if seen[doc_id] > 1 else doc_id for doc_id, (f, root) in zip(ids, found)]
    files, taken = [], set()
    for doc_id, (f, _) in zip(ids, found):
        if doc_id in taken:  # the same file given twice
            continue
        taken.add(doc_id)
        files.append((doc_id, f))
    return files, warnings


def _read_bytes(path: Path, limit: int, warnings: list[str]) -> bytes | None:
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO or device would block or never end
            warnings.append(f"skipped {path}: not a regular file")
            return None
        with open(path, "rb") as f:
            return f.read(limit + 1)
    except OSError as e:
        warnings.append(f"skipped {path}: {e.strerror or e}")
        return None


def read_file(path: Path, warnings: list[str]) -> str | None:
    """A plain text file's text; at most MAX_FILE_BYTES of it (cut at a line end), with a warning."""
    data = _read_bytes(path, MAX_FILE_BYTES, warnings)
    if data is None:
        return None
    if len(data) > MAX_FILE_BYTES:
        data = data[:MAX_FILE_BYTES]
        cut = data.rfind(b"\n")
        data = data[:cut] if cut > 0 else data
        warnings.append(f"{path}: larger than {MAX_FILE_BYTES // 2**20} MB, only the first "
                        f"{MAX_FILE_BYTES // 2**20} MB read")
    return decode(data, str(path), warnings)


def read_document(doc_id: str, path: str | os.PathLike, warnings: list[str]) -> tuple[Document | None, bool]:
    """The document of one file, and whether a failure may pass (unreadable, binary: try the
    file again next time even if unchanged). A file that gives no text is skipped with a
    one-line reason in ``warnings``. A file with an unknown suffix (given directly) is text.
    The one reading of a file: the cache's too."""
    path = Path(path)
    fmt = format_of(path) or "text"
    if fmt == "text":
        text = read_file(path, warnings)
        if text is None:
            return None, True
        doc = make_document(doc_id, text, str(path))
    else:
        data = _read_bytes(path, MAX_PACKED_BYTES, warnings)
        if data is None:
            return None, True
        if len(data) > MAX_PACKED_BYTES:
            warnings.append(f"skipped {path}: larger than {MAX_PACKED_BYTES // 2**20} MB")
            return None, False
        try:
            from . import readers

            ext = readers.read(path, data, warnings)
        except Unreadable as e:
            warnings.append(f"skipped {path}: {e}")
            return None, False
        text = ext.text
        doc = Document(id=doc_id, title=ext.title or make_title(text, doc_id), date=ext.date,
                       path=str(path), text=text, format=fmt, pages=ext.pages)
    if not _has_paragraph(doc.text, fmt == "text"):
        warnings.append(f"skipped {path}: no text")
        return None, False
    return doc, False


def no_documents(paths, warnings: list[str]) -> CorpusError:
    """The error for a brief without a document, with the first reason a file was skipped."""
    where = ", ".join(str(p) for p in paths)
    skips = [w for w in warnings if w.startswith("skipped ")]
    why = f"; {skips[0]}" + (f" and {len(skips) - 1} more" if len(skips) > 1 else "") if skips else ""
    return CorpusError(f"no readable documents with text in {where} (askbrief reads "
                       f"{', '.join(sorted(set(SUFFIXES)))}){why}")


def read_summary(documents, warnings: list[str]) -> tuple[dict[str, int], list[tuple[str, str]]]:
    """Documents read per format (most first), and the files skipped with their reasons
    (from the "skipped PATH: REASON" warnings of discovering and reading)."""
    counts: dict[str, int] = {}
    for d in documents:
        counts[d.format] = counts.get(d.format, 0) + 1
    skipped = []
    for w in warnings:
        if w.startswith("skipped "):
            path, _, reason = w[len("skipped "):].partition(": ")
            skipped.append((path, reason))
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))), skipped


def find_document(brief: Brief, name: str) -> Document:
    """A document of the brief by its id, its id with the file's suffix (as citations show
    it: "report.pdf"), or its file path."""
    for d in brief.documents:
        if name in (d.id, d.path) or name == d.id + Path(d.path).suffix:
            return d
    resolved = os.path.realpath(name)
    for d in brief.documents:
        if os.path.realpath(d.path) == resolved:
            return d
    raise CorpusError(f"no document {name} in the brief (a citation names it: askbrief show report.pdf ¶4)")


def load_documents(paths: Sequence[str | os.PathLike[str]], follow_links: bool = False
                   ) -> tuple[list[Document], list[str]]:
    files, warnings = discover(paths, follow_links)
    docs = []
    for doc_id, f in files:
        doc, _ = read_document(doc_id, f, warnings)
        if doc is not None:
            docs.append(doc)
    if not docs:
        raise no_documents(paths, warnings)
    return docs, warnings


def load_brief(paths: Sequence[str | os.PathLike[str]], follow_links: bool = False) -> Brief:
    docs, warnings = load_documents(paths, follow_links)
    return build_brief(docs, warnings, [str(p) for p in paths])
