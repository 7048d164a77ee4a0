"""Answers and passages as ``rich.text.Text``.

Everything that comes from a document or a question is built into ``Text`` objects, never
parsed as markup, and goes through ``askbrief.render.safe`` first: "[bold]", "[/]" or an
escape sequence in an article shows as the characters it is and cannot restyle the screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone

from rich.text import Text

from askbrief.dates import dated
from askbrief.models import ABSTAIN_TEXT, SENTENCE_TEXT, Answer, Citation
from askbrief.render import mark_parts, plural, reference_note, safe, safe_parts, source_label, sources

QUESTION_STYLE = "bold"
ANSWER_STYLE = "bold #ffa62b"
MARK_STYLE = "bold #000000 on #e5c07b"
QUOTE_STYLE = "bold"
DIM_STYLE = "dim"
MARKER_STYLE = "#5fafd7"
CURRENT_MARKER_STYLE = "bold reverse #5fafd7"


def join_safe(parts: Sequence[tuple[str, str]]) -> Text:
    """Pieces of raw document text, each with a style, as one safe Text.

    The pieces are cleaned together (``render.safe_parts``), so an escape sequence cut at a
    piece boundary is still removed whole and whitespace is folded across the seams.
    """
    out = Text()
    for piece, style in safe_parts(parts):
        out.append(piece, style=style or None)
    return out


def _marked(text: str, answer: str | None, base: str, mark: str) -> list[tuple[str, str]]:
    """``text`` in pieces styled ``base``, the first occurrence of ``answer`` styled ``mark``."""
    return [(piece, mark if tag == "mark" else base) for piece, tag in mark_parts(text, answer)]


def highlighted(text: str, answer: str | None, base: str = "", mark: str = MARK_STYLE) -> Text:
    """``text`` with the first occurrence of ``answer`` marked."""
    return join_safe(_marked(text, answer, base, mark))


def paragraph_text(paragraph: str, citation: Citation, answer: str | None) -> Text:
    """The cited paragraph with the quote emphasized and the answer marked inside it.

    Falls back to the quote alone when the paragraph does not hold it at the cited offsets
    (a conversation asked of another version of the brief).
    """
    start, end = citation.start, citation.end
    if not (0 <= start <= end <= len(paragraph)) or paragraph[start:end] != citation.quote:
        return highlighted(citation.quote, answer, QUOTE_STYLE)
    inner = _marked(paragraph[start:end], answer, QUOTE_STYLE, MARK_STYLE)
    return join_safe([(paragraph[:start], ""), *inner, (paragraph[end:], "")])


def markers(count: int, current: int | None = None) -> Text:
    out = Text()
    for n in range(count):
        if n:
            out.append(" ")
        out.append(f"[{n + 1}]", style=CURRENT_MARKER_STYLE if n == current else MARKER_STYLE)
    return out


def question_text(question: str) -> Text:
    out = Text("› ", style=DIM_STYLE)
    out.append(safe(question), style=QUESTION_STYLE)
    return out


def answer_text(answer: Answer, current: int | None = None) -> Text:
    """The answer as the conversation shows it: the short answer emphasized, what a
    reference was taken to mean, the supporting sentence, how many sources agree, and
    citation markers (the current one reversed)."""
    out = Text()
    note = reference_note(answer)
    if answer.abstained:
        out.append(ABSTAIN_TEXT, style="bold")
        if note:
            out.append(f"  ({note})", style=DIM_STYLE)
        if answer.citations:
            out.append("\nClosest passages:", style=DIM_STYLE)
            for n, c in enumerate(answer.citations):
                out.append("\n")
                out.append(f"[{n + 1}]", style=CURRENT_MARKER_STYLE if n == current else MARKER_STYLE)
                out.append(" ")
                out.append(safe(c.title), style="italic")
                out.append(f" {safe(source_label(c))}", style=DIM_STYLE)
        return out
    if answer.grade == "sentence":  # no span is likely right: the sentence, its best span marked
        out.append(SENTENCE_TEXT, style="bold")
        out.append(f"  (sentence answer, confidence {answer.sentence_confidence or 0.0:.2f})", style=DIM_STYLE)
        if note:
            out.append(f"  ({note})", style=DIM_STYLE)
        out.append("\n")
        out.append_text(highlighted(answer.evidence or "", answer.highlight, mark="underline"))
        return out
    out.append(safe(dated(answer.answer or "", answer.resolved_date)), style=ANSWER_STYLE)
    if note:
        out.append(f"  ({note})", style=DIM_STYLE)
    if answer.evidence:
        out.append("\n")
        out.append_text(highlighted(answer.evidence, answer.answer, mark="bold"))
    others = [safe(dated(a.answer, a.resolved_date))
              for a in getattr(answer, "alternatives", None) or [] if a.answer]
    if others:
        out.append("\nOther sources say: ", style=DIM_STYLE)
        out.append(" · ".join(others), style="italic")
    n, agree = len(answer.citations), sources(answer)
    out.append("\n")
    out.append(f"{agree} {plural(agree, 'source')}{' agree' if agree > 1 else ''}", style=DIM_STYLE)
    out.append(f" · confidence {answer.confidence:.2f}  ", style=DIM_STYLE)
    out.append_text(markers(n, current))
    return out


def source_header(n: int, citation: Citation) -> Text:
    out = Text(f"[{n + 1}] ", style=MARKER_STYLE)
    out.append(safe(citation.title), style="bold")
    where = " · ".join(x for x in (safe(citation.date or ""), safe(source_label(citation))) if x)
    out.append("\n" + where, style=DIM_STYLE)
    return out


def summary_note(summary) -> str:
    """A saved conversation's last time and length, "2024-05-01 09:30 · 2 turns": the line
    under its title in the sidebar and the command palette."""
    return f"{when(summary.updated)} · {summary.turns} {plural(summary.turns, 'turn')}"


def when(value: object) -> str:
    """A stored time (datetime, epoch seconds or ISO text) as local 'YYYY-MM-DD HH:MM'."""
    if isinstance(value, (int, float)):
        value = datetime.fromtimestamp(value, tz=timezone.utc)
    elif isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return safe(value)[:16]
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone()
        return value.strftime("%Y-%m-%d %H:%M")
    return ""
