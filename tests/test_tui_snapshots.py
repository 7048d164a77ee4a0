"""Snapshot tests of the chat's main screens (pytest-textual-snapshot).

Deterministic: the history clock is frozen, times are shown in UTC, the cursor does not
blink, and every answer is in before the picture is taken.
Update with: pytest tests/test_tui_snapshots.py --snapshot-update
"""

from __future__ import annotations

import time

import pytest

pytest.importorskip("textual")
pytest.importorskip("pytest_textual_snapshot")

from askbrief.tui import make_app  # noqa: E402

FROZEN = "2024-05-01T09:30:00.000000+00:00"


@pytest.fixture
def store(tmp_path, monkeypatch):
    from askbrief import conversation
    from askbrief.conversation import HistoryStore

    monkeypatch.setattr(conversation, "_now", lambda: FROZEN)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    st = HistoryStore(tmp_path / "history.db")
    yield st
    st.close()
    monkeypatch.undo()
    time.tzset()


def asking(*questions, then=()):
    """A run_before that asks the questions one by one, waits for the answers, then presses keys."""

    async def run_before(pilot):
        app = pilot.app
        await pilot.pause()
        app.chat.question.cursor_blink = False
        for q in questions:
            app.chat.question.value = q
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
        if then:
            await pilot.press(*then)
        await pilot.pause()

    return run_before


def test_answer_with_sources(snap_compare, seeds_assistant, store):
    app = make_app(seeds_assistant, store)
    assert snap_compare(app, terminal_size=(120, 36), run_before=asking("Who took Gharyan?"))


def test_follow_up_and_abstention(snap_compare, seeds_assistant, store):
    app = make_app(seeds_assistant, store)
    assert snap_compare(app, terminal_size=(120, 36),
                        run_before=asking("Who took Gharyan?", "How far is it from Tripoli?"))


def test_sidebar_open_small_terminal(snap_compare, seeds_assistant, store):
    fp = seeds_assistant.brief.fingerprint
    store.add_turn(None, seeds_assistant.ask("Who resigned in Algeria?"), fp)
    app = make_app(seeds_assistant, store)
    assert snap_compare(app, terminal_size=(80, 24),
                        run_before=asking("What is the capital of Peru?", then=["ctrl+o"]))
