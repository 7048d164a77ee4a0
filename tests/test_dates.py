"""Relative dates resolved against the article's date: in the data (``resolved_date`` in
``--json`` and saved answers), in the text output and in the chat."""

import asyncio
import json
import subprocess
import sys

import pytest

import askbrief
from askbrief import dates
from askbrief.models import Answer
from askbrief.render import render_text

ARTICLE = (" date 2021-06-10 Ferry strike ends\n\n"  # a Thursday
           "The ferry workers' union called off its strike two days ago, after talks with the "
           "harbour board.\n\n"
           "The harbour board approved the new terminal three weeks ago.\n\n"
           "The mayor, Ana Ruiz, announced the ferry timetable last month.\n\n"
           "Fishermen blocked the quay last week in protest at the new quotas.\n\n"
           "The old lighthouse was damaged by a storm yesterday.\n")


def test_dates_resolve():
    assert dates.display("Thursday", "2019-04-04") == "Thursday (2019-04-04)"
    assert dates.resolve("on Tuesday", "2019-04-04") == "2019-04-02"
    assert dates.resolve("Friday", "2019-04-04", "He is scheduled to meet Haftar on Friday") == "2019-04-05"
    assert dates.resolve("overnight Wednesday", "2019-04-05") == "2019-04-03"
    assert dates.resolve("last month", "2019-04-04") == "2019-03"
    assert dates.resolve("Thursday", None) is None
    assert dates.display("2011", "2019-04-04") == "2011"


@pytest.mark.parametrize("text, article_date, resolved", [
    ("two days ago", "2021-06-10", "2021-06-08"),
    ("3 days ago", "2021-03-02", "2021-02-27"),
    ("three weeks ago", "2021-06-10", "2021-05-20"),
    ("a fortnight ago", "2021-06-10", "2021-05-27"),
    ("two months ago", "2021-02-15", "2020-12"),
    ("a year ago", "2021-06-10", "2020"),
    ("a couple of days ago", "2021-06-10", "2021-06-08"),
    ("last month", "2021-01-05", "2020-12"),
    ("next month", "2021-12-05", "2022-01"),
    ("last week", "2021-06-10", "2021-05-31 to 2021-06-06"),
    ("earlier this week", "2021-06-10", "2021-06-07 to 2021-06-13"),
    ("yesterday", "2021-03-01", "2021-02-28"),
    ("the day before yesterday", "2021-06-10", "2021-06-08"),
    ("last night", "2021-06-10", "2021-06-09"),
    ("in two weeks' time", "2021-06-10", "2021-06-24"),
    ("three days from now", "2021-06-10", "2021-06-13"),
])
def test_relative_dates_resolve_against_the_article_date(text, article_date, resolved):
    assert dates.resolve(text, article_date) == resolved


@pytest.mark.parametrize("text", ["a few days ago", "for two days", "two days", "years ago"])
def test_vague_counts_and_durations_are_no_dates(text):
    assert dates.resolve(text, "2021-06-10") is None


def test_no_article_date_no_guess():
    assert dates.resolve("two days ago", None) is None
    assert dates.answer_date("two days ago", "not a date") is None


@pytest.fixture(scope="module")
def ferry(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ferry")
    (folder / "ferry.txt").write_text(ARTICLE, encoding="utf-8")
    return folder


@pytest.mark.parametrize("question, answer, resolved", [
    ("When did the union call off its strike?", "two days ago", "2021-06-08"),
    ("When did the harbour board approve the new terminal?", "three weeks ago", "2021-05-20"),
    ("When did Ana Ruiz announce the ferry timetable?", "last month", "2021-05"),
    ("When did fishermen block the quay?", "last week", "2021-05-31 to 2021-06-06"),
    ("When was the old lighthouse damaged?", "yesterday", "2021-06-09"),
])
def test_answer_carries_its_resolved_date(ferry, question, answer, resolved):
    ans = askbrief.load([str(ferry)], use_cache=False).ask(question)
    assert (ans.answer, ans.resolved_date) == (answer, resolved)
    assert render_text(ans).splitlines()[0].startswith(f"{answer} ({resolved})  ")
    assert ans.answer in ans.evidence  # the quote itself stays verbatim


def test_json_has_the_resolved_date(ferry):
    r = subprocess.run([sys.executable, "-m", "askbrief", "ask", "--json", "--no-history",
                        "--corpus", str(ferry), "When did the union call off its strike?"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    obj = json.loads(r.stdout)
    assert (obj["answer"], obj["resolved_date"]) == ("two days ago", "2021-06-08")


def test_an_answer_that_is_no_relative_date_has_none(seeds_assistant):
    ans = seeds_assistant.ask("Who took Gharyan?")
    assert not ans.abstained and ans.resolved_date is None
    assert seeds_assistant.ask("What is the capital of Peru?").resolved_date is None


def test_a_saved_answer_without_the_field_gets_it_on_load(seeds_assistant):
    ans = seeds_assistant.ask("When did Bouteflika resign?")
    assert (ans.answer, ans.resolved_date) == ("Tuesday", "2019-04-02")
    old = ans.model_dump_json(exclude={"resolved_date"})  # saved before the field existed
    assert Answer.model_validate_json(old).resolved_date == "2019-04-02"


def test_chat_shows_the_resolved_date(ferry, tmp_path):
    pytest.importorskip("textual")
    from askbrief.history import HistoryStore
    from askbrief.tui import make_app

    async def run():
        store = HistoryStore(tmp_path / "history.db")
        app = make_app(askbrief.load([str(ferry)], use_cache=False), store)
        try:
            async with app.run_test(size=(120, 40)) as pilot:
                app.chat.question.value = "When did the union call off its strike?"
                await pilot.press("enter")
                await app.workers.wait_for_complete()
                await pilot.pause()
                return "\n".join(str(t.render()) for t in app.chat.view.turns)
        finally:
            store.close()

    assert "two days ago (2021-06-08)" in asyncio.run(run())


def test_saved_conversation_keeps_and_exports_the_date(ferry, tmp_path):
    from askbrief.history import HistoryStore
    from askbrief.render import to_markdown

    ans = askbrief.load([str(ferry)], use_cache=False).ask("When did the harbour board approve the new terminal?")
    with HistoryStore(tmp_path / "h.db") as store:
        conv = store.conversation(store.add_turn(None, ans, "fp"))
    assert conv.turns[0].answer.resolved_date == "2021-05-20"
    assert "**three weeks ago (2021-05-20)**" in to_markdown(conv)


def test_an_alternative_answer_carries_its_own_date():
    from askbrief.models import Alternative, Citation

    def cite(quote, day):
        return Citation(doc="d", title="t", date=day, paragraph=0, start=0, end=len(quote), quote=quote)

    ans = Answer(question="When did Bouteflika resign?", answer="Tuesday", abstained=False, confidence=0.6,
                 evidence="Bouteflika resigned on Tuesday.", retrieved=[], elapsed_ms=1.0,
                 citations=[cite("Bouteflika resigned on Tuesday.", "2019-04-04")],
                 alternatives=[Alternative(answer="two days ago",
                                           citations=[cite("He quit two days ago.", "2019-04-05")])])
    assert (ans.resolved_date, ans.alternatives[0].resolved_date) == ("2019-04-02", "2019-04-03")
    assert "Other sources say: two days ago (2019-04-03)" in render_text(ans)
    assert json.loads(ans.model_dump_json())["alternatives"][0]["resolved_date"] == "2019-04-03"


@pytest.mark.parametrize("answer", ["Wednesday April 3, 2019", "Tuesday, 2 April 2019", "on 2019-04-02"])
def test_an_answer_that_names_its_year_is_no_relative_date(answer):
    assert dates.answer_date(answer, "2019-04-05") is None
    assert dates.display(answer, "2019-04-05") == answer
