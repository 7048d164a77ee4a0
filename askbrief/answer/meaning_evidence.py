"""Evidence by meaning for the candidates: how much of the question a sentence holds through
related words it does not share ("captured" ~ "taking"), and how near a span that evidence
stands. The word vectors are ``askbrief.meaning``'s table, opened when an answer first needs it."""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import numpy as np

from .question import Question
from .spans import Sentence


def soft_evidence(q: Question, sentences: Sequence[tuple[Sentence, set[str]]]) -> list[tuple[float, list[float]]]:
    """For each sentence (with its terms): the share of the question's weight it holds by
    meaning only (``meaning.soft_match`` over the question's terms it lacks, against the
    question's total), and for each of its words the weight it matches that way (the best
    over those terms; 0 where it matches none): "captured" ~ "taking". One matrix product for
    the question, so the word vectors cost a lookup per distinct word, not per sentence."""
    from .. import meaning  # the table is opened when an answer first needs it

    none = [(0.0, [])] * len(sentences)
    vectors = meaning.word_vectors()
    # a name is matched by its spellings, never by another name ("Gharyan" ~ "Benghazi")
    asked = [(t, r) for t in q.weights if t not in q.caps and (r := vectors.row_of(q.surface.get(t, t))) >= 0]
    if not asked or not q.total:
        return none
    column: dict[int, int] = {}
    per = []
    for s, _terms in sentences:
        cols = []
        for *_r, w, t in s.words:
            r = vectors.row_of(w) if t else -1
            cols.append(column.setdefault(r, len(column)) if r >= 0 else -1)
        per.append(cols)
    if not column:
        return none
    cos = vectors.rows([r for _t, r in asked]) @ vectors.rows(list(column)).T
    cos = np.hstack([np.where(cos > meaning.THRESHOLD, cos, 0.0), np.zeros((len(asked), 1))])  # -1: no vector
    weight = np.array([q.weights[t] for t, _r in asked])
    out = []
    for (_s, terms), cols in zip(sentences, per):
        if not cols:
            out.append((0.0, []))
            continue
        lacked = weight * np.array([t not in terms for t, _r in asked])
        matched = cos[:, cols] * lacked[:, None]
        out.append((float(matched.max(axis=1).sum()) / q.total, matched.max(axis=0).tolist()))
    return out


def soft_window(prefix: list[float], i: int, j: int, n: int, total: float) -> tuple[float, float]:
    """The question's weight matched by meaning within 4 and 10 words of a span, as shares."""
    if not prefix[-1]:
        return 0.0, 0.0
    a, b = prefix[i], prefix[j + 1]
    return (min(1.0, (a - prefix[max(0, i - 4)] + prefix[min(n, j + 5)] - b) / total),
            min(1.0, (a - prefix[max(0, i - 10)] + prefix[min(n, j + 11)] - b) / total))


def soft_near(at: list[int], i: int, j: int) -> float:
    """1 / the distance to the nearest word outside the span matched by meaning (0: none);
    ``at`` ascending."""
    if not at:
        return 0.0
    x, y = bisect.bisect_left(at, i), bisect.bisect_right(at, j)
    d = min(i - at[x - 1] if x else 99999, at[y] - j if y < len(at) else 99999)
    return 1.0 / d if d < 99999 else 0.0


def unheld(q: Question, s: Sentence, terms: frozenset[str] | set[str]) -> list[float]:
    """The weights of the question's own terms that the sentence holds neither exactly nor by
    meaning (no word of it within ``meaning.THRESHOLD`` of the term's word). Names and numbers
    are held only exactly: "Gharyan" is not held by "Benghazi", nor 2018 by 2019. What this
    leaves is what tells SQuAD's adversarial questions (one name or predicate swapped: "born"
    where the sentence says "died") from freely worded ones ("captured" for "the taking of")."""
    from .. import meaning

    missing = [t for t in q.weights if t in q.own and t not in terms]
    if not missing:
        return []
    vectors = meaning.word_vectors()
    rows = [r for *_r, w, t in s.words if t and (r := vectors.row_of(w)) >= 0]
    if not rows:
        return [q.weights[t] for t in missing]
    sentence = vectors.rows(rows)
    out = []
    for t in missing:
        r = -1 if t in q.caps or t[:1].isdigit() else vectors.row_of(q.surface.get(t, t))
        if r < 0 or float((vectors.rows([r]) @ sentence.T).max()) <= meaning.THRESHOLD:
            out.append(q.weights[t])
    return out
