"""Snapshot tests of the chat's main screens (pytest-textual-snapshot).

Deterministic: the history clock is frozen, times are shown in UTC, the cursor does not
blink, and every answer is in before the picture is taken.
Update with: pytest tests/test_tui_snapshots.py --snapshot-update
"""

from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest

pytest.importorskip("textual")
pytest.importorskip("pytest_textual_snapshot")

from askbrief.tui import make_app  # noqa: E402

FROZEN = datetime(2024, 5, 1, 9, 30, tzinfo=timezone.utc)


@pytest.fixture
def history_clock(monkeypatch):
    """The shared ``store`` fixture's clock, frozen, and times shown in UTC."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield lambda: FROZEN
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


# --- a tiny brief and canned answers: the pictures change only when the chat does ------

ARTICLES = {
    "gharyan.md": "date 2019-04-04\n# Haftar's forces take Gharyan\n\n"
                  "Forces loyal to Khalifa Haftar took control of the town of Gharyan, 50 kilometers "
                  "(31 miles) from Tripoli, without major clashes.\n\n"
                  "The UN envoy said the talks [bold]would go ahead[/] as planned. \x1b[31mRed\x1b[0m alert.\n",
    "tripoli.txt": "Libya army leader orders march on Tripoli\n\n"
                   "Officials said Haftar's forces took over the town of Gharyan on Wednesday.\n",
}


class CannedAssistant:
    """A real brief with answers written out by hand (for the questions the tests ask)."""

    def __init__(self, folder, make_answer, make_citation):
        import askbrief

        for name, text in ARTICLES.items():
            (folder / name).write_text(text, encoding="utf-8")
        self.brief = askbrief.load([str(folder)]).brief
        self.make_citation = make_citation
        cite, answer = self.cite, make_answer
        taken = cite("Forces loyal to Khalifa Haftar took control of the town of Gharyan, 50 kilometers "
                     "(31 miles) from Tripoli, without major clashes.")
        officials = cite("Officials said Haftar's forces took over the town of Gharyan on Wednesday.")
        self.answers = {
            "Who took Gharyan?": answer("Who took Gharyan?", "Khalifa Haftar", taken, officials,
                                        confidence=0.91),
            "How far is it from Tripoli?": answer("How far is it from Tripoli?", "50 kilometers (31 miles)",
                                                  taken, confidence=0.84, resolved={"it": "Gharyan"}),
            "What is the capital of Peru?": answer(
                "What is the capital of Peru?", None,
                cite("The UN envoy said the talks [bold]would go ahead[/] as planned."), officials,
                confidence=0.12),
        }

    def cite(self, quote):
        """The citation of ``quote`` in the first paragraph of the brief that holds it."""
        for doc_id, paragraph in self.brief.paragraph_keys():
            doc, para = self.brief.document(doc_id), self.brief.paragraph(doc_id, paragraph)
            if quote in para:
                return self.make_citation(quote, doc_id, paragraph, para.index(quote), title=doc.title,
                                          date=doc.date)
        raise AssertionError(quote)

    def ask(self, question, settings=None, context=()):
        return self.answers[" ".join(question.split())]


@pytest.fixture
def canned(tmp_path, make_answer, make_citation):
    folder = tmp_path / "brief"
    folder.mkdir()
    return CannedAssistant(folder, make_answer, make_citation)


def test_answer_with_sources(snap_compare, canned, store):
    app = make_app(canned, store)
    assert snap_compare(app, terminal_size=(120, 36), run_before=asking("Who took Gharyan?"))


def test_follow_up_and_abstention(snap_compare, canned, store):
    app = make_app(canned, store)
    assert snap_compare(app, terminal_size=(120, 36),
                        run_before=asking("Who took Gharyan?", "How far is it from Tripoli?",
                                          "What is the capital of Peru?"))


def test_sidebar_open_small_terminal(snap_compare, canned, store):
    store.add_turn(None, canned.ask("Who took Gharyan?"), canned.brief.fingerprint)
    app = make_app(canned, store)
    assert snap_compare(app, terminal_size=(80, 24),
                        run_before=asking("How far is it from Tripoli?", then=["ctrl+o"]))


def test_wide_terminal(snap_compare, canned, store):
    app = make_app(canned, store)
    assert snap_compare(app, terminal_size=(200, 50),
                        run_before=asking("Who took Gharyan?", "How far is it from Tripoli?"))
