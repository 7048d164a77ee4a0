"""Sentences and their candidate answer spans, read once per chunk text.

A sentence is read once for the spans that could answer anything: proper-name sequences
(with particles such as al-, bin, de), numbers and quantities with their units and
modifiers, dates, quoted phrases, noun-phrase-like runs of content words, clauses after
"because/to/as", appositions. Each span is an exact slice of the sentence and carries its
shape; ``context`` gives the classes of the words around it, which do not depend on the
question either. ``features.py`` reads both. A parse depends on the text only, so it is
cached per chunk text, and nothing later writes into it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from ..text import STOPWORDS, TITLE_ABBREVIATIONS, VERB_FORMS, fold, sentence_spans, word_terms
_PARTICLES = {"al", "el", "bin", "ibn", "bint", "abu", "de", "da", "di", "du", "van", "von",
              "der", "den", "la", "le", "of", "y", "del", "ben"}
_CAP_STOP = {w.capitalize() for w in STOPWORDS} | {"The", "A", "An", "Mr", "Mrs", "Ms", "Dr"}
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|"
           "December|Jan\\.|Feb\\.|Aug\\.|Sept\\.|Sep\\.|Oct\\.|Nov\\.|Dec\\.")
_COUNTS = ("\\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|"
           "twenty|thirty|a few|a couple of|several")
_AGO = rf"(?:{_COUNTS}) (?:day|week|fortnight|month|year|decade)s? ago"
_AHEAD = rf"in (?:{_COUNTS}) (?:day|week|fortnight|month|year)s?['’]? time"
_ISO = r"(?:1[0-9]|20)\d{2}-[01]\d-[0-3]\d"
_CLOCK = r"\d{1,2}(?:[:.][0-5]\d)?\s?(?:[ap]\.m\b\.?|[ap]m\b)|\d{1,2}:[0-5]\d|noon|midnight"
DATE_RE = re.compile(
    rf"\b(?:{_ISO}|{_AGO}|{_AHEAD}|{_CLOCK}"
    rf"|(?:(?:early|late|mid)[ -])?(?:(?:{_WEEKDAYS})(?:,? (?:{_MONTHS}) \d{{1,2}}(?:, \d{{4}})?)?"
    rf"|(?:{_MONTHS}) \d{{1,2}}(?:-\d{{1,2}})?(?:,? \d{{4}})?|\d{{1,2}} (?:{_MONTHS})(?: \d{{4}})?"
    rf"|(?:{_MONTHS}) \d{{4}}|(?:{_MONTHS})|(?:1[0-9]|20)\d{{2}}s?(?:[-–](?:1[0-9]|20)?\d{{2}})?"
    rf"|(?:last|this|next|earlier this|later this) (?:week|month|year|weekend)"
    rf"|\d{{1,2}}(?:st|nd|rd|th) century|overnight|yesterday|today|tomorrow))\b")
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
    rf"(?:\b{_MODIFIER}\s+)?(?:[$£€]\s?)?(?:\d[\d,]*(?:\.\d+)?(?:bn|mn|tn|m|k)?\b|\b(?:{_NUMWORD})\b)"
    rf"(?:[- ](?:{_NUMWORD}|million|billion|trillion)\b)*(?:\s?(?:%|percent|per cent))?"
    rf"(?:[ -](?:square |cubic )?(?:{'|'.join(sorted(UNITS - {'%', 'per', 'm'}, key=len, reverse=True))})\b)?"
    rf"(?:\s\((?:\d[\d,.]*)\s[a-z]+\))?", re.I)
CURRENCY_SIGNS = "$£€¥"
_CURRENCY = re.compile(rf"[{re.escape(CURRENCY_SIGNS)}]\s?\d")
_SCALE = r"(?:thousand|million|billion|trillion)"
# a sum of money, whole: "£34 million", "$2.5bn", "€1.2 billion", "34 million pounds"
MONEY_RE = re.compile(
    rf"[{re.escape(CURRENCY_SIGNS)}]\s?\d[\d,]*(?:\.\d+)?(?:[-–]\d[\d,]*(?:\.\d+)?)?(?:(?:bn|mn|tn|m|k)\b|\s{_SCALE}\b)?"
    rf"|\b\d[\d,]*(?:\.\d+)?(?:\s{_SCALE})?\s(?:pounds|dollars|euros|yen|francs|rupees|yuan)\b"
    rf"(?:\s(?:sterling))?", re.I)
# a point on the map: "19.2°E", "32°53′N"
_COORD_RE = re.compile(r"\b\d{1,3}(?:\.\d+)?°(?:\s?\d{1,2}(?:\.\d+)?[′'])?(?:\s?\d{1,2}(?:\.\d+)?[″\"])?\s?[NSEW]\b")
# what no span may cut: a whole date, time, relative date, sum of money, point on the map
_WHOLE_DATE = re.compile(rf"{_ISO}|{_AGO}|{_AHEAD}|{_CLOCK}", re.I)
_REASON_RE = re.compile(r"\b(?:because(?: of)?|due to|in order to|so that|as a result of|so as to|to|as|since|by)\s+([^.;:!?,]{3,160})", re.I)
_QUOTED_RE = re.compile(r"[\"“]([^\"“”]{2,160})[\"”]")
_APPOS_RE = re.compile(r"([A-Z][\w'’-]*(?:\s[\w'’-]+){0,3}),\s((?:[A-Z][\w'’.-]*\s?){1,5})[,.]")
_JOIN = re.compile(r"\s?[–—/&]\s?|-|\s")  # a hyphen joins only unspaced: " - " is a dash
MAX_NGRAM = 6

# shapes of a span (a span may have several)
SHAPES = ("name", "cap", "num", "date", "year", "unit", "quoted", "lower", "clause", "appos",
          "weekday", "month", "list", "money", "time")
# a title before a name is not part of the person's name: "Abdelaziz Bouteflika" of "President
# Abdelaziz Bouteflika" cuts no name
_TITLES = frozenset({"mr", "mrs", "ms", "dr", "gen", "prof", "col", "capt", "lt", "sgt", "rev"}) | frozenset("""president prime minister gen general field marshal col colonel king queen
prince princess sheikh secretary-general secretary sir lord pope chancellor senator governor
mayor commander lt major captain judge premier ambassador envoy spokesman chief""".split())
# the letters of a dotted abbreviation are one name, with its final dot: "U.N.", "U.S."
_INITIAL = re.compile(r"[A-Z]{2}")
_DOTTED = re.compile(r"(?<![\w.])(?:[A-Z]\.){2,}|\b[ap]\.m\.")
# between the members of a list of names: ", ", ", and ", " and the ", " or "
# the words that join the question's own words to the rest of a span ("coastal town of Zawiya")
_ARTICLES = frozenset({"the", "a", "an"})
_GLUE = frozenset({"of", "the", "a", "an", "to", "from", "in", "at", "on", "for", "by", "with"})
_LIST_GAP = re.compile(r",\s*(?:(?:and|or)\s+)?(?:the\s+)?|\s+(?:and|or)\s+(?:the\s+)?")


@dataclass(eq=False)  # one span of one parse: equal only to itself (and hashable so)
class Span:
    start: int  # offsets in the sentence
    end: int
    text: str
    first: int  # word indices covered, inclusive
    last: int
    terms: tuple[str, ...]
    shapes: frozenset[str]
    cuts: bool  # splits a name or a number run
    length: str = ""  # its length bin (``LENGTHS``)


@dataclass(eq=False)
class Sentence:
    """A sentence of a chunk. Its words are read with the chunk; its candidate spans when first
    asked for (``spans``): most sentences of a passage are never read for answers (they hold
    none of the question, or fall below the sentences read), and the spans are most of a parse."""

    start: int  # offsets in the chunk
    end: int
    text: str
    words: list[tuple[int, int, str, str]]  # (start, end, word, term)
    _spans: list[Span] | None = field(default=None, repr=False)

    @property
    def spans(self) -> list[Span]:
        if self._spans is None:
            self._spans = _spans_of(self.text, self.words)
        return self._spans


def _joinable(words: list[tuple[int, int, str, str]], s: str) -> list[bool]:
    """Whether each word and the next are joined (a space, a hyphen, a slash; or the dot of a
    dotted abbreviation) rather than parted by punctuation."""
    return [bool(_JOIN.fullmatch(gap := s[words[k][1]:words[k + 1][0]] or " ")
                 or (gap == "." and _INITIAL.fullmatch(words[k][2] + words[k + 1][2]))
                 or (gap == ". " and _titled(words, k)))
            for k in range(len(words) - 1)]


def _titled(words: list[tuple[int, int, str, str]], k: int) -> bool:
    """Whether word ``k`` is a title before a name: "Mr. Paul Grant", "Dr Ward", "St. Albans"."""
    return (words[k][2].lower() in TITLE_ABBREVIATIONS and words[k][2][0].isupper()
            and k + 1 < len(words) and words[k + 1][2][0].isupper())


def _name_runs(words: list[tuple[int, int, str, str]], s: str, joinable: list[bool]) -> list[tuple[int, int]]:
    """Word-index runs of capitalised words, with particles inside ("Abdel-Salam al-Hassi")."""
    runs, i, n = [], 0, len(words)
    while i < n:
        w = words[i][2]
        if not w[0].isupper() or (w in _CAP_STOP and not (_titled(words, i) and joinable[i])):
            i += 1
            continue
        j, k = i, i + 1
        while k < n and joinable[k - 1]:
            nk = words[k][2]
            gap = s[words[k - 1][1]:words[k][0]]
            if ((nk[0].isupper() and nk not in _CAP_STOP) or (gap == "-" and k == j + 1) or gap == "."
                    or (gap == ". " and _titled(words, k - 1))):
                j = k  # a capitalised word, the lower part of a hyphenated one ("Ki-moon"), a dotted letter
            elif nk.lower() not in _PARTICLES:
                break
            k += 1
        runs.append((i, j))
        i = j + 1
    return runs


class _Found:
    """The spans found in a sentence so far: (start, end) -> shapes. ``add`` trims a span to
    whole words (a dotted abbreviation keeps its dot, a sum its sign and a share its "%")."""

    def __init__(self, s: str, words: list[tuple[int, int, str, str]]):
        self.s, self.words = s, words
        self.starts = {ws: i for i, (ws, *_r) in enumerate(words)}
        self.ends = {we: i for i, (_s, we, *_r) in enumerate(words)}
        for m in _DOTTED.finditer(s):  # a dotted abbreviation ends with its dot: "the U.N."
            if m.end() - 1 in self.ends:
                self.ends[m.end()] = self.ends.pop(m.end() - 1)
        self.shapes: dict[tuple[int, int], set[str]] = {}
        self.wholes = _wholes(s)
        self.digits = [0, *itertools.accumulate(map(str.isdigit, s))]  # digits in s[:k]: s[a:b] holds one

    def add(self, a: int, b: int, *kinds: str) -> None:
        s, ends = self.s, self.ends
        while b > a and b not in ends and s[b - 1] in " ,;:.'’\"”)–—-":
            b -= 1
        if b not in ends and b + 1 in ends:  # "U.N" -> "U.N."
            b += 1
        while a < b and s[a] in " ,;:'‘\"“(–—-":
            a += 1
        if b > a and _word_at(s, a, self.starts) is not None and (b in ends or (s[b - 1] == "%" and b - 1 in ends)):
            self.shapes.setdefault((a, b), set()).update(kinds)  # with its "%" and "£" if it has them


def parse_sentence(s: str, start: int = 0) -> Sentence:
    return Sentence(start, start + len(s), s, word_terms(s))


def _spans_of(s: str, words: list[tuple[int, int, str, str]]) -> list[Span]:
    """The candidate spans of a sentence, in order of offsets."""
    found = _Found(s, words)
    joinable = _joinable(words, s)
    _add_ngrams(found, joinable)
    in_run = _add_names(found, joinable)
    num_cover = _add_dates_and_numbers(found)
    for m in _QUOTED_RE.finditer(s):
        found.add(m.start(1), m.end(1), "quoted")
    for m in _REASON_RE.finditer(s):
        found.add(m.start(1), m.end(1), "clause")
        found.add(m.start(), m.end(1), "clause")
    for m in _APPOS_RE.finditer(s):
        found.add(m.start(2), m.end(2), "appos")
    out = [_span(found, a, b, kinds, joinable, in_run, num_cover) for (a, b), kinds in found.shapes.items()
           if not _cuts_whole(found, a, b)]
    out.sort(key=lambda sp: (sp.start, sp.end))
    return out


def _wholes(s: str) -> list[tuple[int, int]]:
    """The stretches no span may cut: "2022-04-07", "5 p.m.", "three weeks ago", "£34 million",
    "19.2°E", "U.N." (a piece of one, "2022-04", "p", "34" or "U", is no answer: it misquotes
    the whole)."""
    return [m.span() for rx in (_WHOLE_DATE, MONEY_RE, _COORD_RE, _DOTTED) for m in rx.finditer(s)]


def _cuts_whole(found: _Found, a: int, b: int) -> bool:
    """Whether ``s[a:b]`` cuts a whole (``_wholes``), ends in a title before a name ("Mr" of
    "Mr. Paul Grant") or ends a name of several words inside its last, hyphenated word ("Ban
    Ki" of "Ban Ki-moon", "Kim Jong" of "Kim Jong-un"; "UN" of "UN-backed" stays)."""
    k = found.ends[b] if b in found.ends else found.ends[b - 1]
    last = found.words[k][2]
    if last.lower() in TITLE_ABBREVIATIONS and last[0].isupper():
        return True
    s = found.s
    if (last[:1].isupper() and s[b:b + 1] == "-" and s[b + 1:b + 2].islower() and k > 0
            and found.words[k - 1][1] >= a and found.words[k - 1][2][:1].isupper()):
        return True
    return bool(found.wholes) and any(a < wb and wa < b and not (a <= wa and wb <= b) for wa, wb in found.wholes)


def _add_ngrams(found: _Found, joinable: list[bool]) -> None:
    """Content-word n-grams that stop at punctuation, and at an article after a content word
    when they start inside a phrase of their own article (a crude noun-phrase chunker: "capital
    the option" of "... in control of the capital the option of surrendering" spans two
    phrases; "option of the capital" is one, and "suppress the fire" of "may then manually
    suppress the fire" a verb with its object)."""
    words, n = found.words, len(found.words)
    for i in range(n):
        if not words[i][3] and words[i][2].lower() not in NUMWORDS:
            continue
        in_phrase = i > 0 and words[i - 1][2].lower() in _ARTICLES
        for j in range(i, min(n, i + MAX_NGRAM)):
            if j > i and (not joinable[j - 1] or (in_phrase and words[j][2].lower() in _ARTICLES and words[j - 1][3])):
                break
            if words[j][3] or words[j][2].lower() in NUMWORDS:
                found.add(words[i][0], words[j][1])


def _add_names(found: _Found, joinable: list[bool]) -> list[bool]:
    """Names, a possessive name with its noun, lists of names; whether each word is in a name."""
    s, words, n = found.s, found.words, len(found.words)
    runs = _name_runs(words, s, joinable)
    in_run = [False] * n
    for i, j in runs:
        for k in range(i, j + 1):
            in_run[k] = True
        found.add(words[i][0], words[j][1], "name")
        # a possessive name with its noun: "Haftar's forces"
        if words[j][2].endswith(("'s", "’s")) and j + 1 < n and words[j + 1][3] and joinable[j]:
            found.add(words[i][0], words[j + 1][1], "name")
    # lists of names: "France, Italy and the United Arab Emirates"
    k = 0
    while k < len(runs):
        last = k
        while last + 1 < len(runs) and _LIST_GAP.fullmatch(
                s[words[runs[last][1]][1]:words[runs[last + 1][0]][0]]):
            last += 1
        if last > k:
            found.add(words[runs[k][0]][0], words[runs[last][1]][1], "name", "list")
        k = last + 1
    return in_run


def _add_dates_and_numbers(found: _Found) -> list[bool]:
    """Dates, then numbers that are not part of one; whether each word is in a number."""
    s, words = found.s, found.words
    num_cover = [False] * len(words)
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
        if re.fullmatch(_CLOCK, text, re.I):
            kinds.append("time")
        found.add(m.start(), m.end(), *kinds)
        dates.append(m.span())
    for m in NUMBER_RE.finditer(s):
        a, b = m.span()
        if any(da <= a and b <= db for da, db in dates):
            continue
        text = m.group().lower()
        kinds = ["num"]
        if (set(re.findall(r"[a-z%]+", text.split()[-1] if text.split() else "")) & UNITS or "%" in text) \
                and not _CURRENCY.search(text):  # "£34m" is no length
            kinds.append("unit")
        found.add(a, b, *kinds)
        for k, (ws, we, *_r) in enumerate(words):
            if a <= ws and we <= b:
                num_cover[k] = True
    for m in MONEY_RE.finditer(s):
        found.add(*m.span(), "num", "money")
    for m in _COORD_RE.finditer(s):
        found.add(*m.span(), "num")
    return num_cover


def _span(found: _Found, a: int, b: int, kinds: set[str], joinable: list[bool], in_run: list[bool],
          num_cover: list[bool]) -> Span:
    """The span ``s[a:b]`` with its shapes, whether it cuts a name or a number, its context."""
    s, words, n = found.s, found.words, len(found.words)
    i, j = _word_at(s, a, found.starts), found.ends[b] if b in found.ends else found.ends[b - 1]
    ws = words[i:j + 1]
    caps = [w for _s, _e, w, _t in ws if w.lower() not in _PARTICLES]
    digit = found.digits[b] > found.digits[a]
    if caps and all(w[0].isupper() for w in caps) and not (i == 0 and len(ws) == 1 and ws[0][2] in _CAP_STOP):
        kinds.add("cap")
    elif not digit and not any(w[0].isupper() for w in caps):
        kinds.add("lower")
    if digit or any(w.lower() in NUMWORDS for w in caps):
        kinds.add("num")
    cuts = ((i > 0 and in_run[i] and in_run[i - 1] and joinable[i - 1]
             and fold(words[i - 1][2]).rstrip(".") not in _TITLES)
            or (j + 1 < n and in_run[j] and in_run[j + 1] and joinable[j])
            or (i > 0 and num_cover[i] and num_cover[i - 1] and joinable[i - 1])
            or (j + 1 < n and num_cover[j] and num_cover[j + 1] and joinable[j]))
    return Span(a, b, s[a:b], i, j, tuple(t for *_r, t in ws if t), frozenset(kinds), cuts,
                _length(j - i + 1))


def _word_at(s: str, a: int, starts: dict[int, int]) -> int | None:
    """The word a span starting at offset ``a`` begins with: the word there, or the number
    after a currency sign ("£34m", "$ 20 billion")."""
    if a in starts:
        return starts[a]
    return starts.get(a + 1, starts.get(a + 2)) if _CURRENCY.match(s, a) else None


def beyond_question(s: Sentence, sp: Span, asked: Callable[[str], bool]) -> Span | None:
    """The span of the sentence that a span says beyond the question's own words at its start
    or end, when it is one: "Zawiya" of "coastal town of Zawiya" for "... from which coastal
    town ...?", "Sergei Lavrov" of "Russian Foreign Minister Sergei Lavrov" for "Which Russian
    minister ...?", "services" of "services to officers from Tripoli" for "What did Haftar
    offer to officers from Tripoli?". ``asked(term)``: whether a term is the question's. A
    reader answers with the rest; the question's words around it add nothing. The words cut
    are a run of mostly the question's words ending (or, at the end, starting) with one,
    with the words that join it to the rest ("of", "the", "to"); the rest must be a span that
    cuts no name ("Chicago" of "University of Chicago" is not one; but "Antonio" of
    "Secretary-General Antonio", itself a piece of "Secretary-General Antonio Guterres", is the
    rest of a piece whose whole reads "Antonio Guterres"), says something the
    question does not, and is no word that only modifies the question's noun after it ("basic"
    of "basic channels" for "What channels ...?", "Islamist" of "Islamist militias" for "What
    kind of militias ...?": a reader keeps the noun; a number is no modifier: "20 million" of
    "20 million homes" for "How many homes ...?"), nor what the words cut before it name:
    "Article 102" for "Which article ...?" (cut before a name or after a joining word or a
    verb: "alert levels" of "to raise alert levels")."""
    words = s.words
    content = [k for k in range(sp.first, sp.last + 1) if words[k][3]]
    if len(content) < 2:
        return None
    a, b = sp.first, sp.last
    lead = _question_run(content, words, asked)
    # the words cut before the rest are joined to it, a verb with its object ("to raise alert
    # levels"), or a title before a name; else they name what the rest is: "Article 102"
    lead_joined = lead is not None and (words[lead][2].lower() in VERB_START or (
        lead > 0 and words[lead - 1][2].lower() == "to"))
    if lead is not None:
        a = lead + 1
        while a < b and words[a][2].lower() in _GLUE:
            a, lead_joined = a + 1, True
    tail = _question_run(content[::-1], words, asked)
    glued = False
    if tail is not None and tail > a:
        b = tail - 1
        while b > a and words[b][2].lower() in _GLUE:
            b, glued = b - 1, True
    if (a, b) == (sp.first, sp.last) or not any(words[k][3] and not asked(words[k][3]) for k in range(a, b + 1)):
        return None
    rest = next((x for x in s.spans if x.first == a and x.last == b), None)
    if rest is None or (rest.cuts and not sp.cuts):
        return None
    if b < sp.last and not glued and "num" not in rest.shapes:
        return None  # "basic" of "basic channels" for "What channels ...?" modifies the noun asked about
    if a > sp.first and not lead_joined and not rest.shapes & {"name", "cap"}:
        return None  # "102" of "Article 102" for "Which article ...?", "instance" of "problem instance"
    return rest


def _question_run(content: list[int], words: list[tuple[int, int, str, str]],
                  asked: Callable[[str], bool]) -> int | None:
    """The last word (in the order of ``content``, the span's content words from one end) of
    the longest run from that end whose words are at least half the question's and whose last
    is one; None when the first is not the question's."""
    if not asked(words[content[0]][3]):
        return None
    cut, hits = None, 0
    for n, k in enumerate(content[:-1]):
        if asked(words[k][3]):
            hits += 1
            if 2 * hits >= n + 1:
                cut = k
    return cut


@lru_cache(maxsize=20_000)
def parse_chunk(text: str) -> tuple[Sentence, ...]:
    """The sentences of a chunk's text with their candidate spans (offsets in the chunk)."""
    return tuple(parse_sentence(text[a:b], a) for a, b in sentence_spans(text))


# --- the words around a span --------------------------------------------------------

LENGTHS = ("len1", "len2", "len3", "len45", "len6p")
_PREP_PLACE = {"in", "at", "near", "from", "into", "across", "outside", "inside", "to"}
_PREP_TIME = {"on", "since", "during", "until", "before", "after", "in", "by"}
_PRONOUNS = {"his", "her", "its", "their", "he", "she", "it", "they"}
SAID = frozenset({"said", "says", "told", "say", "added", "wrote", "announced", "stated", "explained"})
VERB_START = VERB_FORMS | SAID  # a noun phrase never starts with one
_PUNCT_NEXT = re.compile(r"^\s*[,.;:)!?\"”]")
_PUNCT_PREV = re.compile(r"[,(;:\"“]\s*$")
# Nouns that name people or groups of them (the person and group classes of a lexicon such as
# WordNet, abridged): "Haftar's forces", "the rebels", "officials" can answer "who".
AGENT_NOUNS = frozenset("""
people person persons man men woman women child children family families forces force troops
troop army armies soldiers soldier militia militias militiamen militiaman fighters fighter rebels
rebel insurgents guerrillas police officers officer officials official government governments
authorities administration ministry council parliament party parties group groups coalition
alliance faction factions leaders leader president minister ministers commander commanders
general generals spokesman spokeswoman spokesperson aide aides envoy ambassador diplomats diplomat
delegation team company companies firm firms agency agencies organization organisation union
committee court judges judge voters residents citizens population workers students scientists
researchers experts analysts journalists reporters staff members member supporters opponents
protesters demonstrators king queen prince emperor governor mayor chief chiefs founder founders
owner owners author authors director directors manager players player club band family tribe
tribesmen clans clan navy airforce guards guard brigade brigades units unit battalion regiment
resident citizen worker student scientist researcher expert analyst journalist reporter supporter
opponent protester demonstrator voter rebel insurgent guerrilla policeman policemen fighter dictator
ruler rulers monarch president-elect premier chancellor secretary secretary-general mediator
negotiator negotiators lawmakers lawmaker legislators legislator senators senator candidate
candidates activists activist victims victim survivors survivor prisoners prisoner hostages hostage
""".split())



def _length(nw: int) -> str:
    return LENGTHS[nw - 1 if nw <= 3 else (3 if nw <= 5 else 4)]


@lru_cache(maxsize=200_000)
def context(s: Sentence, sp: Span) -> tuple[str, ...]:
    """The classes of the words around a span of a sentence that do not depend on the question:
    a place or time preposition before it, "said" after it, ... Worked out for the spans a
    question reads, once per span of a cached parse (most spans are never read)."""
    words, text, a, b, i, j = s.words, s.text, sp.start, sp.end, sp.first, sp.last
    n = len(words)
    prev = words[i - 1][2].lower() if i else ""
    nxt = words[j + 1][2].lower() if j + 1 < n else ""
    return tuple(c for c, on in (
        ("prev_place", prev in _PREP_PLACE), ("prev_time", prev in _PREP_TIME),
        ("prev_of", prev == "of"), ("prev_the", prev in ("the", "a", "an")), ("prev_by", prev == "by"),
        ("prev_pron", prev in _PRONOUNS), ("next_said", nxt in SAID), ("next_of", nxt == "of"),
        ("prev_punct", i == 0 or bool(_PUNCT_PREV.search(text[max(0, a - 3):a]))),
        ("next_punct", j + 1 == n or bool(_PUNCT_NEXT.match(text[b:b + 3]))),
        ("possessive", "'s" in sp.text or "’s" in sp.text),
        ("quoted_ctx", text[max(0, a - 1):a] in "\"“" and a > 0),
        ("agent", words[j][2].lower() in AGENT_NOUNS),
        # a verb inside: rare in a name or a noun phrase, usual in a clause ("UN aimed at ...")
        ("verb_in", any(wd[2].lower() in VERB_START for wd in words[i:j + 1])),
        ("ed_in", any(wd[2].endswith("ed") and wd[2].islower() and len(wd[2]) > 4
                      for wd in words[i:j + 1]))) if on)
