"""The question, read once per ask: what it asks for and the terms every later step weighs.

A question is read for what it asks (a person, a place, a date, a quantity, a reason, ...),
its focus word ("which *city*", "what *year*") and its terms, with the brief's name variants
folded and each term weighted by its idf in the brief. The text is split into words once
(``read``); everything a later step asks of the question (its terms before and after the
question word, its word n-grams, its capitalised names, whether it is negated) is computed
here from those words, so no step reads the question's text again.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..index import Index
from ..text import fold, term, tokenize, word_terms
from .demonyms import name_forms

PERSON, PLACE, DATE, NUMBER, QUANTITY, DURATION, REASON, MANNER, YESNO, THING, WHICH = (
    "person", "place", "date", "number", "quantity", "duration", "reason", "manner", "yesno",
    "thing", "which")
KINDS = (PERSON, PLACE, DATE, NUMBER, QUANTITY, DURATION, REASON, MANNER, YESNO, THING, WHICH)

_PLACE_NOUNS = {"city", "town", "country", "place", "region", "district", "state", "area",
                "capital", "village", "county", "province", "continent", "island", "location",
                "nation", "port", "river", "mountain", "street", "neighborhood", "territory"}
_TIME_NOUNS = {"year", "date", "day", "month", "time", "century", "decade", "period", "era",
               "season", "week", "hour", "age"}
_PERSON_NOUNS = {"person", "man", "woman", "leader", "president", "minister", "commander",
                 "official", "group", "organization", "company", "party", "team", "spokesman",
                 "general", "king", "queen", "author", "founder", "chief", "name",
                 # titles of office: "Which UN secretary-general ...?" asks for a person
                 "secretary-general", "secretary", "chancellor", "governor", "mayor", "premier",
                 "ambassador", "envoy", "senator", "prince", "princess", "pope", "emperor"}
_NUMBER_NOUNS = {"number", "percentage", "percent", "amount", "proportion", "rate", "share",
                 "population", "size", "cost", "price", "total"}
_AUX = re.compile(r"^(is|are|was|were|do|does|did|can|could|will|would|has|have|had|should)\b", re.I)

_KIND_RULES = [
    (re.compile(r"\bhow (many|much)\b", re.I), NUMBER),
    (re.compile(r"\bhow long\b|\bfor how\b", re.I), DURATION),
    (re.compile(r"\bhow (far|big|large|tall|high|old|wide|deep|heavy|often|fast|close)\b", re.I), QUANTITY),
    (re.compile(r"\bwhen\b", re.I), DATE),
    (re.compile(r"\b(who|whom|whose)\b", re.I), PERSON),
    (re.compile(r"\bwhere\b", re.I), PLACE),
    (re.compile(r"\bwhy\b", re.I), REASON),
    (re.compile(r"\bhow\b", re.I), MANNER),
]
_WH_NOUN = re.compile(r"\b(what|which|whose)\s+(?:kind of |type of |sort of )?([a-zA-Z'’-]+)(?:\s+([a-zA-Z'’-]+))?", re.I)
# "Which UN chief visited ...", "Which Libyan National Army commander spoke": names that modify
# the noun asked for; not "Which Treaty protects the ...", whose word after the name takes an object
_NAMED_NOUN = re.compile(r"(?:\s+[A-Z][\w'’-]*)+\s+([a-z][a-z'’-]*)\b(?!\s+(?:the|a|an|his|her|its|their)\b)")


_HOW_MANY = re.compile(r"\bhow (?:many|much)\s+([a-zA-Z'’-]+)(?:\s+([a-zA-Z'’-]+))?", re.I)
_MONEY_NOUNS = {"dollars", "pounds", "euros", "yen", "francs", "rupees", "yuan"}
_NOT_COUNTED = {"is", "was", "are", "were", "did", "does", "do", "has", "have", "had", "can",
                "could", "will", "would", "should", "may", "might", "of", "in", "on", "at", "for",
                "to", "from", "by", "with"}


def _counted_noun(q: str) -> str:
    """What "how many"/"how much" counts: "farms" of "How many farms are there", "fighters" of
    "How many more Libyan fighters ..."; "" for "How much did it cost"."""
    m = _HOW_MANY.search(q)
    if not m:
        return ""
    words = [w for w in m.groups() if w]
    while words and (words[0].lower() in ("more", "fewer", "less", "other", "additional", "different")
                     or (words[0][:1].isupper() and len(words) > 1)):
        words = words[1:]
    w = fold(words[0]) if words else ""
    return "" if w in _NOT_COUNTED else w


def question_kind(question: str) -> tuple[str, str]:
    """(expected answer type, focus noun) of a question."""
    q = " ".join(question.split())
    focus = ""
    m = _WH_NOUN.search(q)
    if m:
        w = re.sub(r"'s$", "", fold(m.group(2)))
        if w in ("is", "was", "are", "were", "did", "does", "do", "has", "have", "had"):
            nm = re.search(r"\bthe (name|number|amount|percentage|size) of\b", q, re.I)
            w = nm.group(1).lower() if nm else ""
        if w == "name":  # "the name of Haftar's army": the army is what is named
            nm = re.search(r"\bname of (?:the |a |an )?(?:[\w-]+['’]s )?([a-zA-Z-]+)", q, re.I)
            w = fold(nm.group(1)) if nm else w
        if m.group(2)[:1].isupper() and (named := _NAMED_NOUN.match(q, m.start(2) - 1)):
            noun = re.sub(r"['’]s$", "", fold(named.group(1)))
            if tokenize(noun) and m.group(1).lower() == "which":  # not "Which Senator was"
                w = noun
        focus = w
    if not focus:
        focus = _counted_noun(q)
    # the question word that comes first decides: "Which city did Guterres visit when the
    # assault was launched?" asks for a place, not a time
    first = None
    for rx, kind in _KIND_RULES:
        hit = rx.search(q)
        if hit and (first is None or hit.start() < first[0]):
            first = (hit.start(), kind)
    if first and not (m and m.start() < first[0]):
        kind = first[1]
        if kind == MANNER and re.search(r"\bhow (is|are|was|were|did|does|do)\b.*\b(called|named|known)\b", q, re.I):
            return THING, focus
        return kind, focus
    if focus and re.match(r"\s+(?:kind|type|sort)s? of\b", q[m.end(1):], re.I) and m.group(1).lower() == "what":
        return THING, focus  # "What sort of town is it?" asks what the town is like: "coastal"
    if focus:
        stem = focus.rstrip("s")
        if stem in _TIME_NOUNS:
            return DATE, focus
        if stem in _PLACE_NOUNS or focus in _PLACE_NOUNS:
            return PLACE, focus
        if stem in _NUMBER_NOUNS:
            return NUMBER, focus
        if stem in _PERSON_NOUNS and focus != "name":
            return PERSON, focus
        if re.match(r"\s*which\b", q[m.start():], re.I):
            return WHICH, focus
    if re.search(r"\bwhat\b", q, re.I):
        return THING, focus
    if _AUX.match(q):
        return YESNO, focus
    return THING, focus


def wh_word(question: str) -> str:
    """The question word, for reports: who/when/where/how many/what/which/why/other."""
    q = question.lower()
    if re.search(r"\bhow (many|much)\b", q):
        return "how many"
    for w in ("who", "when", "where", "which", "what", "why"):
        if re.search(rf"\b{w}\b", q):
            return w
    if re.search(r"\b(whom|whose)\b", q):
        return "who"
    return "other"



EXTRA_WEIGHT = 0.25   # weight of a conversation's terms against the question's own
NEGATIONS = frozenset({"not", "no", "never", "n't", "nor", "none", "neither", "without"})
_HOW_ADJ = re.compile(r"\bhow\s+(far|long|big|large|tall|high|old|wide|deep|heavy|often|fast|close|"
                      r"soon|late|early|small|short)\b", re.I)
_WH_AT = re.compile(r"\b(what|which|who|whom|whose|when|where|why|how)\b", re.I)
AUX_WORDS = frozenset({"is", "are", "was", "were", "do", "does", "did", "can", "could", "will",
                       "would", "has", "have", "had", "should", "may", "might", "must"})
_WH_PLURAL = re.compile(r"\b(?:what|which)\s+(?:kinds? of |types? of )?([a-z]+)", re.I)
_CAPS_STRIP = "?.,;:!\"'()"


@dataclass(frozen=True)
class Question:
    """A question as the answer stage reads it; built by ``read``, never changed after."""

    text: str        # what the engine reads: a follow-up with its references spelled out
    asked: str       # as the user typed it
    kind: str
    focus: str       # the term of the head noun of "which city", "what year", "the name of ..."
    tokens: tuple[str, ...]  # the terms of the text in order, as retrieval takes them
    extra: tuple[str, ...]   # terms the conversation adds (a follow-up's referent), not in tokens
    own: frozenset[str]      # terms of the question itself, the brief's name variants folded
    term_set: frozenset[str]  # with the conversation's
    weights: dict[str, float]  # term -> idf in the brief (a term it lacks weighs the most)
    total: float               # the sum of the weights
    oov: float                 # the weighted share of its own terms that no chunk holds
    before: frozenset[str]     # terms before the question word
    after: frozenset[str]      # terms from the question word on
    before_weight: float       # the weight of those before (1 when none), ...
    after_weight: float        # ... and after it
    form: str                  # "late", "aux" or "subj" (see ``_sides``)
    bigrams: frozenset[tuple[str, str]]
    grams: frozenset[tuple[str, ...]]  # word 2- and 3-grams, stopwords kept (``word_token``)
    gram_words: frozenset[str]         # the same tokens, one by one
    plural: bool                       # asks for several things: "Which countries ...?"
    caps: tuple[str, ...]              # terms of capitalised words after the first (names)
    negated: bool
    resolved: dict[str, str] = field(default_factory=dict)  # follow-up reference -> meaning
    unresolved: dict[str, str] = field(default_factory=dict)  # reference -> the question left unanswered
    counts: bool = False  # "how many": a count answers, never a sum of money
    # each own term's word as typed ("captured" for "captur"): what a word vector is looked up
    # by; a term the conversation adds is its own surface
    surface: dict[str, str] = field(default_factory=dict)
    stranded: str = ""   # the preposition it ends with ("Which town is it near?"), lowercased
    whose: bool = False  # asks whose: "Which city's mayor ...?", "Whose forces ...?"
    # the brief's other forms of the question's names, each to the name's term: "turkey" ->
    # "turkish" for "Which Turkish official ...?" (``demonyms``); retrieved with its terms and
    # held by a sentence that writes it capitalised (``as_asked``)
    forms: dict[str, str] = field(default_factory=dict)
    # the sentence phrases that state a predicate of the question, each to its term:
    # ("take", "place") -> "hold" for "... be held?" (``as_asked``)
    phrases: dict[tuple[str, ...], str] = field(default_factory=dict)

    @property
    def referred(self) -> frozenset[str]:
        """A follow-up's terms taken from the conversation."""
        return self.term_set - self.own

    @property
    def search_terms(self) -> list[str]:
        return list(self.tokens) + list(self.extra) + list(self.forms)

    def coverage(self, terms) -> float:
        """The weighted share of the question's terms among ``terms``."""
        return sum(v for t, v in self.weights.items() if t in terms) / self.total if self.total else 0.0


def read(text: str, index: Index, extra_terms: Sequence[str] = (), *, asked: str | None = None,
         resolved: dict[str, str] | None = None, unresolved: dict[str, str] | None = None) -> Question:
    """The question ``text`` as the answer stage reads it, against ``index``'s brief.

    ``extra_terms`` are terms the conversation adds (a follow-up's referent and topic);
    ``asked`` is the question as typed, ``resolved`` what its references were taken to mean and
    ``unresolved`` those that stand for an answer not given (all for the answer; ``text`` is
    what is read)."""
    m = index.term_map or {}
    words = word_terms(text)
    tokens = tuple(t for *_r, t in words if t)
    in_text = set(tokens)
    extra = tuple(t for t in dict.fromkeys(extra_terms) if t not in in_text)
    # "how far", "how long", "how old": the adjective belongs to the question word (the answer
    # is a distance, a duration, an age), so the passages need not contain it
    wh_adjective = {term(a) for a in _HOW_ADJ.findall(text)}
    # "took back" the brief writes "retook": its "back" belongs to the verb (``_again``)
    again = _again(text, index)
    own = [m.get(t, t) for t in tokens if t not in wh_adjective and not (again and t == "back")]
    mapped_extra = [m.get(t, t) for t in extra if m.get(t, t) not in own]
    kind, focus = question_kind(text)
    focus_term = m.get(t := (tokenize(focus) or [""])[0], t)
    own_set, term_set = frozenset(own), frozenset(own + mapped_extra)
    top = math.log(1.0 + (len(index) + 0.5) / 0.5)
    caps = _caps(text, words, m)
    forms = _other_forms(caps, own_set, index)
    # in the question's word order, not a set's: sums over the weights must not depend on the
    # interpreter's hash seed (a coverage of exactly one half fell either side of its gate)
    weights = {t: (index.idf(t) or top) * (1.0 if t in own_set else EXTRA_WEIGHT)
               for t in dict.fromkeys(own + mapped_extra)}
    total = sum(weights.values())
    before, after, form = _sides(text, words, m)
    toks = [word_token(w, t, m) for _s, _e, w, t in words]
    return Question(
        text=text, asked=text if asked is None else asked, kind=kind, focus=focus_term,
        tokens=tokens, extra=extra, own=own_set, term_set=term_set, weights=weights, total=total,
        oov=sum(top for t in own_set if not index.idf(t)) / total if total else 1.0,
        before=before, after=after, form=form,
        before_weight=sum(v for t, v in weights.items() if t in before) or 1.0,
        after_weight=sum(v for t, v in weights.items() if t in after) or 1.0,
        bigrams=bigrams([m.get(t, t) for t in tokens]), grams=grams(toks), gram_words=frozenset(toks),
        plural=_plural_focus(text), caps=caps, forms=forms, phrases={**_stated_as(text, own_set), **again},
        negated=bool({fold(x) for x in text.split()} & NEGATIONS) or "n't" in text,
        resolved=dict(resolved or {}), unresolved=dict(unresolved or {}), counts=counts(text),
        surface={m.get(t, t): w for _s, _e, w, t in reversed(words) if t},
        stranded=(st.group(1).lower() if (st := _STRANDED.search(text)) else ""),
        whose=bool(_WHOSE.search(text)))


# "Which town is it near?": its answer is the preposition's object, "Gharyan", not "near Gharyan"
_STRANDED = re.compile(r"\b(near|from|in|into|to|at|with|by|for|on|of|about|after|before)\s*\?*\s*$", re.I)
# "Which city's mayor ...?" asks for the name before the title
_WHOSE = re.compile(r"\b(?:which|what)\s+[\w-]+['’]s\b|\bwhose\b", re.I)


def counts(question: str) -> bool:
    """Whether the question asks for a count ("How many farms ...?"), not for an amount
    ("How much did it cost?"); "how many dollars" asks for a sum."""
    m = _HOW_MANY.search(question)
    return bool(m) and m.group(0).lower().startswith("how many") and fold(m.group(1)) not in _MONEY_NOUNS


def _sides(text: str, words, m: dict[str, str]) -> tuple[frozenset[str], frozenset[str], str]:
    """The question's terms before and after its question word, and its form: "late" (the
    question word comes after content words: "Burbank is an example of what kind of
    district?"), "aux" (an auxiliary follows it: "What did the Normans conquer?") or "subj"
    ("What caused the fire?")."""
    mt = _WH_AT.search(text)
    if not mt:
        return frozenset(), frozenset(m.get(t, t) for *_r, t in words if t), "subj"
    at = mt.start()
    before = frozenset(m.get(t, t) for _s, e, _w, t in words if t and e <= at)
    after = frozenset(m.get(t, t) for s, _e, _w, t in words if t and s >= at)
    rest = text[mt.end():].split()
    if before:
        form = "late"
    elif any(w.lower().strip(",") in AUX_WORDS for w in rest[:3]):
        form = "aux"
    else:
        form = "subj"
    return before, after, form


def _caps(text: str, words, m: dict[str, str]) -> tuple[str, ...]:
    """Terms of the capitalised words of a question after its first word (names, mostly)."""
    out = []
    for piece in list(re.finditer(r"\S+", text))[1:]:
        wd = piece.group()
        core = wd.strip(_CAPS_STRIP)
        if core[:1].isupper():
            a = piece.start() + len(wd) - len(wd.lstrip(_CAPS_STRIP))
            b = a + len(core)
            out.extend(m.get(t, t) for s, e, _w, t in words if t and a <= s and e <= b)
    return tuple(out)


def _other_forms(caps: Sequence[str], own: frozenset[str], index: Index) -> dict[str, str]:
    """The brief's terms that are another form of one of the question's names (``caps``) and
    not a term of the question, each to the name's term."""
    m = index.term_map or {}
    out: dict[str, str] = {}
    for t in caps:
        for f in sorted(name_forms([t])):
            f = m.get(f, f)
            if f != t and f not in own and index.idf(f):
                out.setdefault(f, t)
    return out


# a predicate a sentence often states in other words: the question's phrase, the term it is
# read as, and the sentence's phrases (terms) that state it: "Where was the conference going to
# be held?" is answered by "... is planned to take place in Libya's Ghademes", not by "will hold
# accountable any faction"
_PHRASES = (
    (re.compile(r"\b(?:be|been|being|is|are|was|were)\s+(?:\w+\s+)?held\b", re.I), "hold",
     (("take", "place"), ("happen",), ("occur",))),
)


def _stated_as(text: str, own: frozenset[str]) -> dict[tuple[str, ...], str]:
    """The sentence phrases (terms) that state a predicate of the question ``text``, each to
    the question's term for it (``_PHRASES``)."""
    return {said: t for rx, t, phrases in _PHRASES if t in own and rx.search(text) for said in phrases}


_BACK = re.compile(r"\b([a-z]+)\s+back\b", re.I)


def _again(text: str, index: Index) -> dict[tuple[str, ...], str]:
    """A question's verb with "back" ("took back", "captured back") that the brief writes with
    "re-" ("retook", "recaptured"): that word's term -> the verb's, for ``Question.phrases``."""
    out = {}
    for verb in _BACK.findall(text):
        t = term("re" + verb.lower())
        if t and index.idf(t):
            out[(t,)] = term(verb)
    return out


def as_asked(q: Question, words: Sequence[tuple], terms: list[str]) -> list[str]:
    """A sentence's word ``terms`` read as the question words them: a capitalised word that
    writes another form of a question's name (``Question.forms``) as that name ("Turkey" holds
    "Turkish"), and a phrase that states a predicate of the question in other words
    (``Question.phrases``) as the question's term ("take place" holds "be held")."""
    if q.forms:
        terms = [q.forms.get(t, t) if t and w[2][:1].isupper() else t for t, w in zip(terms, words)]
    if q.phrases:
        terms = list(terms)
        for k in range(len(terms)):
            for said, t in q.phrases.items():
                if tuple(terms[k:k + len(said)]) == said:
                    terms[k] = t
    return terms


def _plural_focus(question: str) -> bool:
    """Whether the question asks for several things: "Which countries ...?" """
    mt = _WH_PLURAL.search(question)
    w = mt.group(1).lower() if mt else ""
    return (len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "ous"))
            and w not in AUX_WORDS and w not in ("news", "series", "species", "this"))


def word_token(word: str, t: str, m: dict[str, str]) -> str:
    """A word as the n-gram alignment sees it: its term ``t`` (variants folded), or the
    stopword itself."""
    return m.get(t, t) if t else fold(word)


def grams(toks: list[str], n: int = 3) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(toks[k:k + L]) for L in range(2, n + 1) for k in range(len(toks) - L + 1))


def bigrams(terms: Sequence[str]) -> frozenset[tuple[str, str]]:
    return frozenset(zip(terms, terms[1:]))
