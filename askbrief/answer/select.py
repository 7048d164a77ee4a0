"""Hits -> an Answer: the best group's span quoted from the brief, its sentence and sources.

``select`` extracts the candidates (``features.py``), ranks them and asks the confidence
model (``model.py``); below the threshold, or when the passages do not hold what the question
is about (``topic.py``), it abstains and cites the closest passages.
Otherwise it cites every read sentence that states the answer (one per chunk, the chosen one
first) and, when other sources give a different answer of the same shape nearly as
strongly, those answers with their sources.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from ..corpus import Brief
from ..index import Index
from ..models import Alternative, Answer, Citation, Hit, Retrieved, Settings
from ..text import fold, tokenize
from .features import FI, Candidate, Extraction, extract
from .model import MIN_COVERAGE, Model, Ranked, load_model, rank
from .names import POSSESSIVE_PRONOUNS, Names
from .quantities import answer_key, keys_within, quantity, same_quantity
from .question import PERSON, Question
from .spans import AGENT_NOUNS, Sentence, Span, parse_chunk
from .topic import off_topic, referent_off_topic

MAX_ALTERNATIVES = 3


def select(q: Question, index: Index, hits: list[Hit], settings: Settings,
           model: Model | None = None, started: float | None = None) -> Answer:
    """The answer to ``q`` from its hits, graded: a short answer when its span is likely
    right, else the sentence when that likely answers, else an abstention. ``started``
    (``time.perf_counter()`` when the ask began) times it."""
    started = time.perf_counter() if started is None else started
    model = model or load_model()
    chunks = index.brief.chunks
    retrieved = [Retrieved(doc=chunks[h.chunk].doc, paragraph=chunks[h.chunk].paragraph,
                           score=round(h.score, 4)) for h in hits]
    ex = extract(q, index, hits, settings)
    ranked = rank(ex, model.rank) if hits and q.own else None
    conf = model.confidence(ranked.conf_x) if ranked is not None else 0.0
    sconf = model.sentence_confidence(ranked.sent_x) if ranked is not None else 0.0
    threshold = model.threshold if settings.min_confidence is None else settings.min_confidence
    s_threshold = (model.sentence_threshold if settings.min_sentence_confidence is None
                   else settings.min_sentence_confidence)
    grade = ("short" if conf >= threshold and conf > 0.0
             else "sentence" if s_threshold is not None and sconf >= s_threshold and sconf > 0.0
             else "none")
    # whether the question is about the brief at all is asked only of an answer it would give
    if grade != "none" and (ranked is None or asks_nothing(q) or off_topic(q, index, hits, model.off_topic_cut)
                            or referent_off_topic(q, index, settings.top_k, model.off_topic_cut)):
        grade = "none"
    fields: dict
    if grade == "none":
        fields = {"answer": None, "abstained": True, "evidence": None, "alternatives": [],
                  "citations": _closest(q, index, hits)}
    else:
        first = ex.candidates[ranked.best[ranked.order[0]]]
        if grade == "short":
            fields = _short(q, index, hits, settings, ex, ranked, first)
        else:
            chunk, s, sp = first.written if first.written and first.written[0] == first.chunk else (
                first.chunk, first.sentence, first.span)
            cited = _citation(index.brief, chunk, s.start, s.end)
            fields = {"answer": None, "abstained": False, "highlight": sp.text,
                      "evidence": cited.quote, "citations": [cited], "alternatives": []}
    return Answer(question=q.asked, confidence=round(conf, 4), grade=grade,
                  sentence_confidence=round(sconf, 4), retrieved=retrieved,
                  resolved=dict(q.resolved), unresolved=dict(q.unresolved), **fields,
                  elapsed_ms=round((time.perf_counter() - started) * 1000, 2))


def asks_nothing(q: Question) -> bool:
    """Whether a follow-up is made of references alone ("it", "there?", "the the town"): what
    they stand for is all it holds, so it asks nothing of its own to answer."""
    if not q.resolved:
        return False
    meant = {t for value in q.resolved.values() for t in tokenize(value)}
    return not [t for t in q.tokens if t not in meant]


def _short(q: Question, index: Index, hits: Sequence[Hit], settings: Settings, ex: Extraction,
           ranked: Ranked, first: Candidate) -> dict:
    """A short answer's fields: its span, every source stating it, the alternatives."""
    sources = _sources(q, index, hits, ranked.order[0], settings, first)[: settings.max_citations]
    citations = [_citation(index.brief, chunk, s.start, s.end) for chunk, s, _sp in sources]
    shown = first.span
    if first.written:  # "he said": the name "he" stands for, quoted where it is written
        chunk, s, shown = first.written
        cited = _citation(index.brief, chunk, s.start, s.end)
        citations = [cited, *(c for c in citations if not (
            (c.doc, c.paragraph) == (cited.doc, cited.paragraph) and cited.start <= c.start and c.end <= cited.end))]
        citations = citations[: settings.max_citations]
    return {"answer": folded(shown.text), "answer_quote": shown.text,
            "abstained": False, "evidence": citations[0].quote,
            "citations": citations,
            "alternatives": _alternatives(q, ex, index, ranked, {c for c, *_r in sources}, settings)}


def _citation(brief: Brief, chunk_index: int, qs: int, qe: int) -> Citation:
    from ..paths import fs_text  # a file name that is not UTF-8 stays printable

    chunk = brief.chunks[chunk_index]
    doc = brief.document(chunk.doc)
    s = chunk.start + qs - chunk.para_start
    return Citation(doc=doc.id, title=doc.title, date=doc.date, paragraph=chunk.paragraph,
                    start=s, end=s + (qe - qs), quote=chunk.text[qs:qe], path=fs_text(doc.path),
                    page=doc.page_at(chunk.start + qs))


def _sentence_terms(s: Sentence, m: dict[str, str]) -> set[str]:
    return {m.get(t, t) for *_r, t in s.words if t}


def _closest(q: Question, index: Index, hits: Sequence[Hit], n: int = 3) -> list[Citation]:
    """The best-matching sentence of each of the top chunks, for an abstention."""
    m = index.term_map
    out = []
    for hit in hits[:n]:
        sents = parse_chunk(index.brief.chunks[hit.chunk].text)
        best = max(sents, default=None, key=lambda s: q.coverage(_sentence_terms(s, m)))
        if best:
            out.append(_citation(index.brief, hit.chunk, best.start, best.end))
    return out


def _sources(q: Question, index: Index, hits: Sequence[Hit], key: str, settings: Settings,
             first: Candidate) -> list[tuple[int, Sentence, Span]]:
    """Every read sentence stating the answer ``key`` for this question (first the chosen one),
    one per chunk. A sentence states it when it holds the answer and as much of the question as
    an answering sentence must (``MIN_COVERAGE``, or as much as the chosen one when that holds
    less): "Skirmishes ... near Gharyan ... according to the media office of Haftar's forces"
    names the answer to "Who took Gharyan?" without saying who took it."""
    m = index.term_map
    chosen = q.coverage(_sentence_terms(first.sentence, m))
    need = min(chosen, max(MIN_COVERAGE, 0.4 * chosen))
    found = [(first.chunk, first.sentence, first.span)]
    seen = {first.chunk}
    qty = quantity(first.span.text)
    for hit in hits[: max(settings.answer_chunks, settings.top_k)]:
        if hit.chunk in seen:
            continue
        for s in parse_chunk(index.brief.chunks[hit.chunk].text):
            if q.coverage(_sentence_terms(s, m)) < need:
                continue
            if not qty and key not in fold(s.text) and key not in keys_within(s.words, m):
                continue  # no span of it has the key: its spans are not worked out
            sp = next((sp for sp in s.spans if answer_key(sp.text, m) == key
                       or (qty and (q2 := quantity(sp.text)) and same_quantity(q2, qty))), None)
            if sp is not None:
                found.append((hit.chunk, s, sp))
                seen.add(hit.chunk)
                break
    return found


def _stated_through_pronoun(names: Names, chunk: int, s: Sentence, key: str, m: dict[str, str]) -> Span | None:
    """The span of a sentence that states ``key`` through a possessive pronoun ("his forces"):
    the sentence agrees with that answer, though it is not cited for it (a quote cited for an
    answer writes the answer itself)."""
    return next((sp for sp in s.spans if (own := names.owned(chunk, s, sp)) and answer_key(own, m) == key), None)


def _alternatives(q: Question, ex: Extraction, index: Index, ranked: Ranked, cited: set[int],
                  settings: Settings) -> list[Alternative]:
    """Other answers of the same shape that other sources give nearly as strongly: when the
    sources disagree, the reader sees each answer with its sources. An alternative is held
    to what makes an answer: of the type asked (as every candidate is: ``features.of_type``),
    in the sentence's answer slot (``_in_slot``), from a sentence that does not state the chosen answer too ("Haftar's
    message ... comes a day after his forces took over the town of Gharyan" agrees with
    "Haftar's forces", through "his")."""
    top = ranked.order[0]
    first = ex.candidates[ranked.best[top]]
    shape = first.span.shapes & {"num", "date", "name", "cap"}
    cov = ex.X[ranked.best[top], FI["sent_cov"]]
    names, m = Names.of(index), index.term_map
    out: list[Alternative] = []
    shown_keys: list[str] = []  # a piece of an answer shown is no other answer
    for key in ranked.order[1:]:
        if len(out) >= MAX_ALTERNATIVES or ranked.score[key] < ranked.score[top] - 1.0:
            break
        row = ranked.best[key]
        c = ex.candidates[row]
        if ({ex.candidates[r].chunk for r in ex.groups[key]} & cited or not shape & c.span.shapes
                or ex.X[row, FI["sent_cov"]] < 0.8 * cov or ranked.prob[key] < 0.5 * ranked.prob[top]
                or c.key in first.key or first.key in c.key or any(c.key in k for k in shown_keys)):
            continue
        rows = [r for r in ex.groups[key] if not ex.candidates[r].pronoun and not ex.candidates[r].written
                and _in_slot(q, ex, ex.candidates[r], m)
                and not _stated_through_pronoun(names, ex.candidates[r].chunk, ex.candidates[r].sentence, first.key, m)]
        if not rows:
            continue
        cits: list[Citation] = []
        for r in sorted(rows):
            cc = ex.candidates[r]
            cit = _citation(index.brief, cc.chunk, cc.sentence.start, cc.sentence.end)
            if all((cit.doc, cit.paragraph) != (x.doc, x.paragraph) for x in cits):
                cits.append(cit)
        shown = c if row in rows else ex.candidates[rows[0]]
        shown_keys.append(c.key)
        out.append(Alternative(answer=folded(shown.span.text), citations=cits[: settings.max_citations]))
    return out


def _in_slot(q: Question, ex: Extraction, c: Candidate, m: dict[str, str]) -> bool:
    """Whether a candidate stands in its sentence's answer slot: no other span that could
    answer stands between it and the nearest of the question's words. "Haftar's message,
    which was posted on the Facebook page ..., comes a day after his forces ... took over the
    town of Gharyan" says who took Gharyan through "his forces", not through the message."""
    s, sp = c.sentence, c.span
    at = [k for k, w in enumerate(s.words) if w[3] and m.get(w[3], w[3]) in q.own and not sp.first <= k <= sp.last]
    if not at:
        return True
    near = min(at, key=lambda k: sp.first - k if k < sp.first else k - sp.last)
    lo, hi = (sp.last, near) if near > sp.last else (near, sp.first)
    between = [(o.span.first, o.span.last) for o in ex.candidates
               if o.chunk == c.chunk and o.sentence is s and o.key != c.key]
    if q.kind == PERSON:  # "his forces": a word for people with its owner's pronoun
        between += [(k, k) for k in range(1, len(s.words)) if s.words[k][2].lower() in AGENT_NOUNS
                    and s.words[k - 1][2].lower() in POSSESSIVE_PRONOUNS]
    return not any(lo < first and last < hi and not any(first <= k <= last for k in at)
                   for first, last in between)


def folded(span: str) -> str:
    """A span as a reader reads it: a hard-wrapped line's break (any run of whitespace) is
    one space. Quotes keep the source's text; ``Answer.answer_quote`` keeps the span's."""
    return " ".join(span.split())
