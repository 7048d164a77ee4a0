"""Pilot tests of the chat (App.run_test): ask, sources, follow-ups, history, export, safety."""

from __future__ import annotations

import asyncio
import functools
import io
import sys
from pathlib import Path

import pytest

pytest.importorskip("textual")

from askbrief.errors import AskbriefError, HistoryError  # noqa: E402
from askbrief.models import Answer  # noqa: E402
from askbrief.tui import make_app  # noqa: E402
from askbrief.tui.widgets import HistorySidebar  # noqa: E402
from askbrief.tui.widgets.sources import SourceCard  # noqa: E402

from helpers import SEEDS  # noqa: E402

SIZE = (120, 40)


def run_async(fn):
    """No asyncio pytest plugin here: run the coroutine test in a fresh loop."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return asyncio.run(fn(*args, **kwargs))
    return wrapper


class SpyAssistant:
    """The real assistant, recording the context each question was asked with."""

    def __init__(self, inner, fail_first: int = 0, error: Exception | None = None):
        self.inner = inner
        self.brief = inner.brief
        self.calls: list[tuple[str, list[Answer]]] = []
        self.fail_first = fail_first
        self.error = error or AskbriefError("the index is on fire")

    def ask(self, question, settings=None, context=()):
        self.calls.append((question, list(context)))
        if self.fail_first:
            self.fail_first -= 1
            raise self.error
        return self.inner.ask(question, settings=settings, context=context)


async def ask(pilot, question: str) -> None:
    app = pilot.app
    app.chat.question.value = question
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()


async def answer_dialog(pilot, action, key: str) -> None:
    """Run a chat action that opens a dialog, and answer the dialog with ``key``."""
    action()
    await pilot.pause()
    await pilot.press(key)
    await pilot.pause()


def conversation_text(app) -> str:
    return "\n".join(str(t.render()) for t in app.chat.view.turns)


def sources_text(app) -> str:
    return "\n".join(str(c.render()) for c in app.chat.sources.query(SourceCard))


# --- tests ---------------------------------------------------------------------------

@run_async
async def test_ask_shows_answer_citation_and_sources(seeds_assistant, store):
    app = make_app(SpyAssistant(seeds_assistant), store)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "How far is Gharyan from Tripoli?")
        answer = app.chat.answers[0]
        text = conversation_text(app)
        assert "How far is Gharyan from Tripoli?" in text
        assert answer.answer in text and "[1]" in text
        cards = app.chat.sources.query(SourceCard)
        assert len(cards) == len(answer.citations) > 0
        first = answer.citations[0]
        assert first.quote[:40] in sources_text(app).replace("\n", " ")
        assert f"¶{first.paragraph}" in sources_text(app)
        # saved when shown
        assert store.conversation(1).turns[0].answer == answer
        # keyboard: move between citations
        app.chat.sources.focus()
        await pilot.press("down")
        assert app.chat.sources.current == 1
        assert cards[1].has_class("-current")
        await pilot.press("ctrl+up")
        assert app.chat.sources.current == 0


@run_async
async def test_follow_up_gets_the_conversation_as_context(seeds_assistant, store):
    spy = SpyAssistant(seeds_assistant)
    app = make_app(spy, store)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "Who took Gharyan?")
        await ask(pilot, "How far is it from Tripoli?")
        assert [q for q, _ in spy.calls] == ["Who took Gharyan?", "How far is it from Tripoli?"]
        assert spy.calls[0][1] == []
        assert spy.calls[1][1] == [app.chat.answers[0]]
        assert len(store.conversation(1).turns) == 2
        assert "How far is it from Tripoli?" in conversation_text(app)
        # the newest answer is the selected one, and its resolution (when given) is shown
        assert app.chat.view.selected == 1
        second = app.chat.answers[1]
        for ref, meaning in (getattr(second, "resolved", None) or {}).items():
            assert f"{ref} = {meaning}" in conversation_text(app)
        # up/down in the question box recall earlier questions
        app.chat.question.focus()
        await pilot.press("up")
        assert app.chat.question.value == "How far is it from Tripoli?"
        await pilot.press("up")
        assert app.chat.question.value == "Who took Gharyan?"
        await pilot.press("down", "down")
        assert app.chat.question.value == ""


@run_async
async def test_resolution_is_shown(seeds_assistant, store):
    """An answer that says what a reference meant shows it, e.g. (it = Gharyan)."""
    answer = seeds_assistant.ask("Who took Gharyan?")
    answer = answer.model_copy(update={"resolved": {"it": "Gharyan"}})
    store.add_turn(None, answer, seeds_assistant.brief.fingerprint)
    app = make_app(seeds_assistant, store, conversation_id=1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "(it = Gharyan)" in conversation_text(app)


@run_async
async def test_open_old_conversation_from_sidebar_and_continue(seeds_assistant, store):
    fp = seeds_assistant.brief.fingerprint
    old = seeds_assistant.ask("Who took Gharyan?")
    store.add_turn(None, old, fp)
    store.add_turn(None, seeds_assistant.ask("Who resigned in Algeria?"), fp)
    spy = SpyAssistant(seeds_assistant)
    app = make_app(spy, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o")
        sidebar = app.chat.query_one(HistorySidebar)
        assert sidebar.display
        options = sidebar.query_one("#history-list")
        assert options.option_count == 2
        assert "Who resigned in Algeria?" in str(options.get_option_at_index(0).prompt)
        # newest first: the Gharyan conversation is second
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.chat.conversation_id == 1
        assert "Who took Gharyan?" in conversation_text(app)
        assert app.focused is app.chat.question
        await ask(pilot, "How far is it from Tripoli?")
        assert spy.calls[-1][1] == [old]
        assert len(store.conversation(1).turns) == 2
        await pilot.press("ctrl+o")
        assert not sidebar.display


@run_async
async def test_resume_and_new_conversation(seeds_assistant, store):
    store.add_turn(None, seeds_assistant.ask("Who took Gharyan?"), seeds_assistant.brief.fingerprint)
    app = make_app(seeds_assistant, store, conversation_id=1)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert len(app.chat.answers) == 1 and app.chat.conversation_id == 1
        await pilot.press("ctrl+n")
        assert app.chat.answers == [] and app.chat.conversation_id is None
        await ask(pilot, "Who resigned in Algeria?")
        assert app.chat.conversation_id == 2


@run_async
async def test_export_writes_markdown(seeds_assistant, store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(seeds_assistant, store)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "Who took Gharyan?")
        await answer_dialog(pilot, app.chat.action_export, "enter")
        files = list(tmp_path.glob("*.md"))
        assert len(files) == 1, files
        assert "Who took Gharyan?" in files[0].read_text(encoding="utf-8")


@pytest.mark.parametrize("error,shown", [
    (AskbriefError("the index is on fire"), "the index is on fire"),
    (KeyError("x"), "internal error: KeyError: 'x' (set ASKBRIEF_DEBUG=1 for details)"),  # a bug
])
@run_async
async def test_error_in_ask_is_notified_and_input_still_works(seeds_assistant, store, error, shown):
    spy = SpyAssistant(seeds_assistant, fail_first=1, error=error)
    app = make_app(spy, store)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "Who took Gharyan?")
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and shown in errors[0].message
        assert app.chat.answers == [] and app.chat.view.turns == []
        # the question is back in the box; asking again works
        assert app.chat.question.value == "Who took Gharyan?"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert len(app.chat.answers) == 1


@run_async
async def test_empty_question_is_not_asked(seeds_assistant, store):
    spy = SpyAssistant(seeds_assistant)
    app = make_app(spy, store)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "   ")
        assert spy.calls == []


@run_async
async def test_damaged_history_notifies_once_and_still_answers(seeds_assistant, store):
    app = make_app(seeds_assistant, None, store_error="history file /x/history.db is damaged")
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "Who took Gharyan?")
        await ask(pilot, "How far is it from Tripoli?")
        errors = [n for n in app._notifications if n.severity == "error"]
        assert len(errors) == 1 and "damaged" in errors[0].message
        assert len(app.chat.answers) == 2


@run_async
async def test_store_failing_on_save_notifies_once_and_keeps_saving_after(seeds_assistant, store, monkeypatch):
    from askbrief.history import HistoryStore

    real = HistoryStore.add_turn
    broken = {"on": True}

    def flaky(self, *a):
        if broken["on"]:
            raise HistoryError("the disk holding the history file /x/history.db is full")
        return real(self, *a)

    monkeypatch.setattr(HistoryStore, "add_turn", flaky)
    fast_saver(monkeypatch)
    app = make_app(seeds_assistant, store)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "Who took Gharyan?")
        await ask(pilot, "Who resigned in Algeria?")
        errors = [n for n in app._notifications if n.severity == "error"]
        assert len(errors) == 1 and "full" in errors[0].message
        assert len(app.chat.answers) == 2
        assert app.chat.saver.pending == 2  # kept in memory, not dropped
        broken["on"] = False  # space freed: the turns are saved, and so is the next one
        await asyncio.to_thread(app.chat.saver.wait, 10)
        await ask(pilot, "How far is it from Tripoli?")
        await asyncio.to_thread(app.chat.saver.wait, 10)
        turns = store.conversation(1).turns
        assert [t.question for t in turns] == ["Who took Gharyan?", "Who resigned in Algeria?",
                                               "How far is it from Tripoli?"]


def fast_saver(monkeypatch, show_wait: float = 0.1) -> None:
    """Short waits for the history saver, so lock and retry tests take a moment, not seconds."""
    from askbrief.tui import saver

    monkeypatch.setattr(saver, "SAVE_BUSY_S", 0.2)
    monkeypatch.setattr(saver, "RETRY_S", (0.05,))
    monkeypatch.setattr("askbrief.tui.screens.chat.SHOW_WAIT_S", show_wait)


def hold_write_lock(path):
    """A second process holding the history's write lock (BEGIN IMMEDIATE) until told."""
    import subprocess

    code = ("import sqlite3, sys\n"
            "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "db.execute('BEGIN IMMEDIATE')\n"
            "print('locked', flush=True)\n"
            "sys.stdin.readline()\n"
            "db.execute('COMMIT')\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(path)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def release(proc) -> None:
    proc.stdin.write("\n")
    proc.stdin.close()
    proc.wait(timeout=10)


@run_async
async def test_locked_history_never_freezes_the_chat_and_saves_when_released(seeds_assistant, store,
                                                                          monkeypatch):
    fast_saver(monkeypatch, show_wait=0.3)
    app = make_app(seeds_assistant, store)
    async with app.run_test(size=SIZE) as pilot:
        holder = hold_write_lock(store.path)
        try:
            await ask(pilot, "Who took Gharyan?")
            assert "Haftar" in conversation_text(app)  # shown though not yet saved
            await pilot.press("w", "h", "o")  # keys are echoed: the UI thread is not waiting
            assert app.chat.question.value == "who"
            app.chat.question.value = ""
            await ask(pilot, "How far is it from Tripoli?")
            errors = [n for n in app._notifications if n.severity == "error"]
            assert len(errors) == 1 and "locked" in errors[0].message
            assert app.chat.saver.pending == 2 and store.conversations() == []
        finally:
            release(holder)
        assert await asyncio.to_thread(app.chat.saver.wait, 10)
        await ask(pilot, "Who resigned in Algeria?")  # saving was never turned off
        await asyncio.to_thread(app.chat.saver.wait, 10)
        assert [t.question for t in store.conversation(1).turns] == [
            "Who took Gharyan?", "How far is it from Tripoli?", "Who resigned in Algeria?"]


@run_async
async def test_quitting_with_answers_pending_offers_to_wait(seeds_assistant, store, monkeypatch):
    from askbrief.tui.screens.dialogs import PendingQuitScreen

    fast_saver(monkeypatch)
    app = make_app(seeds_assistant, store)
    async with app.run_test(size=SIZE) as pilot:
        holder = hold_write_lock(store.path)
        try:
            await ask(pilot, "Who took Gharyan?")
            await pilot.press("ctrl+q")
            await pilot.pause()
            assert isinstance(app.screen, PendingQuitScreen)
            assert "1 answer is not saved yet" in str(app.screen.query("Static").first().render())
            await pilot.press("w")
            await pilot.pause()
            assert app.is_running  # waiting
        finally:
            release(holder)
        for _ in range(100):
            if not app.is_running:
                break
            await asyncio.sleep(0.05)
        assert not app.is_running  # quit by itself once saved
    assert [t.question for t in store.conversation(1).turns] == ["Who took Gharyan?"]


@run_async
async def test_file_name_that_is_not_utf8_is_answered_and_saved(tmp_path, store):
    import os

    import askbrief

    brief = tmp_path / "brief"
    brief.mkdir()
    (brief / os.fsdecode(b"caf\xe9.txt")).write_text("Cafe news\n\nThe cafe was opened by Marco Rossi.\n")
    app = make_app(askbrief.load([str(brief)]), store)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "Who opened the cafe?")
        assert await asyncio.to_thread(app.chat.saver.wait, 10)
        assert "caf\\xe9" in sources_text(app)
        assert not [n for n in app._notifications if n.severity == "error"]
    saved = store.conversation(1).turns[0].answer
    assert saved.answer == "Marco Rossi" and saved.citations[0].doc == "caf\\xe9"


def hostile_brief(tmp_path: Path):
    import askbrief

    (tmp_path / "a.md").write_text(
        "# Markup [bold]x[/] and [link=http://evil]y[/link]\n\n"
        "The fort of [bold]Zanzur[/] \x1b[31mwas taken\x1b[0m by [red]the militia[/] in 1911. "
        "\x1b]0;pwned\x07Bell\x07 here [/] stray close.\n",
        encoding="utf-8")
    return askbrief.load([str(tmp_path)])


@run_async
async def test_markup_and_escapes_in_articles_render_literally(tmp_path, store):
    (tmp_path / "brief").mkdir()
    assistant = hostile_brief(tmp_path / "brief")
    app = make_app(assistant, store)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, "Who took the fort of Zanzur?")
        assert len(app.chat.answers) == 1
        shown = conversation_text(app) + sources_text(app)
        assert "[bold]Zanzur[/]" in sources_text(app)
        assert "[link=http://evil]" in sources_text(app) or "[link=http://evil]" in shown
        assert "\x1b" not in shown and "\x07" not in shown
        await pilot.press("ctrl+o")  # the sidebar shows the question as a title
        await pilot.pause()
        await pilot.press("ctrl+o")
        await pilot.press("ctrl+s")
        assert not app.chat.sources.display


@run_async
async def test_palette_lists_the_chat_commands(seeds_assistant, store):
    app = make_app(seeds_assistant, store)
    async with app.run_test(size=SIZE) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for t in ("New conversation", "Open conversation", "Export to Markdown", "Delete conversation",
                  "Toggle sources", "Toggle sidebar", "Copy answer"):
            assert t in titles
        await ask(pilot, "Who took Gharyan?")
        await pilot.press("ctrl+y")
        assert app.clipboard.startswith(app.chat.answers[0].answer)


@run_async
async def test_delete_conversation(seeds_assistant, store):
    app = make_app(seeds_assistant, store)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "Who took Gharyan?")
        await answer_dialog(pilot, app.chat.action_delete_conversation, "y")
        assert store.conversations() == [] and app.chat.answers == []


@run_async
async def test_open_conversation_from_palette(seeds_assistant, store):
    store.add_turn(None, seeds_assistant.ask("Who took Gharyan?"), seeds_assistant.brief.fingerprint)
    app = make_app(seeds_assistant, store)
    async with app.run_test(size=SIZE) as pilot:
        app.chat.action_open_conversation()
        await pilot.pause()
        await pilot.press(*"Gharyan")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.chat.conversation_id == 1


# --- askbrief chat on the command line ----------------------------------------------

class _TTY(io.StringIO):
    def isatty(self):
        return True


def _as_terminal(monkeypatch):
    monkeypatch.setattr(sys, "stdin", _TTY())
    monkeypatch.setattr(sys, "stdout", _TTY())


def test_chat_resume_unknown_id_is_one_line_exit_1(monkeypatch, capsys):
    from askbrief import cli

    _as_terminal(monkeypatch)
    with pytest.raises(SystemExit) as e:
        cli.main(["chat", "--corpus", str(SEEDS), "--resume", "42"])
    assert e.value.code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "no conversation 42" in err[0]


def test_chat_continue_opens_the_last_conversation(monkeypatch, seeds_assistant):
    import askbrief.tui
    from askbrief import cli
    from askbrief.history import HistoryStore

    with HistoryStore() as st:  # the default location: ASKBRIEF_DATA_DIR from conftest
        st.add_turn(None, seeds_assistant.ask("Who took Gharyan?"), "x")
        last = st.add_turn(None, seeds_assistant.ask("Who resigned in Algeria?"), "x")
    seen = {}

    class Dummy:
        def run(self):
            seen["ran"] = True

    def fake_make_app(assistant, store, conversation_id=None, store_error=None):
        seen.update(id=conversation_id, store=store, error=store_error)
        return Dummy()

    monkeypatch.setattr(askbrief.tui, "make_app", fake_make_app)
    _as_terminal(monkeypatch)
    assert cli.run(["chat", "--corpus", str(SEEDS), "-c"]) == 0
    assert seen["ran"] and seen["id"] == last and seen["error"] is None


def test_chat_on_a_damaged_history_opens_without_it_and_says_how_to_start_afresh(
        monkeypatch, isolated_user_dirs):
    import askbrief.tui
    from askbrief import cli

    path = isolated_user_dirs / "data" / "history.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"\x00garbage, not sqlite\n" * 500)
    seen = {}

    class Dummy:
        def run(self):
            pass

    def fake_make_app(assistant, store, conversation_id=None, store_error=None):
        seen.update(store=store, error=store_error)
        return Dummy()

    monkeypatch.setattr(askbrief.tui, "make_app", fake_make_app)
    _as_terminal(monkeypatch)
    assert cli.run(["chat", "--corpus", str(SEEDS)]) == 0
    assert seen["store"] is None and str(path) in seen["error"] and "damaged" in seen["error"]
    assert seen["error"].endswith(f"(to start a new history, move it aside: mv '{path}' '{path}.damaged')")


def test_chat_needs_a_terminal_and_one_of_continue_or_resume(capsys):
    from askbrief import cli

    with pytest.raises(SystemExit) as e:
        cli.main(["chat", "-c", "--resume", "1"])
    assert e.value.code == 2
    with pytest.raises(SystemExit) as e:
        cli.main(["chat"])  # stdin is not a terminal under pytest
    assert e.value.code == 2 and "needs a terminal" in capsys.readouterr().err


@run_async
async def test_theme_comes_from_the_config_file_and_a_new_one_is_saved_there(seeds_assistant, store):
    import os

    from askbrief.config import load_config

    path = Path(os.environ["ASKBRIEF_CONFIG"])
    app = make_app(seeds_assistant, store, theme="nord")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "nord" and not path.exists()  # starting in it writes nothing
        app.theme = "gruvbox"
        await pilot.pause()
        await pilot.pause()
    assert load_config().theme == "gruvbox"
    assert path.read_text(encoding="utf-8") == '[chat]\ntheme = "gruvbox"\n'
    app = make_app(seeds_assistant, store, theme="no-such-theme")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        assert any("Unknown theme 'no-such-theme'" in str(n.message) for n in app._notifications)


@run_async
async def test_history_filter_box_searches_and_marks_the_words(seeds_assistant, store):
    fp = seeds_assistant.brief.fingerprint
    store.add_turn(None, seeds_assistant.ask("Who took Gharyan?"), fp)
    store.add_turn(None, seeds_assistant.ask("What is the capital of Egypt?"), fp)
    store.add_turn(None, seeds_assistant.ask("Who resigned in Algeria?"), fp)
    app = make_app(seeds_assistant, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o")
        sidebar = app.chat.query_one(HistorySidebar)
        options = sidebar.query_one("#history-list")
        assert options.option_count == 3 and app.focused is options
        await pilot.press("slash")  # from the list to the filter box
        assert app.focused is sidebar.query_one("#history-filter")
        await pilot.press(*"does not say")
        await pilot.pause()
        assert options.option_count == 1
        prompt = options.get_option_at_index(0).prompt
        assert str(prompt) == "What is the capital of Egypt?\nThe brief does not say."
        assert [prompt.plain[s.start:s.end] for s in prompt.spans if "reverse" in str(s.style)] == [
            "does", "not", "say"]
        await pilot.press(*" zzz")
        await pilot.pause()
        assert options.option_count == 0 and "No conversation matches." in str(
            sidebar.query_one("#history-empty").render())
        for _ in " zzz":
            await pilot.press("backspace")
        await pilot.press("enter")  # to the list, then open the conversation
        await pilot.press("enter")
        await pilot.pause()
        assert "What is the capital of Egypt?" in conversation_text(app)
        sidebar.query_one("#history-filter").value = ""
        await pilot.pause()
        assert options.option_count == 3


def test_chat_starts_in_the_config_files_theme_and_brief(monkeypatch, isolated_user_dirs, tmp_path):
    import os

    import askbrief.tui
    from askbrief import cli

    brief = tmp_path / "brief"
    brief.mkdir()
    (brief / "n.txt").write_text("The meeting in Oslo was held on Friday.", encoding="utf-8")
    config = Path(os.environ["ASKBRIEF_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f'corpus = "{brief}"\ntop_k = 3\n[chat]\ntheme = "nord"\n', encoding="utf-8")
    seen = {}

    class Dummy:
        def run(self):
            pass

    def fake_make_app(assistant, store, conversation_id=None, store_error=None, theme=None):
        seen.update(theme=theme, docs=[d.id for d in assistant.brief.documents], top_k=assistant.settings.top_k)
        return Dummy()

    monkeypatch.setattr(askbrief.tui, "make_app", fake_make_app)
    _as_terminal(monkeypatch)
    assert cli.run(["chat"]) == 0
    assert seen == {"theme": "nord", "docs": ["n"], "top_k": 3}


def test_saver_stops_only_for_a_damaged_history_and_says_how_to_start_afresh(make_answer):
    from askbrief.errors import HistoryDamaged
    from askbrief.tui.saver import ConversationRef, HistorySaver

    class Damaged:
        def add_turn(self, *a):
            raise HistoryDamaged("the history file /x/h.db is damaged (malformed)", "/x/h.db")

    problems = []
    saver = HistorySaver(Damaged(), on_problem=lambda m, damaged: problems.append((m, damaged)))
    try:
        assert saver.save(ConversationRef(), make_answer("Q?", "A"), "fp").done.wait(5)
        assert saver.wait(5) and saver.pending == 0
        assert saver.save(ConversationRef(), make_answer("Q2?", "A"), "fp").done.is_set()
    finally:
        saver.close()
    assert problems == [("the history file /x/h.db is damaged (malformed) (to start a new history, "
                         "move it aside: mv '/x/h.db' '/x/h.db.damaged')", True)]


@run_async
async def test_sigterm_quits_the_chat_and_keeps_the_answers_shown(seeds_assistant, store, monkeypatch):
    import os
    import signal

    fast_saver(monkeypatch)
    app = make_app(seeds_assistant, store)
    async with app.run_test(size=SIZE) as pilot:
        await ask(pilot, "Who took Gharyan?")
        os.kill(os.getpid(), signal.SIGTERM)  # as a service manager stops it
        for _ in range(100):
            if not app.is_running:
                break
            await asyncio.sleep(0.05)
        assert not app.is_running
    assert [t.question for t in store.conversation(1).turns] == ["Who took Gharyan?"]
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # the handler went with the app
