"""Scoring follow-up resolution: did "he", "it", "there" get the referent a reader would take?

A conversation in a JSONL question file may carry ``referents``: each referring expression
of its last turn and what a reader takes it to mean ("he": "Khalifa Haftar"), or null when it
refers to nothing the brief holds (after an off-topic question). The evaluation resolves the
last turn as the chat does (the earlier turns asked first, in order) and compares
``Answer.resolved`` with it.

A resolution is right when it names the gold referent: it holds the last word of the gold's
name (folded with the brief's name variants, so "Hifter" is "Haftar"), and of each name of a
gold joined by "and" ("Serraj and Haftar"). "Guterres" names "Antonio Guterres", "armed groups
from Misrata" names "Armed groups from the western Libyan city of Misrata". A null gold is
right when nothing was resolved for the expression. References are counted by the kind of
thing the expression stands for (person, group, place, thing) and by where the gold is found:
in an earlier question (``subject``: "Who is Khalifa Haftar?" -> "he"), only in the brief
(``answer``: "Who took Gharyan?" -> "they"; ``answer not given`` when the turn before
abstained and no earlier turn gave it, so no resolver could know it), or nowhere (``none``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .answer.names import entities
from .followup import reference_kind
from .models import Answer
from .records import EvalReferents, EvalShare
from .text import tokenize

KINDS = ("person", "group", "place", "thing")
ROLES = ("subject", "answer", "answer not given", "none")


@dataclass(frozen=True)
class Reference:
    """One referring expression of a scored conversation, and how it was resolved."""

    expression: str
    gold: str | None
    resolved: str | None
    kind: str
    role: str
    right: bool


def _heads(gold: str) -> list[str]:
    """The word that names each referent of a gold: the last word of its last name."""
    heads = []
    for part in re.split(r"\s+and\s+", gold):
        names = entities(part)
        words = tokenize(names[-1].name) if names else tokenize(part)
        if words:
            heads.append(words[-1])
    return heads


def names_gold(resolved: str, gold: str, fold: Callable[[str], str] = str) -> bool:
    """Does a resolution name the gold referent (see the module's docstring)?"""
    have = {fold(t) for t in tokenize(resolved)}
    heads = _heads(gold)
    return bool(heads) and all(fold(h) in have for h in heads)


def _find(resolved: dict[str, str], expression: str) -> str | None:
    want = " ".join(expression.lower().split())
    return next((v for k, v in resolved.items() if " ".join(k.lower().split()) == want), None)


def score(referents: dict[str, str | None], asked: Sequence[str], resolved: dict[str, str],
          fold: Callable[[str], str] = str, earlier: Sequence[Answer] = ()) -> list[Reference]:
    """Each gold reference of a conversation against what its last turn was resolved to;
    ``earlier``: the answers to the turns before it."""
    questions = {fold(t) for q in asked[:-1] for t in tokenize(q)}
    given = {fold(t) for a in earlier if not a.abstained for t in tokenize(f"{a.answer or ''} {a.evidence or ''}")}
    abstained = bool(earlier) and earlier[-1].abstained
    out = []
    for expression, gold in referents.items():
        got = _find(resolved, expression)
        kind = reference_kind(expression) or "thing"
        if gold is None:
            role, right = "none", got is None
        else:
            heads = [fold(h) for h in _heads(gold)]
            role = ("subject" if all(h in questions for h in heads)
                    else "answer not given" if abstained and not all(h in given for h in heads) else "answer")
            right = got is not None and names_gold(got, gold, fold)
        out.append(Reference(expression, gold, got, kind, role, right))
    return out


def _share(refs: Sequence[Reference]) -> EvalShare:
    n = len(refs)
    return EvalShare(n=n, right=round(100.0 * sum(r.right for r in refs) / n, 2) if n else None)


def summary(refs: Iterable[Reference]) -> EvalReferents:
    """The share of references resolved right: overall, by kind and by role."""
    refs = list(refs)
    return EvalReferents(
        n=len(refs), right=_share(refs).right,
        by_kind={k: _share([r for r in refs if r.kind == k]) for k in KINDS if any(r.kind == k for r in refs)},
        by_role={k: _share([r for r in refs if r.role == k]) for k in ROLES if any(r.role == k for r in refs)})


def check(referents: dict[str, str | None], last_turn: str) -> str | None:
    """Why a ``referents`` field does not fit its conversation's last turn, or None."""
    for expression in referents:
        if reference_kind(expression) is None:
            return f"referents: {expression!r} is not a referring expression (he, it, there, that town, ...)"
        if not re.search(r"(?<!\w)" + re.escape(expression) + r"(?!\w)", last_turn, re.I):
            return f"referents: {expression!r} is not in the last turn"
    return None


def report_lines(referents: EvalReferents | None) -> list[str]:
    """The report's referents lines (none when the question file has no ``referents``)."""
    if referents is None:
        return []

    def part(name: str, s: EvalShare) -> str:
        return f"{name} {'-' if s.right is None else f'{s.right:.1f}%'} ({s.n})"

    right = "-" if referents.right is None else f"{referents.right:.1f}%"
    return ["", f"  referents   {right} of {referents.n} references resolved as a reader would",
            "              by kind: " + " · ".join(part(k, s) for k, s in referents.by_kind.items()),
            "              by role: " + " · ".join(part(k, s) for k, s in referents.by_role.items())]
