"""The data that crosses module boundaries.

``Answer`` is the public contract: ``askbrief ask --json`` prints it, ``eval --details``
writes it, the history stores it. Offsets are character offsets into Python strings.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class Document(BaseModel):
    """One file of a brief, with its full decoded text."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    date: str | None = None
    path: str
    text: str


class Chunk(BaseModel):
    """A paragraph (or a sentence-aligned part of a long one) of a document.

    ``start``/``end`` locate the chunk in ``Document.text``; ``para_start``/``para_end``
    locate the whole paragraph it belongs to, so a quote can be placed in its paragraph.
    """

    model_config = ConfigDict(frozen=True)

    doc: str
    paragraph: int
    part: int = 0
    start: int
    end: int
    para_start: int
    para_end: int
    text: str


class Hit(BaseModel):
    """A retrieved chunk: its position in the index and its BM25 score."""

    model_config = ConfigDict(frozen=True)

    chunk: int
    score: float
    rank: int


class Citation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doc: str
    title: str
    date: str | None
    paragraph: int
    start: int = Field(description="offset of quote in the paragraph text")
    end: int
    quote: str


class Retrieved(BaseModel):
    model_config = ConfigDict(extra="forbid")

    doc: str
    paragraph: int
    score: float


class Answer(BaseModel):
    """What ``askbrief ask --json`` prints, one object per question."""

    model_config = ConfigDict(extra="forbid")

    question: str
    answer: str | None
    abstained: bool
    confidence: float = Field(ge=0.0, le=1.0)
    evidence: str | None
    citations: list[Citation]
    retrieved: list[Retrieved]
    elapsed_ms: float
    resolved: dict[str, str] = Field(
        default_factory=dict,
        description="follow-up references and what they were taken to mean, e.g. {'it': 'Gharyan'}")


ABSTAIN_TEXT = "The brief does not say."


class Turn(BaseModel):
    """One question of a saved conversation, with the full answer it got."""

    model_config = ConfigDict(extra="forbid")

    question: str
    answer: Answer
    fingerprint: str = Field(description="the brief's fingerprint when it was asked")
    time: datetime


class ConversationSummary(BaseModel):
    """A line of ``askbrief history list``."""

    model_config = ConfigDict(extra="forbid")

    id: int
    title: str
    turns: int
    created: datetime
    updated: datetime


class Conversation(BaseModel):
    """A saved conversation, turns oldest first. ``notes`` says which rows could not be read."""

    model_config = ConfigDict(extra="forbid")

    id: int
    title: str
    created: datetime
    updated: datetime
    turns: list[Turn]
    notes: list[str] = Field(default_factory=list)


class Settings(BaseModel):
    """Runtime knobs of the engine; frozen so a run cannot change them halfway."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    top_k: int = Field(default=20, ge=1, le=1000)
    answer_chunks: int = Field(default=8, ge=1, le=100)
    min_confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    max_citations: int = Field(default=8, ge=1, le=100)
