"""askbrief eval: metric functions, the question file formats, the report, the CLI."""

import dataclasses
import functools
import json
import os
import subprocess
import sys

import pytest

from askbrief import cli, evaluate
from askbrief.cli.common import Progress
from askbrief.corpus import MAX_CHUNK_CHARS, load_brief
from askbrief.errors import QuestionFileError
from askbrief.evaluate import (Evaluation, exact_match, f1_score, gold_rank, normalize_answer,
                               percentile, read_questions, recall_mrr, squad_brief)
from askbrief.models import Answer, Settings
from askbrief.records import EvalReport

from helpers import DATA, ROOT

EVAL = DATA / "eval"
TINY_SQUAD = EVAL / "tiny-squad.json"
BRIEF = EVAL / "brief"


# --- metrics -----------------------------------------------------------------------

def test_normalization_follows_squad():
    assert normalize_answer("The  Cat's hat!") == "cats hat"
    assert normalize_answer("an Apple, a day") == "apple day"
    assert normalize_answer("Theatre of the Absurd") == "theatre of absurd"  # "the" only as a word
    assert normalize_answer("  A\tB\n c ") == "b c"
    assert normalize_answer("...") == ""


def test_exact_match_and_f1_take_the_best_gold_answer():
    golds = ["10 counties", "10"]
    assert exact_match("10", golds) == 1.0
    assert exact_match("the 10 Counties.", golds) == 1.0
    assert exact_match("ten", golds) == 0.0
    # "founded in 1820": vs "in 1820" P=2/3 R=1 -> 0.8; vs "1820" P=1/3 R=1 -> 0.5
    assert f1_score("founded in 1820", ["1820", "in 1820"]) == pytest.approx(0.8)
    # "Los Angeles County" vs "Los Angeles": P=2/3, R=1 -> 0.8
    assert f1_score("Los Angeles County", ["Los Angeles"]) == pytest.approx(0.8)
    assert f1_score("Paris", ["London", "Rome"]) == 0.0
    # repeated tokens count once per occurrence: "a a b" vs "a b": tokens [] after articles... use words
    assert f1_score("x x y", ["x y"]) == pytest.approx(2 * (2 / 3) * 1 / (2 / 3 + 1))


def test_abstention_is_the_empty_answer():
    assert exact_match("", []) == f1_score("", []) == 1.0  # unanswerable, abstained
    assert exact_match("Rufus", []) == f1_score("Rufus", []) == 0.0  # unanswerable, answered
    assert exact_match("", ["Rufus"]) == f1_score("", ["Rufus"]) == 0.0  # answerable, abstained
    # gold answers that normalize to nothing count as "no answer", as in the official script
    assert exact_match("", ["the", "."]) == 1.0


def test_gold_rank_counts_distinct_paragraphs():
    retrieved = [("a", 0), ("a", 0), ("b", 2), ("a", 1), ("a", 0), ("c", 5)]
    assert gold_rank(retrieved, {("a", 0)}) == 1
    assert gold_rank(retrieved, {("a", 1)}) == 3
    assert gold_rank(retrieved, {("c", 5), ("b", 2)}) == 2
    assert gold_rank(retrieved, {("z", 0)}) is None
    assert gold_rank([], {("a", 0)}) is None


def test_recall_and_mrr_hand_computed():
    recall, mrr = recall_mrr([1, 3, None, 7, 25])
    assert recall == {1: 20.0, 5: 40.0, 20: 60.0}
    assert mrr == pytest.approx((1 + 1 / 3 + 1 / 7 + 1 / 25) / 5)
    assert recall_mrr([]) == ({1: None, 5: None, 20: None}, None)


def test_percentile_interpolates():
    assert percentile([10, 20, 30, 40], 50) == 25
    assert percentile([5], 95) == 5
    assert percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 95) == pytest.approx(10.5)
    assert percentile([], 50) is None


# --- the brief of a SQuAD file -----------------------------------------------------

def _squad(contexts_by_title: dict[str, list[str]], question="What is it?") -> dict:
    data = []
    for title, contexts in contexts_by_title.items():
        paras = [{"context": c, "qas": [{"id": f"{title}-{i}", "question": question,
                                         "answers": [], "is_impossible": True}]}
                 for i, c in enumerate(contexts)]
        data.append({"title": title, "paragraphs": paras})
    return {"version": "v2.0", "data": data}


def test_squad_brief_has_exact_spans_and_keeps_blank_lines_inside_a_context(tmp_path):
    long = " ".join(f"Sentence number {i} talks about the long river Sylvan." for i in range(120))
    contexts = ["First context.", "Second context.\n\nStill the second one.", long, "Last."]
    path = tmp_path / "s.json"
    path.write_text(json.dumps(_squad({"River_(x)": contexts, "Other": ["Only one."]})))
    qs = read_questions(path)
    brief = squad_brief(qs)
    assert [d.id for d in brief.documents] == ["River_(x)", "Other"]
    assert brief.documents[0].title == "River (x)"
    doc = brief.documents[0]
    assert doc.text == "\n\n".join(contexts)
    for c in brief.chunks:
        d = brief.document(c.doc)
        assert d.text[c.start:c.end] == c.text
        assert c.para_start <= c.start < c.end <= c.para_end
    paras = {}
    for c in brief.chunks:
        paras.setdefault((c.doc, c.paragraph), []).append(c)
    assert sorted(paras) == [("Other", 0)] + [("River_(x)", i) for i in range(4)]
    for i, context in enumerate(contexts):
        first = paras[("River_(x)", i)][0]
        assert doc.text[first.para_start:first.para_end] == context
    assert len(paras[("River_(x)", 1)]) == 1  # the blank line did not split it
    long_parts = paras[("River_(x)", 2)]
    assert len(long_parts) > 1 and all(len(c.text) <= MAX_CHUNK_CHARS for c in long_parts)
    assert [c.part for c in long_parts] == list(range(len(long_parts)))
    # the gold paragraph of each question is its own context
    assert {c.id: c.gold for c in qs.cases}["River_(x)-2"] == frozenset({("River_(x)", 2)})


def test_format_is_read_from_the_content(tmp_path):
    v11 = {"version": "1.1", "data": [{"title": "T", "paragraphs": [{"context": "Alpha beta.", "qas": [
        {"id": "q", "question": "What?", "answers": [{"text": "Alpha", "answer_start": 0}]}]}]}]}
    path = tmp_path / "questions.txt"  # the name says nothing
    path.write_text(json.dumps(v11))
    qs = read_questions(path)
    assert qs.format == "squad 1.1" and qs.cases[0].answers == ["Alpha"] and qs.cases[0].answerable
    path.write_text('{"id": "only", "question": "Who?"}')  # one JSONL line parses as one JSON object
    qs = read_questions(path)
    assert qs.format == "jsonl" and [c.id for c in qs.cases] == ["only"]


# --- the report, with a scripted assistant -----------------------------------------

class ScriptedAssistant:
    """Answers from a script, and records what it was asked and with which context."""

    def __init__(self, brief, script):
        self.brief, self.script, self.settings = brief, script, Settings()
        self.calls: list[tuple[str, list[str]]] = []

    def ask(self, question, settings=None, context=()):
        self.calls.append((question, [a.question for a in context]))
        return self.script[question]


@pytest.fixture
def quoting(make_answer, make_citation):
    """``quoting(brief, question, text, where, retrieved, shift)``: an Answer quoting ``text``
    from paragraph ``where`` (an abstention when text is None); shift > 0 makes the offsets wrong."""
    def build(brief, question, text=None, where=None, retrieved=(), shift=0):
        if text is None:
            return make_answer(question, None, retrieved=retrieved)
        start = brief.paragraph(*where).index(text)
        return make_answer(question, text, make_citation(text, *where, start + shift), retrieved=retrieved)
    return build


def test_a_squad_context_without_text_has_no_chunk_but_keeps_its_number(tmp_path):
    path = tmp_path / "s.json"
    path.write_text(json.dumps(_squad({"A": ["One.", " \n ", "", "Four."]})))
    brief = squad_brief(read_questions(path))
    assert brief.paragraph_keys() == [("A", 0), ("A", 3)]
    assert brief.paragraph("A", 3) == "Four." and brief.paragraph("A", 1) is None


def test_report_figures_hand_computed_on_a_squad_file(quoting):
    qs = read_questions(TINY_SQUAD)
    assert qs.format == "squad v2.0"
    assert [c.id for c in qs.cases] == ["fr-capital", "fr-founded", "fr-king", "fr-river", "sy-ruler", "sy-moon"]
    brief = squad_brief(qs)
    F0, F1, S0 = ("Freedonia", 0), ("Freedonia", 1), ("Sylvania", 0)
    script = {
        "What is the capital of Freedonia?": quoting(brief, "", "Ruritania City", F0, [F0]),
        "When was Ruritania City founded?": quoting(brief, "", "founded in 1820", F0, [S0, F1, F1, F0]),
        "Who is the king of Freedonia?": quoting(brief, "", None, retrieved=[F0]),
        "How long is the river Sylvan?": quoting(brief, "", "Queen Mira", S0, [], shift=1),
        "Who rules Sylvania?": quoting(brief, "", None, retrieved=[S0]),
        "What is the population of the Sylvanian moon base?": quoting(brief, "", "Sylvania", S0, [S0]),
    }
    ev = Evaluation(qs, ScriptedAssistant(brief, script), corpus=[qs.path], own_brief=True)
    results = list(ev.results())
    r = ev.report(results)
    assert (r.questions, r.evaluated, r.unscored, r.interrupted) == (6, 6, 0, False)
    assert (r.documents, r.paragraphs) == (2, 3)
    # EM: capital, king -> 2/6; F1: 1 + 0.8 + 1 -> 2.8/6
    assert (r.overall.n, r.overall.exact, r.overall.f1) == (6, 33.33, 46.67)
    assert (r.has_ans.n, r.has_ans.exact, r.has_ans.f1) == (4, 25.0, 45.0)
    assert (r.no_ans.n, r.no_ans.exact, r.no_ans.f1) == (2, 50.0, 50.0)
    assert r.answered == 75.0  # capital, founded, river of the 4 answerable
    assert (r.answers_given, r.verbatim) == (4, 75.0)  # the river answer's offsets are off by one
    # ranks of the gold paragraph: 1, 3, none, 1
    ret = r.retrieval
    assert (ret.n, ret.recall_at_1, ret.recall_at_5, ret.recall_at_20) == (4, 50.0, 75.0, 75.0)
    assert ret.mrr == pytest.approx((1 + 1 / 3 + 0 + 1) / 4, abs=1e-4)
    assert list(r.by_type) == ["who", "when", "what", "other"]
    # useful: a short answer with F1 >= 0.5, or its sentence holding a gold answer; misled:
    # an unanswerable question given an answer ("Sylvania" for the moon base)
    assert r.by_type["what"].model_dump() == {"n": 2, "exact": 50.0, "f1": 50.0, "useful": 100.0, "misled": 100.0}
    assert r.by_type["when"].model_dump() == {"n": 1, "exact": 0.0, "f1": 80.0, "useful": 100.0, "misled": None}
    assert r.by_type["other"].model_dump() == {"n": 1, "exact": 0.0, "f1": 0.0, "useful": 0.0,
                                               "misled": None}  # "how long"
    assert (r.has_ans.useful, r.no_ans.misled, r.overall.useful) == (50.0, 50.0, 50.0)  # capital, founded of 4; the moon of 2
    assert {k: v.model_dump() for k, v in r.by_tag.items()} == {}
    assert evaluate.predictions(results) == {
        "fr-capital": "Ruritania City", "fr-founded": "founded in 1820", "fr-king": "",
        "fr-river": "Queen Mira", "sy-ruler": "", "sy-moon": "Sylvania"}
    assert EvalReport.model_validate_json(r.model_dump_json()) == r
    table = evaluate.report_table(r)
    assert "overall" in table and "46.7" in table and "recall@1 50.0%" in table


def test_jsonl_questions_tags_unscored_and_gold_by_answer_text(quoting):
    qs = read_questions(EVAL / "questions.jsonl")
    assert qs.format == "jsonl"
    assert [(c.id, c.line) for c in qs.cases] == [("mayor", 1), ("cost", 2), ("founded", 4),
                                                  ("moon", 5), ("unscored", 6)]
    assert qs.cases[-1].answers is None and qs.cases[3].answers == []
    brief = load_brief([BRIEF])
    H1, H2, F1 = ("harbour", 1), ("harbour", 2), ("festival", 1)
    script = {
        "Who cut the ribbon at the harbour?": quoting(brief, "", "Mayor Ines Calvo", H1, [H2, H1]),
        "How much did the harbour cost?": quoting(brief, "", "40 million euros", H2, [H2]),
        "When was the lantern festival founded?": quoting(brief, "", None, retrieved=[H1]),
        "Who is the king of the moon?": quoting(brief, "", None),
        "Where is the harbour?": quoting(brief, "", "Port Lune", H1, [H1]),
    }
    ev = Evaluation(qs, ScriptedAssistant(brief, script), corpus=[str(BRIEF)])
    # a gold answer hard-wrapped or in another case still finds its paragraph
    assert ev.gold_paragraphs(["INES CALVO cut the ribbon in front"]) == {H1}
    assert ev.gold_paragraphs(["Port Lune"]) == {("harbour", 0), H1, F1}  # the heading too
    assert ev.gold_paragraphs(["nowhere at all"]) == frozenset()
    r = ev.report(list(ev.results()))
    assert (r.evaluated, r.unscored) == (5, 1)
    assert (r.overall.n, r.overall.exact) == (4, 75.0)  # mayor, cost, moon right; founded abstained
    assert (r.has_ans.n, r.has_ans.exact, r.no_ans.n, r.no_ans.exact) == (3, 66.67, 1, 100.0)
    assert (r.retrieval.n, r.retrieval.recall_at_1, r.retrieval.recall_at_5) == (3, 33.33, 66.67)
    assert {k: v.model_dump() for k, v in r.by_tag.items()} == {
        "date": {"n": 1, "exact": 0.0, "f1": 0.0, "useful": 0.0, "misled": None},
        "name": {"n": 1, "exact": 100.0, "f1": 100.0, "useful": 100.0, "misled": None},
        "off-topic": {"n": 1, "exact": 100.0, "f1": 100.0, "useful": None, "misled": 0.0}}
    assert (r.answers_given, r.verbatim) == (3, 100.0)  # the unscored answer counts here


def test_conversations_ask_turns_in_order_with_the_earlier_answers(quoting):
    qs = read_questions(EVAL / "conversations.jsonl")
    conv = qs.cases[0]
    assert conv.asked == ["When did the new harbour of Port Lune open?", "How much did it cost?"]
    assert conv.tags == ["follow-up"]
    brief = load_brief([BRIEF])
    H1, H2 = ("harbour", 1), ("harbour", 2)
    script = {
        "When did the new harbour of Port Lune open?": quoting(brief, conv.asked[0], "Monday", H1, [H1]),
        "How much did it cost?": quoting(brief, conv.asked[1], "40 million euros", H2, [H2]),
        "How many visitors did the festival draw last year?": quoting(brief, "q", "about 15,000",
                                                                      ("festival", 2), [("festival", 2)]),
    }
    assistant = ScriptedAssistant(brief, script)
    ev = Evaluation(qs, assistant, corpus=[str(BRIEF)])
    results = list(ev.results())
    assert assistant.calls == [
        ("When did the new harbour of Port Lune open?", []),
        ("How much did it cost?", ["When did the new harbour of Port Lune open?"]),
        ("How many visitors did the festival draw last year?", []),
    ]
    assert results[0].answer.answer == "40 million euros"  # the last turn is scored
    assert len(results[0].latencies_ms) == 2
    r = ev.report(results)
    assert r.overall.exact == 100.0
    assert list(r.by_type) == ["how many"]  # the last turn's question word
    assert {k: v.model_dump() for k, v in r.by_tag.items()} == {
        "follow-up": {"n": 1, "exact": 100.0, "f1": 100.0, "useful": 100.0, "misled": None}}
    line = json.loads(evaluate.details_line(results[0]))
    assert line["id"] == "c-harbour" and line["question"] == "How much did it cost?"


# --- bad question files ------------------------------------------------------------

def _bad(tmp_path, text, name="q.jsonl"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(QuestionFileError) as e:
        read_questions(path)
    assert e.value.exit_code == 2
    return str(e.value), str(path)


GOOD = '{"id": "a", "question": "Who?", "answers": ["x"]}'


@pytest.mark.parametrize("text, line, expected", [
    (f'{GOOD}\n\n{{"id": "b", "question": "When?"\n', 3, "malformed JSON line"),
    (f'{GOOD}\n{{"id": "b", "answers": []}}\n', 2, "missing 'question' (or 'turns'"),
    ('{"id": "a", "question": "q", "answers": "x"}\n', 1, "'answers': input should be a valid list"),
    ('{"id": 7, "question": "q"}\n', 1, "'id': input should be a valid string"),
    ('{"id": "a", "question": "q", "tags": ["ok", 3]}\n', 1, "'tags[1]': input should be a valid string"),
    ('{"id": "a", "question": "q", "answer": ["x"]}\n', 1, "unknown field 'answer'"),
    ('{"id": "a", "question": "q", "turns": ["q"]}\n', 1, "not both"),
    ('{"id": "a", "turns": []}\n', 1, "'turns'"),
    (f'{GOOD}\n{{"id": "b", "turns": ["Who?", "  "]}}\n', 2, "turn 2: the question is empty"),
    (f'{GOOD}\n["a list"]\n', 2, "expected a JSON object"),
    (f'{GOOD}\n{{"id": "b", "question": "Why?"}}\n{GOOD}\n', 3, "duplicate id 'a' (first on line 1)"),
])
def test_jsonl_errors_name_file_and_line(tmp_path, text, line, expected):
    message, path = _bad(tmp_path, text)
    assert message.startswith(f"{path}:{line}: "), message
    assert expected in message


def test_empty_and_foreign_files(tmp_path):
    message, path = _bad(tmp_path, "  \n\n")
    assert message == f"{path}: the question file is empty"
    message, path = _bad(tmp_path, '["not", "questions"]')
    assert message.startswith(f"{path}:1: not a question file")
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(f"{GOOD}\n".encode() + b'{"id": "b", "question": "Caf\xe9?"}\n')
    with pytest.raises(QuestionFileError, match=f"^{path}:2: not UTF-8 text$"):
        read_questions(path)


def test_malformed_json_names_the_line(tmp_path):
    text = '{\n  "version": "v2.0",\n  "data": [\n    {"title": "x",\n  ]\n}\n'
    message, path = _bad(tmp_path, text, "s.json")
    assert message.startswith(f"{path}:5: malformed JSON: "), message


def _squad_text(qas_first, qas_second) -> str:
    data = {"version": "v2.0", "data": [{"title": "T", "paragraphs": [
        {"context": "Alpha.", "qas": qas_first}, {"context": "Beta.", "qas": qas_second}]}]}
    return json.dumps(data, indent=2)


def _line_before(text: str, needle: str) -> int:
    """The line of the '{' that opens the object whose first key line contains needle."""
    return next(i for i, ln in enumerate(text.split("\n"), 1) if needle in ln) - 1


def test_squad_errors_name_the_question_line(tmp_path):
    ok = {"id": "q1", "question": "What?", "answers": [{"text": "Alpha", "answer_start": 0}]}
    text = _squad_text([ok], [{"id": "q2", "answers": []}])
    message, path = _bad(tmp_path, text, "s.json")
    q2 = _line_before(text, '"q2"')
    assert message == f"{path}:{q2}: data[0].paragraphs[1].qas[0]: missing 'question'"

    text = _squad_text([ok], [{"id": "q1", "question": "Again?", "answers": []}])
    message, path = _bad(tmp_path, text, "s.json")
    first, second = [i - 1 for i, ln in enumerate(text.split("\n"), 1) if '"q1"' in ln]
    assert message == f"{path}:{second}: duplicate id 'q1' (first on line {first})"

    text = _squad_text([ok], [{"id": "q3", "question": "Why?", "answers": [], "is_impossible": "yes"}])
    message, path = _bad(tmp_path, text, "s.json")
    q3 = _line_before(text, '"q3"')
    assert message.startswith(f"{path}:{q3}: data[0].paragraphs[1].qas[0]: 'is_impossible': ")

    text = _squad_text([ok], [{"id": "q4", "question": " ", "answers": []}])
    message, path = _bad(tmp_path, text, "s.json")
    q4 = _line_before(text, '"q4"')
    assert message == f"{path}:{q4}: question 'q4': the question is empty"


# --- the command -------------------------------------------------------------------

def _run(*args, timeout=60):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "askbrief", "eval", *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_cli_outputs_details_predictions_and_json(tmp_path):
    details, preds, na = tmp_path / "d.jsonl", tmp_path / "p.json", tmp_path / "na.json"
    p = _run(TINY_SQUAD, "--details", details, "--predictions", preds, "--json", "--top-k", "5",
             "--na-probs", na)
    assert p.returncode == 0, p.stderr
    report = EvalReport.model_validate_json(p.stdout)
    assert report.questions == report.evaluated == 6 and report.settings.top_k == 5
    lines = details.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 6
    ids = []
    for line in lines:
        obj = json.loads(line)
        ids.append(obj.pop("id"))
        assert set(obj) == {f.name for f in dataclasses.fields(Answer)}
        Answer.model_validate(obj)
        assert len(obj["retrieved"]) <= 5
    predictions = json.loads(preds.read_text(encoding="utf-8"))
    assert list(predictions) == ids == [c.id for c in read_questions(TINY_SQUAD).cases]
    assert all(isinstance(v, str) for v in predictions.values())
    # the official script's --na-prob-file: {id: probability of no answer} = 1 - confidence
    confidence = {json.loads(line)["id"]: json.loads(line)["confidence"] for line in lines}
    assert json.loads(na.read_text(encoding="utf-8")) == {
        i: round(1 - confidence[i], 4) for i in ids}


def test_cli_min_f1_gate(tmp_path):
    q = tmp_path / "q.jsonl"
    q.write_text('{"id": "x", "question": "Who cut the ribbon?", "answers": ["Xavier Quux Zed"]}\n')
    p = _run(q, "--corpus", BRIEF, "--min-f1", "0")
    assert p.returncode == 0, p.stderr
    assert "overall" in p.stdout and p.stderr == ""
    assert p.stdout.splitlines()[0].endswith(" · jsonl · 1 question")  # not "1 questions"
    assert "of 1 answer quotes the brief exactly" in p.stdout
    p = _run(q, "--corpus", BRIEF, "--min-f1", "0.5")
    assert p.returncode == 1
    assert p.stderr.count("\n") == 1 and "below --min-f1 0.5" in p.stderr
    p = _run(q, "--corpus", BRIEF, "--min-f1", "101")
    assert p.returncode == 2 and "--min-f1" in p.stderr


def test_cli_bad_file_exits_2_with_one_line(tmp_path):
    q = tmp_path / "q.jsonl"
    q.write_text(f'{GOOD}\n{GOOD}\n')
    p = _run(q)
    assert p.returncode == 2
    assert p.stderr == f"askbrief: error: {q}:2: duplicate id 'a' (first on line 1)\n"
    p = _run(tmp_path / "missing.jsonl")
    assert p.returncode == 2 and "cannot read" in p.stderr


def test_ctrl_c_keeps_what_was_finished(tmp_path, monkeypatch, capsys):
    real = Evaluation.run_case
    calls = []

    def interrupted_on_third(self, case):
        calls.append(case.id)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(self, case)

    monkeypatch.setattr(Evaluation, "run_case", interrupted_on_third)
    details, preds = tmp_path / "d.jsonl", tmp_path / "p.json"
    code = cli.run(["eval", str(TINY_SQUAD), "--details", str(details), "--predictions", str(preds)])
    assert code == 130
    out, errout = capsys.readouterr()
    assert "2 of 6 questions (interrupted)" in out
    assert "interrupted: 2 of 6" in errout
    assert list(json.loads(preds.read_text())) == ["fr-capital", "fr-founded"]
    assert [json.loads(line)["id"] for line in details.read_text().splitlines()] == ["fr-capital", "fr-founded"]


def test_a_signal_while_a_result_is_recorded_stops_after_both_outputs_have_it(tmp_path, monkeypatch, capsys):
    """SIGTERM that lands between a result entering the predictions and its details line stops
    the run after both: the two files always hold the same questions."""
    import os
    import signal

    real, calls = evaluate.details_line, []

    def signalled_on_third(result):
        calls.append(result.case.id)
        if len(calls) == 3:
            os.kill(os.getpid(), signal.SIGTERM)  # its handler runs before this function returns
        return real(result)

    monkeypatch.setattr(evaluate, "details_line", signalled_on_third)
    details, preds = tmp_path / "d.jsonl", tmp_path / "p.json"
    code = cli.run(["eval", str(TINY_SQUAD), "--details", str(details), "--predictions", str(preds)])
    assert code == 130
    assert "3 of 6 questions (interrupted)" in capsys.readouterr().out
    assert [json.loads(line)["id"] for line in details.read_text().splitlines()] == calls
    assert list(json.loads(preds.read_text())) == calls


def test_progress_bar_only_on_a_terminal(monkeypatch, capsys):
    bar = Progress(100, delay=0)
    bar.update(50)
    bar.close()
    assert capsys.readouterr().err == ""  # stderr is not a TTY under pytest


# --- the real question sets --------------------------------------------------------

def test_seed_questions_run_end_to_end():
    ev = evaluate.prepare(DATA / "seeds-questions.jsonl")
    r = ev.report(list(ev.results()))
    assert r.evaluated == r.questions >= 40
    assert r.verbatim == 100.0
    assert r.no_ans.n > 0 and r.has_ans.n > 0 and r.retrieval.n > 0


@functools.lru_cache(maxsize=None)
def _held_out(name):
    """The report of a held-out seed question file and its answers by question id."""
    ev = evaluate.prepare(DATA / name)
    results = list(ev.results())
    return ev.report(results), {res.case.id: res.answer for res in results}


def test_held_out_seed_questions_stay_answered():
    """Questions training never saw (tests/data/README.md): a floor well under the shipped
    figures (overall 69.6, HasAns 63.5 F1), so a change that breaks generalisation fails here."""
    r, by_id = _held_out("seeds-heldout.jsonl")
    assert (r.questions, r.has_ans.n, r.no_ans.n) == (36, 30, 6)
    assert r.verbatim == 100.0
    assert r.overall.f1 >= 58 and r.has_ans.f1 >= 52
    assert by_id["h-fu-reuters"].answer == "Reuters"  # "he" = the operation's commander, al-Hassi
    assert by_id["h-troops"].abstained and by_id["h-mayor"].abstained
    assert by_id["h-algeria"].answer == "Abdelaziz Bouteflika"  # the whole name, not "Abdelaziz"


def test_second_held_out_seed_questions_stay_answered():
    """The second held-out set (tests/data/README.md; shipped: overall 64.1, HasAns 57.8 F1)."""
    r, by_id = _held_out("seeds-heldout2.jsonl")
    assert (r.questions, r.has_ans.n, r.no_ans.n) == (27, 23, 4)
    assert r.verbatim == 100.0
    assert r.overall.f1 >= 58 and r.has_ans.f1 >= 52
    assert by_id["h2-sarraj-directives"].answer in {"GNA Prime Minister Fayez Sarraj", "Prime Minister Fayez Sarraj"}
    assert by_id["h2-no-budget"].abstained
    # not "United Nations" of "United Nations chief Antonio Guterres visited Tripoli" (a known
    # miss until a name before a person's title was no place)
    assert by_id["h2-un-chief-visit"].answer == "Tripoli"


@pytest.mark.xfail(reason="known miss since the refit on the merged code of the twelfth session: "
                          "'Where was Fayez al-Serraj born?' answered 'Benghazi' (0.34, threshold 0.28) "
                          "from a sentence that does not say where he was born", strict=True)
def test_second_held_out_seed_questions_known_misses():
    _r, by_id = _held_out("seeds-heldout2.jsonl")
    assert by_id["h2-no-born"].answer is None


def test_third_held_out_seed_questions_stay_answered():
    """The blind held-out set (tests/data/README.md; shipped: overall 29.8 F1, 27.2 before the
    issue-21 refit): a floor. The target is every unanswerable question abstaining; since the
    refit one of its seven gets a short answer (aggregate figure only: the set is blind)."""
    r, by_id = _held_out("seeds-heldout3.jsonl")
    assert (r.questions, r.has_ans.n, r.no_ans.n) == (38, 31, 7)
    assert r.verbatim == 100.0
    assert r.overall.f1 >= 27 and r.no_ans.f1 >= 85.7


@pytest.mark.xfail(reason="issue 21's target, not met: since the refit one unanswerable question of "
                          "the blind third set gets a short answer", strict=True)
def test_third_held_out_seed_unanswerable_questions_all_abstain():
    r, _ = _held_out("seeds-heldout3.jsonl")
    assert r.no_ans.f1 == 100.0


def test_squad_tune_file_end_to_end():
    # its speed (< 15 s) is measured by tests/benchmarks/bench_eval.py, not asserted here
    ev = evaluate.prepare(DATA / "squad2-tune.json")
    r = ev.report(list(ev.results()))
    assert (r.questions, r.has_ans.n, r.no_ans.n, r.retrieval.n) == (781, 412, 369, 412)
    assert (r.documents, r.paragraphs) == (3, 86)
    assert r.verbatim == 100.0
    assert r.retrieval.recall_at_5 > 90
