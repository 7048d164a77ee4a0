"""Quantities and answer identity: when two candidate answers state the same thing.

Candidates are one answer when their terms agree after the brief's name variants are folded
(``answer_key``: "Hifter's forces" = "Haftar's forces") or when they measure the same
quantity in other units or words (``quantity``, ``same_quantity``: "50 kilometers" = "50 km"
≈ "31 miles", "£34m" = "£34 million"). ``group`` makes the groups the ranker scores.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from ..text import fold, tokenize
from .spans import CURRENCY_SIGNS

_PARTICLE_TERMS = {"al", "el"}


@lru_cache(maxsize=100_000)
def _base_key(text: str) -> tuple[str, ...]:
    out = []
    for t in tokenize(text):
        if t in _PARTICLE_TERMS:
            continue
        out.append(str(_NUM.get(t, t)))
    return tuple(out)


_NUM = {w: i for i, w in enumerate("zero one two three four five six seven eight nine ten eleven "
                                    "twelve".split())}
_UNIT_SCALE = {  # unit -> (dimension, factor to the base unit)
    "km": ("len", 1000.0), "kilomet": ("len", 1000.0), "kilometr": ("len", 1000.0),
    "mile": ("len", 1609.34), "mi": ("len", 1609.34), "m": ("len", 1.0), "meter": ("len", 1.0),
    "metr": ("len", 1.0), "feet": ("len", 0.3048), "foot": ("len", 0.3048), "ft": ("len", 0.3048),
    "kg": ("mass", 1.0), "kilogram": ("mass", 1.0), "pound": ("mass", 0.4536), "lb": ("mass", 0.4536),
    "ton": ("mass", 1000.0), "tonn": ("mass", 1000.0),
    "hectar": ("area", 1e4), "ha": ("area", 1e4), "acr": ("area", 4046.86),
    "km2": ("area", 1e6), "mi2": ("area", 1609.34 ** 2), "m2": ("area", 1.0),
    "litr": ("vol", 1.0), "liter": ("vol", 1.0), "gallon": ("vol", 3.785),
}
_SCALE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "mn": 1e6, "m": 1e6,
          "billion": 1e9, "bn": 1e9, "trillion": 1e12, "tn": 1e12}
_QTY_RE = re.compile(r"(\d[\d,]*(?:\.\d+)?)(?:\s(thousand|million|billion))?\s?-?"
                     r"(?:(square|sq\.?)\s)?([A-Za-z]+[23²]?)")
_TEMP_RE = re.compile(r"(-?\d+(?:\.\d+)?)\s?°\s?([CF])\b")
_MONEY_RE = re.compile(rf"([{re.escape(CURRENCY_SIGNS)}])\s?(\d[\d,]*(?:\.\d+)?)"
                       r"(?:\s?(thousand|million|billion|trillion|mn|bn|tn|m|k)\b)?", re.I)


def quantities(text: str) -> list[tuple[str, float]]:
    """Every measured quantity in a text, in order."""
    money = [m.span() for m in _MONEY_RE.finditer(text)]
    starts = sorted({m.start() for r in (_QTY_RE, _TEMP_RE) for m in r.finditer(text)
                     if not any(a < m.start() < b for a, b in money)} | {a for a, _b in money})
    return [q for k in starts if (q := quantity(text[k:]))]


def quantity(text: str) -> tuple[str, float] | None:
    """(dimension, value in base units) of the first measured quantity: "31 miles" -> len;
    "26,000 square kilometres" and "10,000 sq mi" -> area; "20 °C" and "68 °F" -> temp;
    "£34m" and "£34 million" -> money in pounds."""
    t = _TEMP_RE.search(text)
    m = _QTY_RE.search(text)
    c = _MONEY_RE.search(text)
    if c and (not m or c.start() < m.start()) and (not t or c.start() < t.start()):
        scale = _SCALE[c.group(3).lower()] if c.group(3) else 1.0
        return f"money{c.group(1)}", float(c.group(2).replace(",", "")) * scale
    if t and (not m or t.start() <= m.start()):
        v = float(t.group(1))
        return "temp", v if t.group(2) == "C" else (v - 32) * 5 / 9
    if not m:  # (a sign before the number was read as money above: "£34m" is no 34 metres)
        return None
    unit = tokenize(m.group(4))
    scale = _UNIT_SCALE.get(unit[0]) if unit else None
    if scale is None:
        return None
    dim, factor = scale
    if m.group(3):  # "square kilometres", "sq mi"
        if dim != "len":
            return None
        dim, factor = "area", factor ** 2
    value = float(m.group(1).replace(",", "")) * _SCALE.get(m.group(2) or "", 1.0)
    return dim, value * factor


def answer_key(text: str, term_map: dict[str, str] | None = None) -> str:
    """Candidates with the same key state the same answer (spelling variants folded)."""
    m = term_map or {}
    key = "".join(m.get(t, t) for t in _base_key(text))
    return key or fold(text).strip()


def keys_within(words: Sequence[tuple[int, int, str, str]], term_map: dict[str, str] | None = None) -> str:
    """The terms of a sentence's words (``Sentence.words``) run together as ``answer_key`` runs
    a span's: the key of any span of the sentence is a substring of this (a span is a run of
    whole words, so its terms are a run of these), or, when the span has no terms, of the
    sentence's folded text. A sentence holding neither cannot state an answer: its spans need
    not be worked out to know it."""
    m = term_map or {}
    return "".join(m.get(k, k) for k in (str(_NUM.get(t, t)) for *_r, t in words if t and t not in _PARTICLE_TERMS))


def same_quantity(a: tuple[str, float], b: tuple[str, float]) -> bool:
    """Within 4% (a rounded conversion: "50 km" and "31 miles"), or 1 degree apart."""
    if a[0] != b[0]:
        return False
    tol = 1.0 if a[0] == "temp" else 0.04 * max(abs(a[1]), abs(b[1]))
    return abs(a[1] - b[1]) <= tol


def group(keys: Sequence[str], texts: Sequence[str]) -> dict[str, list[int]]:
    """Rows by what they state: row i has answer key ``keys[i]`` and text ``texts[i]``; keys
    whose first text is the same quantity in other units are one group."""
    groups: dict[str, list[int]] = {}
    for row, key in enumerate(keys):
        groups.setdefault(key, []).append(row)
    qty = {}
    for key, rows in groups.items():
        qv = quantity(texts[rows[0]])
        if qv:
            qty[key] = qv
    measured = list(qty)
    for i, a in enumerate(measured):
        for b in measured[i + 1:]:
            if a in groups and b in groups and same_quantity(qty[a], qty[b]):
                groups[a].extend(groups.pop(b))
    return groups
