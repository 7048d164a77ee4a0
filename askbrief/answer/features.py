"""Candidates and their features: every span of the best sentences, described for the ranker.

The selector reads the best sentences of the top chunks (by the share of the question each
holds, word for word and by meaning: ``read_sentences``, ``soft_evidence``) and takes every
candidate span ``spans.py`` found there that can answer what the question asks (``fits``).
Each candidate gets features (its shape crossed with the type the question asks for, how much
of the question stands around it and how close, exactly and by meaning, the sentence's and
chunk's match, what the sentences either side add to it (the answer sentence says "it" or
"the town" where the one before names what was asked about), the chunk's retrieval rank, whether it repeats the question, its length, how the brief uses the name, how
many sources state it in a sentence that answers the question): what one sentence gives all
its spans is worked out once (``sentence_features``), the rest per span (``span_features``).
Meaning is read where the sentence is chosen, not in a sentence-level confidence: the soft
match picks the right sentence more often for freely worded questions, while as evidence that
a chosen sentence answers it added nothing (docs/quality.md).
Candidates that state the same thing are one group (``quantities.group``); ``model.py``
scores them.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from ..index import Index
from ..models import Hit, Settings
from ..text import fold, tokenize
from .meaning_evidence import soft_evidence, soft_near, soft_window
from .names import SUBJECT_PRONOUNS, Names, before_title, head_word, locates_place, placed_after_place, titled_lead, written_as_place
from .quantities import answer_key, group
from .question import DATE, DURATION, KINDS, NUMBER, PERSON, PLACE, QUANTITY, Question, as_asked, bigrams
from .spans import (AGENT_NOUNS, LENGTHS, SHAPES, VERB_START, Sentence, Span, beyond_question, context, parse_chunk,
                    parse_sentence)

SENTENCES = 10       # sentences read per question (the best by question coverage)
MIN_COVERAGE = 0.5   # share of the question an answering sentence must hold
STATES_SHARE = 0.8   # ... or this share of the best sentence's, when that holds less
SOFT_KEEP = 0.3      # a sentence with none of the question's terms is read when it holds this much by meaning
CLEAR_USAGE = 0.75   # a name used this often as a place is no "who" answer (and vice versa)

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
_GLOBAL = ("g_place", "g_person")  # how the brief uses a name elsewhere (``Names.usage``)
BASE = ("bias", "sent_cov", "chunk_cov", "ctx_cov", "chunk_rel", "chunk_top", "sent_best",
        "win4", "win10", "near_left", "near_right", "dist", "in_q", "all_in_q", "cuts",
        "support", "docs", "stop_frac", "sent_bigram", "sent_soft", "sent_best_m", "soft_win4",
        "soft_win10", "soft_near", "nb_gain", "chunk_rank") + LENGTHS + _CTX + _ORDER + (
            tuple(f"{o}*{f}" for f in _QFORMS for o in _ORDER)) + _GLOBAL
_CROSSED = SHAPES + LENGTHS + _CTX + _GLOBAL + ("in_q",)
CROSS = tuple(f"{k}*{s}" for k in KINDS for s in _CROSSED)
FEATURES = BASE + CROSS
FI = {f: i for i, f in enumerate(FEATURES)}  # feature -> its column
_KI = {k: {f: FI[f"{k}*{f}"] for f in _CROSSED} for k in KINDS}
_ORDER_COLS = {form: [FI[o] for o in _ORDER] + [FI[f"{o}*{form}"] for o in _ORDER] + [FI["sent_bigram"]]
               for form in _QFORMS}
_DYN = tuple(FI[f] for f in ("sent_cov", "chunk_cov", "ctx_cov", "chunk_rel", "chunk_top",
                             "sent_best", "win4", "win10", "near_left", "near_right", "dist",
                             "in_q", "all_in_q", "cuts", "stop_frac", "sent_soft", "sent_best_m",
                             "soft_win4", "soft_win10", "soft_near", "nb_gain", "chunk_rank"))
_PERCENT = {"percent", "percentag"}

# --- what can answer what ------------------------------------------------------------

# a quotation alone is no one ("I am sipping coffee now in Gharyan" does not answer "who")
_AGENT_SHAPES = frozenset({"name", "cap", "appos"})
_TIME_SHAPES = frozenset({"date", "year", "weekday", "month", "time"})
_NEEDS = {DATE: _TIME_SHAPES | {"num", "clause"}, NUMBER: {"num"}, QUANTITY: {"num"},
          DURATION: {"num", "date"}}
_EXCLUDES = {PERSON: _TIME_SHAPES | {"num", "unit", "money"}, PLACE: _TIME_SHAPES | {"num", "unit", "money"},
             DATE: frozenset({"unit", "money"}),  # "50 kilometers" and "£34m" are no dates
             NUMBER: _TIME_SHAPES,  # nor is "2019" an amount or a count
             QUANTITY: _TIME_SHAPES - {"time"},
             DURATION: frozenset({"weekday", "money"})}  # nor "Friday" a length of time


def fits(kind: str, shapes: frozenset[str], agent: bool = False, counts: bool = False) -> bool:
    """Hard answer-type agreement, the type a question word asks for: a "when" is answered by
    a time (a date, year, month, weekday, time of day, relative date; never a sum or a
    person's name), a "how much" by a sum or a quantity, a "how many" (``counts``) by a count
    (never a sum), a "who" by a name or a noun for people ("Haftar's forces"), a "who" or
    "where" never by a date or a number. Softer agreement is the ranker's work."""
    if kind == PERSON and not (agent or shapes & _AGENT_SHAPES):
        return False
    need = _NEEDS.get(kind)
    if need is not None and not (shapes & need):
        return False
    if kind == DATE and "name" in shapes and not shapes & _TIME_SHAPES:
        return False  # "When did construction begin?" is not answered by "Mr. Paul Grant"
    if counts and "money" in shapes:
        return False
    return not (shapes & _EXCLUDES.get(kind, frozenset()))


def of_type(q: Question, s: Sentence, sp: Span, names: Names) -> bool:
    """Whether a span names what the question asks for as its head: a "who" is a name or a
    word for people ("Haftar's forces"), never a thing owned by one ("Haftar's message") nor a
    place written as one ("Russia" of "in Moscow, Russia.", "Abu Dhabi" of "met in Abu Dhabi"),
    nor, for "which <noun>", the title before the name ("Foreign Minister Sergei Lavrov" for
    "Which Russian official ...?"); neither a "who" nor a "where" is the adjective of a place
    before its noun ("Libyan" of "Libyan rivals") nor a name that says whose a person's title
    is ("United Nations" of "United Nations chief Antonio Guterres visited Tripoli"); a "where"
    is not what the place is near ("Gharyan" of "Al-Assabaah, near Gharyan"); and no answer has
    the question's own words around an answer of the type asked ("coastal town of Zawiya" for
    "... from which coastal town ...?": the answer is "Zawiya", ``beyond_question``)."""
    if sp.first == sp.last and s.words[sp.first][2].lower() in SUBJECT_PRONOUNS:
        return q.kind == PERSON  # a "he" read as the person it stands for (``_speakers``)
    if q.kind == PERSON:
        # the head is the whole of a hyphenated last word: "Ki-moon" of "Ban Ki-moon", "al-Hassi"
        k, head = sp.last, s.words[sp.last][2]
        while k > sp.first and s.text[s.words[k - 1][1]:s.words[k][0]] == "-" and not head[:1].isupper():
            k -= 1
            head = s.words[k][2] if s.words[k][2][:1].isupper() else head
        if not (head[:1].isupper() or head.lower() in AGENT_NOUNS) or placed_after_place(s.text, sp.start, sp.end):
            return False
        if head[:1].isupper() and written_as_place(s.text, sp.start):
            return False
    if q.kind in (PERSON, PLACE) and names.place_adjective(s, sp):
        return False
    if q.kind in (PERSON, PLACE) and not q.whose and before_title(s, sp, named=q.kind == PERSON):
        return False
    if q.kind == PERSON and q.focus and titled_lead(s, sp):
        return False
    if q.kind == PLACE and (near := locates_place(s.text, sp.start)) and not re.search(
            rf"\b{near.split()[0]}\b", q.text, re.I):
        return False
    if sp.first < sp.last and s.words[sp.first][2].lower() == q.stranded and any(
            x.first == sp.first + 1 and x.last == sp.last for x in s.spans):
        return False
    m = names.index.term_map or {}
    rest = beyond_question(s, sp, lambda t: m.get(t, t) in q.own)
    return rest is None or not (fits(q.kind, rest.shapes, False, q.counts) and not rest.text.endswith(("'s", "’s"))
                                and of_type(q, s, rest, names))


# --- the values ----------------------------------------------------------------------

@dataclass
class Candidate:
    chunk: int
    sentence: Sentence
    span: Span
    key: str
    row: int  # its row in the feature matrix
    pronoun: bool = False  # "his forces" counted as "Haftar's forces": supports, never shown
    sent_terms: frozenset[str] = frozenset()  # its sentence's terms, "he" read as its antecedent
    held: float = 0.0  # the share of the question its sentence holds, exactly or by meaning
    # a "he" that stands for a person (``_speakers``): where the name is written, shown as the
    # answer (chunk, the quote holding it, the name's span); None for every other span
    written: tuple[int, Sentence, Span] | None = None


@dataclass
class Extraction:
    """Everything the models need about one question: candidates, features, evidence."""

    q: Question
    candidates: list[Candidate]
    X: np.ndarray
    groups: dict[str, list[int]]  # key -> candidate rows
    max_cov: float = 0.0    # the best sentence's share of the question
    retrieval: float = 0.0  # the top hit's BM25 score against the question's weight


@dataclass(slots=True)
class Read:
    """A sentence of a top chunk as read for the question."""

    sentence: Sentence
    chunk: int
    rank: int         # its chunk's rank among the hits
    cov: float        # share of the question it holds
    rel: float        # its chunk's score against the top hit's
    chunk_cov: float
    ctx_cov: float    # with the sentence before it
    terms: frozenset[str]
    word_terms: list[str]  # each word's term, name variants folded, "he" read as its antecedent
    soft: float = 0.0      # share of the question it holds by meaning only (``soft_evidence``)
    soft_words: list[float] = field(default_factory=list)  # each word's weight matched by meaning
    nb_gain: float = 0.0   # share of the question its neighbours add ("it" here, the name before)


@dataclass(slots=True)
class SentenceFeatures:
    """What a sentence gives each of its spans: where the question's words stand in it."""

    weights: list[float]  # each word's weight in the question (0: not in it)
    prefix: list[float]   # running sums of those
    matched: list[int]    # positions of the question's words
    before: list[float]   # running sums of the weights of the terms before the question word
    after: list[float]    # ... and of those after it
    bigram: float         # share of the question's bigrams it holds
    gram_left: list[int]  # see ``_aligned``
    gram_right: list[int]
    paren: list[int]      # each word's depth in parentheses
    soft_prefix: list[float]  # running sums of each word's weight matched by meaning
    soft_at: list[int]        # positions of the words matched by meaning


# --- the sentences read --------------------------------------------------------------

def read_sentences(q: Question, index: Index, hits: Sequence[Hit], names: Names) -> tuple[list[Read], float]:
    """The sentences of the hits that hold any of the question, exactly or by meaning
    (``SOFT_KEEP``), best first by the share they hold both ways, and the best share of the
    question any of them holds exactly."""
    m = index.term_map
    top_score = hits[0].score if hits else 0.0
    parsed = []
    for hit in hits:
        sents = parse_chunk(index.brief.chunks[hit.chunk].text)
        word_terms = []
        for s in sents:
            mt = as_asked(q, s.words, [m.get(t, t) for *_r, t in s.words])
            for k, ant in names.coref(hit.chunk, s).items():
                mt[k] = ant  # "He said ..." counts as "Al-Mesmari said ..."
            word_terms.append(mt)
        parsed.append((hit, sents, word_terms, [{t for t in mt if t} | names.named(hit.chunk, s)
                                                for mt, s in zip(word_terms, sents)]))
    soft = soft_evidence(q, [(s, st) for _h, sents, _w, sterms in parsed for s, st in zip(sents, sterms)])
    scored: list[tuple[float, Read]] = []
    max_cov = 0.0
    n = 0
    for hit, sents, word_terms, sterms in parsed:
        chunk_cov = q.coverage(set().union(*sterms) if sterms else set())
        rel = hit.score / top_score if top_score > 0 else 0.0
        for i, s in enumerate(sents):
            cov = q.coverage(sterms[i])
            share, per_word = soft[n + i]
            if cov <= 0 and share < SOFT_KEEP:
                continue
            before = sterms[i - 1] if i else set()
            after = sterms[i + 1] if i + 1 < len(sterms) else set()
            ctx = q.coverage(sterms[i] | before)
            max_cov = max(max_cov, cov)
            nb = q.coverage(sterms[i] | before | after) - cov
            scored.append((cov + share + 0.25 * rel, Read(
                s, hit.chunk, hit.rank, cov, rel, chunk_cov, ctx, frozenset(sterms[i]), word_terms[i], share,
                per_word, nb)))
        n += len(sents)
    scored.sort(key=lambda x: -x[0])
    return [r for _sc, r in scored], max_cov


def sentence_features(q: Question, r: Read) -> SentenceFeatures:
    s, mt = r.sentence, r.word_terms
    mw = [q.weights.get(t, 0.0) if t else 0.0 for t in mt]
    prefix, pb, pa = [0.0], [0.0], [0.0]
    for t, v in zip(mt, mw):
        prefix.append(prefix[-1] + v)
        pb.append(pb[-1] + (v if t in q.before else 0.0))
        pa.append(pa[-1] + (v if t in q.after else 0.0))
    bigram = len(q.bigrams & bigrams([t for t in mt if t])) / len(q.bigrams) if q.bigrams else 0.0
    toks = [t or fold(wd[2]) for t, wd in zip(mt, s.words)]
    gram_left, gram_right = _aligned(toks, mt, q.grams, q.gram_words)
    depth, paren = 0, []
    for k, (ws, *_r) in enumerate(s.words):
        gap = s.text[s.words[k - 1][1] if k else 0:ws]
        depth = max(0, depth + gap.count("(") - gap.count(")"))
        paren.append(depth)
    soft = r.soft_words or [0.0] * len(mt)
    return SentenceFeatures(mw, prefix, [k for k, v in enumerate(mw) if v > 0], pb, pa, bigram,
                            gram_left, gram_right, paren, [0.0, *itertools.accumulate(soft)],
                            [k for k, v in enumerate(soft) if v > 0])


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


# --- one span ------------------------------------------------------------------------

def _usage_if_admitted(q: Question, s: Sentence, sp: Span, cterms: Sequence[str],
                       names: Names) -> tuple[bool, tuple[float, float] | None]:
    """Whether a span may answer the question, and how the brief uses its name (if any)."""
    i, j = sp.first, sp.last
    inq = sum(t in q.own for t in cterms) / len(cterms) if cterms else 0.0
    if cterms and inq == 1.0 and "num" not in sp.shapes:
        return False, None  # the answer never just repeats the question
    if cterms and all(t in q.referred for t in cterms):
        return False, None  # nor names what the question's "he" or "it" refers to
    # a bare "forces" or "officials" names no one: a "who" answer made of common nouns is a
    # modified noun for people ("Haftar's forces", "pro-government forces")
    agent = (j > i and s.words[j][2].lower() in AGENT_NOUNS and all(wd[3] for wd in s.words[i:j + 1])
             and s.words[i][2].lower() not in VERB_START)  # not "told Reuters news agency"
    if not fits(q.kind, sp.shapes, agent, q.counts) or sp.text.endswith(("'s", "’s")) or not of_type(q, s, sp, names):
        return False, None  # (nor is "Haftar's" an answer: its noun, "Haftar's forces", may be)
    head = head_word(sp, s) if "name" in sp.shapes or "cap" in sp.shapes else ""
    usage = names.usage(head) if head else None
    if usage and q.kind in (PERSON, PLACE) and usage[0 if q.kind == PERSON else 1] >= CLEAR_USAGE:
        return False, None  # the brief clearly uses the name as a place (for "who") or a person
    return True, usage


def _context(q: Question, r: Read, f: SentenceFeatures, sp: Span, cterms: Sequence[str],
             dl: int, dr: int) -> list[str]:
    """The span's word-context classes: its own (``spans.context``) and those that depend on
    the question (its words next to the span, its focus, its wording on either side)."""
    s, mt, mw = r.sentence, r.word_terms, f.weights
    i, j, n = sp.first, sp.last, len(s.words)
    ctx = list(context(s, sp))
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
    # the question's own wording on either side of the span, stopwords included: "What did
    # the order raise fears of?" against "sparking fears of a major showdown"
    left, right = f.gram_left[i], f.gram_right[j]
    if left >= 2:
        ctx.append("gram_l3" if left >= 3 else "gram_l2")
    if right >= 2:
        ctx.append("gram_r3" if right >= 3 else "gram_r2")
    if "list" in sp.shapes and q.plural:
        ctx.append("list_plural")
    if f.paren[i] > 0:
        ctx.append("in_parens")
    if (i > 1 and s.words[i - 1][2].lower() in ("and", "or") and mw[i - 2] > 0) or (
            j + 2 < n and s.words[j + 1][2].lower() in ("and", "or") and mw[j + 2] > 0):
        ctx.append("coord_q")
    if (i and mw[i - 1] > 0 and "," in s.text[s.words[i - 1][1]:s.words[i][0]]) or (
            j + 1 < n and mw[j + 1] > 0 and "," in s.text[s.words[j][1]:s.words[j + 1][0]]):
        ctx.append("comma_q")
    return ctx


def span_features(q: Question, r: Read, f: SentenceFeatures, sp: Span, names: Names,
                  max_cov: float, m: dict[str, str], max_meant: float = 0.0) -> tuple[list[int], list[float]] | None:
    """The columns and values of a span's feature row; None when it cannot answer."""
    cterms = [m.get(t, t) for t in sp.terms] if m else sp.terms
    if q.forms:  # "Turkey" repeats "Which Turkish official ...?"
        cterms = [q.forms.get(t, t) for t in cterms]
    admitted, usage = _usage_if_admitted(q, r.sentence, sp, cterms, names)
    if not admitted:
        return None
    i, j, n = sp.first, sp.last, len(r.sentence.words)
    inq = sum(t in q.own for t in cterms) / len(cterms) if cterms else 0.0
    dl = dr = 99
    for k in f.matched:
        if k < i:
            dl = i - k
        elif k > j:
            dr = k - j
            break
    ctx = _context(q, r, f, sp, cterms, dl, dr)
    prefix, total, ki = f.prefix, q.total, _KI[q.kind]
    vals = [r.cov, r.chunk_cov, r.ctx_cov, r.rel, float(r.rank == 0), float(r.cov >= max_cov - 1e-9),
            min(1.0, (prefix[i] - prefix[max(0, i - 4)] + prefix[min(n, j + 5)] - prefix[j + 1]) / total),
            min(1.0, (prefix[i] - prefix[max(0, i - 10)] + prefix[min(n, j + 11)] - prefix[j + 1]) / total),
            1.0 / dl, 1.0 / dr, math.log1p(min(dl, dr)), inq, float(inq == 1.0), float(sp.cuts),
            1.0 - len(sp.terms) / (j - i + 1), r.soft, float(r.cov + r.soft >= max_meant - 1e-9),
            *soft_window(f.soft_prefix, i, j, n, total), soft_near(f.soft_at, i, j), r.nb_gain,
            1.0 / (1 + r.rank)]
    order = (min(1.0, f.before[i] / q.before_weight), min(1.0, (f.before[n] - f.before[j + 1]) / q.before_weight),
             min(1.0, f.after[i] / q.after_weight), min(1.0, (f.after[n] - f.after[j + 1]) / q.after_weight))
    cols = [*_ORDER_COLS[q.form], *_DYN, FI["bias"], FI[sp.length], ki[sp.length], ki["in_q"]]
    values = [*order, *order, f.bigram, *vals, 1.0, 1.0, 1.0, inq]
    for c in ctx:
        cols += (FI[c], ki[c])
    cols += (ki[shape] for shape in sp.shapes)
    values += [1.0] * (2 * len(ctx) + len(sp.shapes))
    if usage:
        gp, gq = usage
        cols += (FI["g_place"], ki["g_place"], FI["g_person"], ki["g_person"])
        values += (gp, gp, gq, gq)
    return cols, values


def inner_place(q: Question, s: Sentence, sp: Span, names: Names) -> Span:
    """What a "where" is answered by in a span: of a place owned by a place ("Libya's Ghademes")
    the inner, specific place ("Ghademes"), ranked by the whole span's features; else the span."""
    if q.kind != PLACE or not (owner := re.match(r"((?:[A-Z][\w-]*\s+)*[A-Z][\w-]*)['’]s\s+(?=[A-Z])", sp.text)):
        return sp
    if names.kind(owner.group(1)) != PLACE:
        return sp
    return next((x for x in s.spans if x.last == sp.last and x.start == sp.start + owner.end()
                 and x.shapes & {"name", "cap"}), sp)


def _key(r: Read, sp: Span, names: Names, m: dict[str, str]) -> tuple[str, bool]:
    """The span's answer key, and whether it states it through a possessive pronoun: "his
    forces" is keyed as "Haftar's forces" when Haftar is its antecedent."""
    owned = names.owned(r.chunk, r.sentence, sp)
    return (answer_key(owned, m), True) if owned else (answer_key(sp.text, m), False)


def _speakers(q: Question, r: Read, names: Names, max_cov: float, m: dict[str, str],
              max_meant: float) -> list[tuple[Candidate, tuple[list[int], list[float]]]]:
    """The people a sentence's "he" and "she" stand for, as candidates of a "who" (``Names.speakers``):
    '"There is no military solution," he said. "Only intra-Libyan dialogue ..."' answers "Who
    said only intra-Libyan dialogue ...?" with the person "he" is. Each is read where its
    pronoun stands (a quotation that goes on is read with the sentence that says who speaks)
    and shown where its name is written (``Candidate.written``), quoted with everything from
    that name to the statement when both are in one paragraph."""
    text = names.index.brief.chunks[r.chunk].text
    sents = parse_chunk(text)
    at = next((i for i, x in enumerate(sents) if x.start == r.sentence.start), 0)
    out = []
    for k, name, nc, off in names.speakers(r.chunk, r.sentence, sents[at - 1] if at else None):
        if nc == r.chunk and r.sentence.start <= off < r.sentence.end:
            continue  # "Guterres said he is ...": the name is a candidate of its own
        read, k2 = r, k
        if k < 0:  # said in the sentence before: read both as one
            before = sents[at - 1]
            both = parse_sentence(text[before.start:r.sentence.end], before.start)
            if len(both.words) != len(before.words) + len(r.sentence.words):
                continue
            terms = [m.get(t, t) for *_r, t in before.words]
            for j, ant in names.coref(r.chunk, before).items():
                terms[j] = ant
            read = replace(r, sentence=both, word_terms=terms + r.word_terms,
                           soft_words=[0.0] * len(before.words) + (r.soft_words or [0.0] * len(r.sentence.words)))
            k2 = len(before.words) + k
        ws, we, w, _t = read.sentence.words[k2]
        full = names.in_full(name, nc)
        sp = Span(ws, we, w, k2, k2,
                  tuple(tokenize(full)), frozenset({"name", "cap"}), False, LENGTHS[0])
        row = span_features(q, read, sentence_features(q, read), sp, names, max_cov, m, max_meant)
        if row is None:
            continue
        at = _written(names.index.brief.chunks[nc].text, read.sentence if nc == r.chunk else None, name, off)
        if at is not None:
            out.append((Candidate(r.chunk, read.sentence, sp, answer_key(full, m), 0, False, r.terms,
                                  r.cov + r.soft, (nc, *at)), row))
    return out


def _written(text: str, s: Sentence | None, name: str, off: int) -> tuple[Sentence, Span] | None:
    """Where a person's name is written (the word ``name`` at offset ``off`` of a chunk's
    ``text``) as a quote and the whole name in it ("Ahmed Al-Mesmari" of "Al-Mesmari"): the
    sentence that writes it, or, when the sentence ``s`` that says "he" is in the same
    paragraph, everything from that sentence to ``s``."""
    first = next((x for x in parse_chunk(text) if x.start <= off < x.end), None)
    if first is None or (s is not None and first.start >= s.start):
        return None
    both = parse_sentence(text[first.start:s.end], first.start) if s is not None else first
    a, b = off - first.start, off - first.start + len(name)
    spans = [x for x in both.spans if "name" in x.shapes and "list" not in x.shapes and x.start <= a and x.end == b]
    return (both, max(spans, key=lambda x: x.end - x.start)) if spans else None


# --- a question's candidates ---------------------------------------------------------

def extract(q: Question, index: Index, hits: Sequence[Hit], settings: Settings) -> Extraction:
    """The candidates of the question's hits with their feature matrix and groups."""
    names, m = Names.of(index), index.term_map
    reading = list(hits[: settings.answer_chunks])
    sentences, max_cov = read_sentences(q, index, reading, names)
    read = sentences[:SENTENCES]
    max_meant = max((r.cov + r.soft for r in read), default=0.0)
    cands: list[Candidate] = []
    rr: list[int] = []
    cc: list[int] = []
    vv: list[float] = []
    for r in read:
        f = sentence_features(q, r)
        for sp in r.sentence.spans:
            row = span_features(q, r, f, sp, names, max_cov, m, max_meant)
            if row is None:
                continue
            cols, values = row
            rr.extend([len(cands)] * len(cols))
            cc.extend(cols)
            vv.extend(values)
            sp = inner_place(q, r.sentence, sp, names)
            key, pron = _key(r, sp, names, m)
            cands.append(Candidate(r.chunk, r.sentence, sp, key, len(cands), pron, r.terms, r.cov + r.soft))
        if q.kind == PERSON:
            for c, (cols, values) in _speakers(q, r, names, max_cov, m, max_meant):
                rr.extend([len(cands)] * len(cols))
                cc.extend(cols)
                vv.extend(values)
                c.row = len(cands)
                cands.append(c)
    X = np.zeros((len(cands), len(FEATURES)))
    X[rr, cc] = vv
    groups = group([c.key for c in cands], [c.span.text for c in cands])
    states = min(MIN_COVERAGE, STATES_SHARE * max_meant)
    for grows in groups.values():
        # a chunk supports the answer only from a sentence that answers the question
        chunks = {cands[r].chunk for r in grows if cands[r].held >= states}
        docs = {index.brief.chunks[c].doc for c in chunks}
        X[grows, FI["support"]] = math.log(max(1, len(chunks)))
        X[grows, FI["docs"]] = math.log(max(1, len(docs)))
    top_score = reading[0].score if reading else 0.0
    retrieval = (top_score / (q.total * 2.2)) if q.total else 0.0
    return Extraction(q, cands, X, groups, max_cov, retrieval)
