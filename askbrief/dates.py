"""Relative dates in news text, resolved against the article's date for display.

"Thursday" in an article dated 2019-04-04 is shown as "Thursday (2019-04-04)"; the quote
itself always stays verbatim. A bare weekday is the latest such day on or before the
article's date, unless its sentence speaks of the future ("will", "scheduled", "next"),
when it is the next one on or after it. Nothing here guesses without an article date.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_FUTURE = re.compile(r"\b(will|shall|scheduled|expected|planned|plans?|is due|are due|set to|"
                     r"next|upcoming|to meet|to hold|later)\b", re.I)
_WEEKDAY_RE = re.compile(r"\b(last|next|this)?\s*(" + "|".join(_WEEKDAYS) + r")\b", re.I)
_MONTH_DAY_RE = re.compile(r"\b(" + "|".join(_MONTHS) + r")\s+(\d{1,2})(?:\s*[-–]\s*(\d{1,2}))?\b(?!,?\s*\d{4})", re.I)
_REL = {
    "yesterday": lambda d: d - timedelta(days=1), "today": lambda d: d,
    "tomorrow": lambda d: d + timedelta(days=1),
}


def _parse(day: str | None) -> date | None:
    try:
        return date.fromisoformat(day) if day else None
    except ValueError:
        return None


def resolve(text: str, article_date: str | None, sentence: str = "") -> str | None:
    """The calendar date (or month, or year) a relative date in ``text`` stands for."""
    d = _parse(article_date)
    if d is None or not text:
        return None
    low = text.lower()
    m = _WEEKDAY_RE.search(low)
    if m:
        target = _WEEKDAYS.index(m.group(2))
        back = (d.weekday() - target) % 7
        forward = (target - d.weekday()) % 7
        which = m.group(1)
        if which == "next" or (which != "last" and _FUTURE.search(sentence or text)):
            return (d + timedelta(days=forward)).isoformat()
        if which == "last" and back == 0:
            back = 7
        return (d - timedelta(days=back)).isoformat()
    for word, f in _REL.items():
        if re.search(rf"\b{word}\b", low):
            return f(d).isoformat()
    if re.search(r"\blast month\b", low):
        y, mo = (d.year, d.month - 1) if d.month > 1 else (d.year - 1, 12)
        return f"{y:04d}-{mo:02d}"
    if re.search(r"\b(this|earlier this|later this) month\b", low):
        return f"{d.year:04d}-{d.month:02d}"
    if re.search(r"\blast year\b", low):
        return str(d.year - 1)
    if re.search(r"\b(this|earlier this|later this) year\b", low):
        return str(d.year)
    if re.search(r"\blast week\b", low):
        return f"week of {(d - timedelta(days=d.weekday() + 7)).isoformat()}"
    m = _MONTH_DAY_RE.search(low)
    if m:
        mo = _MONTHS.index(m.group(1)) + 1
        try:
            first = date(d.year, mo, int(m.group(2)))
        except ValueError:
            return None
        out = first.isoformat()
        if m.group(3):
            try:
                out += " to " + date(d.year, mo, int(m.group(3))).isoformat()
            except ValueError:
                return None
        return out
    return None


def display(answer: str, article_date: str | None, sentence: str = "") -> str:
    """The answer with its resolved date in brackets, when it is a relative date."""
    resolved = resolve(answer, article_date, sentence)
    return f"{answer} ({resolved})" if resolved and resolved not in answer else answer
