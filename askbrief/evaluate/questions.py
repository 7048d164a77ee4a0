"""Reading question files: SQuAD v1.1/v2.0 JSON or JSONL (questions, or conversations whose
last turn is scored), the format read from the content, every error naming the file and line;
and the brief a SQuAD file brings: one document per article, paragraph i = the article's
i-th context, with chunk spans built here rather than by blank-line splitting, so a
citation's (doc, paragraph) is the gold paragraph itself."""

from __future__ import annotations

import bisect
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from .. import referents
from ..corpus import Brief, chunk_document
from ..errors import QuestionFileError, UsageError
from ..models import Chunk, Document
from ..records import EvalItem


@dataclass
class Case:
    """One scored item: the questions to ask in order (the last is scored) and its gold."""

    id: str
    asked: list[str]
    answers: list[str] | None  # None: not scored; []: unanswerable
    tags: list[str] = field(default_factory=list)
    line: int | None = None
    gold: frozenset[tuple[str, int]] | None = None  # known gold paragraphs (SQuAD's own brief)
    referents: dict[str, str | None] | None = None  # the last turn's references (``referents.py``)

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


@dataclass
class QuestionSet:
    path: str
    format: str
    cases: list[Case]
    articles: list[tuple[str, list[str]]] | None = None  # SQuAD: (title, contexts)


class _Squad(BaseModel):
    # a foreign format: unknown fields are tolerated, the ones we read are checked
    model_config = ConfigDict(extra="ignore", strict=True)


class _SquadAnswer(_Squad):
    text: str


class _SquadQA(_Squad):
    id: str
    question: str
    answers: list[_SquadAnswer] | None = None
    is_impossible: bool = False


class _SquadParagraph(_Squad):
    context: str
    qas: list[_SquadQA]


class _SquadArticle(_Squad):
    title: str
    paragraphs: list[_SquadParagraph]


class _SquadFile(_Squad):
    version: str | None = None
    data: list[_SquadArticle]


def read_questions(path: str | Path) -> QuestionSet:
    """Read and validate a question file; QuestionFileError names the file and line."""
    from ..paths import fs_text

    name = fs_text(str(path))
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise UsageError(f"cannot read question file {name}: {e.strerror or e}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise QuestionFileError(f"{name}:{line}: not UTF-8 text") from None
    if not text.strip():
        raise QuestionFileError(f"{name}: the question file is empty")
    try:
        obj = _loads(text)
    except json.JSONDecodeError as e:
        first = next(line for line in text.split("\n") if line.strip())
        if _is_object(first):
            return _read_jsonl(name, text)
        raise QuestionFileError(f"{name}:{e.lineno}: malformed JSON: {e.msg} (column {e.colno})") from None
    except _Unparsable as e:
        raise QuestionFileError(f"{name}:{e.line}: malformed JSON: {e}") from None
    if isinstance(obj, dict) and "data" in obj:
        return _read_squad(name, text, obj)
    if isinstance(obj, dict) and len([ln for ln in text.split("\n") if ln.strip()]) == 1:
        return _read_jsonl(name, text)
    raise QuestionFileError(f"{name}:1: not a question file: expected SQuAD JSON (an object with "
                            f"\"data\") or JSONL (one JSON object a line)")


def _is_object(line: str) -> bool:
    try:
        return isinstance(_loads(line), dict)
    except (json.JSONDecodeError, _Unparsable):
        return False


class _Unparsable(ValueError):
    """JSON the parser refuses without saying where: ``line`` is found here."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


MAX_DEPTH = 200  # deeper than any question file; Python's parser gives up near 1,000


def _loads(text: str):
    """``json.loads``, with the failures it reports without a position (nesting too deep for
    the recursion limit, an integer past Python's 4,300-digit limit) as _Unparsable."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise _Unparsable(f"nested more than {MAX_DEPTH} levels deep", _deep_line(text)) from None
    except ValueError as e:
        long = re.search(r"\d{%d,}" % (sys.get_int_max_str_digits() + 1), text)
        line = text.count("\n", 0, long.start()) + 1 if long else 1
        why = "a number with too many digits" if long else str(e).split(";")[0]
        raise _Unparsable(why, line) from None


def _deep_line(text: str) -> int:
    """The line where brackets first nest more than MAX_DEPTH deep (outside strings)."""
    depth, line, in_string, escaped = 0, 1, False, False
    for ch in text:
        if ch == "\n":
            line += 1
        elif in_string:
            escaped, in_string = (False, True) if escaped else (ch == "\\", ch != '"')
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line
        elif ch in "]}":
            depth -= 1
    return 1


def _read_jsonl(name: str, text: str) -> QuestionSet:
    cases: list[Case] = []
    first_line: dict[str, int] = {}
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            obj = _loads(line)
        except json.JSONDecodeError as e:
            raise QuestionFileError(f"{name}:{n}: malformed JSON line: {e.msg} (column {e.colno})") from None
        except _Unparsable as e:
            raise QuestionFileError(f"{name}:{n}: malformed JSON line: {e}") from None
        if not isinstance(obj, dict):
            raise QuestionFileError(f"{name}:{n}: expected a JSON object "
                                    f"{{\"id\", \"question\" or \"turns\", \"answers\"}}")
        try:
            item = EvalItem.model_validate(obj)
        except ValidationError as e:
            raise QuestionFileError(f"{name}:{n}: {_describe(e)}") from None
        if item.id in first_line:
            raise QuestionFileError(f"{name}:{n}: duplicate id {item.id!r} (first on line {first_line[item.id]})")
        first_line[item.id] = n
        for t, q in enumerate(item.asked, 1):
            problem = _question_problem(q)
            if problem:
                turn = f"turn {t}: " if item.turns is not None else ""
                raise QuestionFileError(f"{name}:{n}: {turn}{problem}")
        if item.referents is not None and (problem := referents.check(item.referents, item.asked[-1])):
            raise QuestionFileError(f"{name}:{n}: {problem}")
        cases.append(Case(id=item.id, asked=item.asked, answers=item.answers, tags=list(item.tags), line=n,
                          referents=item.referents))
    return QuestionSet(path=name, format="jsonl", cases=cases)


def _question_problem(question: str) -> str | None:
    """Why the assistant would refuse this question (empty, too long), or None."""
    from .. import check_question

    try:
        check_question(question)
    except UsageError as e:
        return str(e)
    return None


def _loc(parts: Sequence) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p))
                   for i, p in enumerate(parts))


def _describe(e: ValidationError, skip: int = 0) -> str:
    """The first problem of a validation error, in words (its location from loc[skip:])."""
    err = e.errors()[0]
    loc = _loc(err["loc"][skip:])
    msg = err["msg"]
    if err["type"] == "missing":
        return f"missing {loc!r}"
    if err["type"] == "extra_forbidden":
        return f"unknown field {loc!r}"
    if err["type"] == "value_error":
        return msg.removeprefix("Value error, ")
    msg = msg[:1].lower() + msg[1:]
    return f"{loc!r}: {msg}" if loc else msg


def _read_squad(name: str, text: str, obj: dict) -> QuestionSet:
    try:
        squad = _SquadFile.model_validate(obj)
    except ValidationError as e:
        loc = e.errors()[0]["loc"]
        # "data[0].paragraphs[1].qas[0]: missing 'question'": the object, then its field
        cut = max((i for i, p in enumerate(loc) if isinstance(p, str)), default=0)
        where = f"{_loc(loc[:cut])}: " if cut else ""
        raise QuestionFileError(f"{name}:{_line_of(text, loc)}: {where}{_describe(e, cut)}") from None
    cases: list[Case] = []
    articles: list[tuple[str, list[str]]] = []
    seen: dict[str, tuple] = {}
    doc_ids = _unique([a.title for a in squad.data])
    for ai, (article, doc_id) in enumerate(zip(squad.data, doc_ids)):
        articles.append((article.title, [p.context for p in article.paragraphs]))
        for pi, para in enumerate(article.paragraphs):
            for qi, qa in enumerate(para.qas):
                loc = ("data", ai, "paragraphs", pi, "qas", qi)
                if qa.id in seen:
                    raise QuestionFileError(
                        f"{name}:{_line_of(text, loc)}: duplicate id {qa.id!r} "
                        f"(first on line {_line_of(text, seen[qa.id])})")
                seen[qa.id] = loc
                problem = _question_problem(qa.question)
                if problem:
                    raise QuestionFileError(f"{name}:{_line_of(text, loc)}: question {qa.id!r}: {problem}")
                answers = None if qa.answers is None else [a.text for a in qa.answers]
                cases.append(Case(id=qa.id, asked=[qa.question], answers=answers,
                                  gold=frozenset({(doc_id, pi)})))
    if not cases:
        raise QuestionFileError(f"{name}:1: the SQuAD file has no questions")
    version = squad.version or "SQuAD"
    return QuestionSet(path=name, format=f"squad {version}", cases=cases, articles=articles)


def _unique(ids: Sequence[str]) -> list[str]:
    out, seen = [], set()
    for i in ids:
        base, n = i or "article", 2
        while i in seen or not i:
            i, n = f"{base}~{n}", n + 1
        seen.add(i)
        out.append(i)
    return out


class _LineDict(dict):
    line = 0


def _line_of(text: str, loc: Sequence) -> int:
    """The line where the innermost JSON object on the path ``loc`` starts.

    Only used to report an error, so the slow pure-Python parser is fine here."""
    from json import decoder, scanner

    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    dec = json.JSONDecoder()

    def parse_object(s_and_end, *args):
        obj, end = decoder.JSONObject(s_and_end, *args)
        located = _LineDict(obj)
        located.line = bisect.bisect_right(starts, s_and_end[1] - 1)
        return located, end

    dec.parse_object = parse_object
    dec.scan_once = scanner.py_make_scanner(dec)
    node = dec.decode(text)
    line = 1
    for key in loc:
        if isinstance(node, _LineDict):
            line = node.line
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return line
    return node.line if isinstance(node, _LineDict) else line


def squad_brief(questions: QuestionSet) -> Brief:
    """One document per article (id = title), paragraph i = the article's i-th context.

    The document text is the contexts joined by blank lines, but the paragraphs are the
    contexts' exact spans, so a context that itself holds a blank line stays one paragraph."""
    documents: list[Document] = []
    chunks: list[Chunk] = []
    titles = [t for t, _ in questions.articles or []]
    for doc_id, (title, contexts) in zip(_unique(titles), questions.articles or []):
        doc = Document(id=doc_id, title=title.replace("_", " ") or doc_id, path=questions.path,
                       text="\n\n".join(contexts))
        spans, pos = [], 0
        for context in contexts:
            spans.append((pos, pos + len(context)))
            pos += len(context) + 2
        documents.append(doc)
        chunks += chunk_document(doc, spans)
    if not chunks:
        raise QuestionFileError(f"{questions.path}: the SQuAD file has no context text")
    return Brief(documents=documents, chunks=chunks, sources=[questions.path])
