"""The scores, as the official SQuAD v2.0 script computes them: normalized text (lowercase,
punctuation and articles removed, whitespace folded), the best EM and token F1 over the gold
answers, an abstention counted as the empty answer ""; whether an answer was useful; where
retrieval ranked the gold paragraph (recall@k, MRR); and their sums over a set of results."""

from __future__ import annotations

import collections
import math
import re
import string
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ..models import Answer
from ..records import EvalScore
from ..text import fold

if TYPE_CHECKING:
    from .run import Result

RECALL_AT = (1, 5, 20)

_PUNCT = frozenset(string.punctuation)
_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)


def normalize_answer(s: str) -> str:
    """SQuAD normalization: lowercase, punctuation and articles removed, whitespace folded."""
    s = "".join(ch for ch in s.lower() if ch not in _PUNCT)
    s = _ARTICLES.sub(" ", s)
    return " ".join(s.split())


def _golds(answers: Sequence[str]) -> list[str]:
    # as the official script: gold answers that normalize to nothing do not count; none left = ""
    return [a for a in answers if normalize_answer(a)] or [""]


def exact_match(prediction: str, answers: Sequence[str]) -> float:
    """1.0 when the normalized prediction equals a normalized gold answer ("" = abstain)."""
    p = normalize_answer(prediction)
    return float(any(p == normalize_answer(g) for g in _golds(answers)))


def _f1(prediction: str, gold: str) -> float:
    p, g = normalize_answer(prediction).split(), normalize_answer(gold).split()
    if not p or not g:
        return float(p == g)
    common = sum((collections.Counter(p) & collections.Counter(g)).values())
    if not common:
        return 0.0
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def f1_score(prediction: str, answers: Sequence[str]) -> float:
    """Token F1 (0..1) against the best gold answer ("" = abstain)."""
    return max(_f1(prediction, g) for g in _golds(answers))


def gold_rank(retrieved: Iterable[tuple[str, int]], gold: Iterable[tuple[str, int]]) -> int | None:
    """1-based rank of the first gold paragraph among the distinct retrieved paragraphs."""
    gold = set(gold)
    rank = 0
    seen: set[tuple[str, int]] = set()
    for key in retrieved:
        if key in seen:
            continue
        seen.add(key)
        rank += 1
        if key in gold:
            return rank
    return None


def recall_mrr(ranks: Sequence[int | None], ks: Sequence[int] = RECALL_AT) -> tuple[dict[int, float | None], float | None]:
    """Recall@k (%) for each k and the mean reciprocal rank (0..1); None rank = not found."""
    if not ranks:
        return {k: None for k in ks}, None
    recall = {k: 100.0 * sum(r is not None and r <= k for r in ranks) / len(ranks) for k in ks}
    mrr = sum(1.0 / r for r in ranks if r) / len(ranks)
    return recall, mrr


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0..100), linearly interpolated, as numpy's default."""
    if not values:
        return None
    v = sorted(values)
    pos = (len(v) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


def folded(text: str) -> str:
    """Text for answer-in-paragraph tests: folded (case, accents, quotes) and whitespace squashed."""
    return " ".join(fold(text).split())


def is_useful(answer: Answer, golds: Sequence[str]) -> bool:
    """A reader got what they asked for: a short answer with F1 >= 0.5 against a gold answer,
    or a supporting sentence that contains one (case and spaces folded)."""
    if answer.abstained:
        return False
    if answer.grade == "short" and f1_score(answer.answer or "", golds) >= 0.5:
        return True
    sentence = folded(answer.evidence or "")
    return any(g and g in sentence for g in map(folded, golds))


def rounded(x: float | None, digits: int = 2) -> float | None:
    return None if x is None else round(x, digits)


def pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


def score_of(results: Sequence[Result]) -> EvalScore:
    n = len(results)
    if not n:
        return EvalScore(n=0, exact=None, f1=None)
    useful = [r.useful for r in results if r.useful is not None]
    misled = [r.misled for r in results if r.misled is not None]
    return EvalScore(n=n, exact=round(100.0 * sum(r.exact or 0.0 for r in results) / n, 2),
                     f1=round(100.0 * sum(r.f1 or 0.0 for r in results) / n, 2),
                     useful=pct(sum(useful), len(useful)), misled=pct(sum(misled), len(misled)))
