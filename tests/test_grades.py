"""Graded answers: a short answer, else the sentence that likely answers, else an abstention."""

import json
import subprocess
import sys

import pytest

from askbrief.models import Answer, Citation, Settings
from askbrief.render import render_text, to_markdown

from helpers import assert_verbatim

ONLY_SENTENCES = Settings(min_confidence=1.0, min_sentence_confidence=0.0)


def test_a_sentence_answer_quotes_its_sentence_and_marks_the_best_span(seeds_assistant):
    a = seeds_assistant.ask("Who took Gharyan?", settings=ONLY_SENTENCES)
    assert (a.grade, a.answer, a.abstained) == ("sentence", None, False)
    assert a.sentence_confidence > 0.0 and a.confidence < 1.0
    assert a.highlight in a.evidence and "Gharyan" in a.evidence
    assert len(a.citations) == 1 and a.citations[0].quote == a.evidence
    assert_verbatim(a, seeds_assistant.brief)
    text = render_text(a)
    assert text.startswith("No short answer; the brief says:") and a.evidence in text


def test_the_grades_follow_the_two_thresholds(seeds_assistant):
    q = "Who took Gharyan?"
    short = seeds_assistant.ask(q, settings=Settings(min_confidence=0.0))
    assert (short.grade, short.answer) == ("short", "Haftar's forces")
    none = seeds_assistant.ask(q, settings=Settings(min_confidence=1.0, min_sentence_confidence=1.0))
    assert (none.grade, none.abstained, none.evidence) == ("none", True, None)
    assert none.citations  # the closest passages
    # an off-topic question is given neither
    off = seeds_assistant.ask("Who won the 2018 FIFA World Cup?")
    assert off.grade == "none" and off.abstained


def test_an_answer_without_a_grade_reads_as_before_and_bad_grades_are_refused():
    base = dict(question="q", confidence=0.5, citations=[], retrieved=[], elapsed_ms=1.0)
    old = Answer.model_validate({**base, "answer": "x", "abstained": False, "evidence": "x y"})
    assert old.grade == "short"  # a history saved before grades existed
    assert Answer.model_validate({**base, "answer": None, "abstained": True, "evidence": None}).grade == "none"
    with pytest.raises(ValueError, match="'sentence' answer has an answer span"):
        Answer(**base, answer="x", abstained=False, evidence="x y", grade="sentence")
    with pytest.raises(ValueError, match="cannot have abstained"):
        Answer(**base, answer=None, abstained=True, evidence="x y", grade="sentence")
    with pytest.raises(ValueError, match="needs its evidence"):
        Answer(**base, answer=None, abstained=False, evidence=None, grade="sentence")


def test_json_and_markdown_say_which_grade(make_citation):
    quote = "Gharyan fell to Haftar's forces on Thursday."
    a = Answer(question="Who took Gharyan?", answer=None, abstained=False, confidence=0.1,
               evidence=quote, citations=[make_citation(quote)], retrieved=[], elapsed_ms=1.0,
               grade="sentence", sentence_confidence=0.6, highlight="Haftar's forces")
    data = json.loads(a.model_dump_json())
    assert (data["grade"], data["answer"], data["abstained"], data["evidence"]) == ("sentence", None, False, quote)
    assert data["sentence_confidence"] == 0.6 and data["highlight"] == "Haftar's forces"
    assert "**No short answer; the brief says:**" in _markdown_of(a)


def _markdown_of(answer):
    from datetime import datetime, timezone

    from askbrief.records import Conversation, Turn

    when = datetime(2026, 1, 1, tzinfo=timezone.utc)
    conv = Conversation(id=1, title="t", created=when, updated=when, turns=[Turn(question=answer.question, answer=answer,
                                                                    fingerprint="f", time=when)])
    return to_markdown(conv)


def test_cli_json_and_flag(tmp_path):
    r = subprocess.run([sys.executable, "-m", "askbrief", "Who took Gharyan?", "--json", "--no-history",
                        "--min-confidence", "1", "--min-sentence-confidence", "0"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["grade"] == "sentence" and data["answer"] is None and "Gharyan" in data["evidence"]
    bad = subprocess.run([sys.executable, "-m", "askbrief", "Who took Gharyan?", "--min-sentence-confidence", "2"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and bad.stderr.strip() == "askbrief: error: --min-sentence-confidence must be between 0 and 1"
