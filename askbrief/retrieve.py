"""Question terms -> ranked chunks."""

from __future__ import annotations

import numpy as np

from .index import Index
from .models import Hit


def search(index: Index, terms: list[str], k: int) -> list[Hit]:
    """The k best chunks for the terms; chunks that share no term are never returned."""
    terms = [t for t in dict.fromkeys(terms) if t in index.bm25.idf]
    if not terms:
        return []
    scores = index.bm25.get_scores(terms)
    k = min(k, len(scores))
    top = np.argpartition(-scores, k - 1)[:k]
    top = sorted(top, key=lambda i: (-scores[i], i))
    return [Hit(chunk=int(i), score=float(scores[i]), rank=r)
            for r, i in enumerate(top) if scores[i] > 0]
