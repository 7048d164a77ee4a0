"""Question files -> predictions, metrics, report.

A question file is SQuAD v1.1/v2.0 JSON or JSONL (questions, or conversations whose last
turn is scored); the format is read from the content. A SQuAD file brings its own brief:
one document per article, paragraph i = the article's i-th context, with chunk spans built
here rather than by blank-line splitting, so a citation's (doc, paragraph) is the gold
paragraph itself. With ``--corpus`` (and for JSONL) the gold paragraphs are those whose
text contains a gold answer.

Answers are scored as the official SQuAD v2.0 script does: normalized text (lowercase,
punctuation and articles removed, whitespace folded), the best EM and token F1 over the
gold answers, an abstention counted as the empty answer "". Nothing here prints: the CLI
drives ``Evaluation.results()`` one question at a time (so Ctrl-C keeps what was finished)
and then asks for the report.
"""

from __future__ import annotations

import bisect
import collections
import json
import math
import re
import string
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from .answer import wh_word
from .corpus import Brief, chunk_document, load_brief
from .errors import QuestionFileError, UsageError
from .models import Answer, Chunk, Document, Settings
from .records import EvalItem, EvalReport, EvalRetrieval, EvalScore, EvalTiming
from .text import fold
from . import referents

RECALL_AT = (1, 5, 20)
TYPE_ORDER = ("who", "when", "where", "how many", "what", "which", "why", "other")  # as reports list them


# --- reading question files --------------------------------------------------------

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
    from .paths import fs_text

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
    from . import check_question

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


# --- the brief of a SQuAD file -----------------------------------------------------

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


# --- metrics -----------------------------------------------------------------------

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


# --- running -----------------------------------------------------------------------

@dataclass
class Result:
    case: Case
    answer: Answer  # the scored (last) turn
    latencies_ms: list[float]
    exact: float | None = None  # 0/1, None when not scored
    f1: float | None = None  # 0..1
    rank: int | None = None
    gold_known: bool = False
    verbatim: bool | None = None  # None for an abstention
    useful: bool | None = None  # answerable: a right short answer or a sentence holding one
    misled: bool | None = None  # unanswerable: given a short or a sentence answer
    references: list[referents.Reference] | None = None  # with the case's referents

    @property
    def prediction(self) -> str:
        return "" if self.answer.abstained or self.answer.answer is None else self.answer.answer


class Evaluation:
    """A question set and the assistant that answers it; yields results, then a report."""

    def __init__(self, questions: QuestionSet, assistant, *, corpus: Sequence[str],
                 load_s: float = 0.0, index_s: float = 0.0, started: float | None = None,
                 own_brief: bool = False):
        self.questions = questions
        self.assistant = assistant
        self.brief: Brief = assistant.brief
        self.corpus = list(corpus)
        self.load_s, self.index_s = load_s, index_s
        self.started = time.perf_counter() if started is None else started
        self.own_brief = own_brief
        self._folded: dict[tuple[str, int], str] | None = None

    def __len__(self) -> int:
        return len(self.questions.cases)

    def results(self) -> Iterator[Result]:
        """Ask every case, in file order, and score it."""
        for case in self.questions.cases:
            yield self.run_case(case)

    def run_case(self, case: Case) -> Result:
        context: list[Answer] = []
        latencies = []
        for q in case.asked:
            t = time.perf_counter()
            answer = self.assistant.ask(q, context=list(context))
            latencies.append((time.perf_counter() - t) * 1000)
            context.append(answer)
        result = Result(case=case, answer=context[-1], latencies_ms=latencies)
        if case.referents is not None:
            result.references = referents.score(case.referents, case.asked, result.answer.resolved,
                                                self.assistant.index.map_term, context[:-1])
        if not result.answer.abstained:
            result.verbatim = self.is_verbatim(result.answer)
        if case.answers is not None:
            result.exact = exact_match(result.prediction, case.answers)
            result.f1 = f1_score(result.prediction, case.answers)
            if case.answerable:
                result.useful = is_useful(result.answer, case.answers)
            else:
                result.misled = not result.answer.abstained
            if case.answerable:
                gold = case.gold if (self.own_brief and case.gold is not None) else self.gold_paragraphs(case.answers)
                result.gold_known = bool(gold)
                if gold:
                    result.rank = gold_rank(((r.doc, r.paragraph) for r in result.answer.retrieved), gold)
        return result

    def is_verbatim(self, answer: Answer) -> bool:
        """The answer (or a sentence answer's highlight) is in its evidence and every quote is
        the paragraph's text at its offsets."""
        shown = answer.answer if answer.grade == "short" else (answer.highlight or answer.evidence)
        if not shown or not answer.evidence or shown not in answer.evidence:
            return False
        for c in answer.citations:
            para = self.brief.paragraph(c.doc, c.paragraph)
            if para is None or para[c.start:c.end] != c.quote:
                return False
        return True

    def gold_paragraphs(self, answers: Sequence[str]) -> frozenset[tuple[str, int]]:
        """Paragraphs whose (folded) text contains a (folded) gold answer."""
        if self._folded is None:
            self._folded = {key: folded(self.brief.paragraph(*key) or "") for key in self.brief.paragraph_keys()}
        needles = [f for f in (folded(a) for a in answers) if f]
        return frozenset(k for k, t in self._folded.items() if any(n in t for n in needles))

    def report(self, results: Sequence[Result], interrupted: bool = False) -> EvalReport:
        scored = [r for r in results if r.case.answers is not None]
        has = [r for r in scored if r.case.answerable]
        no = [r for r in scored if not r.case.answerable]
        given = [r for r in results if not r.answer.abstained]
        located = [r for r in has if r.gold_known]
        recall, mrr = recall_mrr([r.rank for r in located])
        latencies = [ms for r in results for ms in r.latencies_ms]
        by_type: dict[str, list[Result]] = {}
        by_tag: dict[str, list[Result]] = {}
        for r in scored:
            by_type.setdefault(wh_word(r.case.asked[-1]), []).append(r)
            for tag in r.case.tags:
                by_tag.setdefault(tag, []).append(r)
        order = {t: i for i, t in enumerate(TYPE_ORDER)}
        return EvalReport(
            questions_file=self.questions.path,
            format=self.questions.format,
            corpus=self.corpus,
            documents=len(self.brief.documents),
            paragraphs=len(self.brief.paragraph_keys()),
            settings=self.assistant.settings,
            questions=len(self.questions.cases),
            evaluated=len(results),
            interrupted=interrupted,
            unscored=len(results) - len(scored),
            overall=_score(scored), has_ans=_score(has), no_ans=_score(no),
            answered=_pct(sum(r.answer.grade == "short" for r in has), len(has)),
            sentence_answers=_pct(sum(r.answer.grade == "sentence" for r in scored), len(scored)),
            answers_given=len(given),
            verbatim=_pct(sum(bool(r.verbatim) for r in given), len(given)),
            retrieval=EvalRetrieval(n=len(located), recall_at_1=_round(recall[1]),
                                    recall_at_5=_round(recall[5]), recall_at_20=_round(recall[20]),
                                    mrr=_round(mrr, 4)),
            timing=EvalTiming(load_s=round(self.load_s, 3), index_s=round(self.index_s, 3),
                              total_s=round(time.perf_counter() - self.started, 3),
                              latency_p50_ms=_round(percentile(latencies, 50)),
                              latency_p95_ms=_round(percentile(latencies, 95))),
            by_type={k: _score(v) for k, v in sorted(by_type.items(), key=lambda kv: order.get(kv[0], 99))},
            by_tag={k: _score(v) for k, v in sorted(by_tag.items())},
            referents=referents.summary(x for r in results for x in r.references or ())
            if any(r.references is not None for r in results) else None,
        )


def _round(x: float | None, digits: int = 2) -> float | None:
    return None if x is None else round(x, digits)


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 2) if whole else None


def _score(results: Sequence[Result]) -> EvalScore:
    n = len(results)
    if not n:
        return EvalScore(n=0, exact=None, f1=None)
    useful = [r.useful for r in results if r.useful is not None]
    misled = [r.misled for r in results if r.misled is not None]
    return EvalScore(n=n, exact=round(100.0 * sum(r.exact or 0.0 for r in results) / n, 2),
                     f1=round(100.0 * sum(r.f1 or 0.0 for r in results) / n, 2),
                     useful=_pct(sum(useful), len(useful)), misled=_pct(sum(misled), len(misled)))


def is_useful(answer: Answer, golds: Sequence[str]) -> bool:
    """A reader got what they asked for: a short answer with F1 >= 0.5 against a gold answer,
    or a supporting sentence that contains one (case and spaces folded)."""
    if answer.abstained:
        return False
    if answer.grade == "short" and f1_score(answer.answer or "", golds) >= 0.5:
        return True
    sentence = folded(answer.evidence or "")
    return any(g and g in sentence for g in map(folded, golds))


def prepare(questions_file: str | Path, corpus: Sequence[str] | None = None,
            settings: Settings | None = None, follow_links: bool = False) -> Evaluation:
    """Read the question file, load its brief (its own, for SQuAD without a corpus), index it."""
    from . import Assistant, corpus_paths

    started = time.perf_counter()
    questions = read_questions(questions_file)
    own = questions.articles is not None and not corpus
    if own:
        brief, sources = squad_brief(questions), [questions.path]
    else:
        sources = corpus_paths(corpus)
        brief = load_brief(sources, follow_links)
    loaded = time.perf_counter()
    assistant = Assistant(brief, settings)
    indexed = time.perf_counter()
    return Evaluation(questions, assistant, corpus=sources, load_s=loaded - started,
                      index_s=indexed - loaded, started=started, own_brief=own)


# --- outputs -----------------------------------------------------------------------

def predictions(results: Iterable[Result]) -> dict[str, str]:
    """The SQuAD prediction dict: {id: answer, or "" for an abstention}."""
    return {r.case.id: r.prediction for r in results}


def na_probs(results: Iterable[Result]) -> dict[str, float]:
    """The official SQuAD 2.0 script's no-answer probability file (``--na-prob-file``):
    {id: 1 - confidence}. With ``--min-confidence 0`` the predictions hold every question's
    best answer, and the script's best-threshold figures say where to abstain."""
    return {r.case.id: round(1.0 - r.answer.confidence, 4) for r in results}


def details_line(result: Result) -> str:
    """One --details JSONL line: the id, then exactly the fields of ``askbrief ask --json``."""
    return json.dumps({"id": result.case.id, **result.answer.model_dump(mode="json")},
                      ensure_ascii=False)


def _num(x: float | None, fmt: str = "{:.1f}") -> str:
    return "-" if x is None else fmt.format(x)


def report_table(report: EvalReport) -> str:
    """The report as a plain-text table. Everything that comes from the question file (its
    name, version, tags) is made safe as document text is: a tag cannot clear the screen."""
    from .render import safe

    r = report
    from .render import plural

    questions = f"{r.questions} {plural(r.questions, 'question')}"
    done = f"{r.evaluated} of {questions} (interrupted)" if r.interrupted else questions
    lines = [f"askbrief eval {safe(r.questions_file)} · {safe(r.format)} · {done}",
             f"brief: {r.documents} {plural(r.documents, 'document')}, "
             f"{r.paragraphs} {plural(r.paragraphs, 'paragraph')}"
             + (" (from the question file)" if r.corpus == [r.questions_file]
                else f" ({', '.join(safe(c) for c in r.corpus)})"),
             ""]

    def rows(title: str, scores: dict[str, EvalScore]) -> None:
        scores = {safe(k): v for k, v in scores.items()}
        width = max([len(title)] + [len(k) for k in scores])
        lines.append(f"  {title:<{width}}  {'n':>5}  {'EM':>6}  {'F1':>6}  {'useful':>7}  {'misled':>7}")
        for k, s in scores.items():
            lines.append(f"  {k:<{width}}  {s.n:>5}  {_num(s.exact):>6}  {_num(s.f1):>6}  "
                         f"{_num(s.useful, '{:.1f}%'):>7}  {_num(s.misled, '{:.1f}%'):>7}")

    rows("answers", {"overall": r.overall, "HasAns": r.has_ans, "NoAns": r.no_ans})
    if r.unscored:
        lines.append(f"  ({r.unscored} {plural(r.unscored, 'question')} without gold answers "
                     f"{'was' if r.unscored == 1 else 'were'} asked but not scored)")
    lines.append("")
    ret, t = r.retrieval, r.timing
    lines += [f"  answered    {_num(r.answered, '{:.1f}%')} of the answerable questions with a short answer; "
              f"{_num(r.sentence_answers, '{:.1f}%')} of all questions with a sentence",
              f"  verbatim    {_num(r.verbatim, '{:.1f}%')} of {r.answers_given} {plural(r.answers_given, 'answer')} "
              f"{'quotes' if r.answers_given == 1 else 'quote'} the brief exactly",
              f"  retrieval   recall@1 {_num(ret.recall_at_1, '{:.1f}%')} · @5 {_num(ret.recall_at_5, '{:.1f}%')} · "
              f"@20 {_num(ret.recall_at_20, '{:.1f}%')} · MRR {_num(ret.mrr, '{:.3f}')} "
              f"({ret.n} {plural(ret.n, 'question')} with a known gold paragraph)",
              f"  time        total {t.total_s:.2f} s · load {t.load_s:.2f} s · index {t.index_s:.2f} s · "
              f"per question p50 {_num(t.latency_p50_ms)} ms, p95 {_num(t.latency_p95_ms)} ms",
              ""]
    if r.by_type:
        rows("question type", r.by_type)
    if r.by_tag:
        lines.append("")
        rows("tag", r.by_tag)
    lines += referents.report_lines(r.referents)
    return "\n".join(lines)
