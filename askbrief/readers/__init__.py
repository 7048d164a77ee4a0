"""One reader per document format: file bytes -> plain text + structure.

Each reader returns an ``Extracted``: the document's text as a reader sees it (paragraphs
separated by blank lines, none inside a paragraph), its title and date when the format says,
and where each page starts for formats that have pages. That text is what the cache stores
and what every quote is a substring of; the rest of the pipeline never knows the format.

Format libraries are imported inside the readers, when a file of that format is read: a
question on a warm cache imports none of them.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path

#: file suffix -> (reader module, format name)
FORMATS = {
    ".txt": (None, "text"), ".text": (None, "text"),
    ".md": ("markdown", "markdown"), ".markdown": ("markdown", "markdown"),
    ".rst": ("rst", "rst"),
    ".pdf": ("pdf", "pdf"),
    ".html": ("html", "html"), ".htm": ("html", "html"), ".xhtml": ("html", "html"),
    ".docx": ("docx", "docx"),
    ".epub": ("epub", "epub"),
    ".eml": ("eml", "eml"),
}
SUFFIXES = tuple(FORMATS)
#: the package a reader needs, for the message when it is missing
PACKAGES = {"pdf": "pypdfium2", "markdown": "markdown-it-py"}


class Unreadable(Exception):
    """A file of a known format that gives no text; the message is the reason, for people
    ("encrypted PDF (needs a password)")."""


@dataclass(frozen=True, slots=True)
class Extracted:
    text: str
    title: str | None = None
    date: str | None = None
    pages: tuple[int, ...] = ()  # offset in text where each page starts (paged formats)


def format_of(path: str | Path) -> str | None:
    """The format name of a file by its suffix, or None when askbrief cannot read it."""
    entry = FORMATS.get(Path(path).suffix.lower())
    return entry[1] if entry else None


def read(path: str | Path, data: bytes, warnings: list[str]) -> Extracted:
    """The text and structure of a non-plain-text file; raises ``Unreadable``.

    A reader module has ``read(data, name, warnings)`` (binary formats) or ``render(text)``
    (text formats, decoded here)."""
    module, name = FORMATS[Path(path).suffix.lower()]
    try:
        reader = importlib.import_module(f"{__name__}.{module}")
    except ImportError as e:
        package = PACKAGES.get(module, e.name or module)
        raise Unreadable(f"reading {name} files needs {package}: pip install {package}") from None
    try:
        if hasattr(reader, "render"):  # a text format: decoded here, then rendered
            sink: list[str] = []
            text = decode(data, str(path), sink)
            if text is None:
                raise Unreadable("binary file")
            warnings.extend(sink)
            return reader.render(text.lstrip("\ufeff"))
        return reader.read(data, str(path), warnings)
    except Unreadable:
        raise
    except Exception as e:  # noqa: BLE001  (a damaged file is skipped, the brief goes on)
        text = str(e).splitlines()[0][:100] if str(e) else type(e).__name__
        raise Unreadable(f"not a readable {name} file ({text})") from None


def decode(data: bytes, name: str, warnings: list[str]) -> str | None:
    """Text of a file: UTF-8 (or UTF-16 with a BOM), else Windows-1252 when the bytes are
    that; None, with a warning, for binary files."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16", errors="replace")
    if b"\0" in data[:8192]:
        warnings.append(f"skipped {name}: binary file")
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:  # the usual other encoding of Western text (Word, old Windows editors)
        text = data.decode("cp1252")
        warnings.append(f"{name}: not UTF-8, read as Windows-1252")
        return text
    except UnicodeDecodeError:
        warnings.append(f"{name}: not valid UTF-8, undecodable bytes replaced")
        return data.decode("utf-8", errors="replace")


_DATE_RE = re.compile(r"\A\s*date (\d{4}-\d{2}-\d{2})\s+")
# the date on its own line right after a title line ("# Title\n date 2019-04-04")
_DATE_LINE_RE = re.compile(r"\A[ \t]*[^\s][^\n]*\n([ \t]*date (\d{4}-\d{2}-\d{2})[ \t\r\f\v]*(?:\n|\Z))")


def date_line(text: str) -> tuple[str, int, int] | None:
    """The `` date YYYY-MM-DD`` line of a plain or Markdown text, at its start or right after
    its title line: (the date, where the line starts, where it ends)."""
    m = _DATE_RE.match(text)
    if m:
        return m.group(1), 0, m.end()
    m = _DATE_LINE_RE.match(text)
    if m:
        return m.group(2), m.start(1), m.end(1)
    return None


_BLANK_LINES = re.compile(r"\n[ \t\r\f\v]*\n[\s]*")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


def clean_inline(text: str) -> str:
    """Whitespace of HTML-like inline text folded to single spaces."""
    return _SPACES.sub(" ", text.replace("\n", " ")).strip()


def table_rows(rows: list[list[str]]) -> list[str]:
    """A table as one line a row; with a header row, each cell named by its column
    ("Phase: Demolition; Finish: August 2023"), which reads as a sentence."""
    rows = [[clean_inline(c) for c in r] for r in rows]
    rows = [r for r in rows if any(r)]
    if not rows:
        return []
    head = rows[0]
    if len(rows) > 1 and all(head) and len(head) > 1:
        return ["; ".join(f"{h}: {c}" for h, c in zip(head, r) if c) for r in rows[1:]]
    return ["; ".join(c for c in r if c) for r in rows]


def open_zip(data: bytes, what: str):
    """The zip archive a Word or EPUB file is; ``Unreadable`` when it is none."""
    import io
    import zipfile

    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise Unreadable(f"damaged or not {what} (not a zip archive)") from None


@dataclass
class TextBuilder:
    """Paragraphs (and pages) joined into one document text with exact page offsets."""

    parts: list[str] = field(default_factory=list)
    length: int = 0
    pages: list[int] = field(default_factory=list)

    def add(self, block: str) -> None:
        block = _BLANK_LINES.sub("\n", block.strip())
        if not block:
            return
        if self.parts:
            self.parts.append("\n\n")
            self.length += 2
        self.parts.append(block)
        self.length += len(block)

    def new_page(self) -> None:
        self.pages.append(self.length + 2 if self.parts else 0)

    def text(self) -> str:
        return "".join(self.parts)
