"""Running an evaluation: the question set, its brief and the assistant (``prepare``), each case
asked and scored (``Evaluation.results``, one at a time, so ctrl+c keeps what was finished),
then the report. Nothing here prints."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .. import referents
from ..answer import wh_word
from ..corpus import Brief, load_brief
from ..models import Answer, Settings
from ..records import EvalReport, EvalRetrieval, EvalTiming
from .questions import Case, QuestionSet, read_questions, squad_brief
from .scores import (exact_match, f1_score, folded, gold_rank, is_useful, pct, percentile, recall_mrr, rounded,
                     score_of)

TYPE_ORDER = ("who", "when", "where", "how many", "what", "which", "why", "other")  # as reports list them


@dataclass
class Result:
    case: Case
    answer: Answer  # the scored (last) turn
    latencies_ms: list[float]
    exact: float | None = None  # 0/1, None when not scored
    f1: float | None = None  # 0..1
    rank: int | None = None
    gold_known: bool = False
    verbatim: bool | None = None  # None for an abstention
    useful: bool | None = None  # answerable: a right short answer or a sentence holding one
    misled: bool | None = None  # unanswerable: given a short or a sentence answer
    references: list[referents.Reference] | None = None  # with the case's referents

    @property
    def prediction(self) -> str:
        return "" if self.answer.abstained or self.answer.answer is None else self.answer.answer


class Evaluation:
    """A question set and the assistant that answers it; yields results, then a report."""

    def __init__(self, questions: QuestionSet, assistant, *, corpus: Sequence[str],
                 load_s: float = 0.0, index_s: float = 0.0, started: float | None = None,
                 own_brief: bool = False):
        self.questions = questions
        self.assistant = assistant
        self.brief: Brief = assistant.brief
        self.corpus = list(corpus)
        self.load_s, self.index_s = load_s, index_s
        self.started = time.perf_counter() if started is None else started
        self.own_brief = own_brief
        self._folded: dict[tuple[str, int], str] | None = None

    def __len__(self) -> int:
        return len(self.questions.cases)

    def results(self) -> Iterator[Result]:
        """Ask every case, in file order, and score it."""
        for case in self.questions.cases:
            yield self.run_case(case)

    def run_case(self, case: Case) -> Result:
        context: list[Answer] = []
        latencies = []
        for q in case.asked:
            t = time.perf_counter()
            answer = self.assistant.ask(q, context=list(context))
            latencies.append((time.perf_counter() - t) * 1000)
            context.append(answer)
        result = Result(case=case, answer=context[-1], latencies_ms=latencies)
        if case.referents is not None:
            result.references = referents.score(case.referents, case.asked, result.answer.resolved,
                                                self.assistant.index.map_term, context[:-1])
        if not result.answer.abstained:
            result.verbatim = self.is_verbatim(result.answer)
        if case.answers is not None:
            result.exact = exact_match(result.prediction, case.answers)
            result.f1 = f1_score(result.prediction, case.answers)
            if case.answerable:
                result.useful = is_useful(result.answer, case.answers)
            else:
                result.misled = not result.answer.abstained
            if case.answerable:
                gold = case.gold if (self.own_brief and case.gold is not None) else self.gold_paragraphs(case.answers)
                result.gold_known = bool(gold)
                if gold:
                    result.rank = gold_rank(((r.doc, r.paragraph) for r in result.answer.retrieved), gold)
        return result

    def is_verbatim(self, answer: Answer) -> bool:
        """The answer (or a sentence answer's highlight) is in its evidence and every quote is
        the paragraph's text at its offsets."""
        shown = answer.answer if answer.grade == "short" else (answer.highlight or answer.evidence)
        if not shown or not answer.evidence or shown not in answer.evidence:
            return False
        for c in answer.citations:
            para = self.brief.paragraph(c.doc, c.paragraph)
            if para is None or para[c.start:c.end] != c.quote:
                return False
        return True

    def gold_paragraphs(self, answers: Sequence[str]) -> frozenset[tuple[str, int]]:
        """Paragraphs whose (folded) text contains a (folded) gold answer."""
        if self._folded is None:
            self._folded = {key: folded(self.brief.paragraph(*key) or "") for key in self.brief.paragraph_keys()}
        needles = [f for f in (folded(a) for a in answers) if f]
        return frozenset(k for k, t in self._folded.items() if any(n in t for n in needles))

    def report(self, results: Sequence[Result], interrupted: bool = False) -> EvalReport:
        scored = [r for r in results if r.case.answers is not None]
        has = [r for r in scored if r.case.answerable]
        no = [r for r in scored if not r.case.answerable]
        given = [r for r in results if not r.answer.abstained]
        located = [r for r in has if r.gold_known]
        recall, mrr = recall_mrr([r.rank for r in located])
        latencies = [ms for r in results for ms in r.latencies_ms]
        by_type: dict[str, list[Result]] = {}
        by_tag: dict[str, list[Result]] = {}
        for r in scored:
            by_type.setdefault(wh_word(r.case.asked[-1]), []).append(r)
            for tag in r.case.tags:
                by_tag.setdefault(tag, []).append(r)
        order = {t: i for i, t in enumerate(TYPE_ORDER)}
        return EvalReport(
            questions_file=self.questions.path,
            format=self.questions.format,
            corpus=self.corpus,
            documents=len(self.brief.documents),
            paragraphs=len(self.brief.paragraph_keys()),
            settings=self.assistant.settings,
            questions=len(self.questions.cases),
            evaluated=len(results),
            interrupted=interrupted,
            unscored=len(results) - len(scored),
            overall=score_of(scored), has_ans=score_of(has), no_ans=score_of(no),
            answered=pct(sum(r.answer.grade == "short" for r in has), len(has)),
            sentence_answers=pct(sum(r.answer.grade == "sentence" for r in scored), len(scored)),
            answers_given=len(given),
            verbatim=pct(sum(bool(r.verbatim) for r in given), len(given)),
            retrieval=EvalRetrieval(n=len(located), recall_at_1=rounded(recall[1]),
                                    recall_at_5=rounded(recall[5]), recall_at_20=rounded(recall[20]),
                                    mrr=rounded(mrr, 4)),
            timing=EvalTiming(load_s=round(self.load_s, 3), index_s=round(self.index_s, 3),
                              total_s=round(time.perf_counter() - self.started, 3),
                              latency_p50_ms=rounded(percentile(latencies, 50)),
                              latency_p95_ms=rounded(percentile(latencies, 95))),
            by_type={k: score_of(v) for k, v in sorted(by_type.items(), key=lambda kv: order.get(kv[0], 99))},
            by_tag={k: score_of(v) for k, v in sorted(by_tag.items())},
            referents=referents.summary(x for r in results for x in r.references or ())
            if any(r.references is not None for r in results) else None,
        )


def prepare(questions_file: str | Path, corpus: Sequence[str] | None = None,
            settings: Settings | None = None, follow_links: bool = False) -> Evaluation:
    """Read the question file, load its brief (its own, for SQuAD without a corpus), index it."""
    from .. import Assistant, corpus_paths

    started = time.perf_counter()
    questions = read_questions(questions_file)
    own = questions.articles is not None and not corpus
    if own:
        brief, sources = squad_brief(questions), [questions.path]
    else:
        sources = corpus_paths(corpus)
        brief = load_brief(sources, follow_links)
    loaded = time.perf_counter()
    assistant = Assistant(brief, settings)
    indexed = time.perf_counter()
    return Evaluation(questions, assistant, corpus=sources, load_s=loaded - started,
                      index_s=indexed - loaded, started=started, own_brief=own)
