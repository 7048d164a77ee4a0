"""Hits -> an Answer: a short span quoted from the brief, its sentence and its sources.

The selector reads the best sentences of the top chunks and takes every candidate span
``spans.py`` finds there. Each candidate gets features (its shape crossed with the type the
question asks for, how much of the question stands around it and how close, the sentence's
and chunk's match, whether it repeats the question, its length, how many sources state it)
and a score from a small linear ranking model; candidates that state the same thing are one
group (names folded by their variants, "50 kilometers" = "50 km" ≈ "31 miles"), and the
group's share of the probability mass goes, with question-level evidence (what the question
asks that no passage holds, the margin over the runner-up), into a second logistic model
whose output is the probability that the answer is right. Below the tuned threshold the
selector abstains. Both models are fitted by ``python -m askbrief.train`` and shipped as
``weights.json``; nothing here is fitted at run time.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from .corpus import Brief
from .index import Index
from .models import Alternative, Citation, Hit, Retrieved, Settings
from .spans import (CURRENCY_SIGNS, DATE, DURATION, KINDS, NUMBER, PERSON, PLACE, QUANTITY, SHAPES, Question, Sentence, Span, parse_chunk, question_kind,
                    wh_word)
from .text import VERB_FORMS, WORD_RE, fold, term, tokenize

__all__ = ["Model", "answer_key", "analyze", "extract", "load_model", "quantities", "quantity",
           "rank", "same_quantity", "select", "wh_word"]

WEIGHTS_PATH = Path(__file__).with_name("weights.json")
SENTENCES = 10       # sentences read per question (the best by question coverage)
EXTRA_WEIGHT = 0.25   # weight of a conversation's terms against the question's own
MAX_ALTERNATIVES = 3
MIN_COVERAGE = 0.5   # share of the question an answering sentence must hold
CLEAR_USAGE = 0.75   # a name used this often as a place is no "who" answer (and vice versa)

# --- features ----------------------------------------------------------------------

_LEN_BINS = ("len1", "len2", "len3", "len45", "len6p")
# word-context classes of a span: each is a feature and is crossed with the question's kind
_CTX = ("prev_place", "prev_time", "prev_of", "prev_the", "prev_by", "prev_pron", "prev_punct",
        "next_punct", "next_said", "next_of", "possessive", "prev_q", "next_q", "focus_in",
        "focus_near", "quoted_ctx", "agent", "in_parens", "coord_q", "comma_q", "next_focus",
        "list_plural", "gram_l2", "gram_r2", "gram_l3", "gram_r3", "verb_in", "ed_in")
# where the question's words stand around a span, by the side of the question word they were
# on ("Victoria has 37 seats ... and 12 seats in the Senate"): left/right of the span, for the
# terms before ("b") and after ("a") the question word, crossed with the question's form
_ORDER = ("lb", "rb", "la", "ra")
_QFORMS = ("late", "aux", "subj")
BASE = ("bias", "sent_cov", "chunk_cov", "ctx_cov", "chunk_rel", "chunk_top", "sent_best",
        "win4", "win10", "near_left", "near_right", "dist", "in_q", "all_in_q", "cuts",
        "support", "docs", "stop_frac", "sent_bigram") + _LEN_BINS + _CTX + _ORDER + tuple(
            f"{o}*{f}" for f in _QFORMS for o in _ORDER)
_GLOBAL = ("g_place", "g_person")  # how the brief uses a name elsewhere (see _usage)
BASE = BASE + _GLOBAL
CROSS = tuple(f"{k}*{s}" for k in KINDS for s in SHAPES + _LEN_BINS + _CTX + _GLOBAL + ("in_q",))
FEATURES = BASE + CROSS
_FI = {f: i for i, f in enumerate(FEATURES)}
_KI = {k: {f: _FI[f"{k}*{f}"] for f in SHAPES + _LEN_BINS + _CTX + _GLOBAL + ("in_q",)} for k in KINDS}
CONF_FEATURES = ("bias", "p_top", "score_top", "margin", "sent_cov", "chunk_cov", "max_cov",
                 "missing_max", "missing_cap", "oov", "retrieval", "support", "n_terms", "n_groups",
                 "q_neg", "sent_neg", "neg_mismatch", "win_top", "bigram_top", "missing_num") + tuple(
                     f"kind_{k}" for k in KINDS)
_CI = {f: i for i, f in enumerate(CONF_FEATURES)}

_PREP_PLACE = {"in", "at", "near", "from", "into", "across", "outside", "inside", "to"}
_PREP_TIME = {"on", "since", "during", "until", "before", "after", "in", "by"}
_PRONOUNS = {"his", "her", "its", "their", "he", "she", "it", "they"}
_SAID = {"said", "says", "told", "say", "added", "wrote", "announced", "stated", "explained"}
_VERB_START = VERB_FORMS | _SAID
_NEG = {"not", "no", "never", "n't", "nor", "none", "neither", "without"}
_PARTICLE_TERMS = {"al", "el"}
_PERCENT = {"percent", "percentag"}
_PUNCT_NEXT = re.compile(r"^\s*[,.;:)!?\"”]")
_PUNCT_PREV = re.compile(r"[,(;:\"“]\s*$")


def _static(s: Sentence, sp: Span) -> tuple[str, list[str]]:
    """A span's length bin and the context classes that do not depend on the question."""
    i, j, n = sp.first, sp.last, len(s.words)
    nw = j - i + 1
    lb = _LEN_BINS[nw - 1 if nw <= 3 else (3 if nw <= 5 else 4)]
    prev = s.words[i - 1][2].lower() if i else ""
    nxt = s.words[j + 1][2].lower() if j + 1 < n else ""
    ctx = [c for c, on in (
        ("prev_place", prev in _PREP_PLACE), ("prev_time", prev in _PREP_TIME),
        ("prev_of", prev == "of"), ("prev_the", prev in ("the", "a", "an")), ("prev_by", prev == "by"),
        ("prev_pron", prev in _PRONOUNS), ("next_said", nxt in _SAID), ("next_of", nxt == "of"),
        ("prev_punct", i == 0 or bool(_PUNCT_PREV.search(s.text[max(0, sp.start - 3):sp.start]))),
        ("next_punct", j + 1 == n or bool(_PUNCT_NEXT.match(s.text[sp.end:sp.end + 3]))),
        ("possessive", "'s" in sp.text or "’s" in sp.text),
        ("quoted_ctx", s.text[max(0, sp.start - 1):sp.start] in "\"“" and sp.start > 0),
        ("agent", s.words[j][2].lower() in AGENT_NOUNS),
        # a verb inside: rare in a name or a noun phrase, usual in a clause ("UN aimed at ...")
        ("verb_in", any(wd[2].lower() in _VERB_START for wd in s.words[i:j + 1])),
        ("ed_in", any(wd[2].endswith("ed") and wd[2].islower() and len(wd[2]) > 4
                      for wd in s.words[i:j + 1]))) if on]
    return lb, ctx


_PLACE_BEFORE = {"in", "at", "near", "from", "into", "outside", "inside", "across", "toward",
                 "towards", "around", "reach", "reached", "entered", "enter"}
_PLACE_NOUN_OF = {"town", "city", "village", "capital", "region", "province", "district", "port",
                  "country", "state", "island", "outskirts", "south", "north", "east", "west"}
_PERSON_BEFORE = {"president", "minister", "commander", "general", "gen", "mr", "mrs", "ms", "dr",
                  "spokesman", "spokeswoman", "leader", "chief", "secretary-general", "aide", "king",
                  "premier", "marshal", "colonel", "col", "envoy", "ambassador", "official", "director"}
_PERSON_AFTER = _SAID | {"who", "whose", "himself", "herself", "ordered", "urged", "called", "warned",
                         "vowed", "described", "met", "visited"}
_USAGE_CHUNKS = 24
_WORD_AROUND = re.compile(r"([\w-]+)\W{1,3}$")
_WORD_AFTER = re.compile(r"^(?:['’]s)?\W{0,3}([\w-]+)")
_NOUN_OF = re.compile(r"(\w+)\s+of\s*$")


def _usage(index: Index, word: str) -> tuple[float, float]:
    """How the brief uses a capitalised word: (share of place contexts, of person contexts).

    "in Gharyan", "the town of Gharyan" read as a place; "Haftar said", "commander Haftar",
    "Haftar, who" as a person or group. Counted over the first chunks holding the word, once
    per brief (cached on the index), so a name is typed by the whole brief, not one sentence.
    """
    cache = index.__dict__.setdefault("_usage", {})
    if word in cache:
        return cache[word]
    place = person = 0
    parts = WORD_RE.findall(word)
    t = term(parts[-1]) if parts else ""
    if t and t in index:
        p = index.postings
        j = index._term_id.get(index.map_term(t))
        ids = p.docs[p.ptr[j]:min(p.ptr[j + 1], p.ptr[j] + _USAGE_CHUNKS)] if j is not None else ()
        rx = re.compile(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])")
        for cid in ids:
            text = index.brief.chunks[int(cid)].text
            for m in rx.finditer(text):
                before = _WORD_AROUND.search(text[max(0, m.start() - 30):m.start()])
                after = _WORD_AFTER.match(text[m.end():m.end() + 30])
                b = before.group(1).lower() if before else ""
                a = after.group(1).lower() if after else ""
                gap = text[m.end():m.end() + 2]
                noun_of = _NOUN_OF.search(text[max(0, m.start() - 30):m.start()]) if b == "of" else None
                if b in _PLACE_BEFORE or (noun_of and noun_of.group(1).lower() in _PLACE_NOUN_OF):
                    place += 1
                elif b in _PERSON_BEFORE or a in _PERSON_AFTER or gap.startswith(", w"):
                    person += 1
    n = place + person + 1.0
    cache[word] = (place / n, person / n)
    return cache[word]


_POSSESSIVE_PRONOUNS = {"his", "her", "their"}
_NAME_RE = re.compile(r"(?<![\w-])[A-Z][\w'’-]*")


def _antecedent(index: Index, chunk: int, at: int) -> str:
    """The person a possessive pronoun at offset ``at`` of a chunk most likely refers to: the
    nearest name before it, in this chunk or the two before it in the same document, that the
    brief uses as a person (``_usage``). "" when there is none."""
    chunks = index.brief.chunks
    doc = chunks[chunk].doc
    texts = [chunks[chunk].text[:at]]
    for back in (1, 2):
        if chunk - back >= 0 and chunks[chunk - back].doc == doc:
            texts.append(chunks[chunk - back].text)
    for text in texts:
        for m in reversed(list(_NAME_RE.finditer(text))):
            word = re.sub(r"['’]s$", "", m.group())
            if m.start() == 0 or text[m.start() - 2:m.start()].strip() in (".", '."', ".”"):
                if word in _CAP_WORDS:
                    continue
            place, person = _usage(index, word)
            if person > 0.3 and person > place:
                return word
    return ""


_PERSON_PRONOUNS = {"he", "she", "him", "his", "her", "himself", "herself"}


def _coref(index: Index, chunk: int, s: Sentence) -> dict[int, str]:
    """The person pronouns of a sentence read as their antecedents (``_antecedent``): word
    index -> the term of the name's last word. "He said ... whom he described as
    'terrorists'" is a sentence about Al-Mesmari when he was named just before."""
    cache = index.__dict__.setdefault("_coref", {})
    key = (chunk, s.start)
    if key not in cache:
        m = _term_map(index)
        out = {}
        for k, (ws, _we, w, _t) in enumerate(s.words):
            if w.lower() in _PERSON_PRONOUNS and (ant := _antecedent(index, chunk, s.start + ws)):
                terms = tokenize(ant)
                if terms:
                    out[k] = m.get(terms[-1], terms[-1])
        cache[key] = out
    return cache[key]


_CAP_WORDS = {w.capitalize() for w in ("the", "a", "an", "he", "she", "it", "they", "his", "her",
                                       "their", "this", "that", "in", "on", "at", "but", "and")}


def _head_word(sp: Span, s: Sentence) -> str:
    """The last capitalised word of the name a name-like span belongs to ("" when it has
    none): "Abdelaziz" of "Abdelaziz Bouteflika" is read as Bouteflika, the whole name."""
    last = sp.last
    while (last + 1 < len(s.words) and s.words[last + 1][2][:1].isupper()
           and s.words[last + 1][2] not in _CAP_WORDS and not s.words[last][2].endswith(("'s", "’s"))
           and s.text[s.words[last][1]:s.words[last + 1][0]] in (" ", "-")):
        last += 1
    for k in range(last, sp.first - 1, -1):
        w = s.words[k][2]
        if w[:1].isupper():
            return re.sub(r"['’]s$", "", w)
    return ""


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
# a quotation alone is no one ("I am sipping coffee now in Gharyan" does not answer "who")
_AGENT_SHAPES = frozenset({"name", "cap", "appos"})

_TIME_SHAPES = frozenset({"date", "year", "weekday", "month"})
_NEEDS = {DATE: _TIME_SHAPES | {"num", "clause"}, NUMBER: {"num"}, QUANTITY: {"num"},
          DURATION: {"num", "date"}}
_EXCLUDES = {PERSON: _TIME_SHAPES | {"num", "unit"}, PLACE: _TIME_SHAPES | {"num", "unit"},
             DATE: frozenset({"unit"}),  # "50 kilometers" is no date
             DURATION: frozenset({"weekday"})}  # nor "Friday" a length of time


def fits(kind: str, shapes: frozenset[str], agent: bool = False) -> bool:
    """Hard answer-type agreement: a "when" is answered by a time, a "how many" by a number,
    a "who" by a name or a noun for people ("Haftar's forces"), a "who" or "where" never by a
    date or a number. Softer agreement is the ranker's work."""
    if kind == PERSON and not (agent or shapes & _AGENT_SHAPES):
        return False
    need = _NEEDS.get(kind)
    if need is not None and not (shapes & need):
        return False
    return not (shapes & _EXCLUDES.get(kind, frozenset()))


_DYN = tuple(_FI[f] for f in ("sent_cov", "chunk_cov", "ctx_cov", "chunk_rel", "chunk_top",
                              "sent_best", "win4", "win10", "near_left", "near_right", "dist",
                              "in_q", "all_in_q", "cuts", "stop_frac"))


@dataclass
class Candidate:
    chunk: int
    sentence: Sentence
    span: Span
    key: str
    row: int  # its row in the feature matrix
    pronoun: bool = False  # "his forces" counted as "Haftar's forces": supports, never shown
    sent_terms: frozenset[str] = frozenset()  # its sentence's terms, "he" read as its antecedent


@dataclass
class Extraction:
    """Everything the models need about one question: candidates, features, evidence."""

    q: Question
    candidates: list[Candidate]
    X: np.ndarray
    groups: dict[str, list[int]]  # key -> candidate rows
    conf_raw: dict[str, float] = field(default_factory=dict)
    w: dict[str, float] = field(default_factory=dict)  # question term -> weight


def _term_map(index: Index) -> dict[str, str]:
    return getattr(index, "term_map", None) or {}


_HOW_ADJ = re.compile(r"\bhow\s+(far|long|big|large|tall|high|old|wide|deep|heavy|often|fast|close|"
                      r"soon|late|early|small|short)\b", re.I)


def analyze(question: str, index: Index | None = None, extra_terms: Sequence[str] = ()) -> Question:
    m = _term_map(index) if index is not None else {}
    # "how far", "how long", "how old": the adjective belongs to the question word (the answer
    # is a distance, a duration, an age), so the passages need not contain it
    wh_adjective = set(tokenize(" ".join(_HOW_ADJ.findall(question))))
    own = [m.get(t, t) for t in tokenize(question) if t not in wh_adjective]
    extra = [m.get(t, t) for t in extra_terms if m.get(t, t) not in own]
    kind, focus = question_kind(question)
    focus_term = m.get(t := (tokenize(focus) or [""])[0], t)
    return Question(question, kind, own + extra, focus_term, frozenset(own + extra), frozenset(own))


_WH_AT = re.compile(r"\b(what|which|who|whom|whose|when|where|why|how)\b", re.I)
_AUX_WORDS = {"is", "are", "was", "were", "do", "does", "did", "can", "could", "will", "would",
              "has", "have", "had", "should", "may", "might", "must"}


def _sides(question: str, m: dict[str, str]) -> tuple[frozenset[str], frozenset[str], str]:
    """The question's terms before and after its question word, and its form: "late" (the
    question word comes after content words: "Burbank is an example of what kind of
    district?"), "aux" (an auxiliary follows it: "What did the Normans conquer?") or "subj"
    ("What caused the fire?")."""
    mt = _WH_AT.search(question)
    if not mt:
        return frozenset(), frozenset(m.get(t, t) for t in tokenize(question)), "subj"
    before = frozenset(m.get(t, t) for t in tokenize(question[:mt.start()]))
    after = frozenset(m.get(t, t) for t in tokenize(question[mt.start():]))
    rest = question[mt.end():].split()
    if before:
        form = "late"
    elif any(w.lower().strip(",") in _AUX_WORDS for w in rest[:3]):
        form = "aux"
    else:
        form = "subj"
    return before, after, form


_WH_PLURAL = re.compile(r"\b(?:what|which)\s+(?:kinds? of |types? of )?([a-z]+)", re.I)


def _tok(word: str, m: dict[str, str]) -> str:
    """A word as the n-gram alignment sees it: its term (variants folded), or the stopword."""
    t = term(word)
    return m.get(t, t) if t else fold(word)


def _grams(toks: list[str], n: int = 3) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(toks[k:k + L]) for L in range(2, n + 1) for k in range(len(toks) - L + 1))


def _aligned(toks: list[str], mt: list[str], q_grams: frozenset,
             q_words: frozenset[str]) -> tuple[list[int], list[int]]:
    """For each word position k: how many words (2 or 3) right before a span starting at k (an
    article skipped) and right after a span ending at k the question has in the same order,
    with a content word among them; 0 when fewer than 2."""
    n = len(toks)
    near = [t in q_words for t in toks]  # a run touches the span with one of the question's words

    def run(ks: range) -> bool:
        return tuple(toks[k] for k in ks) in q_grams and any(mt[k] for k in ks)

    left, right = [0] * n, [0] * n
    for k in range(n):
        e = k - 1 if k and toks[k - 1] in ("a", "an", "the") else k
        if e >= 2 and near[e - 1]:
            left[k] = 3 if e >= 3 and run(range(e - 3, e)) else 2 if run(range(e - 2, e)) else 0
        if k + 3 <= n and near[k + 1]:
            right[k] = 3 if k + 4 <= n and run(range(k + 1, k + 4)) else 2 if run(range(k + 1, k + 3)) else 0
    return left, right


def _plural_focus(question: str) -> bool:
    """Whether the question asks for several things: "Which countries ...?" """
    mt = _WH_PLURAL.search(question)
    w = mt.group(1).lower() if mt else ""
    return (len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "ous"))
            and w not in _AUX_WORDS and w not in ("news", "series", "species", "this"))


def _bigrams(terms: Sequence[str]) -> set[tuple[str, str]]:
    return set(zip(terms, terms[1:]))


def _caps(question: str, m: dict[str, str]) -> list[str]:
    """Terms of the capitalised words of a question after its first word (names, mostly)."""
    out = []
    for wd in question.split()[1:]:
        wd = wd.strip("?.,;:!\"'()")
        if wd[:1].isupper():
            out.extend(m.get(t, t) for t in tokenize(wd))
    return out


def _max_idf(index: Index) -> float:
    n = len(index)
    return math.log(1.0 + (n + 0.5) / 0.5)


def _weights(q: Question, index: Index) -> dict[str, float]:
    """idf of each question term (a term the brief lacks weighs the most); extras weigh less."""
    top = _max_idf(index)
    return {t: (index.idf(t) or top) * (1.0 if t in q.own else EXTRA_WEIGHT) for t in q.term_set}


def _coverage(terms, w: dict[str, float], total: float) -> float:
    return sum(v for t, v in w.items() if t in terms) / total if total else 0.0


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


def same_quantity(a: tuple[str, float], b: tuple[str, float]) -> bool:
    """Within 4% (a rounded conversion: "50 km" and "31 miles"), or 1 degree apart."""
    if a[0] != b[0]:
        return False
    tol = 1.0 if a[0] == "temp" else 0.04 * max(abs(a[1]), abs(b[1]))
    return abs(a[1] - b[1]) <= tol


def _group_keys(cands: list[Candidate]) -> dict[str, list[int]]:
    """Groups of candidate rows; the same quantity in other units is one group."""
    groups: dict[str, list[int]] = {}
    for c in cands:
        groups.setdefault(c.key, []).append(c.row)
    qty = {}
    for key, rows in groups.items():
        qv = quantity(cands[rows[0]].span.text)
        if qv:
            qty[key] = qv
    keys = list(qty)
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            if a in groups and b in groups and same_quantity(qty[a], qty[b]):
                groups[a].extend(groups.pop(b))
    return groups


def extract(question: str, index: Index, hits: Sequence[Hit], settings: Settings,
            extra_terms: Sequence[str] = ()) -> Extraction:
    q = analyze(question, index, extra_terms)
    w = _weights(q, index)
    total = sum(w.values())
    m = _term_map(index)
    q_before, q_after, qform = _sides(question, m)
    w_before = sum(v for t, v in w.items() if t in q_before) or 1.0
    w_after = sum(v for t, v in w.items() if t in q_after) or 1.0
    q_bigrams = _bigrams([m.get(t, t) for t in tokenize(question)])
    q_toks = [_tok(wd, m) for wd in WORD_RE.findall(question)]
    q_grams, q_words = _grams(q_toks), frozenset(q_toks)
    order_fi = [_FI[o] for o in _ORDER] + [_FI[f"{o}*{qform}"] for o in _ORDER]
    plural = _plural_focus(question)
    referred = q.term_set - q.own  # a follow-up's terms from the conversation
    reading = list(hits[: settings.answer_chunks])
    top_score = reading[0].score if reading else 0.0
    # (score, cov, chunk_rel, hit rank, sentence, chunk index, chunk cov, ctx cov, sentence
    # terms, each word's term)
    scored = []
    max_cov = 0.0
    for hit in reading:
        sents = parse_chunk(index.brief.chunks[hit.chunk].text)
        word_terms = []  # each word's term, name variants folded
        for s in sents:
            mt = [m.get(t, t) for *_r, t in s.words]
            for k, ant in _coref(index, hit.chunk, s).items():
                mt[k] = ant  # "He said ..." counts as "Al-Mesmari said ..."
            word_terms.append(mt)
        sterms = [{t for t in mt if t} for mt in word_terms]
        chunk_cov = _coverage(set().union(*sterms) if sterms else set(), w, total)
        rel = hit.score / top_score if top_score > 0 else 0.0
        for i, s in enumerate(sents):
            cov = _coverage(sterms[i], w, total)
            if cov <= 0:
                continue
            ctx = _coverage(sterms[i] | (sterms[i - 1] if i else set()), w, total)
            max_cov = max(max_cov, cov)
            scored.append((cov + 0.25 * rel, cov, rel, hit.rank, s, hit.chunk, chunk_cov, ctx,
                           frozenset(sterms[i]), word_terms[i]))
    scored.sort(key=lambda x: -x[0])
    cands: list[Candidate] = []
    rr: list[int] = []
    cc: list[int] = []
    vv: list[float] = []
    kind = q.kind
    for _sc, cov, rel, rank, s, chunk, chunk_cov, ctx_cov, sent_terms, mt in scored[:SENTENCES]:
        n = len(s.words)
        mw = [w.get(t, 0.0) if t else 0.0 for t in mt]
        prefix = [0.0]
        for v in mw:
            prefix.append(prefix[-1] + v)
        matched = [k for k, v in enumerate(mw) if v > 0]
        pb, pa = [0.0], [0.0]
        for t, v in zip(mt, mw):
            pb.append(pb[-1] + (v if t in q_before else 0.0))
            pa.append(pa[-1] + (v if t in q_after else 0.0))
        bigram = (len(q_bigrams & _bigrams([t for t in mt if t])) / len(q_bigrams)
                  if q_bigrams else 0.0)
        toks = [t or fold(wd[2]) for t, wd in zip(mt, s.words)]
        gram_left, gram_right = _aligned(toks, mt, q_grams, q_words)
        depth, paren = 0, []
        for k, (ws, *_r) in enumerate(s.words):
            prev_end = s.words[k - 1][1] if k else 0
            gap = s.text[prev_end:ws]
            depth = max(0, depth + gap.count("(") - gap.count(")"))
            paren.append(depth)
        for sp in s.spans:
            i, j = sp.first, sp.last
            cterms = [m.get(t, t) for t in sp.terms] if m else sp.terms
            inq = sum(t in q.own for t in cterms) / len(cterms) if cterms else 0.0
            if cterms and inq == 1.0 and "num" not in sp.shapes:
                continue  # the answer never just repeats the question
            if cterms and all(t in referred for t in cterms):
                continue  # nor names what the question's "he" or "it" refers to
            # a bare "forces" or "officials" names no one: a "who" answer made of common
            # nouns is a modified noun for people ("Haftar's forces", "pro-government forces")
            agent = (j > i and s.words[j][2].lower() in AGENT_NOUNS
                     and all(wd[3] for wd in s.words[i:j + 1])
                     and s.words[i][2].lower() not in _VERB_START)  # not "told Reuters news agency"
            if not fits(kind, sp.shapes, agent) or sp.text.endswith(("'s", "’s")):
                continue  # (nor is "Haftar's" an answer: its noun, "Haftar's forces", may be)
            head = _head_word(sp, s) if "name" in sp.shapes or "cap" in sp.shapes else ""
            usage = _usage(index, head) if head else None
            if usage and kind in (PERSON, PLACE) and usage[0 if kind == PERSON else 1] >= CLEAR_USAGE:
                continue  # the brief clearly uses the name as a place (for "who") or a person

            dl = dr = 99
            for k in matched:
                if k < i:
                    dl = i - k
                elif k > j:
                    dr = k - j
                    break
            if sp.static is None:
                sp.static = _static(s, sp)
            lb, ctx = sp.static
            ctx = list(ctx)
            if dl == 1:
                ctx.append("prev_q")
            if dr == 1:
                ctx.append("next_q")
            if q.focus:
                if q.focus in cterms:
                    ctx.append("focus_in")
                next_focus = j + 1 < n and mt[j + 1] == q.focus
                if q.focus in _PERCENT:  # "50%", "50 percent", "50 per cent" for "what percentage"
                    next_focus = (s.text[sp.end:sp.end + 1] == "%" or (j + 1 < n and (
                        mt[j + 1] in _PERCENT or mt[j + 1:j + 3] == ["per", "cent"])))
                if next_focus or (i and mt[i - 1] == q.focus) or (  # "the city of Misrata"
                        i > 1 and mt[i - 2] == q.focus and s.words[i - 1][2].lower() == "of"):
                    ctx.append("focus_near")
                if next_focus:
                    ctx.append("next_focus")
            # the question's own wording on either side of the span, stopwords included: "What
            # did the order raise fears of?" against "sparking fears of a major showdown"
            left, right = gram_left[i], gram_right[j]
            if left >= 2:
                ctx.append("gram_l3" if left >= 3 else "gram_l2")
            if right >= 2:
                ctx.append("gram_r3" if right >= 3 else "gram_r2")
            if "list" in sp.shapes and plural:
                ctx.append("list_plural")
            if paren[i] > 0:
                ctx.append("in_parens")
            if (i > 1 and s.words[i - 1][2].lower() in ("and", "or") and mw[i - 2] > 0) or (
                    j + 2 < n and s.words[j + 1][2].lower() in ("and", "or") and mw[j + 2] > 0):
                ctx.append("coord_q")
            if (i and mw[i - 1] > 0 and "," in s.text[s.words[i - 1][1]:s.words[i][0]]) or (
                    j + 1 < n and mw[j + 1] > 0 and "," in s.text[s.words[j][1]:s.words[j + 1][0]]):
                ctx.append("comma_q")
            r = len(cands)
            ki = _KI[kind]
            vals = [cov, chunk_cov, ctx_cov, rel, float(rank == 0), float(cov >= max_cov - 1e-9),
                    min(1.0, (prefix[i] - prefix[max(0, i - 4)] + prefix[min(n, j + 5)] - prefix[j + 1]) / total),
                    min(1.0, (prefix[i] - prefix[max(0, i - 10)] + prefix[min(n, j + 11)] - prefix[j + 1]) / total),
                    1.0 / dl, 1.0 / dr, math.log1p(min(dl, dr)), inq, float(inq == 1.0), float(sp.cuts),
                    1.0 - len(sp.terms) / (j - i + 1)]
            order = (min(1.0, pb[i] / w_before), min(1.0, (pb[n] - pb[j + 1]) / w_before),
                     min(1.0, pa[i] / w_after), min(1.0, (pa[n] - pa[j + 1]) / w_after))
            rr.extend([r] * 9)
            cc.extend(order_fi)
            cc.append(_FI["sent_bigram"])
            vv.extend(order + order + (bigram,))
            rr.extend([r] * (len(vals) + 4 + 2 * len(ctx) + len(sp.shapes)))
            cc.extend(_DYN)
            cc.extend((_FI["bias"], _FI[lb], ki[lb], ki["in_q"]))
            vv.extend(vals)
            vv.extend((1.0, 1.0, 1.0, inq))
            for c in ctx:
                cc.append(_FI[c])
                cc.append(ki[c])
            vv.extend([1.0] * (2 * len(ctx)))
            for shape in sp.shapes:
                cc.append(ki[shape])
            vv.extend([1.0] * len(sp.shapes))
            if usage:
                gp, gq = usage
                rr.extend([r] * 4)
                cc.extend((_FI["g_place"], ki["g_place"], _FI["g_person"], ki["g_person"]))
                vv.extend((gp, gp, gq, gq))
            key, pron = answer_key(sp.text, m), False
            if i and s.words[i - 1][2].lower() in _POSSESSIVE_PRONOUNS and not any(
                    w[2][:1].isupper() for w in s.words[i:j + 1]):
                owner = _antecedent(index, chunk, s.start + s.words[i - 1][0])
                if owner:
                    key, pron = answer_key(f"{owner}'s {sp.text}", m), True
            cands.append(Candidate(chunk, s, sp, key, r, pron, sent_terms))
    X = np.zeros((len(cands), len(FEATURES)))
    X[rr, cc] = vv
    groups = _group_keys(cands)
    for grows in groups.values():
        chunks = {cands[r].chunk for r in grows}
        docs = {index.brief.chunks[c].doc for c in chunks}
        X[grows, _FI["support"]] = math.log(len(chunks))
        X[grows, _FI["docs"]] = math.log(len(docs))
    top = _max_idf(index)
    missing = [v for t, v in w.items() if t in q.own]
    conf_raw = {"max_cov": max_cov,
                "oov": sum(top for t in q.own if not index.idf(t)) / total if total else 1.0,
                "retrieval": (top_score / (total * 2.2)) if total else 0.0,
                "n_terms": math.log1p(len(q.own)), "max_idf": max(missing, default=0.0),
                "caps": _caps(question, m),
                "q_neg": float(bool({fold(x) for x in question.split()} & _NEG) or "n't" in question)}
    return Extraction(q, cands, X, groups, conf_raw, w)


# --- the models --------------------------------------------------------------------

@dataclass
class Model:
    rank: np.ndarray
    conf: np.ndarray
    threshold: float
    meta: dict = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict) -> Model:
        rank = np.array([data["rank"].get(f, 0.0) for f in FEATURES])
        conf = np.array([data["conf"].get(f, 0.0) for f in CONF_FEATURES])
        return cls(rank, conf, float(data["threshold"]), data.get("meta", {}))

    def to_json(self) -> dict:
        return {"threshold": round(self.threshold, 4), "meta": self.meta,
                "rank": {f: round(float(v), 5) for f, v in zip(FEATURES, self.rank) if abs(v) > 1e-6},
                "conf": {f: round(float(v), 5) for f, v in zip(CONF_FEATURES, self.conf)}}


_MODEL: Model | None = None


def load_model() -> Model:
    """The shipped weights (fitted by ``python -m askbrief.train``)."""
    global _MODEL
    if _MODEL is None:
        _MODEL = Model.from_json(json.loads(WEIGHTS_PATH.read_text(encoding="utf-8")))
    return _MODEL


@dataclass
class Ranked:
    """The groups of an extraction, best first, with the top group's confidence features."""

    order: list[str]  # group keys
    best: dict[str, int]  # key -> its best candidate row
    score: dict[str, float]
    prob: dict[str, float]
    conf_x: np.ndarray


def rank(ex: Extraction, weights: np.ndarray) -> Ranked | None:
    if not ex.candidates:
        return None
    s = ex.X @ weights
    p = np.exp(s - s.max())
    p /= p.sum()
    # a group is as strong as its best member; it is shown by its best member that is not a
    # pronoun form, and a group stated only through pronouns cannot be shown at all
    score = {k: float(s[rows].max()) for k, rows in ex.groups.items()}
    best = {}
    for k, rows in ex.groups.items():
        shown = [r for r in rows if not ex.candidates[r].pronoun]
        if shown:
            top = max(shown, key=lambda r: s[r])
            if ex.X[top, _FI["in_parens"]]:  # "26,000 square kilometres (10,000 sq mi)": the
                same = [r for r in shown if ex.candidates[r].sentence is ex.candidates[top].sentence
                        and not ex.X[r, _FI["in_parens"]]]  # statement, not its conversion
                top = max(same, key=lambda r: s[r]) if same else top
            best[k] = top
    if not best:
        return None
    prob = {k: float(p[rows].sum()) for k, rows in ex.groups.items()}
    order = sorted(best, key=lambda k: (-score[k], -prob[k], k))
    top = order[0]
    c = ex.candidates[best[top]]
    second = score[order[1]] if len(order) > 1 else score[top] - 10.0
    x = ex.X[best[top]]
    q = ex.q
    sent_terms = c.sent_terms
    cr = ex.conf_raw
    miss = [v for t, v in ex.w.items() if t in q.own and t not in sent_terms]
    caps = cr["caps"]
    sent_words = {fold(wd[2]) for wd in c.sentence.words}
    sent_neg = float(bool(sent_words & _NEG) or "n't" in c.sentence.text)
    f = {"bias": 1.0, "p_top": prob[top], "score_top": score[top], "margin": min(5.0, score[top] - second),
         "sent_cov": float(x[_FI["sent_cov"]]), "chunk_cov": float(x[_FI["chunk_cov"]]),
         "max_cov": cr["max_cov"], "missing_max": (max(miss) / cr["max_idf"]) if miss and cr["max_idf"] else 0.0,
         "missing_cap": (sum(t not in sent_terms for t in caps) / len(caps)) if caps else 0.0,
         "oov": cr["oov"], "retrieval": cr["retrieval"], "support": float(x[_FI["support"]]),
         "n_terms": cr["n_terms"], "n_groups": math.log(len(order)), f"kind_{q.kind}": 1.0,
         "q_neg": cr["q_neg"], "sent_neg": sent_neg, "neg_mismatch": float(cr["q_neg"] != sent_neg),
         "win_top": float(x[_FI["win4"]]), "bigram_top": float(x[_FI["sent_bigram"]]),
         "missing_num": (sum(t not in sent_terms for t in nums) / len(nums)) if (nums := [
             t for t in q.own if t[:1].isdigit()]) else 0.0}
    conf_x = np.array([f.get(k, 0.0) for k in CONF_FEATURES])
    return Ranked(order, best, score, prob, conf_x)


def gate(conf: float, conf_x) -> float:
    """The confidence, scaled down when the sentence holding the answer misses most of what
    the question asks (idf-weighted; words the brief lacks weigh the most)."""
    cov = float(conf_x[_CI["sent_cov"]])
    return conf * cov if cov < MIN_COVERAGE else conf


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))


# --- citations ---------------------------------------------------------------------

def _citation(brief: Brief, chunk_index: int, qs: int, qe: int) -> Citation:
    chunk = brief.chunks[chunk_index]
    doc = brief.document(chunk.doc)
    s = chunk.start + qs - chunk.para_start
    return Citation(doc=doc.id, title=doc.title, date=doc.date, paragraph=chunk.paragraph,
                    start=s, end=s + (qe - qs), quote=chunk.text[qs:qe], path=doc.path,
                    page=doc.page_at(chunk.start + qs))


def _closest(q: Question, index: Index, hits: Sequence[Hit], n: int = 3) -> list[Citation]:
    """The best-matching sentence of each of the top chunks, for an abstention."""
    w = _weights(q, index)
    total = sum(w.values())
    m = _term_map(index)
    out = []
    for hit in hits[:n]:
        sents = parse_chunk(index.brief.chunks[hit.chunk].text)
        best = max(sents, default=None,
                   key=lambda s: _coverage({m.get(t, t) for *_r, t in s.words if t}, w, total))
        if best:
            out.append(_citation(index.brief, hit.chunk, best.start, best.end))
    return out


def _sources(ex: Extraction, index: Index, hits: Sequence[Hit], key: str, settings: Settings,
             first: Candidate) -> list[tuple[int, Sentence, Span]]:
    """Every read sentence stating the answer ``key`` (first the chosen one), one per chunk,
    among sentences that match the question at least 0.4 times as well as the chosen one."""
    m = _term_map(index)
    w = _weights(ex.q, index)
    total = sum(w.values())
    need = 0.4 * _coverage({m.get(t, t) for *_r, t in first.sentence.words if t}, w, total)
    found = [(first.chunk, first.sentence, first.span)]
    seen = {first.chunk}
    qty = quantity(first.span.text)
    for hit in hits[: max(settings.answer_chunks, settings.top_k)]:
        if hit.chunk in seen:
            continue
        for s in parse_chunk(index.brief.chunks[hit.chunk].text):
            if _coverage({m.get(t, t) for *_r, t in s.words if t}, w, total) < need:
                continue
            sp = next((sp for sp in s.spans if answer_key(sp.text, m) == key
                       or (qty and (q2 := quantity(sp.text)) and same_quantity(q2, qty))), None)
            if sp is not None:
                found.append((hit.chunk, s, sp))
                seen.add(hit.chunk)
                break
    return found


# --- select ------------------------------------------------------------------------

def select(question: str, index: Index, hits: list[Hit], settings: Settings,
           extra_terms: Sequence[str] = (), model: Model | None = None) -> dict:
    """The fields of an Answer (all but the question and timing) for a question and its hits.

    ``extra_terms`` are terms the conversation adds to the question (a follow-up's referent)."""
    model = model or load_model()
    retrieved = [Retrieved(doc=index.brief.chunks[h.chunk].doc,
                           paragraph=index.brief.chunks[h.chunk].paragraph, score=round(h.score, 4))
                 for h in hits]
    ex = extract(question, index, hits, settings, extra_terms)
    abstain = {"answer": None, "abstained": True, "evidence": None, "alternatives": [],
               "citations": _closest(ex.q, index, hits), "retrieved": retrieved}
    ranked = rank(ex, model.rank) if hits and ex.q.own else None
    if ranked is None:
        return {**abstain, "confidence": 0.0}
    conf = gate(_sigmoid(float(ranked.conf_x @ model.conf)), ranked.conf_x)
    threshold = model.threshold if settings.min_confidence is None else settings.min_confidence
    if conf < threshold or conf <= 0.0:
        return {**abstain, "confidence": round(conf, 4)}
    top = ranked.order[0]
    first = ex.candidates[ranked.best[top]]
    sources = _sources(ex, index, hits, top, settings, first)[: settings.max_citations]
    citations = [_citation(index.brief, chunk, s.start, s.end) for chunk, s, _sp in sources]
    alternatives = _alternatives(ex, index, ranked, {c for c, *_r in sources}, settings)
    return {"answer": first.span.text, "abstained": False, "confidence": round(conf, 4),
            "evidence": citations[0].quote, "citations": citations, "alternatives": alternatives,
            "retrieved": retrieved}


def _alternatives(ex: Extraction, index: Index, ranked: Ranked, cited: set[int],
                  settings: Settings) -> list[Alternative]:
    """Other answers of the same shape that other sources give nearly as strongly: when the
    sources disagree, the reader sees each answer with its sources."""
    top = ranked.order[0]
    first = ex.candidates[ranked.best[top]]
    shape = first.span.shapes & {"num", "date", "name", "cap"}
    cov = ex.X[ranked.best[top], _FI["sent_cov"]]
    out: list[Alternative] = []
    for key in ranked.order[1:]:
        if len(out) >= MAX_ALTERNATIVES or ranked.score[key] < ranked.score[top] - 1.0:
            break
        row = ranked.best[key]
        c = ex.candidates[row]
        rows = ex.groups[key]
        if ({ex.candidates[r].chunk for r in rows} & cited or not shape & c.span.shapes
                or ex.X[row, _FI["sent_cov"]] < 0.8 * cov or ranked.prob[key] < 0.5 * ranked.prob[top]
                or c.key in first.key or first.key in c.key):
            continue
        cits: list[Citation] = []
        for r in sorted(rows):
            cc = ex.candidates[r]
            cit = _citation(index.brief, cc.chunk, cc.sentence.start, cc.sentence.end)
            if all((cit.doc, cit.paragraph) != (x.doc, x.paragraph) for x in cits):
                cits.append(cit)
        out.append(Alternative(answer=c.span.text, citations=cits[: settings.max_citations]))
    return out
