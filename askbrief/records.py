"""What is read back from files: saved conversations, question files, evaluation reports.

(``Conversation`` here is a saved conversation; resolving a follow-up against the turns
before it is ``followup.py``. The values the answer stage hands on are in ``models.py``; the
fitted answer model is ``answer.model.Model``.)

Pydantic models, strict where a typo would silently change meaning. Nothing on the way to a
one-shot answer imports this module (see ``models.py``); ``defer_build=True`` keeps the ones a
run does not use from building their validators.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .models import Answer, Settings


class Turn(BaseModel):
    """One question of a saved conversation, with the full answer it got."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    question: str
    answer: Answer
    fingerprint: str = Field(description="the brief's fingerprint when it was asked")
    time: datetime


class ConversationSummary(BaseModel):
    """A line of ``askbrief history list``."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    id: int
    title: str
    turns: int
    created: datetime
    updated: datetime


class Conversation(BaseModel):
    """A saved conversation, turns oldest first. ``notes`` says which rows could not be read."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    id: int
    title: str
    created: datetime
    updated: datetime
    turns: list[Turn]
    notes: list[str] = Field(default_factory=list)


class EvalItem(BaseModel):
    """One line of a JSONL question file for ``askbrief eval``.

    Either a ``question`` or a conversation's ``turns`` (asked in order, the last one scored).
    ``answers`` absent: asked but not scored; ``[]``: unanswerable, the right reply is to abstain.
    """

    model_config = ConfigDict(defer_build=True, extra="forbid", strict=True)

    id: str = Field(min_length=1)
    question: str | None = None
    turns: list[str] | None = Field(default=None, min_length=1)
    answers: list[str] | None = None
    tags: list[str] = Field(default_factory=list)
    referents: dict[str, str | None] | None = Field(
        default=None, description="a conversation's last turn: referring expression -> what it means (null: nothing)")

    @model_validator(mode="after")
    def _question_or_turns(self) -> "EvalItem":
        if self.question is None and self.turns is None:
            raise ValueError("missing 'question' (or 'turns' for a conversation)")
        if self.question is not None and self.turns is not None:
            raise ValueError("give 'question' or 'turns', not both")
        if self.referents is not None and (self.turns is None or len(self.turns) < 2):
            raise ValueError("'referents' belongs to a conversation ('turns', two or more)")
        return self

    @property
    def asked(self) -> list[str]:
        """The questions to ask, in order; the last one is scored."""
        return list(self.turns) if self.turns is not None else [self.question or ""]


class EvalScore(BaseModel):
    """EM and F1 (0..100, SQuAD normalization, best over the gold answers) on n questions, and
    what a reader gets: ``useful``, the % of answerable questions given a short answer with F1
    >= 0.5 or a supporting sentence that contains a gold answer (case and spaces folded);
    ``misled``, the % of unanswerable questions given a short or a sentence answer."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    n: int
    exact: float | None
    f1: float | None
    useful: float | None = None
    misled: float | None = None


class EvalRetrieval(BaseModel):
    """Where the gold paragraph ranks among the retrieved ones, on answerable questions.

    Recalls are percentages; ``mrr`` is 0..1. ``n`` counts the questions whose gold
    paragraph is known (for JSONL: some paragraph of the brief contains a gold answer).
    """

    model_config = ConfigDict(defer_build=True, extra="forbid")

    n: int
    recall_at_1: float | None
    recall_at_5: float | None
    recall_at_20: float | None
    mrr: float | None


class EvalShare(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid")

    n: int
    right: float | None


class EvalReferents(BaseModel):
    """Follow-up resolution on conversations with ``referents``: the % of references resolved
    as a reader would, overall, by kind (person, group, place, thing) and by role (subject,
    answer, answer not given, none: ``referents.py``)."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    n: int
    right: float | None
    by_kind: dict[str, EvalShare]
    by_role: dict[str, EvalShare]


class EvalTiming(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid")

    load_s: float
    index_s: float
    total_s: float
    latency_p50_ms: float | None
    latency_p95_ms: float | None


class EvalReport(BaseModel):
    """What ``askbrief eval --json`` prints. Shares are percentages (0..100)."""

    model_config = ConfigDict(defer_build=True, extra="forbid")

    questions_file: str
    format: str
    corpus: list[str]
    documents: int
    paragraphs: int
    settings: Settings
    questions: int
    evaluated: int
    interrupted: bool
    unscored: int
    overall: EvalScore
    has_ans: EvalScore
    no_ans: EvalScore
    answered: float | None = Field(description="% of answerable questions given a short answer")
    sentence_answers: float | None = Field(default=None, description="% of questions given a sentence answer")
    answers_given: int
    verbatim: float | None = Field(description="% of given answers whose quotes are verbatim")
    retrieval: EvalRetrieval
    timing: EvalTiming
    by_type: dict[str, EvalScore]
    by_tag: dict[str, EvalScore]
    referents: EvalReferents | None = None
