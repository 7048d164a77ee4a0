"""Answer -> terminal text or JSON. Never imports Textual (or Rich: plain ANSI is enough).

Text that comes from documents goes through ``safe()`` first: control characters and
escape sequences are replaced, so an article cannot move the cursor, ring the bell or
retitle the terminal. Nothing here interprets markup, so "[bold]" prints as "[bold]".
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .dates import dated
from .models import ABSTAIN_TEXT, SENTENCE_TEXT, Answer, Citation

if TYPE_CHECKING:
    from .records import Conversation

_CONTROL_RE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?|[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")

QUOTE_MAX = 240


def safe(text: str) -> str:
    """Text with escape sequences and control characters removed; whitespace folded."""
    text = _CONTROL_RE.sub(" ", text.replace("\t", " "))
    return " ".join(text.split())


class Style:
    """ANSI styles, or none when the output is not a terminal."""

    def __init__(self, color: bool):
        self.color = color

    def _wrap(self, code: str, text: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and text else text

    def bold(self, t: str) -> str:
        return self._wrap("1", t)

    def dim(self, t: str) -> str:
        return self._wrap("2", t)

    def mark(self, t: str) -> str:
        return self._wrap("1;33", t)

    def cyan(self, t: str) -> str:
        return self._wrap("36", t)


def plural(n: int, noun: str) -> str:
    """``noun`` as it goes after the number ``n``: "1 turn", "2 turns"."""
    return noun if n == 1 else noun + "s"


def sources(ans: Answer) -> int:
    """How many documents an answer cites: a name quoted where the brief writes it and the
    statement its "he" makes are two citations of one source, not two sources agreeing."""
    return len({c.doc for c in ans.citations})


def shorten(text: str, limit: int = QUOTE_MAX) -> str:
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(" ,;:") + "…"


def safe_parts(parts: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Raw pieces of one text, each with a style tag, made safe as a whole.

    Cleaning the joined text (not each piece) means an escape sequence cut by a piece
    boundary is still removed whole; whitespace is folded across the seams and the ends
    trimmed. Pieces that end up empty are dropped.
    """
    raw = "".join(text for text, _ in parts)
    tags: list[str] = []
    for text, tag in parts:
        tags.extend([tag] * len(text))
    keep = [True] * len(raw)
    chars = list(raw)
    for m in _CONTROL_RE.finditer(raw):
        chars[m.start()] = " "
        for i in range(m.start() + 1, m.end()):
            keep[i] = False
    out: list[tuple[str, str]] = []
    prev_space = True
    for ch, tag, k in zip(chars, tags, keep):
        if not k:
            continue
        if ch.isspace():
            if prev_space:
                continue
            ch, prev_space = " ", True
        else:
            prev_space = False
        if out and out[-1][1] == tag:
            out[-1] = (out[-1][0] + ch, tag)
        else:
            out.append((ch, tag))
    if out and out[-1][0].endswith(" "):
        out[-1] = (out[-1][0][:-1], out[-1][1])
    return [(t, tag) for t, tag in out if t]


def mark_parts(text: str, answer: str | None) -> list[tuple[str, str]]:
    """text split around the first occurrence of answer: [(piece, "" or "mark")]. An answer's
    spaces match any whitespace: "Paul Grant" (``Answer.answer``, folded) is marked in the
    hard-wrapped "Paul\nGrant" of the verbatim quote."""
    i = text.find(answer) if answer else -1
    if i >= 0 and answer:
        return [(text[:i], ""), (answer, "mark"), (text[i + len(answer):], "")]
    m = re.search(r"\s+".join(map(re.escape, answer.split())), text) if answer and answer.strip() else None
    if m is None:
        return [(text, "")]
    return [(text[:m.start()], ""), (m.group(), "mark"), (text[m.end():], "")]


def source_label(c: Citation) -> str:
    """Where a quote is, as a reader looks it up: the file (its path relative to the corpus
    folder), the page of a paged format, the paragraph: "reports/port.pdf p. 2 ¶4"."""
    name = c.doc
    suffix = PurePosixPath(c.path.replace("\\", "/")).suffix if c.path else ""
    if suffix and not name.endswith(suffix):
        name += suffix
    page = f" p. {c.page}" if c.page else ""
    return f"{name}{page} ¶{c.paragraph}"


def citation_line(n: int, c: Citation, style: Style, answer: str | None = None, width: int = 0) -> str:
    """``[n] doc p. N ¶p · date · "quote"`` (the place: ``source_label``), wrapped at word
    boundaries with a hanging indent past ``[n] `` when ``width`` is given."""
    where = " · ".join(x for x in (safe(source_label(c)), c.date) if x)
    short = shorten(safe(c.quote))
    if answer and safe(answer) in short:
        quote = safe_parts(mark_parts(short, safe(answer)))
    else:
        quote = [(short, "")]
    head = f"[{n}]"
    parts = [(head, "cyan"), (f" {where} · \"", ""), *quote, ('"', "")]
    return wrap_parts(parts, style, width, "", " " * (len(head) + 1))


def wrap_parts(parts: Sequence[tuple[str, str]], style: Style, width: int = 0,
               first: str = "", rest: str = "") -> str:
    """Styled pieces of one line, wrapped at spaces to ``width`` columns (0: not wrapped);
    the first line starts with ``first``, the others with ``rest`` (a hanging indent).

    Widths are counted on the text, never on the ANSI codes, and a word longer than a line
    stays whole: words are never cut."""
    words: list[list[tuple[str, str]]] = [[]]
    for text, tag in parts:
        for i, piece in enumerate(text.split(" ")):
            if i:
                words.append([])
            if piece:
                words[-1].append((piece, tag))
    lines: list[str] = []
    line: list[str] = []
    used = len(first)
    for word in filter(None, words):
        size = sum(len(t) for t, _ in word)
        if width > 0 and line and used + 1 + size > width:
            lines.append((rest if lines else first) + " ".join(line))
            line, used = [], len(rest)
        used += size + (1 if line else 0)
        line.append("".join(_styled(t, tag, style) for t, tag in word))
    lines.append((rest if lines else first) + " ".join(line))
    return "\n".join(lines)


def _styled(text: str, tag: str, style: Style) -> str:
    return {"mark": style.mark, "cyan": style.cyan}.get(tag, str)(text)


def render_text(ans: Answer, color: bool = False, width: int = 0) -> str:
    """The answer first, then its supporting sentence, then numbered sources."""
    style = Style(color)
    lines = []
    if ans.abstained:
        lines.append(style.bold(ABSTAIN_TEXT))
        if note := resolved_note(ans):
            lines.append(style.dim(note))
        if ans.citations:
            lines.append("")
            lines.append(style.dim("Closest passages:"))
            for n, c in enumerate(ans.citations, 1):
                lines.append(citation_line(n, c, style, width=width))
        return "\n".join(lines)
    if ans.grade == "sentence":
        lines.append(f"{style.bold(SENTENCE_TEXT)}  "
                     + style.dim(f"(sentence answer, confidence {ans.sentence_confidence or 0.0:.2f})"))
        if note := resolved_note(ans):
            lines.append(style.dim(note))
        lines += ["", wrap_parts(safe_parts(mark_parts(ans.evidence or "", ans.highlight)), style, width, "  ", "  "), ""]
        lines += [citation_line(n, c, style, ans.highlight, width) for n, c in enumerate(ans.citations, 1)]
        return "\n".join(lines)
    agree = sources(ans)
    shown = dated(ans.answer or "", ans.resolved_date)
    lines.append(f"{style.bold(safe(shown))}  "
                 + style.dim(f"({agree} {plural(agree, 'source')}, confidence {ans.confidence:.2f})"))
    if note := resolved_note(ans):
        lines.append(style.dim(note))
    if ans.evidence:
        lines.append("")
        lines.append(wrap_parts(safe_parts(mark_parts(ans.evidence, ans.answer)), style, width, "  ", "  "))
    lines.append("")
    for n, c in enumerate(ans.citations, 1):
        lines.append(citation_line(n, c, style, ans.answer, width))
    n = len(ans.citations)
    for alt in getattr(ans, "alternatives", None) or []:
        lines.append("")
        lines.append(style.dim("Other sources say: ")
                     + style.bold(safe(dated(alt.answer, alt.resolved_date))))
        for c in alt.citations:
            n += 1
            lines.append(citation_line(n, c, style, alt.answer, width))
    return "\n".join(lines)


def resolved_note(ans: Answer) -> str:
    """What a follow-up's references were taken to mean: "(it = Gharyan)", and those that
    stand for an answer not given: '(he = the answer to "Who ...?", which the brief does not
    give)'; "" when the question had none."""
    note = reference_note(ans)
    return f"({note})" if note else ""


def reference_note(ans: Answer) -> str:
    """``resolved_note`` without its brackets (the chat's form)."""
    taken = ", ".join(f"{safe(k)} = {safe(v)}" for k, v in ans.resolved.items())
    open_refs: dict[str, list[str]] = {}
    for ref, question in ans.unresolved.items():
        open_refs.setdefault(question, []).append(safe(ref))
    parts = [taken] if taken else []
    parts += [f'{", ".join(refs)} = the answer to "{safe(q)}", which the brief does not give'
              for q, refs in open_refs.items()]
    return "; ".join(parts)


def render_json(ans: Answer) -> str:
    return ans.model_dump_json()


# --- saved conversations ---------------------------------------------------------------

def _md_text(text: str) -> str:
    """Safe text for Markdown: no control characters, and no markup of its own."""
    text = re.sub(r"([\\`*\[\]<>|])", r"\\\1", safe(text))
    return re.sub(r"(?<!\w)_|_(?!\w)", r"\_", text)  # snake_case ids stay readable


def to_markdown(conversation: Conversation) -> str:
    """A conversation as Markdown: each question, its answer, and numbered sources."""
    out = [f"# {_md_text(conversation.title)}", "",
           f"_{len(conversation.turns)} {plural(len(conversation.turns), 'question')}, "
           f"{conversation.created:%Y-%m-%d %H:%M} UTC_", ""]
    for n, turn in enumerate(conversation.turns, 1):
        ans = turn.answer
        out += [f"## {n}. {_md_text(turn.question)}", ""]
        if ans.abstained:
            out.append(f"**{ABSTAIN_TEXT}**")
        elif ans.grade == "sentence":
            out.append(f"**{SENTENCE_TEXT}**")
        else:
            out.append(f"**{_md_text(dated(ans.answer or '', ans.resolved_date))}**")
        if note := resolved_note(ans):
            out += ["", f"_{_md_text(note)}_"]
        if ans.evidence and not ans.abstained:
            out += ["", f"> {_md_text(ans.evidence)}"]
        if ans.citations:
            out += ["", "Closest passages:" if ans.abstained else "Sources:", ""]
            for k, c in enumerate(ans.citations, 1):
                where = " · ".join(x for x in (_md_text(source_label(c)),
                                               _md_text(c.date) if c.date else None) if x)
                out.append(f"{k}. {where} · \"{_md_text(c.quote)}\"")
        out.append("")
    for note in conversation.notes:
        out.append(f"_note: {_md_text(note)}_")
    return "\n".join(out).rstrip() + "\n"


def to_json(conversation: Conversation) -> str:
    return conversation.model_dump_json(indent=2)
