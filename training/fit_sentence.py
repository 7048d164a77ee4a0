"""Fit the sentence model of graded answers and add it to askbrief/answer/weights.json.

``python -m training.fit_sentence``, after ``python -m training.fit``: it reads the shipped
ranker and confidence model, and fits on top of them the model that says whether the sentence
of the ranker's top answer holds the answer, and its threshold. When the short answer's
confidence is under its threshold and this one is over its own, askbrief gives the sentence as
its answer ("No short answer; the brief says: ...").

Data and folds are ``fit``'s (``--squad``: SQuAD 2.0 files, folds of whole articles;
``--seed-questions``: seed question files on the bundled brief, folds of thirds). Every figure
printed is out of fold twice over: each question is ranked by a ranker fitted without its fold,
and each fold's sentence model and threshold are fitted without it.

1. The model: logistic regression (``fit.fit_conf``) from the top answer's sentence features
   (``model.SENT_FEATURES``: the confidence model's, and how its sentence stands among those
   read) to 1 when its sentence contains a gold answer (case and spaces folded: what
   ``askbrief eval`` counts as a useful sentence), else 0 (always 0 for unanswerable questions).
   Each question set weighs as the square root of its size (``root_weights``): SQuAD keeps
   three quarters of the weight, not 17 parts in 18; weighted alike, as the confidence model
   is, SQuAD's misled share rises by 9 points (docs/quality.md).
2. The threshold: the cut that maximises, averaged over the sets, the share of answerable
   questions given a useful answer minus the share of unanswerable questions given any answer
   (misled) beyond the 20% the targets allow, smoothed like the short answer's; kept above
   every off-topic training question.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from askbrief.answer import model
from askbrief.evaluate import folded
from askbrief.models import Settings

from . import fit



@dataclass
class Row:
    """One question under the shipped ranker: what askbrief would answer, and whether the
    answer's sentence holds a gold answer."""

    item: fit.Item
    set: str
    x: np.ndarray  # the sentence model's features of the top answer (zeros: no candidate)
    conf: float  # the short answer's confidence
    f1: float  # of the short answer
    holds: bool
    sconf: float = 0.0  # out of fold
    sentence: bool = False  # given as a sentence answer, out of fold
    caught: bool = False  # by the off-topic test: it abstains (the cut of the fit at hand)

    @property
    def short(self) -> bool:
        return self.conf >= SHIPPED.threshold and self.conf > 0.0 and not self.caught

    @property
    def useful(self) -> bool:
        return (self.short and (self.f1 >= 0.5 or self.holds)) or (self.sentence and self.holds)

    @property
    def misled(self) -> bool:
        return self.short or self.sentence


MISLED_ALLOWED = 0.2  # the share of unanswerable questions the targets let be misled

SHIPPED: model.Model  # the ranker and confidence model the sentence model is fitted on (main)


def rows_of(items: Sequence[fit.Item], rankers: dict) -> list[Row]:
    """Each question as askbrief would answer it with a ranker that never saw its fold (the
    shipped confidence model on top, as in ``fit``): the sentence model learns how often the
    top answer's sentence holds the answer for questions the ranker was not fitted to."""
    rows = []
    for it in items:
        r = model.rank(it.extraction(), rankers[frozenset({it.fold})])
        set_name = it.set if fit.is_seed(it) else "squad"
        if r is None:
            rows.append(Row(it, set_name, np.zeros(len(model.SENT_FEATURES)), 0.0, 0.0, False))
            continue
        top = r.best[r.order[0]]
        sentence = folded(it.ex.candidates[top].sentence.text)
        holds = any(g and g in sentence for g in map(folded, it.answers))
        rows.append(Row(it, set_name, r.sent_x, SHIPPED.confidence(r.conf_x), float(it.f1[top]), holds))
    return rows


def add_sentence_model(shipped: model.Model, items: Sequence[fit.Item], rankers: dict,
                       squad: Sequence[Path], seed_questions: Sequence[Path], log) -> str:
    """Fits the sentence model on top of ``shipped`` (its confidence model and threshold) and
    the out-of-fold ``rankers``, stores it in ``shipped``; returns the report."""
    global SHIPPED
    SHIPPED = shipped
    rows = rows_of(items, rankers)
    oof_caught = cross_validate(rows, log)
    u, t = fit_sentence(rows)
    for r, c in zip(rows, oof_caught):  # the figures are out of fold: each fold's own cut
        r.caught = c
    shipped.sent, shipped.sentence_threshold = u, t
    shipped.meta["sentence"] = {"trained_on": [q.name for q in squad] + [q.name for q in seed_questions],
                                "cv": {name: metrics([r for r in rows if r.set == name])
                                       for name in sorted({r.set for r in rows})},
                                "command": "python -m training.fit_sentence"}
    log(f"sentence threshold {t:.2f}")
    return report(rows)


def sentence_confidences(X: np.ndarray, u: np.ndarray) -> np.ndarray:
    return np.array([model.sentence_confidence(u, x) if np.abs(x).sum() > 0 else 0.0 for x in X])


def best_sentence_threshold(rows: Sequence[Row], sconf: np.ndarray, window: int = fit.SMOOTH) -> float:
    """The cut maximising mean-over-sets (useful share of answerable - the misled share of
    unanswerable beyond ``MISLED_ALLOWED``), for questions without a short answer; the curve
    smoothed first. Misled up to the targets' allowance costs nothing: under it, every
    sentence that helps a reader is worth giving."""
    sets = np.array([r.set for r in rows])
    answerable = np.array([bool(r.item.answers) for r in rows])
    short = np.array([r.short for r in rows])
    short_useful = np.array([r.short and (r.f1 >= 0.5 or r.holds) for r in rows])
    holds = np.array([r.holds for r in rows])
    caught = np.array([r.caught for r in rows])

    def value(t: float) -> float:
        given = short | ((sconf >= t) & ~caught)
        useful = short_useful | (~short & given & holds)
        return np.mean([useful[(sets == n) & answerable].mean()
                        - max(0.0, given[(sets == n) & ~answerable].mean() - MISLED_ALLOWED)
                        for n in np.unique(sets)])

    return fit.best_cut(value, window)


def fit_sentence(rows: Sequence[Row]) -> tuple[np.ndarray, float]:
    """The sentence model and its threshold fitted on ``rows``; marks the rows the off-topic
    test (its cut fitted on the same rows) catches."""
    cut = fit.off_topic_cut([r.item for r in rows])
    for r in rows:
        r.caught = r.item.caught(cut)
    X = np.array([r.x for r in rows])
    u = fit.fit_conf(X, np.array([float(r.holds) for r in rows]),
                     sample_weight=root_weights(np.array([r.set for r in rows])))
    t = best_sentence_threshold(rows, sentence_confidences(X, u))
    off = [r for r in rows if r.item.off_topic and not r.caught]
    if off:  # an off-topic question the test lets through is never given a sentence either
        t = fit.above(t, sentence_confidences(np.array([r.x for r in off]), u))
    return u, t


def root_weights(sets: np.ndarray) -> np.ndarray:
    """One weight per question such that each question set weighs in proportion to the square
    root of its size: unweighted, SQuAD's 3,586 questions outweigh the 207 seed questions 17 to
    1, and the model learns how SQuAD's sentences go (its adversarial unanswerable questions
    share nearly every word with a sentence), not how a freely worded question's do; weighted
    alike, as the confidence model is, SQuAD's misled share rises by 9 points out of fold
    (docs/quality.md). By the root, SQuAD keeps three quarters of the weight."""
    names, counts = np.unique(sets, return_counts=True)
    per = dict(zip(names, 1.0 / np.sqrt(counts)))
    w = np.array([per[s] for s in sets])
    return w * len(w) / w.sum()


def cross_validate(rows: list[Row], log) -> list[bool]:
    """Fills each row's out-of-fold sentence confidence and grade; returns whether each row
    is caught by the off-topic test with its fold's cut (fitted without it)."""
    oof_caught = {}
    for k in sorted({r.item.fold for r in rows}):
        train = [r for r in rows if r.item.fold != k]
        held = [r for r in rows if r.item.fold == k]
        u, t = fit_sentence(train)
        cut = fit.off_topic_cut([r.item for r in train])
        for r, c in zip(held, sentence_confidences(np.array([r.x for r in held]), u)):
            r.caught = oof_caught[id(r)] = r.item.caught(cut)
            r.sconf, r.sentence = float(c), bool(not r.short and not r.caught and c >= t)
        log(f"fold {k}: {len(held)} questions, sentence threshold {t:.2f}")
    return [oof_caught[id(r)] for r in rows]


def metrics(rows: Sequence[Row]) -> dict[str, float]:
    has = [r for r in rows if r.item.answers]
    no = [r for r in rows if not r.item.answers]
    pct = lambda xs: round(100.0 * sum(xs) / len(xs), 1) if xs else float("nan")  # noqa: E731
    return {"n": len(rows), "useful": pct([r.useful for r in has]), "misled": pct([r.misled for r in no]),
            "short": pct([r.short for r in rows]), "sentence": pct([r.sentence for r in rows]),
            "sentence_holds": pct([r.holds for r in rows if r.sentence])}


def report(rows: Sequence[Row]) -> str:
    cols = ["n", "useful", "misled", "short", "sentence", "sentence_holds"]
    lines = ["| set | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for name in sorted({r.set for r in rows}):
        m = metrics([r for r in rows if r.set == name])
        lines.append(f"| {name} | " + " | ".join(str(m[c]) for c in cols) + " |")
    return ("Graded answers, out of fold (useful: % of answerable questions; misled: % of "
            "unanswerable ones; short/sentence: % of all questions given that grade; sentence_holds: "
            "% of sentence answers whose sentence holds a gold answer):\n\n" + "\n".join(lines))


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.fit_sentence", description=__doc__.split("\n")[0])
    p.add_argument("--squad", type=Path, nargs="+", default=list(fit.SQUAD),
                   help="SQuAD 2.0 question files (default: %(default)s)")
    p.add_argument("--seed-questions", type=Path, nargs="+", default=list(fit.SEEDS_Q),
                   help="JSONL question files on --seed-brief, one set each (default: %(default)s)")
    p.add_argument("--seed-brief", type=Path, default=fit.SEEDS, help="their brief (default: %(default)s)")
    p.add_argument("--weights", type=Path, default=model.WEIGHTS_PATH,
                   help="the weights to add the sentence model to, in place (default: %(default)s)")
    p.add_argument("--report", metavar="FILE", help="also write the cross-validation report here")
    p.add_argument("--limit", type=int, help="use only the first N questions of each file (quick runs)")
    args = p.parse_args(argv)
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    shipped = model.Model.from_json(json.loads(args.weights.read_text(encoding="utf-8")))
    t0 = time.perf_counter()
    items = fit.load_items(Settings(), limit=args.limit, squad=args.squad,
                           seed_questions=args.seed_questions, seed_brief=args.seed_brief)
    log(f"{len(items)} questions ({time.perf_counter() - t0:.1f} s)")
    rankers = fit._rankers(items, [frozenset({k}) for k in sorted({it.fold for it in items})])
    text = add_sentence_model(shipped, items, rankers, args.squad, args.seed_questions, log)
    fit.write_outputs(shipped, args.weights, text, args.report)
    log(f"wrote {args.weights} in {time.perf_counter() - t0:.1f} s")
    return 0

if __name__ == "__main__":
    raise SystemExit(main())
