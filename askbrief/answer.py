"""Hits -> an Answer: a short span quoted from the brief, its sentence and its sources.

The selector reads the sentences of the best chunks, proposes candidate spans of the type
the question asks for (a name for "who", a date for "when", ...), scores every candidate by
how well its sentence matches the question and how close it stands to the matched words,
then groups equal candidates across chunks: a fact stated by four articles is one answer
with four citations. When the best evidence is weak it abstains instead.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .corpus import Brief
from .index import Index
from .models import Answer, Citation, Hit, Retrieved, Settings
from .text import STOPWORDS, fold, sentence_spans, term, tokenize, word_spans

# --- question analysis -------------------------------------------------------------

PERSON, PLACE, DATE, NUMBER, QUANTITY, REASON, THING = (
    "person", "place", "date", "number", "quantity", "reason", "thing")

_QTYPES = [
    (re.compile(r"\bhow (many|much)\b", re.I), NUMBER),
    (re.compile(r"\bhow (far|long|big|large|tall|high|old|wide|deep|heavy|often)\b", re.I), QUANTITY),
    (re.compile(r"\b(what|which) (year|date|day|month|time|century|decade)\b", re.I), DATE),
    (re.compile(r"\bwhen\b", re.I), DATE),
    (re.compile(r"\b(who|whom|whose)\b", re.I), PERSON),
    (re.compile(r"\bwhere\b", re.I), PLACE),
    (re.compile(r"\b(what|which) (city|town|country|place|region|district|state|area|capital)\b", re.I), PLACE),
    (re.compile(r"\bwhy\b", re.I), REASON),
    (re.compile(r"\b(what|which) (number|percentage|amount)\b", re.I), NUMBER),
]


def question_type(question: str) -> str:
    for rx, kind in _QTYPES:
        if rx.search(question):
            return kind
    return THING


def wh_word(question: str) -> str:
    """The question word, for reports: who/when/where/how many/what/which/why/other."""
    q = question.lower()
    if re.search(r"\bhow (many|much)\b", q):
        return "how many"
    for w in ("who", "when", "where", "which", "what", "why"):
        if re.search(rf"\b{w}\b", q):
            return w
    if re.search(r"\bwhom|whose\b", q):
        return "who"
    return "other"


@dataclass
class Question:
    text: str
    kind: str
    terms: list[str]
    term_set: frozenset[str] = field(default_factory=frozenset)


def analyze(question: str) -> Question:
    terms = tokenize(question)
    return Question(question, question_type(question), terms, frozenset(terms))


# --- candidate spans ---------------------------------------------------------------

_PARTICLES = {"al", "el", "bin", "ibn", "bint", "abu", "de", "da", "di", "du", "van", "von",
              "der", "den", "la", "le", "of", "and", "for", "the"}
_CAP_STOP = {w.capitalize() for w in STOPWORDS} | {"The", "A", "An", "In", "On", "At", "But",
                                                  "And", "Mr", "Mrs", "Ms", "Gen"}
_WEEKDAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_MONTHS = ("January|February|March|April|May|June|July|August|September|October|November|"
           "December|Jan\\.|Feb\\.|Aug\\.|Sept\\.|Sep\\.|Oct\\.|Nov\\.|Dec\\.")
_DATE_RE = re.compile(
    rf"\b(?:(?:early|late|mid|earlier|later)[ -])?(?:(?:{_WEEKDAYS})(?:,? (?:{_MONTHS}) \d{{1,2}}(?:, \d{{4}})?)?"
    rf"|(?:{_MONTHS}) \d{{1,2}}(?:-\d{{1,2}})?(?:,? \d{{4}})?|\d{{1,2}} (?:{_MONTHS})(?: \d{{4}})?"
    rf"|(?:{_MONTHS}) \d{{4}}|(?:in |since |by |until )?(?:the )?(?:1[0-9]|20)\d{{2}}s?"
    rf"|(?:last|this|next|earlier this|later this) (?:week|month|year|weekend)|(?:the )?\d{{1,2}}(?:st|nd|rd|th) century"
    rf"|overnight|yesterday|today|tomorrow)\b")
_NUMWORD = ("one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|"
            "fifty|sixty|seventy|eighty|ninety|hundred|hundreds|thousand|thousands|million|millions|"
            "billion|billions|dozen|dozens|several|half")
_NUMBER_RE = re.compile(
    rf"(?:\b(?:more than|less than|fewer than|at least|up to|about|around|nearly|almost|over|some|roughly|approximately)\s+)?"
    rf"(?:[$£€]\s?)?(?:\d[\d,]*(?:\.\d+)?|\b(?:{_NUMWORD})\b)(?:[- ](?:{_NUMWORD}|million|billion))*"
    rf"(?:\s?(?:%|percent|per cent))?(?:[- ]?(?:[a-zA-Z]+))?(?:\s\((?:\d[\d,.]*)\s[a-z]+\))?",
    re.I)
_UNITS = {"km", "kilometers", "kilometres", "miles", "mile", "meters", "metres", "m", "feet",
          "ft", "kg", "tons", "tonnes", "hours", "days", "weeks", "months", "years", "minutes",
          "seconds", "percent", "people", "acres", "square", "mph", "km/h", "degrees"}
_REASON_RE = re.compile(r"\b(?:because(?: of)?|due to|in order to|so that|as a result of|to|for|after|since)\s+([^.;:!?]{3,160})", re.I)
_QUOTED_RE = re.compile(r"[\"“]([^\"“”]{2,120})[\"”]")
_WORD_RE = re.compile(r"[^\W_][\w'’\-]*(?<![-'’])", re.UNICODE)


def _name_spans(s: str) -> list[tuple[int, int]]:
    """Runs of capitalised words, with name particles inside, and a possessive's noun."""
    words = [(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(s)]
    spans = []
    i = 0
    while i < len(words):
        ws, we, w = words[i]
        if not (w[0].isupper() or w[:3].lower() in ("al-", "el-")) or w in _CAP_STOP:
            i += 1
            continue
        j = i
        end = we
        k = i + 1
        while k < len(words):
            gap = s[words[k - 1][1]:words[k][0]]
            if gap not in (" ", "-", " - "):
                break
            nk = words[k][2]
            if nk[0].isupper() and nk not in _CAP_STOP:
                j, end = k, words[k][1]
            elif nk.lower() in _PARTICLES or nk.lower().startswith(("al-", "el-")):
                pass
            else:
                break
            k += 1
        spans.append((ws, end))
        last = words[j][2]
        if last.endswith(("'s", "’s")) and j + 1 < len(words):
            nxt = words[j + 1]
            if nxt[2].islower() and nxt[2] not in STOPWORDS and s[end:nxt[0]] == " ":
                spans.append((ws, nxt[1]))
        i = j + 1
    return spans


def _np_spans(s: str) -> list[tuple[int, int]]:
    """Runs of content words between stopwords and punctuation (a crude NP chunker)."""
    spans = []
    run: list[tuple[int, int]] = []
    for m in _WORD_RE.finditer(s):
        w = m.group()
        gap = s[run[-1][1]:m.start()] if run else " "
        if fold(w) in STOPWORDS or gap.strip(" -"):
            if run:
                spans.append((run[0][0], run[-1][1]))
            run = [] if fold(w) in STOPWORDS else [(m.start(), m.end())]
        else:
            run.append((m.start(), m.end()))
    if run:
        spans.append((run[0][0], run[-1][1]))
    out = []
    for a, b in spans:
        out.append((a, b))
    return out


def candidate_spans(s: str, kind: str) -> list[tuple[int, int, bool]]:
    """(start, end, matches the asked type) spans of sentence s."""
    out: dict[tuple[int, int], bool] = {}

    def add(a: int, b: int, typed: bool) -> None:
        while b > a and s[b - 1] in " ,;:.'’\"”)":
            b -= 1
        while a < b and s[a] in " ,;:'‘\"“(":
            a += 1
        if b > a:
            out[(a, b)] = out.get((a, b), False) or typed

    names = _name_spans(s)
    dates = [m.span() for m in _DATE_RE.finditer(s)]
    numbers = [m.span() for m in _NUMBER_RE.finditer(s) if re.search(r"\d|[a-z]", m.group(), re.I)]
    for a, b in dates:
        add(a, b, kind == DATE)
    for a, b in numbers:
        text = s[a:b]
        unit = bool(re.search(r"[a-z]", text.split()[-1] if text.split() else "", re.I)) and any(
            u in text.lower().split() or text.lower().endswith(u) for u in _UNITS)
        is_num = bool(re.search(r"\d|" + _NUMWORD, text, re.I))
        if not is_num or any(a >= da and b <= db for da, db in dates):
            continue
        add(a, b, kind == NUMBER or (kind == QUANTITY and unit))
        # the bare number as well ("31" from "31 miles")
        m = re.search(r"\d[\d,.]*", text)
        if m:
            add(a + m.start(), a + m.end(), kind in (NUMBER, QUANTITY))
    for a, b in names:
        if any(a >= da and b <= db for da, db in dates):
            continue
        add(a, b, kind in (PERSON, PLACE))
    if kind == REASON:
        for m in _REASON_RE.finditer(s):
            add(m.start(), m.end(), True)
    if kind == THING:
        for m in _QUOTED_RE.finditer(s):
            add(m.start(1), m.end(1), True)
        for a, b in _np_spans(s):
            add(a, b, False)
    return [(a, b, t) for (a, b), t in out.items()]


# --- scoring -----------------------------------------------------------------------

WEIGHTS = {"type": 2.0, "coverage": 3.0, "chunk": 1.0, "near": 1.5, "in_question": -4.0,
           "long": -0.15, "support": 0.6, "bias": -3.0}
CONFIDENCE = {"coverage": 6.0, "type": 1.5, "support": 0.5, "bias": -4.5}
DEFAULT_MIN_CONFIDENCE = 0.5


@dataclass
class Candidate:
    text: str
    key: str
    chunk: int
    start: int  # offset in the chunk text
    end: int
    sent_start: int
    sent_end: int
    typed: bool
    coverage: float
    score: float = 0.0


def answer_key(text: str) -> str:
    """Candidates with the same key state the same answer."""
    return " ".join(t for t in tokenize(text)) or fold(text).strip()


def _sentence_coverage(terms: set[str], q: Question, idf) -> float:
    total = sum(idf(t) for t in q.term_set) or 1.0
    return sum(idf(t) for t in q.term_set & terms) / total


def _candidates(q: Question, index: Index, hits: list[Hit], top_score: float) -> list[Candidate]:
    cands = []
    for hit in hits:
        chunk = index.brief.chunks[hit.chunk]
        text = chunk.text
        chunk_rel = hit.score / top_score if top_score > 0 else 0.0
        for ss, se in sentence_spans(text):
            sent = text[ss:se]
            spans = word_spans(sent)
            sterms = {t for _, _, t in spans if t}
            cov = _sentence_coverage(sterms, q, index.idf)
            if cov <= 0:
                continue
            matched = [(a, b) for a, b, t in spans if t in q.term_set]
            for a, b, typed in candidate_spans(sent, q.kind):
                cand_terms = [term(w) for w in re.findall(r"[^\W_]+", sent[a:b])]
                cand_terms = [t for t in cand_terms if t]
                if not cand_terms and q.kind not in (NUMBER, QUANTITY, DATE):
                    continue
                inq = (sum(t in q.term_set for t in cand_terms) / len(cand_terms)) if cand_terms else 0.0
                dist = min((min(abs(a - me), abs(ms - b)) for ms, me in matched
                            if not (ms >= a and me <= b)), default=len(sent))
                near = 1.0 / (1.0 + dist / 20.0)
                nwords = len(sent[a:b].split())
                f = {"type": float(typed), "coverage": cov, "chunk": chunk_rel, "near": near,
                     "in_question": inq, "long": max(0, nwords - 4), "bias": 1.0}
                score = sum(WEIGHTS[k] * v for k, v in f.items())
                cands.append(Candidate(text=sent[a:b], key=answer_key(sent[a:b]), chunk=hit.chunk,
                                       start=ss + a, end=ss + b, sent_start=ss, sent_end=se,
                                       typed=typed, coverage=cov, score=score))
    return cands


def _citation(brief: Brief, chunk_index: int, qs: int, qe: int) -> Citation:
    chunk = brief.chunks[chunk_index]
    doc = brief.document(chunk.doc)
    s = chunk.start + qs - chunk.para_start
    return Citation(doc=doc.id, title=doc.title, date=doc.date, paragraph=chunk.paragraph,
                    start=s, end=s + (qe - qs), quote=chunk.text[qs:qe])


def _closest(q: Question, index: Index, hits: list[Hit], n: int = 3) -> list[Citation]:
    """The best-matching sentence of each of the top chunks, for an abstention."""
    out = []
    for hit in hits[:n]:
        text = index.brief.chunks[hit.chunk].text
        best = max(sentence_spans(text), default=None,
                   key=lambda sp: _sentence_coverage({t for *_, t in word_spans(text[sp[0]:sp[1]])},
                                                     q, index.idf))
        if best:
            out.append(_citation(index.brief, hit.chunk, *best))
    return out


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def select(question: str, index: Index, hits: list[Hit], settings: Settings,
           extra_terms: Sequence[str] = ()) -> dict:
    """The fields of an Answer (all but timing) for a question and its hits.
    ``extra_terms``: index terms a follow-up question borrows from the conversation."""
    q = analyze(question)
    if extra_terms:
        q.terms = q.terms + [t for t in extra_terms if t not in q.term_set]
        q.term_set = frozenset(q.terms)
    retrieved = [Retrieved(doc=index.brief.chunks[h.chunk].doc,
                           paragraph=index.brief.chunks[h.chunk].paragraph, score=round(h.score, 4))
                 for h in hits]
    abstain = {"answer": None, "abstained": True, "evidence": None,
               "citations": _closest(q, index, hits), "retrieved": retrieved}
    if not hits or not q.terms:
        return {**abstain, "confidence": 0.0}
    reading = hits[: settings.answer_chunks]
    cands = _candidates(q, index, reading, hits[0].score)
    if not cands:
        return {**abstain, "confidence": 0.0}
    groups: dict[str, list[Candidate]] = {}
    for c in cands:
        groups.setdefault(c.key, []).append(c)
    best_key, best_score = None, -math.inf
    for key, group in groups.items():
        support = len({c.chunk for c in group})
        score = max(c.score for c in group) + WEIGHTS["support"] * math.log(support)
        if score > best_score:
            best_key, best_score = key, score
    group = sorted(groups[best_key], key=lambda c: -c.score)
    top = group[0]
    support = len({c.chunk for c in group})
    conf = _sigmoid(CONFIDENCE["coverage"] * top.coverage + CONFIDENCE["type"] * top.typed
                    + CONFIDENCE["support"] * math.log(support) + CONFIDENCE["bias"])
    threshold = DEFAULT_MIN_CONFIDENCE if settings.min_confidence is None else settings.min_confidence
    if conf < threshold:
        return {**abstain, "confidence": round(conf, 4)}
    citations, seen = [], set()
    for c in group:
        if c.chunk in seen:
            continue
        seen.add(c.chunk)
        citations.append(_citation(index.brief, c.chunk, c.sent_start, c.sent_end))
        if len(citations) >= settings.max_citations:
            break
    return {"answer": top.text, "abstained": False, "confidence": round(conf, 4),
            "evidence": citations[0].quote, "citations": citations, "retrieved": retrieved}
