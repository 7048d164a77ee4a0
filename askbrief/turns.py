"""An earlier turn of a conversation as a reader remembers it: what its question asked for
(``asks_for``) and which names it offers a follow-up's reference, in order of preference
(``Turn.candidates``): its answer's, the names its sentence adds, what its question named.
``followup.resolve`` chooses among the turns; the brief is reached through the callables it
passes (kinds of names, paragraphs holding a word, what a quote's "he" stands for).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from . import mentions
from .answer.names import Entity, entities
from .answer.question import PERSON, PLACE, THING, WHICH, question_kind
from .mentions import GROUP
from .models import Answer
from .text import tokenize

NAMED = "named"  # what a "which X" question asked for: the answer's own kind says

# "What is the capital of France?": the answer is a thing of its own that the question describes
_DESCRIBED_RE = re.compile(r"\s*[Ww]hat(?:['’]s|\s+(?:is|was|are|were))\s+the\s+(?:[\w-]+\s+){1,3}?(?:of|in)\s+[A-Z]")


def asks_for(question: str, kind: str, focus: str) -> str | None:
    """The kind of thing a question's answer is, when it is something a pronoun can point
    back to, read off the answer stage's analysis of the question (``kind`` and ``focus``, as
    ``question_kind`` gives them, the same the answer was chosen by): "Who took Gharyan?" a
    person (or a group),
    "Where ...?" and "Which town ...?" a place; ``NAMED`` when a "which/what X" asks for a
    thing the brief names ("Which conference ...?", "Which UN chief ...?"): the answer's own
    kind then decides what it can be referred to as. None for a date, a number, a reason, a
    plain "what", and for "Who is Khalifa Haftar?" (the answer describes the name the
    question holds)."""
    if mentions.identity(question) is not None:
        return None
    if kind in (PERSON, PLACE):
        return kind
    return NAMED if kind in (WHICH, THING) and (focus or _DESCRIBED_RE.match(question)) else None


def _wants_answer(want: str, asked: str | None, question: str) -> bool:
    """Can a reference of kind ``want`` point at what the question asked for?"""
    if asked == NAMED:
        return True  # the answer's own kind decides (``_Turn.candidates``)
    if want == PERSON:
        return asked == PERSON
    if want == GROUP:
        return asked in (PERSON, GROUP) or bool(asked and (mentions.possessed(question)
                                                          or mentions.from_where(question)))
    if want == PLACE:
        return asked == PLACE
    return asked in (PLACE, THING)  # it


class Turn:
    """One earlier turn as a reader remembers it: what it asked about, and what it answered."""

    def __init__(self, answer: Answer, question: str, fold: Callable[[str], str] = str,
                 texts_with: Callable[[str], Sequence[str]] = lambda word: (),
                 kind_of: Callable[[Entity], str | None] = lambda e: None,
                 meant: Callable[[Answer], list[str]] = lambda a: [],
                 after: Callable[[Answer], str] = lambda a: ""):
        self.answer = answer
        self.question = question  # as the answer stage read it: its references spelled out
        kind, focus = question_kind(self.question)
        self.asked = asks_for(self.question, kind, focus)
        self.subjects = entities(self.question)
        self.identity = mentions.identity(answer.question)
        self.asked_who = kind == PERSON
        self.shown = (answer.answer if answer.grade == "short" else answer.evidence) or ""
        self._asked_terms = {fold(t) for t in tokenize(self.question)}
        self._fold = fold
        self._texts_with = texts_with
        self._kind_of = kind_of
        self._meant = meant
        self._after = after

    def _new(self, text: str) -> list[Entity]:
        """The names of ``text`` the question did not already hold: what its answer adds."""
        return [e for e in entities(text) if self._fold(tokenize(e.name)[-1]) not in self._asked_terms]

    def _named_by(self, span: str, new: bool = True) -> list[Entity]:
        """The names of an answer's span as what they name in its sentence: "the Merrow dam"
        for "Merrow" of "designed the Merrow dam" (none when the question already held the
        dam); only the names the question did not hold when ``new``."""
        phrase = mentions.headed(span, self.answer.evidence or "", [self.question], self._texts_with)
        if phrase == span:
            return self._new(span) if new else entities(span)
        return [] if self._fold(tokenize(phrase)[-1]) in self._asked_terms else [mentions.whole(phrase)]

    def adds(self, e: Entity) -> bool:
        """Is ``e`` a name the answer's sentence adds besides the answer (or marked span)?"""
        span = self.answer.answer or self.answer.highlight or ""
        return e.name in (self.answer.evidence or "") and e.name not in self.question and not (span and span in e.name)

    def candidates(self, want: str) -> list[tuple[Entity, bool]] | None:
        """(name, whether it is the answer) in order of preference for a reference of kind
        ``want``; None when the reference is to this turn's answer and it gave none. A name
        of an answer to "which X" is the answer only by its own kind (``NAMED``).

        A short answer's names come first, then the names its sentence adds to the question
        (by their own kind: "Who did Haftar meet?" -> "Russia" is no "he", the sentence's
        Sergei Lavrov is), then what the question named. A sentence answer offers its marked
        span first and then the sentence's other new names, each by its own kind: the span is
        shown but not asserted, so it is the answer only when it is of the kind asked."""
        a = self.answer
        own = [(e, False) for e in (self.subjects if want != GROUP else mentions.groups(self.question))]
        if want == THING and (events := mentions.events(self.question)):
            return [(e, False) for e in events] + own  # "Where is the conference held?" -> it
        if not _wants_answer(want, self.asked, a.question):
            return own
        if a.abstained or not self.shown:
            # "What position does Guterres hold?" unanswered: "he" is still Guterres
            return own if self.asked == NAMED and want in (PERSON, GROUP) else None
        if want == GROUP:
            owner = mentions.possessed(a.question)
            if a.grade == "short":
                if origin := mentions.from_where(a.question):  # "they": the forces from Zawiya
                    return [(mentions.whole(f"{origin} from {a.answer}"), True)] + own
                if not owner:
                    return [(mentions.whole(a.answer or ""), True)] + own
                return [(mentions.whole(f"{name}'s {owner}"), True) for name in self._owners()] + own
            # "Which country's foreign ministry ...?" answered by a sentence: a name it adds
            return [(mentions.whole(f"{e.name}'s {owner}"), True) for e in self._new(self.shown) if owner] + own
        if a.grade != "short":
            marked = self._named_by(a.highlight or "")
            return [(e, False) for e in marked + self._besides(a.highlight or "", marked)] + own
        answered = self._named_by(self.shown, new=False)
        besides = self._besides(self.shown, answered)
        asserted = self.asked != NAMED or self._goes_on_as_person()
        return [(e, asserted) for e in answered] + [(e, False) for e in besides] + own

    def _goes_on_as_person(self) -> bool:
        """Does the brief go on calling the answer "he" or "she"? "Engineer Clara Voss designed
        the dam ... She spent four years on the plans": the subject of the answer's sentence is
        the next sentence's "she", so "Which engineer ...?" was answered with a person."""
        first = entities(self.answer.evidence or "")
        return (bool(first) and first[0].start == 0 and (self.answer.answer or "") in first[0].name
                and bool(re.match(r"\s*(?:He|She)\b", self._after(self.answer))))

    def _owners(self) -> list[str]:
        """Who owns what a "which country's foreign ministry" question asked about: the short
        answer, unless the brief says it is not of the kind asked ("Hami Aksoy", a person, for
        a country); then the names its sentence adds that can be of that kind, in the
        sentence's order ("Turkey is closely following ..."; the brief types none of another kind)."""
        answer = self.answer.answer or ""
        kinds = {self._kind_of(e) for e in entities(answer)} - {None}
        if self.asked not in (PERSON, PLACE) or not kinds or self.asked in kinds:
            return [answer]
        return [e.name for e in self._besides(answer, entities(answer)) if self._kind_of(e) in (None, self.asked)]

    def _besides(self, span: str, named: list[Entity]) -> list[Entity]:
        """The other new names of the answer's sentence: not the span, nor what it names; then
        the people its "he"/"she" stand for ('"... by the United Nations," he said.' is said by
        the spokesman named before it)."""
        out = [e for e in self._new(self.answer.evidence or "")
               if e.name != span and all(e.terms != n.terms for n in named)]
        for name in self._meant(self.answer):
            e = mentions.whole(name)
            known = any(e.terms <= o.terms for o in out + named)
            if e.terms and not known and self._fold(tokenize(name)[-1]) not in self._asked_terms:
                out.append(e)
        return out
