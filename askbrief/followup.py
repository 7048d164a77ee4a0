"""Follow-up questions, resolved against the earlier turns of a conversation.

A question that leans on the conversation ("How far is it from Tripoli?" after "Who took
Gharyan?") is resolved as a reader would resolve it, with the names of the earlier turns
(``names.entities``) and the phrases their questions name (``mentions.py``: "the armed groups
from Misrata", "the national conference"):

- kind: he/she/his want a person, they/their a group or two people (never one person: number
  agrees), it a place or thing, there and "that town" a place; whether a name is a person or a
  place is the answer stage's reading of the brief (``names.kind_in`` -> ``Names.kind``);
- answer or subject: a reference points at an earlier turn's answer when that question asked
  for something of its kind (``turns.asks_for``, read off the answer stage's analysis of the
  question: "Who took Gharyan?" a person, "Which town ...?" a place, "Which exhibition ...?"
  whatever the answer is), else at what the question asked about ("Who is Khalifa Haftar?" -> Haftar);
- recency: the newest turn that gives a fitting referent wins; a turn that abstained gives no
  answer to point at, so the reference goes to an older turn that answered, or stays open;
- a name the question already contains is never its own referent, and "his" after "he" in
  the same question is the same person.

The referent's index terms are added to the retrieval query and to answer scoring; the answer
records what the reference was taken to mean (``askbrief eval`` scores it: ``referents.py``).

(Not to be confused with ``records.Conversation``, a saved conversation, nor with the chat's
conversation widget.)
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .answer.names import Entity, entities, kind_in
from .answer.question import PERSON, PLACE, THING
from . import mentions
from .mentions import GROUP, GROUP_NOUNS, KIND_NOUNS
from .models import Answer
from .turns import Turn
from .text import STOPWORDS, tokenize

# reference word -> the kind of thing it can stand for
_PRONOUNS = {
    "he": PERSON, "him": PERSON, "his": PERSON, "himself": PERSON,
    "she": PERSON, "her": PERSON, "hers": PERSON, "herself": PERSON,
    "it": THING, "its": THING, "itself": THING,
    "there": PLACE,
    "they": GROUP, "them": GROUP, "their": GROUP, "theirs": GROUP, "themselves": GROUP,
}
_POSSESSIVES = {"his", "her", "hers", "its", "their", "theirs"}
_NOUN_KIND = {noun: kind for kind, nouns in KIND_NOUNS.items() for noun in nouns}
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

MAX_LOOKBACK = 3

_AGREES = {**dict.fromkeys(("he", "him", "his", "himself"), "he"),
           **dict.fromkeys(("she", "her", "hers", "herself"), "she"),
           **dict.fromkeys(("they", "them", "their", "theirs", "themselves"), "they")}
_DEMONYM_RE = re.compile(r"(?:an|ish|ese|i)$")


@dataclass
class Resolution:
    """What a follow-up question leans on: terms to add, and what each reference meant."""

    extra_terms: list[str] = field(default_factory=list)
    resolved: dict[str, str] = field(default_factory=dict)
    topic_terms: list[str] = field(default_factory=list)  # the previous question's, as hints
    # a reference to an answer an earlier turn did not give -> that turn's question
    unresolved: dict[str, str] = field(default_factory=dict)


def reference_kind(expression: str) -> str | None:
    """The kind of thing a referring expression stands for: "he" PERSON, "they" GROUP,
    "there" and "that town" PLACE, "it" and "that meeting" THING; None for anything else."""
    low = " ".join(expression.lower().split())
    if low in _PRONOUNS:
        return _PRONOUNS[low]
    m = _DEMONSTRATIVE_RE.fullmatch(low)
    return _NOUN_KIND.get(m.group(2)) if m else None


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


def _plural(name: str) -> bool:
    """"Haftar's forces", "farmers from Aldwick", "Serraj and Haftar": more than one, or a body."""
    return " and " in name or bool(re.search(r"\b(?:" + "|".join(GROUP_NOUNS) + r"|people|ministry|government|army)\b"
                                             r"|^[a-z][\w-]*[^s\W]s\b|['’]s [a-z][\w-]*[^s\W]s\b", name))


def _fits(want: str, kind: str | None, e: Entity, from_answer: bool, identity: bool) -> int:
    """How well a name fits a reference: 2 well, 1 when nothing says otherwise, 0 not.
    "they" agrees in number: a group or several names, never one person."""
    if want == PERSON:
        if kind == PERSON or identity:
            return 2
        return 2 if from_answer and kind not in (PLACE, THING) and not e.name.isupper() else 0
    if want == PLACE:  # "the UN", "the LNA" are no places
        return 2 if kind == PLACE else 1 if kind is None and not e.name.isupper() else 0
    if want == GROUP:
        return 2 if _plural(e.name) else 0 if kind in (PERSON, PLACE) else 1
    return 0 if kind == PERSON else 2


def _context_texts(context: Sequence[Answer]) -> list[str]:
    texts = []
    for a in context[-MAX_LOOKBACK:]:
        texts.append(a.question)
        texts.extend(c.quote for c in a.citations)
    return texts


def resolve(question: str, context: Sequence[Answer], index=None) -> Resolution:
    """What a follow-up question refers to in the conversation so far (oldest first).

    A reader's rules: a person pronoun takes a person, "it"/"there" a place or thing, "they" a
    group; a pronoun points at the earlier question's answer when that question asked for
    something of its kind ("Who took Gharyan?" -> he is who took it; "Which town ...?" -> it is
    the town), else at what the question asked about ("Who is Khalifa Haftar?" -> he is Haftar);
    the newest turn that can give one wins. A turn that abstained gives no answer to point at
    (and nothing from its off-topic question). A self-contained question resolves to nothing.
    ``index`` (the brief's), when given, types names as the answer stage does (``Names``).
    """
    res = Resolution()
    if not context:
        return res
    names = None
    if index is not None:
        from .answer.names import Names

        names = Names.of(index)
    own_terms = set(tokenize(question))
    own_entities = entities(question)
    texts = _context_texts(context)
    kinds: dict[str, str | None] = {}

    def kind_of(e: Entity) -> str | None:
        if e.name not in kinds:
            kinds[e.name] = kind_in(e, texts, names)
        return kinds[e.name]

    sexes: dict[str, str | None] = {}

    def sex_of(e: Entity) -> str | None:
        if e.name not in sexes:
            sexes[e.name] = mentions.sex(e.name, texts + _brief_texts(e.name, index))
        return sexes[e.name]

    fold = index.map_term if index is not None else str
    turns = [Turn(a, _spelled_out(a), fold, lambda word: _brief_texts(word, index), kind_of,
                   lambda a: mentions.people_meant(a, index, names), lambda a: _after(a, index))
             for a in reversed(context[-MAX_LOOKBACK:])]
    found: list[tuple[int, str, str]] = []
    taken: set[frozenset[str]] = set()
    by_kind: dict[str, str] = {}
    refs = _references(question)
    order = {PERSON: 0, GROUP: 1, PLACE: 2, THING: 3}  # "there" takes a where-answer before "it"
    for ref, want, pos in sorted(refs, key=lambda r: (order[r[1]], r[2])):
        if any(ref.lower() == f[1].lower() for f in found):
            continue
        # "Did Haftar say he would stop?": a fitting name before the pronoun is its referent
        before = [e for e in own_entities if e.start < pos]
        if want == PERSON and any(kind_of(e) == PERSON for e in before):
            continue
        if ref.lower() in _POSSESSIVES and want != PERSON and any(kind_of(e) != PERSON for e in before):
            continue
        key = _AGREES.get(ref.lower())
        if key in by_kind:  # "When did he order his forces ...?": his is he
            found.append((pos, ref, by_kind[key]))
            continue
        choice = _choose(ref, want, turns, own_terms, taken, kind_of, index, sex_of)
        if choice is None:
            if (unanswered := _unanswered(want, turns)) is not None:
                res.unresolved[ref] = unanswered
            continue
        taken.add(choice.terms)
        if key:
            by_kind.setdefault(key, choice.name)
        found.append((pos, ref, choice.name))
    for _pos, ref, meaning in sorted(found):
        res.resolved[ref] = meaning
        for t in tokenize(meaning):
            if t not in own_terms and t not in res.extra_terms:
                res.extra_terms.append(t)
    if refs:
        # what the conversation was about: the previous question's words ("What did he vow to
        # protect?" is still about the army and politics)
        res.topic_terms = [t for t in dict.fromkeys(tokenize(_spelled_out(context[-1])))
                           if t not in own_terms and t not in res.extra_terms]
    if not res.resolved and (_ELLIPSIS_RE.match(question) or not own_terms):
        _continue(res, context[-1], own_terms, bool(own_entities))
    return res


def _continue(res: Resolution, prev: Answer, own_terms: set[str], names_own: bool) -> None:
    """"And Tripoli?", "Why?": the previous question, minus what this one replaces (its names,
    when this one ``names_own``)."""
    replaced: set[str] = set()
    if names_own:
        for e in entities(_spelled_out(prev)):
            replaced |= e.terms
    extra = [t for t in dict.fromkeys(tokenize(_spelled_out(prev))) if t not in own_terms and t not in replaced]
    if extra:
        res.extra_terms = extra
        res.resolved["context"] = prev.question


def _after(answer: Answer, index) -> str:
    """What the paragraph of an answer's first citation says after the quote."""
    if index is None or not answer.citations:
        return ""
    c = answer.citations[0]
    return (index.brief.paragraph(c.doc, c.paragraph) or "")[c.end:]


def _unanswered(want: str, turns: list[Turn]) -> str | None:
    """The question whose answer, not given, a reference of kind ``want`` left open stands
    for: the newest turn's that pointed at its answer, past turns that named nothing."""
    for turn in turns:
        candidates = turn.candidates(want)
        if candidates is None:
            return turn.answer.question
        if candidates:
            return None
    return None


def _choose(ref: str, want: str, turns: list[Turn], own_terms: set[str], taken: set[frozenset[str]],
            kind_of, index, sex_of=lambda e: None) -> Entity | None:
    """The referent of one reference: the best-fitting name of the newest turn that has one.
    "he" and "she" agree with how the brief refers to a person (``sex_of``: "he", "she" or
    None): never someone it calls the other. A "she" takes someone the brief calls "she"
    before anyone it does not say of; a "he" keeps the surest person it does not say of (a
    news brief calls most people "he", and a spokesman it quotes without a pronoun is still
    the "he" of "Who said ...?")."""
    said = _AGREES.get(ref.lower()) if want == PERSON else None
    for turn in turns:
        if want == THING and " " in ref and (done := mentions.done(turn.question, ref)):
            return done  # "that meeting" after "Where did Haftar meet Lavrov?"
        candidates = turn.candidates(want)
        if candidates is None:
            continue  # it points at an answer this turn did not give
        best, best_fit = None, 0
        for e, from_answer in candidates:
            if e.terms <= own_terms or e.terms in taken:
                continue
            if turn.answer.abstained and index is not None and not all(t in index for t in e.terms):
                continue  # an off-topic question's names are nothing the brief can say more of
            if want == THING and " " in ref and not set(tokenize(ref)) <= e.terms:
                continue  # "that meeting" is an event, not Moscow; "the conference" may be
                # the National Conference
            kind = kind_of(e)
            if kind is None and _common_word(e, turn, want, from_answer, index):
                continue
            fit = _fits(want, kind, e, from_answer, e.name == turn.identity and turn.asked_who)
            if fit and said in ("he", "she") and (known := sex_of(e)):
                fit = 3 if known == said else 0
            if fit and want == THING and kind is None and turn.adds(e):
                fit = 1  # a name the answer's sentence adds, untyped: one typed a place or thing first
            if fit > best_fit:
                best, best_fit = e, fit
            if fit == 3 or (fit == 2 and said != "she") or (fit and want == PLACE):
                break  # a place or thing: the first named; a person or group: the surest
        if want == GROUP and best_fit < 2:  # one name is "they" only when no two people are
            best = _pair(turn, own_terms, kind_of) or best
        if best is not None:
            return best
    return None


def _pair(turn: Turn, own_terms: set[str], kind_of) -> Entity | None:
    """"they" after "Who did Serraj meet?" -> "Haftar": the two people of the turn."""
    people: list[Entity] = []
    for e, from_answer in turn.candidates(PERSON) or []:
        if (not e.terms <= own_terms and " and " not in e.name and all(not e.terms & p.terms for p in people)
                and kind_of(e) != PLACE and not e.name.isupper()):
            people.append(e)
    return mentions.whole(f"{people[0].name} and {people[1].name}") if len(people) >= 2 else None


def _common_word(e: Entity, turn: Turn, want: str, from_answer: bool, index) -> bool:
    """A capitalised word no one would point back to: a sentence's first word that is not
    written with a capital elsewhere ("Armed groups from ..."), or an adjective ("Libyan" of
    "Libyan army commander")."""
    if " " in e.name or (from_answer and turn.answer.grade == "short"):
        return False
    for text in (turn.question, turn.answer.evidence or ""):
        at = text.find(e.name)
        if at < 0:
            continue
        nxt = re.match(r" ([a-z][\w-]*)", text[at + len(e.name):])
        if want != PERSON and _DEMONYM_RE.search(e.name) and nxt and nxt.group(1) not in STOPWORDS:
            return True
        if at == 0 or text[max(0, at - 2):at] in (". ", '" ', "“ "):
            return not _capitalised_inside(e.name, [text] + (_brief_texts(e.name, index) if e.terms else []))
        return False
    return False


def _capitalised_inside(word: str, texts: Sequence[str]) -> bool:
    rx = re.compile(r"[a-z,;:] " + re.escape(word) + r"\b")
    return any(rx.search(t) for t in texts)


def _brief_texts(words: str, index, n: int = 24) -> list[str]:
    """Up to ``n`` of the brief's paragraphs that hold the last word of ``words``."""
    terms = tokenize(words)
    if index is None or not terms:
        return []
    t = terms[-1]
    return [index.brief.chunks[int(c)].text for c in index.chunks_with(t)[:n]] if t in index else []
