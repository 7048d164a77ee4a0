"""PDF: the text layer, read with pypdfium2 (PDFium, the PDF engine of Chrome).

PDFium gives each page's text in reading order, one line at a time, and joins words
hyphenated at a line end itself (it marks the join with U+FFFE, removed here). The layout
is read from where lines stand: a gap wider than the page's usual line spacing, a jump
upwards (the next column) or a short line ending a sentence ends a paragraph. Lines that
repeat at the top or bottom of most pages (running headers and footers, with their page
numbers) and lone page numbers are dropped. Pages are counted from 1 as the file orders
them, which is what a PDF viewer shows.
"""

from __future__ import annotations

import re
from statistics import median

from . import TextBuilder, Unreadable, Extracted

_PAGE_NUMBER = re.compile(r"(?i)^\W*(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?\W*$")
_DIGITS = re.compile(r"\d+")
_SENTENCE_END = re.compile(r"[.!?:;\"'”’)]$")
_EDGE = 0.12  # share of the page height at the top and bottom where headers and footers live


def read(data: bytes, name: str, warnings: list[str]) -> Extracted:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if "password" in str(e).lower():
            raise Unreadable("encrypted PDF (needs a password)") from None
        raise Unreadable(f"damaged or not a PDF ({str(e).split('(')[0].strip()})") from None
    try:
        pages = [_page_lines(pdf[i]) for i in range(len(pdf))]
        meta = pdf.get_metadata_dict()
    finally:
        pdf.close()
    if not any(lines for lines, _ in pages):
        raise Unreadable("PDF without a text layer (scanned pages?)")
    repeated = _running_lines(pages)
    out = TextBuilder()
    for lines, height in pages:
        out.new_page()
        kept = [ln for ln in lines if not _is_furniture(ln, height, repeated)]
        for para in _paragraphs(kept):
            out.add(para)
    title = (meta.get("Title") or "").strip() or None
    return Extracted(text=out.text(), title=title, date=_pdf_date(meta.get("CreationDate") or ""),
                     pages=tuple(out.pages))


class _Line:
    __slots__ = ("text", "left", "right", "bottom", "top")

    def __init__(self, text, left, right, bottom, top):
        self.text, self.left, self.right, self.bottom, self.top = text, left, right, bottom, top


def _page_lines(page) -> tuple[list[_Line], float]:
    height = page.get_height()
    tp = page.get_textpage()
    try:
        text = tp.get_text_range()
        lines, i = [], 0
        for raw in text.split("\r\n"):
            stripped = raw.replace("\ufffe", "").strip()
            if stripped:
                first = i + (len(raw) - len(raw.lstrip()))
                last = i + len(raw.rstrip()) - 1
                left, bottom, _, top = tp.get_charbox(first)
                right = tp.get_charbox(last)[2]
                lines.append(_Line(stripped, left, right, bottom, top))
            i += len(raw) + 2
    finally:
        tp.close()
    return lines, height


def _key(line: _Line) -> str:
    return _DIGITS.sub("#", line.text.lower())


def _at_edge(line: _Line, height: float) -> bool:
    return height > 0 and (line.bottom > height * (1 - _EDGE) or line.top < height * _EDGE)


def _running_lines(pages: list[tuple[list[_Line], float]]) -> set[str]:
    """Lines (digits ignored) at a page edge on at least half of the pages, when there are
    at least two pages: running headers and footers."""
    if len(pages) < 2:
        return set()
    counts: dict[str, int] = {}
    for lines, height in pages:
        for key in {_key(ln) for ln in lines if _at_edge(ln, height)}:
            counts[key] = counts.get(key, 0) + 1
    return {k for k, n in counts.items() if n >= max(2, len(pages) / 2)}


def _is_furniture(line: _Line, height: float, repeated: set[str]) -> bool:
    return _at_edge(line, height) and (_key(line) in repeated or bool(_PAGE_NUMBER.match(line.text)))


def _paragraphs(lines: list[_Line]) -> list[str]:
    if not lines:
        return []
    pitches = [a.bottom - b.bottom for a, b in zip(lines, lines[1:]) if a.bottom - b.bottom > 0]
    pitch = median(pitches) if pitches else 0.0
    widest = max(ln.right for ln in lines)
    paras, cur = [], [lines[0].text]
    for prev, line in zip(lines, lines[1:]):
        gap = prev.bottom - line.bottom
        new = (gap <= 0 or abs(line.left - prev.left) > 40 and gap > pitch * 1.1
               or pitch and gap > pitch * 1.4
               or _SENTENCE_END.search(prev.text) and prev.right < widest - 0.15 * (widest - prev.left))
        if new:
            paras.append("\n".join(cur))
            cur = []
        cur.append(line.text)
    paras.append("\n".join(cur))
    return paras


def _pdf_date(value: str) -> str | None:
    m = re.match(r"(?:D:)?(\d{4})(\d{2})(\d{2})", value)
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}" if m else None
