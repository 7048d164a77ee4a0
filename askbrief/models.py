"""The values that cross module boundaries on the way to an answer.

(Values, not fitted models: the answer selector's fitted ranker and confidence model are
``answer.model.Model``; what is read back from files is in ``records.py``.)

``Answer`` is the public contract: ``askbrief ask --json`` prints it, ``eval --details``
writes it, the history stores it. Offsets are character offsets into Python strings.

These are slotted dataclasses, not pydantic ``BaseModel``s, for one reason: importing
pydantic's model machinery costs ~70 ms, more than everything else ``askbrief "question"``
does on the bundled brief. Pydantic still validates every one of them that is read from
outside (a saved answer, a report): ``Model.model_validate_json`` builds a ``TypeAdapter`` on
first use, with ``extra="forbid"`` and the checks of ``__post_init__``. They offer the same
``model_*`` methods as a ``BaseModel``, so callers do not care which kind they hold. The
models only ever read back from files (conversations, question files, evaluation reports)
are pydantic models in ``records.py``.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal, Self

from .dates import answer_date

if TYPE_CHECKING:
    from pydantic import TypeAdapter

_ADAPTERS: dict[type, TypeAdapter[Any]] = {}


class _Model:
    """The part of pydantic's ``BaseModel`` interface askbrief uses, for dataclasses."""

    __slots__ = ()
    # read by pydantic when it validates the dataclass (a plain dict: ConfigDict is a TypedDict)
    __pydantic_config__: ClassVar[dict[str, Any]] = {"extra": "forbid"}

    @classmethod
    def _adapter(cls) -> TypeAdapter[Self]:
        adapter = _ADAPTERS.get(cls)
        if adapter is None:
            from pydantic import TypeAdapter

            adapter = _ADAPTERS[cls] = TypeAdapter(cls)
        return adapter

    @classmethod
    def model_validate(cls, obj: Any) -> Self:
        """``obj`` (a dict, as parsed from JSON) checked and converted; raises pydantic's
        ``ValidationError``."""
        return cls._adapter().validate_python(obj)

    @classmethod
    def model_validate_json(cls, data: str | bytes) -> Self:
        return cls._adapter().validate_json(data)

    def model_dump(self, mode: str = "python", exclude: set[str] | None = None) -> dict[str, Any]:
        """A dict of the fields, nested models as dicts (every field is JSON-ready, so
        ``mode`` changes nothing)."""
        out: dict[str, Any] = dataclasses.asdict(self)  # type: ignore[call-overload]
        for name in exclude or ():
            out.pop(name, None)
        return out

    def model_dump_json(self, indent: int | None = None, exclude: set[str] | None = None) -> str:
        separators = None if indent is not None else (",", ":")
        return json.dumps(self.model_dump(exclude=exclude), ensure_ascii=False, indent=indent,
                          separators=separators)

    def model_copy(self, update: dict[str, Any] | None = None) -> Self:
        return dataclasses.replace(self, **(update or {}))  # type: ignore[type-var]


@dataclass(frozen=True, slots=True, kw_only=True)
class Document(_Model):
    """One file of a brief, with its text: the file's own, or what its format's reader
    extracted (``format``: "text", "markdown", "pdf", "html", ...). ``pages``: where each page
    starts in ``text``, for formats that have pages (page 1 first)."""

    id: str
    title: str
    date: str | None = None
    path: str
    text: str
    format: str = "text"
    pages: tuple[int, ...] = ()

    def page_at(self, offset: int) -> int | None:
        """The page (from 1) holding the character at ``offset``, or None without pages."""
        if not self.pages:
            return None
        from bisect import bisect_right

        return max(1, bisect_right(self.pages, offset))


@dataclass(frozen=True, slots=True, kw_only=True)
class Chunk(_Model):
    """A paragraph (or a sentence-aligned part of a long one) of a document.

    ``start``/``end`` locate the chunk in ``Document.text``; ``para_start``/``para_end``
    locate the whole paragraph it belongs to, so a quote can be placed in its paragraph.
    """

    doc: str
    paragraph: int
    part: int = 0
    start: int
    end: int
    para_start: int
    para_end: int
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Hit(_Model):
    """A retrieved chunk: its position in the index and its BM25 score."""

    chunk: int
    score: float
    rank: int


@dataclass(slots=True, kw_only=True)
class Citation(_Model):
    """A verbatim quote: ``paragraph`` text of document ``doc`` from ``start`` to ``end``;
    ``path`` is the source file, ``page`` the page of the quote in a paged format (PDF)."""

    doc: str
    title: str
    date: str | None
    paragraph: int
    start: int  # offset of the quote in the paragraph text
    end: int
    quote: str
    path: str = ""
    page: int | None = None


@dataclass(slots=True, kw_only=True)
class Alternative(_Model):
    """Another answer that other sources give to the same question, with those sources.

    ``resolved_date``: as on ``Answer``, read in the first source's quote."""

    answer: str
    citations: list[Citation]
    resolved_date: str | None = None

    def __post_init__(self) -> None:
        if self.resolved_date is None and self.citations:
            first = self.citations[0]
            self.resolved_date = answer_date(self.answer, first.date, first.quote)


@dataclass(slots=True, kw_only=True)
class Retrieved(_Model):
    doc: str
    paragraph: int
    score: float


@dataclass(slots=True, kw_only=True)
class Answer(_Model):
    """What ``askbrief ask --json`` prints, one object per question.

    ``grade`` says what the reader gets: ``"short"`` -- ``answer`` is a span of ``evidence``, the
    sentence it is quoted from; ``"sentence"`` -- no span is likely right, but ``evidence`` is a
    sentence that likely answers the question (``answer`` is None; ``highlight`` is the best
    span in it, shown but not asserted); ``"none"`` -- askbrief abstains (``abstained``) and the
    citations are the closest passages. ``confidence`` estimates the short answer's F1,
    ``sentence_confidence`` the chance that ``evidence`` holds the answer.
    ``resolved``: follow-up references and what they were taken to mean, e.g. ``{"it": "Gharyan"}``;
    ``unresolved``: follow-up references that stand for an earlier answer the brief did not
    give, each with the question that asked for it ("Who ...?" abstained, then "When did he
    ...?": ``{"he": "Who ...?"}``), so the reader is told the reference was not taken;
    ``alternatives``: other answers that other sources give, when the sources disagree;
    ``resolved_date``: the date a relative answer stands for in its article ("Tuesday" in an
    article of 2019-04-04: "2019-04-02"; "last month": "2019-03"), else None. Answers made or
    saved without it get it from their first citation's date and their evidence.
    ``answer_quote``: the short answer exactly as its source writes it, a substring of
    ``evidence`` and of the first citation's ``quote`` (which stay verbatim, their offsets
    pointing at the document's text); ``answer`` is it as a reader reads it, each run of
    whitespace (the line break of a hard-wrapped text) one space: "Paul\nGrant" -> "Paul Grant".
    """

    question: str
    answer: str | None
    abstained: bool
    confidence: float
    evidence: str | None
    citations: list[Citation]
    retrieved: list[Retrieved]
    elapsed_ms: float
    resolved: dict[str, str] = field(default_factory=dict)
    alternatives: list[Alternative] = field(default_factory=list)
    grade: Literal["short", "sentence", "none"] | None = None  # None: from abstained (older saves)
    sentence_confidence: float | None = None
    highlight: str | None = None
    resolved_date: str | None = None
    answer_quote: str | None = None
    unresolved: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.answer_quote is None and self.answer is not None:
            self.answer_quote = self.answer  # saved before answers were folded: verbatim
        for name in ("confidence", "sentence_confidence"):
            value = getattr(self, name)
            if value is not None and not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {value}")
        if self.grade is None:
            self.grade = "none" if self.abstained else "short"
        if self.abstained != (self.grade == "none"):
            raise ValueError(f"a {self.grade!r} answer cannot have abstained={self.abstained}")
        if (self.answer is None) != (self.grade != "short"):
            raise ValueError(f"a {self.grade!r} answer {'has no' if self.answer is None else 'has an'} answer span")
        if self.grade == "sentence" and not self.evidence:
            raise ValueError("a sentence answer needs its evidence")
        if self.resolved_date is None and self.answer and self.citations:
            self.resolved_date = answer_date(self.answer, self.citations[0].date, self.evidence or "")


ABSTAIN_TEXT = "The brief does not say."
SENTENCE_TEXT = "No short answer; the brief says:"  # heads a sentence answer


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings(_Model):
    """Runtime knobs of the engine; frozen so a run cannot change them halfway."""

    top_k: int = 20
    answer_chunks: int = 8
    min_confidence: float | None = None
    min_sentence_confidence: float | None = None
    max_citations: int = 8

    def __post_init__(self) -> None:
        for name, low, high in (("top_k", 1, 1000), ("answer_chunks", 1, 100),
                                ("max_citations", 1, 100)):
            value = getattr(self, name)
            if not low <= value <= high:
                raise ValueError(f"{name} must be between {low} and {high}, not {value}")
        for name in ("min_confidence", "min_sentence_confidence"):
            value = getattr(self, name)
            if value is not None and not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1, not {value}")
