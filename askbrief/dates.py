"""Relative dates in news text, resolved against the article's date.

"Thursday" in an article dated 2019-04-04 stands for 2019-04-04, "two days ago" for
2019-04-02, "last month" for 2019-03: an answer carries that date (``Answer.resolved_date``)
and is shown as "Thursday (2019-04-04)"; the quote itself always stays verbatim. A bare
weekday is the latest such day on or before the article's date, unless its sentence speaks of
the future ("will", "scheduled", "next"), when it is the next one on or after it. A count of
units back ("three weeks ago") or ahead ("in two days' time") is resolved to the unit it
counts: days and weeks to a day, months to a month, years to a year; "last week" is its
Monday to Sunday ("2019-03-25 to 2019-03-31"), like a range of days. Nothing here guesses
without an article date, and vague counts ("a few days ago") are left alone.
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
# a date that names its year: the answer states it already ("Wednesday April 3, 2019")
_ABSOLUTE_RE = re.compile(r"\b(?:(?:" + "|".join(_MONTHS) + r")\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
                          r"|\d{1,2}\s+(?:" + "|".join(_MONTHS) + r"),?\s+\d{4}|\d{4}-\d{2}-\d{2})\b", re.I)
_COUNTS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
           "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
           "fifteen": 15, "twenty": 20, "thirty": 30, "a couple of": 2}
_COUNT = r"(\d{1,3}|" + "|".join(sorted(_COUNTS, key=len, reverse=True)) + ")"
_UNIT = r"(day|week|fortnight|month|year)s?"
_AGO_RE = re.compile(rf"\b{_COUNT}\s+{_UNIT}\s+ago\b")
_AHEAD_RE = re.compile(rf"\bin\s+{_COUNT}\s+{_UNIT}(?:'|’)?\s+time\b|\b{_COUNT}\s+{_UNIT}\s+from\s+now\b")
# days from the article's date, first match wins ("the day before yesterday" before "yesterday")
_REL = {
    "the day before yesterday": -2, "the day after tomorrow": 2, "yesterday": -1,
    "last night": -1, "today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0,
    "this evening": 0, "tomorrow": 1,
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
    m = _AGO_RE.search(low)
    if m:
        return _shift(d, -_count(m.group(1)), m.group(2))
    m = _AHEAD_RE.search(low)
    if m:
        count, unit = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        return _shift(d, _count(count), unit)
    for words, days in _REL.items():
        if re.search(rf"\b{words}\b", low):
            return (d + timedelta(days=days)).isoformat()
    m = re.search(r"\b(last|next|this|earlier this|later this) (week|month|year)\b", low)
    if m:
        step = {"last": -1, "next": 1}.get(m.group(1), 0)
        if m.group(2) == "week":  # Monday to Sunday
            monday = d - timedelta(days=d.weekday() - 7 * step)
            return f"{monday.isoformat()} to {(monday + timedelta(days=6)).isoformat()}"
        return _shift(d, step, m.group(2))
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


def _count(word: str) -> int:
    return _COUNTS[word] if word in _COUNTS else int(word)


def _shift(d: date, count: int, unit: str) -> str:
    """``count`` units from ``d``, to the precision of the unit: "2019-04-02", "2019-03", "2018"."""
    if unit in ("day", "week", "fortnight"):
        return (d + timedelta(days=count * {"day": 1, "week": 7, "fortnight": 14}[unit])).isoformat()
    if unit == "month":
        months = d.year * 12 + d.month - 1 + count
        return f"{months // 12:04d}-{months % 12 + 1:02d}"
    return f"{d.year + count:04d}"


def answer_date(answer: str, article_date: str | None, sentence: str = "") -> str | None:
    """The date a relative date in an answer stands for; None when the answer holds no
    relative date, or already states the date ("2011", "Wednesday April 3, 2019")."""
    if _ABSOLUTE_RE.search(answer):
        return None
    resolved = resolve(answer, article_date, sentence)
    return resolved if resolved and resolved not in answer else None


def dated(answer: str, resolved_date: str | None) -> str:
    """The answer with its resolved date in brackets: "Tuesday (2019-04-02)"."""
    return f"{answer} ({resolved_date})" if resolved_date else answer


def display(answer: str, article_date: str | None, sentence: str = "") -> str:
    """The answer as shown, when only its article's date and sentence are at hand."""
    return dated(answer, answer_date(answer, article_date, sentence))
