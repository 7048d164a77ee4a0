"""Question analysis and candidate answer spans, the first half of the selector.

A question is read for what it asks (a person, a place, a date, a quantity, a reason, ...),
its focus word ("which *city*", "what *year*") and its terms. A sentence is read once for
the spans that could answer anything: proper-name sequences (with particles such as al-,
bin, de), numbers and quantities with their units and modifiers, dates, quoted phrases,
noun-phrase-like runs of content words, clauses after "because/to/as", appositions. Each
span is an exact slice of the sentence and carries its shape; ``answer.py`` scores it.
Sentence parses depend on the text only, so they are cached per chunk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .text import STOPWORDS, WORD_RE, fold, sentence_spans, term

# --- question analysis -------------------------------------------------------------

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
                 "general", "king", "queen", "author", "founder", "chief", "name"}
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


@dataclass
class Question:
    text: str
    kind: str
    terms: list[str]  # its terms (folded by the brief's name variants), extra terms after
    focus: str = ""   # the head noun of "which city", "what year", "the name of ..."
    term_set: frozenset[str] = field(default_factory=frozenset)
    own: frozenset[str] = field(default_factory=frozenset)  # terms of the question itself


_HOW_MANY = re.compile(r"\bhow (?:many|much)\s+([a-zA-Z'’-]+)(?:\s+([a-zA-Z'’-]+))?", re.I)
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


# --- sentences and their spans -----------------------------------------------------

_PARTICLES = {"al", "el", "bin", "ibn", "bint", "abu", "de", "da", "di", "du", "van", "von",
              "der", "den", "la", "le", "of", "y", "del", "ben"}
_CAP_STOP = {w.capitalize() for w in STOPWORDS} | {"The", "A", "An", "Mr", "Mrs", "Ms", "Dr"}
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|"
           "December|Jan\\.|Feb\\.|Aug\\.|Sept\\.|Sep\\.|Oct\\.|Nov\\.|Dec\\.")
DATE_RE = re.compile(
    rf"\b(?:(?:early|late|mid)[ -])?(?:(?:{_WEEKDAYS})(?:,? (?:{_MONTHS}) \d{{1,2}}(?:, \d{{4}})?)?"
    rf"|(?:{_MONTHS}) \d{{1,2}}(?:-\d{{1,2}})?(?:,? \d{{4}})?|\d{{1,2}} (?:{_MONTHS})(?: \d{{4}})?"
    rf"|(?:{_MONTHS}) \d{{4}}|(?:{_MONTHS})|(?:1[0-9]|20)\d{{2}}s?(?:[-–](?:1[0-9]|20)?\d{{2}})?"
    rf"|(?:last|this|next|earlier this|later this) (?:week|month|year|weekend)"
    rf"|\d{{1,2}}(?:st|nd|rd|th) century|overnight|yesterday|today|tomorrow)\b")
_NUMWORD = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
            "fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
            "eighty|ninety|hundred|hundreds|thousand|thousands|million|millions|billion|billions|"
            "dozen|dozens|half|first|second|third|fourth|fifth|tenth")
NUMWORDS = frozenset(_NUMWORD.split("|"))
UNITS = frozenset("""km kilometers kilometres kilometer kilometre miles mile meters metres meter
metre m feet foot ft inches inch cm mm kg kilograms pounds lbs tons tonnes hours hour days day
weeks week months month years year minutes minute seconds second percent % people acres hectares
square mph degrees dollars euros pounds barrels times per""".split())
_MODIFIER = r"(?:more than|less than|fewer than|at least|up to|about|around|nearly|almost|over|some|roughly|approximately|an estimated|as many as|only)"
NUMBER_RE = re.compile(
    rf"(?:\b{_MODIFIER}\s+)?(?:[$£€]\s?)?(?:\d[\d,]*(?:\.\d+)?|\b(?:{_NUMWORD})\b)"
    rf"(?:[- ](?:{_NUMWORD}|million|billion|trillion)\b)*(?:\s?(?:%|percent|per cent))?"
    rf"(?:[ -](?:square |cubic )?(?:{'|'.join(sorted(UNITS - {'%', 'per', 'm'}, key=len, reverse=True))})\b)?"
    rf"(?:\s\((?:\d[\d,.]*)\s[a-z]+\))?", re.I)
CURRENCY_SIGNS = "$£€¥"
_CURRENCY = re.compile(rf"[{re.escape(CURRENCY_SIGNS)}]\s?\d")
_REASON_RE = re.compile(r"\b(?:because(?: of)?|due to|in order to|so that|as a result of|so as to|to|as|since|by)\s+([^.;:!?,]{3,160})", re.I)
_QUOTED_RE = re.compile(r"[\"“]([^\"“”]{2,160})[\"”]")
_APPOS_RE = re.compile(r"([A-Z][\w'’-]*(?:\s[\w'’-]+){0,3}),\s((?:[A-Z][\w'’.-]*\s?){1,5})[,.]")
_JOIN = re.compile(r"\s?[-–—/&]\s?|\s")
MAX_NGRAM = 6

# shapes of a span (a span may have several)
SHAPES = ("name", "cap", "num", "date", "year", "unit", "quoted", "lower", "clause", "appos",
          "weekday", "month", "list")
# a title before a name is not part of the person's name: "Abdelaziz Bouteflika" of "President
# Abdelaziz Bouteflika" cuts no name
_TITLES = frozenset("""president prime minister gen general field marshal col colonel king queen
prince princess sheikh secretary-general secretary sir lord pope chancellor senator governor
mayor commander lt major captain judge premier ambassador envoy spokesman chief""".split())
# the letters of a dotted abbreviation are one name, with its final dot: "U.N.", "U.S."
_INITIAL = re.compile(r"[A-Z]{2}")
_DOTTED = re.compile(r"(?<![\w.])(?:[A-Z]\.){2,}")
# between the members of a list of names: ", ", ", and ", " and the ", " or "
_LIST_GAP = re.compile(r",\s*(?:(?:and|or)\s+)?(?:the\s+)?|\s+(?:and|or)\s+(?:the\s+)?")


@dataclass
class Span:
    start: int  # offsets in the sentence
    end: int
    text: str
    first: int  # word indices covered, inclusive
    last: int
    terms: tuple[str, ...]
    shapes: frozenset[str]
    cuts: bool  # splits a name or a number run
    static: object = None  # the selector's question-independent features, filled on first use


@dataclass
class Sentence:
    start: int  # offsets in the chunk
    end: int
    text: str
    words: list[tuple[int, int, str, str]]  # (start, end, word, term)
    spans: list[Span]


def _joinable(words: list[tuple[int, int, str, str]], s: str) -> list[bool]:
    """Whether each word and the next are joined (a space, a hyphen, a slash; or the dot of a
    dotted abbreviation) rather than parted by punctuation."""
    return [bool(_JOIN.fullmatch(gap := s[words[k][1]:words[k + 1][0]] or " ")
                 or (gap == "." and _INITIAL.fullmatch(words[k][2] + words[k + 1][2])))
            for k in range(len(words) - 1)]


def _name_runs(words: list[tuple[int, int, str, str]], s: str, joinable: list[bool]) -> list[tuple[int, int]]:
    """Word-index runs of capitalised words, with particles inside ("Abdel-Salam al-Hassi")."""
    runs, i, n = [], 0, len(words)
    while i < n:
        w = words[i][2]
        if not w[0].isupper() or w in _CAP_STOP:
            i += 1
            continue
        j, k = i, i + 1
        while k < n and joinable[k - 1]:
            nk = words[k][2]
            gap = s[words[k - 1][1]:words[k][0]]
            if (nk[0].isupper() and nk not in _CAP_STOP) or (gap == "-" and k == j + 1) or gap == ".":
                j = k  # a capitalised word, the lower part of a hyphenated one ("Ki-moon"), a dotted letter
            elif nk.lower() not in _PARTICLES:
                break
            k += 1
        runs.append((i, j))
        i = j + 1
    return runs


def parse_sentence(s: str, start: int = 0) -> Sentence:
    words = [(m.start(), m.end(), m.group(), term(m.group())) for m in WORD_RE.finditer(s)]
    n = len(words)
    starts = {ws: i for i, (ws, *_r) in enumerate(words)}
    ends = {we: i for i, (_s, we, *_r) in enumerate(words)}
    for m in _DOTTED.finditer(s):  # a dotted abbreviation ends with its dot: "the U.N."
        if m.end() - 1 in ends:
            ends[m.end()] = ends.pop(m.end() - 1)
    shapes: dict[tuple[int, int], set[str]] = {}

    def add(a: int, b: int, *kinds: str) -> None:
        while b > a and b not in ends and s[b - 1] in " ,;:.'’\"”)–—-":
            b -= 1
        if b not in ends and b + 1 in ends:  # "U.N" -> "U.N."
            b += 1
        while a < b and s[a] in " ,;:'‘\"“(–—-":
            a += 1
        if b > a and _word_at(s, a, starts) is not None and (b in ends or (s[b - 1] == "%" and b - 1 in ends)):
            shapes.setdefault((a, b), set()).update(kinds)  # with its "%" and "£" if it has them

    joinable = _joinable(words, s)
    # content-word n-grams that stop at punctuation (a crude noun-phrase chunker)
    for i in range(n):
        if not words[i][3] and words[i][2].lower() not in NUMWORDS:
            continue
        for j in range(i, min(n, i + MAX_NGRAM)):
            if j > i and not joinable[j - 1]:
                break
            if words[j][3] or words[j][2].lower() in NUMWORDS:
                add(words[i][0], words[j][1])
    runs = _name_runs(words, s, joinable)
    in_run = [False] * n
    for i, j in runs:
        for k in range(i, j + 1):
            in_run[k] = True
        add(words[i][0], words[j][1], "name")
        # a possessive name with its noun: "Haftar's forces"
        if words[j][2].endswith(("'s", "’s")) and j + 1 < n and words[j + 1][3] and joinable[j]:
            add(words[i][0], words[j + 1][1], "name")
    # lists of names: "France, Italy and the United Arab Emirates"
    k = 0
    while k < len(runs):
        last = k
        while last + 1 < len(runs) and _LIST_GAP.fullmatch(
                s[words[runs[last][1]][1]:words[runs[last + 1][0]][0]]):
            last += 1
        if last > k:
            add(words[runs[k][0]][0], words[runs[last][1]][1], "name", "list")
        k = last + 1
    num_cover = [False] * n
    dates = []
    for m in DATE_RE.finditer(s):
        text = m.group()
        kinds = ["date"]
        if re.fullmatch(r"(?:1[0-9]|20)\d{2}s?", text):
            kinds.append("year")
        if re.search(_WEEKDAYS, text):
            kinds.append("weekday")
        if re.search(rf"^(?:{_MONTHS})", text):
            kinds.append("month")
        add(m.start(), m.end(), *kinds)
        dates.append(m.span())
    for m in NUMBER_RE.finditer(s):
        a, b = m.span()
        if any(da <= a and b <= db for da, db in dates):
            continue
        text = m.group().lower()
        kinds = ["num"]
        if set(re.findall(r"[a-z%]+", text.split()[-1] if text.split() else "")) & UNITS or "%" in text:
            kinds.append("unit")
        add(a, b, *kinds)
        for k, (ws, we, *_r) in enumerate(words):
            if a <= ws and we <= b:
                num_cover[k] = True
    for m in _QUOTED_RE.finditer(s):
        add(m.start(1), m.end(1), "quoted")
    for m in _REASON_RE.finditer(s):
        add(m.start(1), m.end(1), "clause")
        add(m.start(), m.end(1), "clause")
    for m in _APPOS_RE.finditer(s):
        add(m.start(2), m.end(2), "appos")
    out = []
    for (a, b), kinds in shapes.items():
        i, j = _word_at(s, a, starts), ends[b] if b in ends else ends[b - 1]
        ws = words[i:j + 1]
        caps = [w for _s, _e, w, _t in ws if w.lower() not in _PARTICLES]
        if caps and all(w[0].isupper() for w in caps) and not (i == 0 and len(ws) == 1 and ws[0][2] in _CAP_STOP):
            kinds.add("cap")
        elif not any(c.isdigit() for c in s[a:b]) and not any(w[0].isupper() for w in caps):
            kinds.add("lower")
        if any(c.isdigit() for c in s[a:b]) or any(w.lower() in NUMWORDS for w in caps):
            kinds.add("num")
        cuts = ((i > 0 and in_run[i] and in_run[i - 1] and joinable[i - 1]
                 and fold(words[i - 1][2]).rstrip(".") not in _TITLES)
                or (j + 1 < n and in_run[j] and in_run[j + 1] and joinable[j])
                or (i > 0 and num_cover[i] and num_cover[i - 1] and joinable[i - 1])
                or (j + 1 < n and num_cover[j] and num_cover[j + 1] and joinable[j]))
        out.append(Span(a, b, s[a:b], i, j, tuple(t for *_r, t in ws if t), frozenset(kinds), cuts))
    out.sort(key=lambda sp: (sp.start, sp.end))
    return Sentence(start, start + len(s), s, words, out)


def _word_at(s: str, a: int, starts: dict[int, int]) -> int | None:
    """The word a span starting at offset ``a`` begins with: the word there, or the number
    after a currency sign ("£34m", "$ 20 billion")."""
    if a in starts:
        return starts[a]
    return starts.get(a + 1, starts.get(a + 2)) if _CURRENCY.match(s, a) else None


@lru_cache(maxsize=20_000)
def parse_chunk(text: str) -> tuple[Sentence, ...]:
    """The sentences of a chunk's text with their candidate spans (offsets in the chunk)."""
    return tuple(parse_sentence(text[a:b], a) for a, b in sentence_spans(text))
