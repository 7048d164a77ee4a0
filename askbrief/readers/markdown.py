"""Markdown, rendered as a reader sees it (markdown-it-py, CommonMark with tables).

Emphasis, link and image syntax are dropped (a link's text stays), a table becomes one line
a row, a code block its text; each heading, paragraph and list item is a paragraph, and
hard-wrapped lines stay together. The title is the first heading; the date comes from a
`` date YYYY-MM-DD`` line (first, or under the title) or a ``date:`` in YAML front matter.
"""

from __future__ import annotations

import re

from . import Extracted, TextBuilder, date_line, table_rows

_TAG = re.compile(r"<[^>]*>")
_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)---[ \t]*(?:\n|\Z)", re.S)
_FIELD = re.compile(r"^(title|date):[ \t]*['\"]?(.*?)['\"]?[ \t]*$", re.M)


def render(text: str) -> Extracted:
    from markdown_it import MarkdownIt

    meta: dict[str, str] = {}
    front = _FRONT.match(text)
    if front:
        meta = {k: v for k, v in _FIELD.findall(front.group(1))}
        text = text[front.end():]
    found = date_line(text)
    date = meta.get("date", "")[:10] or None
    if found:
        date = found[0]
        text = text[:found[1]] + text[found[2]:]
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    out = TextBuilder()
    title = meta.get("title") or None
    rows: list[list[str]] | None = None
    heading = False
    for tok in tokens:
        kind = tok.type
        if kind == "table_open":
            rows = []
        elif kind == "table_close":
            for row in table_rows(rows or []):
                out.add(row)
            rows = None
        elif kind == "tr_open" and rows is not None:
            rows.append([])
        elif kind == "heading_open":
            heading = True
        elif kind == "inline":
            line = _inline(tok.children or [])
            if rows is not None and rows:
                rows[-1].append(line)
            else:
                out.add(line)
                if heading and title is None and line.strip():
                    title = " ".join(line.split())
            heading = False
        elif kind in ("fence", "code_block"):
            out.add(tok.content)
        elif kind == "html_block":
            out.add(_TAG.sub(" ", tok.content))
    return Extracted(text=out.text(), title=title, date=date)


def _inline(children) -> str:
    parts = []
    for child in children:
        kind = child.type
        if kind in ("text", "code_inline"):
            parts.append(child.content)
        elif kind in ("softbreak", "hardbreak"):
            parts.append("\n")
    return "".join(parts)
