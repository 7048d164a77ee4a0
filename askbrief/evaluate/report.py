"""What an evaluation writes and prints: the SQuAD prediction dict, the no-answer
probabilities, the --details lines and the plain-text report table."""

from __future__ import annotations

import json
from collections.abc import Iterable

from .. import referents
from ..records import EvalReport, EvalScore
from .run import Result


def predictions(results: Iterable[Result]) -> dict[str, str]:
    """The SQuAD prediction dict: {id: answer, or "" for an abstention}."""
    return {r.case.id: r.prediction for r in results}


def na_probs(results: Iterable[Result]) -> dict[str, float]:
    """The official SQuAD 2.0 script's no-answer probability file (``--na-prob-file``):
    {id: 1 - confidence}. With ``--min-confidence 0`` the predictions hold every question's
    best answer, and the script's best-threshold figures say where to abstain."""
    return {r.case.id: round(1.0 - r.answer.confidence, 4) for r in results}


def details_line(result: Result) -> str:
    """One --details JSONL line: the id, then exactly the fields of ``askbrief ask --json``."""
    return json.dumps({"id": result.case.id, **result.answer.model_dump(mode="json")},
                      ensure_ascii=False)


def _num(x: float | None, fmt: str = "{:.1f}") -> str:
    return "-" if x is None else fmt.format(x)


def report_table(report: EvalReport) -> str:
    """The report as a plain-text table. Everything that comes from the question file (its
    name, version, tags) is made safe as document text is: a tag cannot clear the screen."""
    from ..render import safe

    r = report
    from ..render import plural

    questions = f"{r.questions} {plural(r.questions, 'question')}"
    done = f"{r.evaluated} of {questions} (interrupted)" if r.interrupted else questions
    lines = [f"askbrief eval {safe(r.questions_file)} · {safe(r.format)} · {done}",
             f"brief: {r.documents} {plural(r.documents, 'document')}, "
             f"{r.paragraphs} {plural(r.paragraphs, 'paragraph')}"
             + (" (from the question file)" if r.corpus == [r.questions_file]
                else f" ({', '.join(safe(c) for c in r.corpus)})"),
             ""]

    def rows(title: str, scores: dict[str, EvalScore]) -> None:
        scores = {safe(k): v for k, v in scores.items()}
        width = max([len(title)] + [len(k) for k in scores])
        lines.append(f"  {title:<{width}}  {'n':>5}  {'EM':>6}  {'F1':>6}  {'useful':>7}  {'misled':>7}")
        for k, s in scores.items():
            lines.append(f"  {k:<{width}}  {s.n:>5}  {_num(s.exact):>6}  {_num(s.f1):>6}  "
                         f"{_num(s.useful, '{:.1f}%'):>7}  {_num(s.misled, '{:.1f}%'):>7}")

    rows("answers", {"overall": r.overall, "HasAns": r.has_ans, "NoAns": r.no_ans})
    if r.unscored:
        lines.append(f"  ({r.unscored} {plural(r.unscored, 'question')} without gold answers "
                     f"{'was' if r.unscored == 1 else 'were'} asked but not scored)")
    lines.append("")
    ret, t = r.retrieval, r.timing
    lines += [f"  answered    {_num(r.answered, '{:.1f}%')} of the answerable questions with a short answer; "
              f"{_num(r.sentence_answers, '{:.1f}%')} of all questions with a sentence",
              f"  verbatim    {_num(r.verbatim, '{:.1f}%')} of {r.answers_given} {plural(r.answers_given, 'answer')} "
              f"{'quotes' if r.answers_given == 1 else 'quote'} the brief exactly",
              f"  retrieval   recall@1 {_num(ret.recall_at_1, '{:.1f}%')} · @5 {_num(ret.recall_at_5, '{:.1f}%')} · "
              f"@20 {_num(ret.recall_at_20, '{:.1f}%')} · MRR {_num(ret.mrr, '{:.3f}')} "
              f"({ret.n} {plural(ret.n, 'question')} with a known gold paragraph)",
              f"  time        total {t.total_s:.2f} s · load {t.load_s:.2f} s · index {t.index_s:.2f} s · "
              f"per question p50 {_num(t.latency_p50_ms)} ms, p95 {_num(t.latency_p95_ms)} ms",
              ""]
    if r.by_type:
        rows("question type", r.by_type)
    if r.by_tag:
        lines.append("")
        rows("tag", r.by_tag)
    lines += referents.report_lines(r.referents)
    return "\n".join(lines)
