"""Question terms -> ranked chunks.

Only the chunks that hold a question term are scored (``Index.score`` walks the postings);
every other chunk would score 0, so the ranking equals a full BM25 pass over the brief.
Ties are broken by chunk order, so the same question always gets the same hits.
"""

from __future__ import annotations

import numpy as np

from .index import Index
from .models import Hit


def search(index: Index, terms: list[str], k: int) -> list[Hit]:
    """The k best chunks for the terms; chunks that share no term are never returned."""
    terms = [t for t in dict.fromkeys(index.map_terms(terms)) if t in index]
    if not terms or k < 1:
        return []
    ids, scores = index.score(terms)
    return [Hit(chunk=int(i), score=float(s), rank=r)
            for r, (i, s) in enumerate(zip(*top_k(ids, scores, k))) if s > 0]


def top_k(ids: np.ndarray, scores: np.ndarray, k: int) -> tuple[list[int], list[float]]:
    """The k highest scores, best first, ties in ascending id order."""
    if len(ids) > k:
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        keep = scores >= kth  # ties at the boundary all stay, the sort below decides
        ids, scores = ids[keep], scores[keep]
    order = np.lexsort((ids, -scores))[:k]
    return ids[order].tolist(), scores[order].tolist()
