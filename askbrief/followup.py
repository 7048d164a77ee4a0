"""Follow-up questions, resolved against the earlier turns of a conversation.

A question that leans on the conversation ("How far is it from Tripoli?" after "Who took
Gharyan?") is resolved with the names of the previous turns (``names.entities``): the
capitalised name runs of a turn's question, of its answer and of its evidence. A pronoun is
matched by type (``names.kind_in``): he/she/his/her want a person, it/there/"the town" a
place or thing, and a name the question already contains is never its own referent. The
referent's index terms are added to the retrieval query and to answer scoring; the answer
records what the reference was taken to mean.

(Not to be confused with ``records.Conversation``, a saved conversation, nor with the chat's
conversation widget.)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .answer.names import Entity, entities, kind_in
from .answer.question import PERSON, PLACE, THING
from .models import Answer
from .text import tokenize

GROUP = "group"

# reference word -> the kind of thing it can stand for
_PRONOUNS = {
    "he": PERSON, "him": PERSON, "his": PERSON, "himself": PERSON,
    "she": PERSON, "her": PERSON, "hers": PERSON, "herself": PERSON,
    "it": THING, "its": THING, "itself": THING,
    "there": PLACE,
    "they": GROUP, "them": GROUP, "their": GROUP, "theirs": GROUP, "themselves": GROUP,
}
_POSSESSIVES = {"his", "her", "hers", "its", "their", "theirs"}
# "the town", "this man", "that group": a demonstrative and a noun naming a kind
_KIND_NOUNS = {
    # not "the capital" or "the country": those name one place of their own
    PLACE: "town city village region area place district province port airport base".split(),
    PERSON: "man woman president leader minister commander general spokesman spokeswoman official "
            "envoy aide premier prime king prince marshal".split(),
    GROUP: "group forces army militia militias government party force troops side".split(),
    THING: "conference meeting offensive attack operation plan deal agreement talks event "
           "report statement war campaign".split(),
}
_NOUN_KIND = {noun: kind for kind, nouns in _KIND_NOUNS.items() for noun in nouns}
_DEMONSTRATIVE_RE = re.compile(r"\b(the|this|that|these|those)\s+([a-z]+)\b", re.I)
_REFERENCE_RE = re.compile(r"\b(" + "|".join(sorted(_PRONOUNS, key=len, reverse=True)) + r")\b", re.I)
# "it" and "there" that stand for nothing: "how long did it take", "is there a ..."
_DUMMY_IT_RE = re.compile(r"\bit\s+(?:take|takes|took|taken|rain\w*|seem\w*|appear\w*|matter\w*|mean|means)\b"
                          r"|\b(?:is|was)\s+it\s+(?:true|possible|likely|known|clear)\b"
                          r"|\bit\s+(?:is|was)\s+(?:true|possible|likely|known|clear|said|reported|believed)\b",
                          re.I)
_BE = r"(?:is|are|was|were|be|been|has|have|had|will|would|could|might|may|should|seem\w*|appear\w*)"
_DUMMY_THERE_RE = re.compile(rf"\bthere\s+{_BE}\b|\b{_BE}\s+there\s+\w", re.I)
_ELLIPSIS_RE = re.compile(r"^\s*(?:and|but|also|what about|how about|what of|and what about)\b", re.I)

_WH_KIND = [(re.compile(r"\b(?:who|whom|whose)\b", re.I), PERSON),
            (re.compile(r"\bwhere\b|\b(?:what|which) (?:city|town|country|place|region)\b", re.I), PLACE)]

MAX_LOOKBACK = 3
CORPUS_SAMPLES = 8


@dataclass
class Resolution:
    """What a follow-up question leans on: terms to add, and what each reference meant."""

    extra_terms: list[str] = field(default_factory=list)
    resolved: dict[str, str] = field(default_factory=dict)
    topic_terms: list[str] = field(default_factory=list)  # the previous question's, as hints


def _fits(want: str, kind: str | None) -> bool:
    if want == PERSON:
        return kind == PERSON
    if want == PLACE:
        return kind in (PLACE, None)
    if want == GROUP:
        return kind is None
    return kind != PERSON  # it, "this offensive": not a person


def _references(question: str) -> list[tuple[str, str, int]]:
    """(reference as written, wanted kind, position) for each reference in the question."""
    dummies = [m.span() for m in _DUMMY_IT_RE.finditer(question)]
    dummies += [m.span() for m in _DUMMY_THERE_RE.finditer(question)]
    refs = []
    for m in _REFERENCE_RE.finditer(question):
        if any(a <= m.start() < b for a, b in dummies):
            continue
        refs.append((m.group(1), _PRONOUNS[m.group(1).lower()], m.start()))
    for m in _DEMONSTRATIVE_RE.finditer(question):
        kind = _NOUN_KIND.get(m.group(2).lower())
        # "the militias" is content; "the town", "the president", "this offensive" point back
        if kind in (GROUP, THING) and m.group(1).lower() == "the":
            continue
        if kind and not _names_after(question, m.end()):
            refs.append((m.group(0), kind, m.start()))
    return sorted(refs, key=lambda r: r[2])


def _names_after(question: str, pos: int) -> bool:
    """'the town of Gharyan', 'the city Tripoli': the noun is followed by its own name."""
    rest = question[pos:pos + 40]
    return bool(re.match(r"\s+(?:of\s+)?[A-Z]", rest))


def _wh_kind(question: str) -> str:
    for rx, kind in _WH_KIND:
        if rx.search(question):
            return kind
    return THING


def spelled_out(question: str, resolved: dict[str, str]) -> str:
    """The question with each reference replaced by what it was taken to mean: "Where was he
    sipping coffee?" -> "Where was Abdel-Salam al-Hassi sipping coffee?" (a possessive keeps
    its "'s": "his interior ministry" -> "Fayez Serraj's interior ministry")."""
    for ref, meaning in resolved.items():
        low = ref.lower()
        if low in _PRONOUNS or _DEMONSTRATIVE_RE.fullmatch(ref):
            if low in _POSSESSIVES:
                meaning = meaning + ("'" if meaning.endswith("s") else "'s")
            question = re.sub(rf"\b{re.escape(ref)}\b", lambda _m: meaning, question, count=1, flags=re.I)
    return question


def _spelled_out(answer: Answer) -> str:
    """The previous question with its own references replaced by what they meant."""
    return spelled_out(answer.question, answer.resolved)


def _candidates(answer: Answer, want: str) -> list[Entity]:
    """Entities of one earlier turn in order of preference for a reference of kind ``want``.

    The answer to a "who" question is the first choice for a person; for anything else the
    question's own entities come first (the thing it asked about), then the answer's, then
    those of the evidence.
    """
    question = _spelled_out(answer)
    from_question = entities(question)
    from_answer = entities(answer.answer or "") if not answer.abstained else []
    from_evidence = entities(answer.evidence or "") if not answer.abstained else []
    asked = _wh_kind(answer.question)
    if want == PERSON and asked == PERSON:
        return from_answer + from_question + from_evidence
    if want == GROUP:
        # "they": who did it, or a group the question named; not any name of the evidence
        whole = []
        if asked == PERSON and answer.answer and not answer.abstained:
            whole = [Entity(answer.answer, frozenset(tokenize(answer.answer)), False)]
        return whole + from_question
    if want == PERSON:
        return from_question + from_answer + from_evidence
    # a place or a thing: what the question was about, then what it was answered with
    answers_thing = asked in (PLACE, THING)
    return from_question + (from_answer if answers_thing else []) + from_evidence


def _context_texts(context: Sequence[Answer]) -> list[str]:
    texts = []
    for a in context[-MAX_LOOKBACK:]:
        texts.append(a.question)
        texts.extend(c.quote for c in a.citations)
    return texts


def _corpus_texts(name: str, index) -> list[str]:
    """A few passages of the brief that use the name, to tell a person from a place."""
    if index is None:
        return []
    from .retrieve import search

    hits = search(index, tokenize(name), CORPUS_SAMPLES)
    return [index.brief.chunks[h.chunk].text for h in hits]


def resolve(question: str, context: Sequence[Answer], index=None) -> Resolution:
    """What a follow-up question refers to in the conversation so far (oldest first).

    A self-contained question resolves to nothing. ``index`` (the brief's), when given, lets
    the resolver see how a name is used in the brief (person or place).
    """
    res = Resolution()
    if not context:
        return res
    own_terms = set(tokenize(question))
    own_entities = entities(question)
    kinds: dict[str, str | None] = {}
    base_texts = _context_texts(context)

    def kind_of(e: Entity) -> str | None:
        if e.name not in kinds:
            kinds[e.name] = kind_in(e, base_texts + _corpus_texts(e.name, index))
        return kinds[e.name]

    taken: set[frozenset[str]] = set()
    refs = _references(question)
    for ref, want, pos in refs:
        if ref.lower() in res.resolved or ref in res.resolved:
            continue
        # "Did Haftar say he would stop?": a fitting name before the pronoun is its referent
        before = [e for e in own_entities if e.start < pos]
        if want == PERSON and any(kind_of(e) == PERSON for e in before):
            continue
        if ref.lower() in _POSSESSIVES and want != PERSON and any(kind_of(e) != PERSON for e in before):
            continue
        choice = None
        for earlier in reversed(context[-MAX_LOOKBACK:]):
            for e in _candidates(earlier, want):
                if e.terms <= own_terms or e.terms in taken:
                    continue
                kind = kind_of(e)
                if not _answer_fits(earlier, e, want, kind) and not _fits(want, kind):
                    continue
                if want == THING and " " in ref and not set(tokenize(ref)) <= e.terms:
                    continue  # "that meeting" is an event, not Moscow; "the conference" may be
                    # the National Conference
                choice = e
                break
            if choice:
                break
        if choice is None:
            continue
        taken.add(choice.terms)
        res.resolved[ref] = choice.name
        for t in tokenize(choice.name):
            if t not in own_terms and t not in res.extra_terms:
                res.extra_terms.append(t)
    if refs:
        # what the conversation was about: the previous question's words ("What did he vow to
        # protect?" is still about the army and politics)
        res.topic_terms = [t for t in dict.fromkeys(tokenize(_spelled_out(context[-1])))
                           if t not in own_terms and t not in res.extra_terms]
    if not res.resolved and (_ELLIPSIS_RE.match(question) or not own_terms):
        # "And Tripoli?", "Why?": the previous question, minus what this one replaces
        prev = context[-1]
        replaced: set[str] = set()
        if own_entities:
            for e in entities(_spelled_out(prev)):
                replaced |= e.terms
        extra = [t for t in dict.fromkeys(tokenize(_spelled_out(prev)))
                 if t not in own_terms and t not in replaced]
        if extra:
            res.extra_terms = extra
            res.resolved["context"] = prev.question
    return res


def _answer_fits(answer: Answer, e: Entity, want: str, kind: str | None) -> bool:
    """The answer to a "who" question is a person (or a group), unless the brief uses the
    name as a place."""
    if answer.abstained or not answer.answer or e.name not in answer.answer:
        return False
    return want in (PERSON, GROUP) and _wh_kind(answer.question) == PERSON and kind != PLACE
