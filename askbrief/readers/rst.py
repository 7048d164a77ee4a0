"""reStructuredText, read as a reader sees it, without docutils (a 2 MB dependency for what a
few rules do): a section title's underline (and overline) is not text, the title is a
paragraph of its own; inline markup (``**strong**``, ``*emphasis*``, ````literal````,
```text <url>`_``, ``:role:`text```) keeps its words; directives and comments are dropped,
the content of a directive kept; bullets lose their marks. The first section title is the
document's title; a ``:date:`` field, or a `` date YYYY-MM-DD`` line, its date."""

from __future__ import annotations

import re

from . import Extracted, TextBuilder, date_line

_ADORNMENT = re.compile(r"^([=\-`:'\"~^_*+#<>.])\1{2,}\s*$")
_FIELD_DATE = re.compile(r"^:date:\s*(\d{4}-\d{2}-\d{2})\s*$", re.M)
_INLINE = [
    (re.compile(r"`([^`<]+?)\s*<[^>]+>`__?"), r"\1"),
    (re.compile(r":[\w:+-]+:`([^`]+)`"), r"\1"),
    (re.compile(r"``([^`]+)``"), r"\1"),
    (re.compile(r"`([^`]+)`_{0,2}"), r"\1"),
    (re.compile(r"\*\*([^*]+)\*\*"), r"\1"),
    (re.compile(r"(?<![\w*])\*([^*\s][^*]*)\*"), r"\1"),
    (re.compile(r"(\w)_\b"), r"\1"),
]
_BULLET = re.compile(r"^([ \t]*)(?:[-*+•]|\d+[.)]|#\.)[ \t]+")


def render(text: str) -> Extracted:
    date = None
    found = date_line(text)
    if found:
        date, text = found[0], text[:found[1]] + text[found[2]:]
    m = _FIELD_DATE.search(text)
    if m:
        date = date or m.group(1)
        text = text[:m.start()] + text[m.end():]
    lines = text.replace("\r\n", "\n").split("\n")
    out_lines: list[str] = []
    title = None
    skip_indent = None  # inside a comment or a directive: lines indented deeper
    keep = False  # a directive's content is kept, a comment's is not
    i = 0
    while i < len(lines):
        line = lines[i]
        if skip_indent is not None:
            if line.strip() and len(line) - len(line.lstrip()) <= skip_indent:
                skip_indent = None
            else:
                if keep and line.strip() and not line.strip().startswith(":"):
                    out_lines.append(line.strip())  # a directive's content
                elif not line.strip():
                    out_lines.append("")
                i += 1
                continue
        stripped = line.strip()
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if _ADORNMENT.match(stripped) and stripped and i + 2 < len(lines) and \
                _ADORNMENT.match(lines[i + 2].strip() or "x") and lines[i + 1].strip():
            heading = lines[i + 1].strip()  # overline, title, underline
            out_lines += ["", heading, ""]
            title = title or heading
            i += 3
            continue
        if stripped and _ADORNMENT.match(nxt.strip()) and len(nxt.strip()) >= len(stripped) - 1 \
                and not _ADORNMENT.match(stripped):
            out_lines += ["", stripped, ""]
            title = title or _inline(stripped)
            i += 2
            continue
        if _ADORNMENT.match(stripped):  # a transition
            out_lines.append("")
            i += 1
            continue
        if stripped.startswith(".."):
            indent = len(line) - len(line.lstrip())
            keep = "::" in stripped
            if keep:
                content = stripped.split("::", 1)[1].strip()
                if content:
                    out_lines.append(content)
            skip_indent = indent
            i += 1
            continue
        if stripped.endswith("::"):
            line = line.rstrip()[:-1] if not stripped == "::" else ""
        out_lines.append(_BULLET.sub(r"\1", line))
        i += 1
    out = TextBuilder()
    for para in re.split(r"\n[ \t]*\n", "\n".join(out_lines)):
        out.add("\n".join(_inline(ln.strip()) for ln in para.split("\n") if ln.strip()))
    return Extracted(text=out.text(), title=title, date=date)


def _inline(text: str) -> str:
    for pattern, repl in _INLINE:
        text = pattern.sub(repl, text)
    return text
