"""Word (.docx): paragraphs, headings and tables, read from the file's XML with the standard
library (``zipfile`` and ``xml.etree``): python-docx would add lxml (~10 MB) for the same text.

Body paragraphs and tables are read in document order; a table becomes one line a row.
Title: the document properties' title, else the first Title/Heading paragraph. Date: the
properties' creation date.
"""

from __future__ import annotations

from xml.etree import ElementTree

from . import Extracted, TextBuilder, Unreadable, open_zip, table_rows

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CORE = {"dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/"}


def read(data: bytes, name: str, warnings: list[str]) -> Extracted:
    with open_zip(data, "a Word file") as z:
        names = set(z.namelist())
        if "word/document.xml" not in names:
            if "EncryptedPackage" in names:
                raise Unreadable("encrypted Word file (needs a password)")
            raise Unreadable("not a Word file (no word/document.xml)")
        body = ElementTree.fromstring(z.read("word/document.xml")).find(f"{W}body")
        core = ElementTree.fromstring(z.read("docProps/core.xml")) if "docProps/core.xml" in names else None
    out = TextBuilder()
    heading = None
    for el in body if body is not None else ():
        if el.tag == f"{W}p":
            text = _para_text(el)
            out.add(text)
            style = el.find(f"{W}pPr/{W}pStyle")
            name = (style.get(f"{W}val") or "") if style is not None else ""
            if heading is None and text.strip() and name.lower().startswith(("title", "heading")):
                heading = " ".join(text.split())
        elif el.tag == f"{W}tbl":
            rows = [[" ".join(_para_text(p) for p in tc.iter(f"{W}p")) for tc in tr.findall(f"{W}tc")]
                    for tr in el.iter(f"{W}tr")]
            for row in table_rows(rows):
                out.add(row)
    title = date = None
    if core is not None:
        t = core.find("dc:title", _CORE)
        title = " ".join(t.text.split()) if t is not None and t.text and t.text.strip() else None
        c = core.find("dcterms:created", _CORE)
        date = c.text[:10] if c is not None and c.text and len(c.text) >= 10 else None
    return Extracted(text=out.text(), title=title or heading, date=date)


def _para_text(p) -> str:
    parts = []
    for el in p.iter():
        if el.tag == f"{W}t":
            parts.append(el.text or "")
        elif el.tag == f"{W}tab":
            parts.append(" ")
        elif el.tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
    return "".join(parts)
