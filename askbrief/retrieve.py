"""Question terms -> ranked chunks, behind a small protocol another engine can take over.

Only the chunks that hold a question term are scored (``Index.score`` walks the postings);
every other chunk would score 0, so the ranking equals a full BM25 pass over the brief.
Ties are broken by chunk order, so the same question always gets the same hits.

``Retriever`` is what the rest of askbrief needs of an engine: documents added and removed
by content key (``cache.refresh`` does this for the local index: a document whose text hash
is known keeps its postings), analysed terms in, ranked passages out, passage texts fetched
by number. ``docs/scaling.md`` shows how an OpenSearch or Elasticsearch index fits it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from .index import Index
from .models import Chunk, Document, Hit


class Retriever(Protocol):
    def add(self, key: str, document: Document, chunks: Sequence[Chunk], terms: Sequence[Sequence[str]]) -> None:
        """Index a document under its content key (the SHA-256 of its text) with its chunks'
        analysed terms (``text.tokenize``, so stemming and stopwords stay askbrief's)."""

    def remove(self, key: str) -> None:
        """Drop the document with this content key and its chunks."""

    def search(self, terms: Sequence[str], k: int) -> list[Hit]:
        """The k best passages for analysed (and variant-folded) terms, best first."""

    def passage(self, chunk: int) -> Chunk:
        """A passage's text and place in its document."""


def search(index: Index, terms: list[str], k: int) -> list[Hit]:
    """The k best chunks for the terms; chunks that share no term are never returned."""
    terms = [t for t in dict.fromkeys(index.map_terms(terms)) if t in index]
    if not terms or k < 1:
        return []
    ids, scores = index.top(terms, k)
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
