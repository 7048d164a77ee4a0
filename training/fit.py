"""Fit the answer selector's two models and write them to askbrief/answer/weights.json.

``python -m training.fit``, run from a checkout of the repository: training is no part of the
installed package. Data, given as arguments with defaults in the repository: SQuAD 2.0 files
(``--squad``: ``tests/data/squad2-tune.json`` and ``squad2-train.json``, each its brief built
from its own contexts, as ``askbrief eval`` does) and seed question files
(``--seed-questions``: ``tests/data/seeds-questions.jsonl``, near the articles' wording, and
``seeds-free-train.jsonl``, worded freely) on the bundled brief ``seeds/`` (``--seed-brief``).
Folds are whole articles for SQuAD (its eleven articles in three folds of about equal size) and
thirds of each seed file (every third question in file order) for the seed brief, whose five
articles share their story: every figure printed is for questions the weights were not fitted
to, and on SQuAD for text they were not fitted to either. The seed folds matter for the
confidence model: it is fitted to out-of-fold answers, and those of a ranker that never saw a
question on news text would teach it that news questions go wrong more often than they do
with the shipped ranker.

1. The ranking model: a linear score over candidate features, trained listwise (softmax over
   one question's candidates against a target that puts each candidate's mass in proportion
   to its squared token F1 with the gold answers), L2-regularised, plain numpy gradient
   descent (Adam), fixed seed and iteration count: the same data gives the same weights.
2. The confidence model: logistic regression (Newton's method) from question-level evidence
   to the F1 of the answer the ranker picks (0 for unanswerable questions), fitted on
   out-of-fold ranker outputs so it learns how often *unseen* questions go right, each
   question set (SQuAD, each seed file) weighing the same in total (``set_weights``).
3. The off-topic test's cut (``askbrief.answer.topic``): the lowest share of the question that
   no retrieved passage holds at which at most 1% of each set's answerable questions would
   abstain. Questions the test catches abstain whatever their confidence.
4. The threshold: the confidence that maximises overall F1 on out-of-fold confidences (the mean
   of the question sets' curves: SQuAD and each seed file; smoothed over +-0.05), kept above
   the shipped model's confidence on every off-topic training question the test does not catch.

Conversations in the seed set need the chat's follow-up resolution and are left out here
(``askbrief eval`` scores them).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import multiprocessing
import os
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from askbrief.answer import features, model, read, topic, wh_word
from askbrief.corpus import load_brief
from askbrief.evaluate import TYPE_ORDER, f1_score, read_questions, squad_brief
from askbrief.index import build_index
from askbrief.models import Settings
from askbrief.retrieve import search
from askbrief.variants import term_map

ROOT = Path(__file__).resolve().parent.parent  # the repository
DATA = ROOT / "tests" / "data"
SQUAD = (DATA / "squad2-tune.json", DATA / "squad2-train.json")
SEEDS_Q = (DATA / "seeds-questions.jsonl", DATA / "seeds-free-train.jsonl")
SEEDS = ROOT / "seeds"
SQUAD_FOLDS = 3  # SQuAD's articles in this many folds of about equal size
L2_RANK, L2_CONF = 3e-3, 1e-2
EPOCHS, LR = 250, 0.05
SEED = 5
# A seed question counts this many times in the ranker's loss: they are the only questions
# on news text with several sources, where corroboration and pronouns matter (the figures for
# each seed fold are from weights fitted without that fold's questions).
SEED_WEIGHT = 4.0
SEED_FOLDS = 3
SMOOTH = 5  # the threshold curve is averaged over this many cuts (of 0.01) either side


def is_seed(item: Item) -> bool:
    return item.fold.startswith("seeds")


@dataclass
class Rows:
    """A question's candidate feature rows, stored sparse (CSR): dense, the rows of the 3,800
    training questions (1.3 million candidates x 636 features, mostly zeros) would take 6.5 GB."""

    indptr: np.ndarray   # row k's entries are indices/data[indptr[k]:indptr[k + 1]]
    indices: np.ndarray  # their columns (int32)
    data: np.ndarray     # their values, as the dense matrix holds them
    width: int

    @classmethod
    def of(cls, X: np.ndarray) -> Rows:
        rows, cols = np.nonzero(X)  # row by row, columns ascending: CSR order
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=len(X)))])
        return cls(indptr, cols.astype(np.int32), X[rows, cols], X.shape[1])

    def dense(self) -> np.ndarray:
        X = np.zeros((len(self.indptr) - 1, self.width))
        X[np.repeat(np.arange(len(X)), np.diff(self.indptr)), self.indices] = self.data
        return X


@dataclass
class Item:
    id: str
    fold: str
    question: str
    answers: list[str]  # [] unanswerable
    ex: features.Extraction  # its X is in ``rows`` (``extraction()`` puts it back)
    f1: np.ndarray  # per candidate
    texts: list[str]
    off_topic: bool = False  # tagged "off-topic": the brief is about something else
    set: str = ""  # the question file's name: what the report and the threshold count apart
    article: str = ""  # a SQuAD question's article
    rows: Rows | None = None
    unheld: float = 0.0  # ``topic.unheld``: the share of it no passage read holds
    alone: bool = False  # ``topic.name_alone``

    def caught(self, cut: float) -> bool:
        """Whether the off-topic test with ``cut`` catches it (it then abstains)."""
        return self.alone or self.unheld >= cut

    def extraction(self) -> features.Extraction:
        """The question's extraction with its feature matrix, as ``select`` sees it."""
        return dataclasses.replace(self.ex, X=self.rows.dense())


def _items(fold_of, cases, index, settings: Settings, set_name: str = "") -> list[Item]:
    out = []
    for case in cases:
        if len(case.asked) != 1 or case.answers is None:
            continue
        q = case.asked[0]
        question = read(q, index)
        hits = search(index, question.search_terms, settings.top_k)
        ex = features.extract(question, index, hits, settings)
        texts = [c.span.text for c in ex.candidates]
        f1 = np.array([f1_score(t, case.answers) if case.answers else 0.0 for t in texts])
        rows = Rows.of(ex.X)
        ex.X = np.empty((0, 0))
        out.append(Item(case.id, fold_of(case), q, list(case.answers), ex, f1, texts,
                        "off-topic" in case.tags, set_name, rows=rows,
                        unheld=topic.unheld(question, index, hits) if hits else 0.0,
                        alone=bool(hits) and topic.name_alone(question, index, hits)))
    return out


def article(case) -> str:
    """A SQuAD question's article (its brief's document)."""
    return sorted(case.gold)[0][0] if case.gold else "?"


def squad_folds(sizes: dict[str, int], n: int = SQUAD_FOLDS) -> dict[str, str]:
    """Article -> fold: the largest article first into the fold with the fewest questions
    so far (ties to the first), so the folds are whole articles of about equal size."""
    load = [0] * n
    out = {}
    for name in sorted(sizes, key=lambda a: (-sizes[a], a)):
        k = load.index(min(load))
        out[name] = f"squad-{k + 1}"
        load[k] += sizes[name]
    return out


def load_items(settings: Settings, seeds: bool = True, limit: int | None = None,
               squad: Sequence[Path] = SQUAD, seed_questions: Sequence[Path] = SEEDS_Q,
               seed_brief: Path = SEEDS) -> list[Item]:
    """Feature extraction for every question (the slow part: done once). Each SQuAD file is
    its own brief (its articles' paragraphs); the seed files share the seed brief, and each
    is cut in thirds (every third question in file order), the folds taking one third of each."""
    loaded = []
    for path in squad:
        qs = read_questions(path)
        brief = squad_brief(qs)
        loaded.append((path, build_index(brief, term_map=term_map(brief)),
                       qs.cases[:limit] if limit else qs.cases))
    sizes: dict[str, int] = {}
    for _p, _i, cases in loaded:
        for c in cases:
            sizes[article(c)] = sizes.get(article(c), 0) + 1
    fold = squad_folds(sizes)
    items = []
    for path, index, cases in loaded:
        arts = {c.id: article(c) for c in cases}
        for it in _items(lambda c: fold[article(c)], cases, index, settings, path.stem):
            it.article = arts[it.id]
            items.append(it)
    if seeds:
        sbrief = load_brief([seed_brief])
        sindex = build_index(sbrief, term_map=term_map(sbrief))
        for path in seed_questions:
            sq = read_questions(path)
            cases = [c for c in (sq.cases[:limit] if limit else sq.cases) if len(c.asked) == 1]
            sfold = {c.id: f"seeds-{i % SEED_FOLDS + 1}" for i, c in enumerate(cases)}
            items += _items(lambda c: sfold[c.id], cases, sindex, settings, path.stem)
    return items


# --- the ranking model -------------------------------------------------------------

def fit_rank(items: Sequence[Item], epochs: int = EPOCHS, l2: float = L2_RANK) -> np.ndarray:
    """Listwise softmax regression over the candidates of answerable questions."""
    use = [it for it in items if it.answers and len(it.texts) and it.f1.max() > 0]
    qw = np.array([SEED_WEIGHT if is_seed(it) else 1.0 for it in use])
    # the candidates' rows, sparse: X @ w and X.T @ g as sums over the stored entries
    indices = np.concatenate([it.rows.indices for it in use])
    data = np.concatenate([it.rows.data for it in use])
    width = use[0].rows.width if use else len(features.FEATURES)
    seg = np.concatenate([[0], np.cumsum([len(it.texts) for it in use])])
    entry_row = np.repeat(np.arange(seg[-1], dtype=np.int32),
                          np.concatenate([np.diff(it.rows.indptr) for it in use]) if use else [])
    target = np.concatenate([(it.f1 ** 2) / (it.f1 ** 2).sum() for it in use])
    ids = np.repeat(np.arange(len(use)), np.diff(seg))
    rng = np.random.default_rng(SEED)
    w = rng.normal(0.0, 0.01, width)
    m, v = np.zeros_like(w), np.zeros_like(w)
    b1, b2 = 0.9, 0.999
    for t in range(1, epochs + 1):
        s = np.bincount(entry_row, weights=data * w[indices], minlength=seg[-1])
        s = s - np.maximum.reduceat(s, seg[:-1])[ids]
        e = np.exp(s)
        p = e / np.add.reduceat(e, seg[:-1])[ids]
        r = (p - target) * qw[ids]
        g = np.bincount(indices, weights=data * r[entry_row], minlength=width) / qw.sum() + l2 * w
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w -= LR * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + 1e-8)
    return w


# --- the confidence model ----------------------------------------------------------

def conf_rows(items: Sequence[Item], w: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """(features, target F1, predicted text) per question; no candidates -> a zero row."""
    X, y, preds = [], [], []
    for it in items:
        r = model.rank(it.extraction(), w)
        if r is None:
            X.append(np.zeros(len(model.CONF_FEATURES)))
            y.append(0.0)
            preds.append("")
            continue
        row = r.best[r.order[0]]
        X.append(r.conf_x)
        y.append(float(it.f1[row]))
        preds.append(it.texts[row])
    return np.array(X), np.array(y), preds


def fit_conf(X: np.ndarray, y: np.ndarray, l2: float = L2_CONF, iters: int = 30,
             sample_weight: np.ndarray | None = None) -> np.ndarray:
    """Logistic regression with soft targets, by Newton's method; ``sample_weight`` (one per
    row, scaled here to average 1 over the rows kept) weighs each question's loss."""
    keep = np.abs(X).sum(axis=1) > 0
    X, y = X[keep], y[keep]
    sw = np.ones(len(y)) if sample_weight is None else sample_weight[keep] * len(y) / sample_weight[keep].sum()
    w = np.zeros(X.shape[1])
    reg = l2 * len(y) * np.eye(X.shape[1])
    reg[0, 0] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-np.clip(X @ w, -30, 30)))
        g = X.T @ (sw * (p - y)) + reg @ w
        H = (X * (sw * p * (1 - p))[:, None]).T @ X + reg + 1e-6 * np.eye(X.shape[1])
        w -= np.linalg.solve(H, g)
    return w


def set_weights(sets: np.ndarray) -> np.ndarray:
    """One weight per question such that each question set (``_set_of``: SQuAD, each seed
    file) weighs the same in total: unweighted, SQuAD's 3,586 questions outweigh the 207 seed
    questions about 17 to 1 and calibrate the confidence to its adversarial unanswerable
    questions, which share nearly every word with a sentence and swap one; a freely worded
    question's sentence also misses words, and was taken for one of them (docs/quality.md)."""
    names, counts = np.unique(sets, return_counts=True)
    per = dict(zip(names, len(sets) / (len(names) * counts)))
    return np.array([per[s] for s in sets])


def confidences(X: np.ndarray, v: np.ndarray) -> np.ndarray:
    """The confidence of each row as ``select`` computes it (0 for a question without
    candidates)."""
    return np.array([model.confidence(v, x) if np.abs(x).sum() > 0 else 0.0 for x in X])


def best_threshold(conf: np.ndarray, f1: np.ndarray, answerable: np.ndarray,
                   sets: np.ndarray | None = None, window: int = SMOOTH) -> float:
    """The confidence cut that maximises overall F1 (abstaining scores 1 when unanswerable).

    With ``sets`` (which question set each row is from), the mean of the sets' overall F1:
    SQuAD (about half adversarial unanswerables), the seed questions and the freely worded seed
    questions (questions a reader of a brief asks) count alike, so no set's mix of answerable
    questions decides alone.
    The curve is averaged over ``window`` cuts either side first: it is flat near its top, and
    a single cut's bump is a handful of questions, not a better threshold.
    """
    names = np.unique(sets) if sets is not None else None

    def value(t: float) -> float:
        per = np.where(conf >= t, f1, ~answerable)
        return per.mean() if names is None else np.mean([per[sets == n].mean() for n in names])

    return best_cut(value, window)


def best_cut(value, window: int = SMOOTH) -> float:
    """The cut of 0.05..0.95 (steps of 0.01) where ``value(cut)``, averaged over ``window``
    cuts either side, is highest."""
    cuts = np.round(np.arange(0.05, 0.951, 0.01), 2)
    curve = np.array([value(t) for t in cuts])
    smooth = np.array([curve[max(0, k - window):k + window + 1].mean() for k in range(len(cuts))])
    return float(cuts[int(np.argmax(smooth))])


def above(cut: float, off_topic: np.ndarray) -> float:
    """The cut, raised above the confidence of every off-topic question given."""
    return max(cut, round(float(off_topic.max()) + 0.01, 2)) if len(off_topic) else cut


def off_topic_cut(items: Sequence[Item]) -> float:
    """The off-topic test's cut fitted on ``items`` (``topic.unheld_cut``)."""
    return topic.unheld_cut(np.array([it.unheld for it in items]), np.array([bool(it.answers) for it in items]),
                            np.array([_set_of(it) for it in items]))


def _set_of(item: Item) -> str:
    """The question set a threshold counts as one: all of SQuAD, each seed file."""
    return item.set if is_seed(item) else "squad"


# --- cross-validation --------------------------------------------------------------

@dataclass
class Outcome:
    item: Item
    pred: str
    conf: float
    f1: float  # of pred, before abstention
    answered: bool
    caught: bool = False  # by the off-topic test (its cut fitted without this fold)

    @property
    def score(self) -> float:
        if not self.answered:
            return 0.0 if self.item.answers else 1.0
        return self.f1 if self.item.answers else 0.0


def _fit_all(items: Sequence[Item], folds: list[str], log) -> tuple[model.Model, list[Outcome], dict]:
    """Leave-one-fold-out: out-of-fold outcomes for every item, the final model, and the
    rankers fitted without each fold (keyed by ``frozenset({fold})``; ``frozenset()``: all).

    Fold k's confidence model and threshold are fitted on the other folds' out-of-fold answers
    (each answered by the ranker fitted without its own fold, which saw fold k): one ranker per
    fold, not one per pair of folds, which the 1.3 million candidates of four question files
    make too slow for a shared machine."""
    by = {f: [it for it in items if it.fold == f] for f in folds}
    ranker = _rankers(items, [frozenset()] + [frozenset({k}) for k in folds])
    oof = {k: conf_rows(by[k], ranker[frozenset({k})]) for k in folds}
    answerable = {k: np.array([bool(it.answers) for it in by[k]]) for k in folds}
    set_of = {k: np.array([_set_of(it) for it in by[k]]) for k in folds}

    outcomes: list[Outcome] = []
    for k in folds:
        t0 = time.perf_counter()
        others = [j for j in folds if j != k]
        train = [it for j in others for it in by[j]]
        cut = off_topic_cut(train)
        caught = np.array([it.caught(cut) for it in train], dtype=bool)
        Xi = np.vstack([oof[j][0] for j in others])
        yi = np.concatenate([oof[j][1] for j in others])
        v = fit_conf(Xi, yi, sample_weight=set_weights(np.concatenate([set_of[j] for j in others])))
        ci = np.where(caught, 0.0, confidences(Xi, v))
        t = best_threshold(ci, yi, np.concatenate([answerable[j] for j in others]),
                           np.concatenate([set_of[j] for j in others]))
        # the shipped rule, so that the figures are those of the shipped cut: above every
        # off-topic question of the folds it is fitted on that the test does not catch
        t = above(t, ci[np.array([it.off_topic for it in train], dtype=bool) & ~caught])
        Xk, yk, pk = oof[k]
        ck = confidences(Xk, v)
        outcomes += [Outcome(it, p, float(c), float(f), bool(c >= t) and not it.caught(cut), it.caught(cut))
                     for it, p, c, f in zip(by[k], pk, ck, yk)]
        log(f"fold {k}: {len(by[k])} questions, off-topic cut {cut:.2f}, threshold {t:.2f} "
            f"({time.perf_counter() - t0:.1f} s)")
    v = fit_conf(np.vstack([oof[k][0] for k in folds]), np.concatenate([oof[k][1] for k in folds]),
                 sample_weight=set_weights(np.concatenate([set_of[k] for k in folds])))
    cut = off_topic_cut(items)
    sets = np.array([_set_of(o.item) for o in outcomes])
    yo = np.array([o.f1 for o in outcomes])
    ao = np.array([bool(o.item.answers) for o in outcomes])
    threshold = best_threshold(np.array([0.0 if o.item.caught(cut) else o.conf for o in outcomes]), yo, ao, sets)
    w = ranker[frozenset()]
    # the rule, not a trade-off: an off-topic question always abstains, so the cut
    # stays above the shipped model's confidence on every off-topic training question that
    # the off-topic test does not catch
    off = [it for it in items if it.off_topic and not it.caught(cut)]
    if off:
        Xf, _y, _p = conf_rows(off, w)
        threshold = above(threshold, confidences(Xf, v))
    log(f"off-topic cut {cut:.2f}: catches {sum(it.caught(cut) for it in items if it.off_topic)} of "
        f"{sum(it.off_topic for it in items)} off-topic training questions")
    return model.Model(w, v, threshold, off_topic_cut=cut), outcomes, ranker


_ITEMS: Sequence[Item] = ()  # the items forked workers fit on (shared, not sent)


def _fit_without(excl: frozenset) -> np.ndarray:
    return fit_rank([it for it in _ITEMS if it.fold not in excl])


def _rankers(items: Sequence[Item], exclusions: list[frozenset]) -> dict[frozenset, np.ndarray]:
    """The ranker fitted without each set of folds, on every core (forked workers that share
    the items; each fit is the same arithmetic as in one process, so the same weights)."""
    global _ITEMS
    _ITEMS = items
    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:  # no fork on this platform
        return {e: _fit_without(e) for e in exclusions}
    with ProcessPoolExecutor(max_workers=min(len(exclusions), os.cpu_count() or 1), mp_context=ctx) as pool:
        return dict(zip(exclusions, pool.map(_fit_without, exclusions)))


# --- reports -----------------------------------------------------------------------

def metrics(outs: Sequence[Outcome]) -> dict[str, float]:
    has = [o for o in outs if o.item.answers]
    no = [o for o in outs if not o.item.answers]
    pct = lambda xs: round(100.0 * sum(xs) / len(xs), 1) if xs else float("nan")  # noqa: E731
    return {"n": len(outs), "F1": pct([o.score for o in outs]),
            "HasAns_F1": pct([o.score for o in has]), "NoAns": pct([o.score for o in no]),
            "answered": pct([o.answered for o in has]),
            "F1_if_answered": pct([o.f1 for o in has if o.answered])}


def table(rows: dict[str, dict[str, float]]) -> str:
    cols = ["n", "F1", "HasAns_F1", "NoAns", "answered", "F1_if_answered"]
    lines = ["| set | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for name, m in rows.items():
        lines.append(f"| {name} | " + " | ".join(str(m[c]) for c in cols) + " |")
    return "\n".join(lines)


def reliability(outs: Sequence[Outcome], bins: int = 10) -> str:
    lines = ["| confidence | n | mean confidence | mean F1 of the answer |", "|---|---|---|---|"]
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        sel = [o for o in outs if lo <= o.conf < hi or (b == bins - 1 and o.conf == 1.0)]
        if sel:
            f = sum(o.f1 if o.item.answers else 0.0 for o in sel) / len(sel)
            c = sum(o.conf for o in sel) / len(sel)
            lines.append(f"| {lo:.1f}-{hi:.1f} | {len(sel)} | {c:.2f} | {f:.2f} |")
    return "\n".join(lines)


def report(outcomes: Sequence[Outcome]) -> str:
    squad = [o for o in outcomes if not is_seed(o.item)]
    seeds = [o for o in outcomes if is_seed(o.item)]
    rows = {f"SQuAD ({SQUAD_FOLDS} folds of articles)": metrics(squad)}
    for f in sorted({o.item.fold for o in squad}):
        arts = sorted({o.item.article for o in squad if o.item.fold == f})
        rows[f"  {f}: {', '.join(arts)}"] = metrics([o for o in squad if o.item.fold == f])
    for name in sorted({o.item.set for o in squad}):
        rows[f"  {name}"] = metrics([o for o in squad if o.item.set == name])
    if seeds:
        rows[f"seeds ({SEED_FOLDS} folds of questions)"] = metrics(seeds)
        for name in sorted({o.item.set for o in seeds}):
            rows[f"  {name}"] = metrics([o for o in seeds if o.item.set == name])
    by_type = {}
    for name, outs in (("squad", squad), ("seeds", seeds)):
        for wt in TYPE_ORDER:
            sel = [o for o in outs if wh_word(o.item.question) == wt]
            if sel:
                by_type[f"{name} {wt}"] = metrics(sel)
    return ("Cross-validated (SQuAD: leave one article out; seeds: leave a third of the questions out):\n\n" + table(rows) + "\n\nBy question type:\n\n"
            + table(by_type) + "\n\nThe off-topic test, out of fold (each fold's cut fitted without it):\n\n"
            + caught_table(outcomes) + "\n\nCalibration (SQuAD, out of fold):\n\n" + reliability(squad)
            + "\n\nAbstention threshold (out-of-fold confidences, one cut for all folds):\n\n"
            + threshold_curve(squad, seeds))


def caught_table(outcomes: Sequence[Outcome]) -> str:
    """Per question set: how many answerable, unanswerable and off-topic questions the
    off-topic test catches."""
    lines = ["| set | answerable caught | unanswerable caught | off-topic caught |", "|---|---|---|---|"]
    for name in sorted({o.item.set for o in outcomes}):
        outs = [o for o in outcomes if o.item.set == name]
        cells = [[o for o in outs if o.item.answers], [o for o in outs if not o.item.answers],
                 [o for o in outs if o.item.off_topic]]
        lines.append(f"| {name} | " + " | ".join(f"{sum(o.caught for o in c)} of {len(c)}" for c in cells) + " |")
    return "\n".join(lines)


def threshold_curve(squad: Sequence[Outcome], seeds: Sequence[Outcome]) -> str:
    lines = ["| threshold | squad F1 | squad HasAns F1 | seeds F1 | seeds HasAns F1 |", "|---|---|---|---|---|"]
    for t in np.round(np.arange(0.05, 0.651, 0.05), 2):
        row = [f"{t:.2f}"]
        for outs in (squad, seeds):
            cut = [Outcome(o.item, o.pred, o.conf, o.f1, o.conf >= t) for o in outs]
            m = metrics(cut)
            row += [f"{m['F1']:.1f}", f"{m['HasAns_F1']:.1f}"]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m training.fit", description=__doc__.split("\n")[0])
    p.add_argument("--squad", type=Path, nargs="+", default=list(SQUAD), help="SQuAD 2.0 question files, each its brief built from its contexts (default: %(default)s)")
    p.add_argument("--seed-questions", type=Path, nargs="+", default=list(SEEDS_Q), help="JSONL question files on --seed-brief (default: %(default)s)")
    p.add_argument("--seed-brief", type=Path, default=SEEDS, help="the brief of --seed-questions (default: %(default)s)")
    p.add_argument("--out", type=Path, default=model.WEIGHTS_PATH, help="where to write the weights (default: %(default)s)")
    p.add_argument("--report", metavar="FILE", help="also write the cross-validation report here")
    p.add_argument("--limit", type=int, help="use only the first N questions of each file (quick runs)")
    p.add_argument("--no-seeds", action="store_true", help="train on the SQuAD sample only")
    args = p.parse_args(argv)
    log = lambda m: print(m, file=sys.stderr, flush=True)  # noqa: E731
    t0 = time.perf_counter()
    items = load_items(Settings(), seeds=not args.no_seeds, limit=args.limit, squad=args.squad,
                       seed_questions=args.seed_questions, seed_brief=args.seed_brief)
    log(f"{len(items)} questions, {sum(len(it.texts) for it in items)} candidates "
        f"({time.perf_counter() - t0:.1f} s)")
    folds = sorted({it.fold for it in items})
    fitted, outcomes, rankers = _fit_all(items, folds, log)
    fitted.meta = {"trained_on": [p.name for p in args.squad] + ([p.name for p in args.seed_questions] if not args.no_seeds else []),
                   "questions": len(items), "cv": {k: v for k, v in metrics(
                       [o for o in outcomes if not is_seed(o.item)]).items()},
                   "command": "python -m training.fit"}
    text = report(outcomes)
    if not args.no_seeds:
        from . import fit_sentence  # the sentence model on the same out-of-fold rankers

        # as the weights file holds it, so that ``fit_sentence`` on it gives the same bytes
        fitted = model.Model.from_json(json.loads(json.dumps(fitted.to_json())))
        text += "\n\n" + fit_sentence.add_sentence_model(fitted, items, rankers, args.squad, args.seed_questions, log)
    write_outputs(fitted, args.out, text, args.report)
    log(f"wrote {args.out} (threshold {fitted.threshold:.2f}) in {time.perf_counter() - t0:.1f} s")
    return 0


def write_outputs(fitted: model.Model, weights: Path, text: str, report_file: str | None) -> None:
    """The weights as JSON (sorted keys: the same fit gives the same bytes), the report printed
    and, when asked, written."""
    weights.write_text(json.dumps(fitted.to_json(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(text)
    if report_file:
        Path(report_file).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
