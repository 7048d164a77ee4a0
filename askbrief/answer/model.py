"""The answer selector's two fitted models: the ranker and the confidence model.

The ranker is a linear score over a candidate's features (``features.FEATURES``); a group of
candidates stating one answer is as strong as its best member and holds the softmax mass of
all of them. The group's share of the mass goes, with question-level evidence (what the
question asks that no passage holds, what the answering sentence holds neither word for word
nor by meaning, the margin over the runner-up), into a logistic model whose output, scaled
down when that sentence misses most of the question (``confidence``), is the probability that the answer is right (``Model.confidence``, the one scoring function
that training calls too). Both are fitted by ``python -m training.fit`` and shipped as
``weights.json`` beside this module; nothing here is fitted at run time.

(Not to be confused with ``askbrief.models``, the values that cross the stages, nor with
``askbrief.records``, what is read back from files.)
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..text import fold
from .features import FEATURES, FI, MIN_COVERAGE, Extraction
from .meaning_evidence import unheld
from .question import KINDS, NEGATIONS, PERSON

WEIGHTS_PATH = Path(__file__).with_name("weights.json")
CONF_FEATURES = ("bias", "p_top", "score_top", "margin", "sent_cov", "chunk_cov", "max_cov",
                 "missing_max", "missing_cap", "oov", "retrieval", "support", "n_terms", "n_groups",
                 "q_neg", "sent_neg", "neg_mismatch", "win_top", "bigram_top", "missing_num", "soft_top",
                 "missing_max_m", "missing_share_m") + tuple(
                     f"kind_{k}" for k in KINDS)
_CI = {f: i for i, f in enumerate(CONF_FEATURES)}
# the sentence model's own evidence, beside the confidence model's: how the top answer's
# sentence stands among the sentences read (``_sentence_features``)
SENT_FEATURES = CONF_FEATURES + ("s_mass", "s_margin", "s_cands", "s_held", "s_held_margin",
                                 "s_held_rank", "s_mass_rank", "s_sents", "s_top_share")


@dataclass
class Model:
    """The fitted weights of the ranker and of the confidence model, and the abstention
    threshold."""

    rank: np.ndarray
    conf: np.ndarray
    threshold: float
    meta: dict = field(default_factory=dict)
    # the sentence model: the chance that the top answer's sentence holds the answer, from the
    # same question-level evidence; None (no sentence answers) in weights fitted without it
    sent: np.ndarray | None = None
    sentence_threshold: float | None = None
    # the cut of ``topic.unheld`` at and above which a question is off the brief's topic
    # (None: that test is off, as in weights fitted without it)
    off_topic_cut: float | None = None

    @classmethod
    def from_json(cls, data: dict) -> Model:
        rank = np.array([data["rank"].get(f, 0.0) for f in FEATURES])
        conf = np.array([data["conf"].get(f, 0.0) for f in CONF_FEATURES])
        sent = np.array([data["sent"].get(f, 0.0) for f in SENT_FEATURES]) if "sent" in data else None
        return cls(rank, conf, float(data["threshold"]), data.get("meta", {}), sent,
                   data.get("sentence_threshold"), data.get("off_topic_cut"))

    def to_json(self) -> dict:
        out = {"threshold": round(self.threshold, 4), "meta": self.meta,
               "rank": {f: round(float(v), 5) for f, v in zip(FEATURES, self.rank) if abs(v) > 1e-6},
               "conf": {f: round(float(v), 5) for f, v in zip(CONF_FEATURES, self.conf)}}
        if self.sent is not None and self.sentence_threshold is not None:
            out["sent"] = {f: round(float(v), 5) for f, v in zip(SENT_FEATURES, self.sent)}
            out["sentence_threshold"] = round(self.sentence_threshold, 4)
        if self.off_topic_cut is not None:
            out["off_topic_cut"] = round(self.off_topic_cut, 4)
        return out

    def confidence(self, conf_x: np.ndarray) -> float:
        return confidence(self.conf, conf_x)

    def sentence_confidence(self, sent_x: np.ndarray) -> float:
        """The chance that the top answer's sentence holds an answer (0 without a sentence
        model); ``sent_x`` is ``Ranked.sent_x``."""
        return sentence_confidence(self.sent, sent_x) if self.sent is not None else 0.0


def confidence(weights: np.ndarray, conf_x: np.ndarray) -> float:
    """The probability that the top answer is right: the confidence model's logistic output,
    scaled down when the sentence holding the answer misses most of what the question asks,
    word for word or by meaning (idf-weighted; words the brief lacks weigh the most): a
    sentence that says "quit" for the question's "resigned" holds that word, one that says
    "Benghazi" for its "Gharyan" does not (``meaning_evidence.unheld``)."""
    conf = _sigmoid(float(conf_x @ weights))
    held = 1.0 - float(conf_x[_CI["missing_share_m"]])
    return conf * held if held < MIN_COVERAGE else conf


def sentence_confidence(weights: np.ndarray, sent_x: np.ndarray) -> float:
    """The sentence model's logistic output: no coverage gate, since a sentence worded unlike
    the question is exactly what it must judge."""
    return _sigmoid(float(sent_x @ weights))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))


_MODEL: Model | None = None


def load_model() -> Model:
    """The shipped weights (fitted by ``python -m training.fit``)."""
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
    sent_x: np.ndarray  # the sentence model's features (``SENT_FEATURES``)


def rank(ex: Extraction, weights: np.ndarray) -> Ranked | None:
    """The extraction's groups ranked by the ranker ``weights``; None without a group that
    can be shown."""
    if not ex.candidates:
        return None
    s = ex.X @ weights
    p = np.exp(s - s.max())
    p /= p.sum()
    score = {k: float(s[rows].max()) for k, rows in ex.groups.items()}
    best = _shown(ex, s)
    if not best:
        return None
    prob = {k: float(p[rows].sum()) for k, rows in ex.groups.items()}
    order = sorted(best, key=lambda k: (-score[k], -prob[k], k))
    conf_x = _confidence_features(ex, order, best, score, prob)
    return Ranked(order, best, score, prob, conf_x,
                  np.concatenate([conf_x, _sentence_features(ex, s, p, best[order[0]])]))


def _shown(ex: Extraction, s: np.ndarray) -> dict[str, int]:
    """The row each group is shown by: its best member that is not a pronoun form, and of a
    quantity its statement, not its conversion in parentheses. A group stated only through a
    possessive pronoun is shown as written when it is the best ("interior ministry" of "His
    interior ministry" for "Which ministry ...?"), except to a "who": "forces" of "his forces"
    names no one. (Only the best: the others would count as groups the confidence weighs.)"""
    best = {}
    lead = max(ex.groups, key=lambda k: max(s[r] for r in ex.groups[k])) if ex.q.kind != PERSON else None
    for k, rows in ex.groups.items():
        shown = [r for r in rows if not ex.candidates[r].pronoun] or (rows if k == lead else [])
        if shown:
            top = max(shown, key=lambda r: s[r])
            if ex.X[top, FI["in_parens"]]:  # "26,000 square kilometres (10,000 sq mi)"
                same = [r for r in shown if ex.candidates[r].sentence is ex.candidates[top].sentence
                        and not ex.X[r, FI["in_parens"]]]
                top = max(same, key=lambda r: s[r]) if same else top
            best[k] = top
    return best


def _sentence_features(ex: Extraction, s: np.ndarray, p: np.ndarray, top: int) -> list[float]:
    """How the top answer's sentence stands among the sentences read, for the sentence model:
    a sentence answer is right when its sentence holds the answer, whichever of its spans is,
    so what counts is the ranker's mass on all of its candidates and its lead over the best
    candidate of any other sentence, and how much of the question it holds (exactly or by
    meaning) against the others. A freely worded question's right sentence often splits the
    mass among several spans, which leaves each too weak for a short answer."""
    cands = ex.candidates
    of: dict[tuple[int, int, int], list[int]] = {}
    for i, c in enumerate(cands):
        of.setdefault((c.chunk, c.sentence.start, c.sentence.end), []).append(i)
    mass = {k: float(p[rows].sum()) for k, rows in of.items()}
    held = {k: cands[rows[0]].held for k, rows in of.items()}
    c = cands[top]
    k0 = (c.chunk, c.sentence.start, c.sentence.end)
    others = [k for k in of if k != k0]
    own = float(s[of[k0]].max())
    margin = own - max((float(s[of[k]].max()) for k in others), default=own - 10.0)
    by_mass = sorted(of, key=lambda k: -mass[k])
    by_held = sorted(of, key=lambda k: -held[k])
    return [mass[k0], min(5.0, margin), math.log(len(of[k0])), held[k0],
            held[k0] - max((held[k] for k in others), default=0.0), 1.0 / (1 + by_held.index(k0)),
            1.0 / (1 + by_mass.index(k0)), math.log(len(of)), float(p[top]) / mass[k0]]


def _confidence_features(ex: Extraction, order: list[str], best: dict[str, int],
                         score: dict[str, float], prob: dict[str, float]) -> np.ndarray:
    """The confidence model's features (``CONF_FEATURES``) for the top group."""
    top = order[0]
    c = ex.candidates[best[top]]
    second = score[order[1]] if len(order) > 1 else score[top] - 10.0
    x = ex.X[best[top]]
    q = ex.q
    sent_terms = c.sent_terms
    max_idf = max((v for t, v in q.weights.items() if t in q.own), default=0.0)
    miss = [v for t, v in q.weights.items() if t in q.own and t not in sent_terms]
    caps = q.caps
    q_neg = float(q.negated)
    sent_words = {fold(wd[2]) for wd in c.sentence.words}
    sent_neg = float(bool(sent_words & NEGATIONS) or "n't" in c.sentence.text)
    nums = [t for t in q.own if t[:1].isdigit()]
    neither = unheld(q, c.sentence, sent_terms)
    f = {"bias": 1.0, "p_top": prob[top], "score_top": score[top], "margin": min(5.0, score[top] - second),
         "sent_cov": float(x[FI["sent_cov"]]), "chunk_cov": float(x[FI["chunk_cov"]]),
         "max_cov": ex.max_cov, "missing_max": (max(miss) / max_idf) if miss and max_idf else 0.0,
         "missing_cap": (sum(t not in sent_terms for t in caps) / len(caps)) if caps else 0.0,
         "oov": q.oov, "retrieval": ex.retrieval, "support": float(x[FI["support"]]),
         "n_terms": math.log1p(len(q.own)), "n_groups": math.log(len(order)), f"kind_{q.kind}": 1.0,
         "q_neg": q_neg, "sent_neg": sent_neg, "neg_mismatch": float(q_neg != sent_neg),
         "win_top": float(x[FI["win4"]]), "bigram_top": float(x[FI["sent_bigram"]]),
         "missing_num": (sum(t not in sent_terms for t in nums) / len(nums)) if nums else 0.0,
         "soft_top": float(x[FI["sent_soft"]]),
         "missing_max_m": (max(neither) / max_idf) if neither and max_idf else 0.0,
         "missing_share_m": sum(neither) / q.total if q.total else 0.0}
    return np.array([f.get(k, 0.0) for k in CONF_FEATURES])
