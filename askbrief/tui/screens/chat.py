"""The chat screen: history sidebar | conversation + question box | sources pane.

The screen owns the conversation being shown: its answers (the context passed to
``assistant.ask`` for follow-ups) and its id in the history store. Answering runs in a
thread worker, which hands the answer to the history saver and waits a moment for the commit
before the answer is shown; history writes never run on the UI thread (see ``saver.py``).
"""

from __future__ import annotations

import re
from pathlib import Path

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer

from askbrief.errors import AskbriefError, HistoryError, internal_error, show_tracebacks
from askbrief.models import Answer
from askbrief.render import render_text, safe, shorten

from ..saver import ConversationRef, HistorySaver
from ..widgets import ConversationView, HistorySidebar, QuestionInput, SourcesPane
from ..widgets.conversation import TurnView
from .dialogs import ConfirmScreen, ExportScreen

HISTORY_LIMIT = 200
SHOW_WAIT_S = 1.0  # how long an answer waits for its commit before it is shown anyway
NARROW = 110  # columns below which the sidebar and the sources pane are not shown together


class ChatScreen(Screen):
    BINDINGS = [
        Binding("ctrl+n", "new_conversation", "New"),
        Binding("ctrl+o", "toggle_sidebar", "History"),
        Binding("ctrl+s", "toggle_sources", "Sources"),
        Binding("ctrl+down", "next_citation", "Next source", key_display="^↓"),
        Binding("ctrl+up", "previous_citation", "Previous source", show=False),
        Binding("ctrl+y", "copy_answer", "Copy"),
        Binding("escape", "focus_question", "Back to the question", show=False),
    ]

    def __init__(self, assistant, store, conversation_id: int | None = None,
                 store_error: str | None = None) -> None:
        super().__init__()
        self.assistant = assistant
        self.store = store
        self.store_error = store_error
        self.conversation = ConversationRef()
        self.saver: HistorySaver | None = None
        self.quit_when_saved = False
        self.answers: list[Answer] = []
        self._start_id = conversation_id
        self._pending: TurnView | None = None
        self._generation = 0
        self._fingerprint: str | None = None
        self._sources_hidden_for_sidebar = False

    # --- layout --------------------------------------------------------------------

    def compose(self):
        with Horizontal(id="body"):
            yield HistorySidebar(id="sidebar")
            with Vertical(id="main"):
                yield ConversationView(id="conversation")
                yield QuestionInput(id="question")
            yield SourcesPane(self.assistant.brief, id="sources")
        yield Footer()

    @property
    def conversation_id(self) -> int | None:
        return self.conversation.id

    @property
    def view(self) -> ConversationView:
        return self.query_one(ConversationView)

    @property
    def sources(self) -> SourcesPane:
        return self.query_one(SourcesPane)

    @property
    def sidebar(self) -> HistorySidebar:
        return self.query_one(HistorySidebar)

    @property
    def question(self) -> QuestionInput:
        return self.query_one(QuestionInput)

    async def on_mount(self) -> None:
        self.sidebar.display = False
        if self.store_error:
            self._history_failed(self.store_error)
        if self.store is not None:
            self.saver = HistorySaver(
                self.store,
                on_problem=lambda message, damaged: self._from_saver(self._save_problem, message, damaged),
                on_saved=lambda recovered: self._from_saver(self._saved, recovered))
        if self._start_id is not None:
            await self.open_conversation(self._start_id)
        self.question.focus()

    # --- asking --------------------------------------------------------------------

    async def on_question_input_asked(self, event: QuestionInput.Asked) -> None:
        await self.ask(event.question)

    async def ask(self, question: str) -> None:
        if self._pending is not None:
            self.notify("Still answering the previous question…", severity="warning", markup=False)
            return
        self.question.remember(question)
        self.question.value = ""
        turn = await self.view.add_turn(" ".join(question.split()))
        self.view.scroll_end(animate=False)
        self._pending = turn
        self._answer(question, list(self.answers), turn, self._generation, self.conversation)

    @work(thread=True, group="ask")
    def _answer(self, question: str, context: list[Answer], turn: TurnView, generation: int,
                conversation: ConversationRef) -> None:
        try:
            answer = self.assistant.ask(question, context=context)
            if self.saver is not None:  # saved before shown; shown anyway if the history is slow
                if self._fingerprint is None:
                    self._fingerprint = self.assistant.brief.fingerprint
                self.saver.save(conversation, answer, self._fingerprint).done.wait(SHOW_WAIT_S)
        except AskbriefError as e:
            self.app.call_from_thread(self._failed, turn, question, str(e), generation)
        except Exception as e:  # a bug: say so, keep the chat alive
            if show_tracebacks():
                raise
            self.app.call_from_thread(self._failed, turn, question, internal_error(e), generation)
        else:
            self.app.call_from_thread(self._answered, turn, answer, generation)

    async def _answered(self, turn: TurnView, answer: Answer, generation: int) -> None:
        if generation != self._generation:
            return  # the conversation was replaced while this was being answered
        self._pending = None
        turn.set_answer(answer)
        self.answers.append(answer)
        self.view.selected = len(self.answers) - 1
        self.view.scroll_end(animate=False)

    async def _failed(self, turn: TurnView, question: str, message: str, generation: int) -> None:
        if generation != self._generation:
            return
        self._pending = None
        await turn.remove()
        if not self.view.turns:
            self.view.query_one(".empty").display = True
        if not self.question.value:
            self.question.value = question
            self.question.cursor_position = len(question)
        self.notify(safe(message), title="askbrief", severity="error", markup=False)

    # --- history -------------------------------------------------------------------

    def _history_failed(self, message: str) -> None:
        """The history cannot be used at all (damaged): said once, and saving stops."""
        self.store = None
        self.notify(f"{safe(message)} — this conversation will not be saved.", title="History",
                    severity="error", timeout=10, markup=False)

    def _save_problem(self, message: str, damaged: bool) -> None:
        if damaged:
            self._history_failed(message)
            return
        self.notify(f"{safe(message)} — the answers are kept and will be saved as soon as it can be "
                    "written.", title="History", severity="error", timeout=10, markup=False)

    def _saved(self, recovered: bool) -> None:
        if recovered:
            self.notify("The history can be written again: the answers that were waiting are saved.",
                        title="History", markup=False)
        if self.quit_when_saved and self.saver is not None and not self.saver.pending:
            self.app.exit()
            return
        if self.sidebar.display:
            self.refresh_history()

    def _from_saver(self, callback, *args) -> None:
        """Run ``callback`` on the UI thread; dropped once the app has stopped."""
        try:
            self.app.call_from_thread(callback, *args)
        except RuntimeError:
            pass

    def close_saver(self) -> None:
        if self.saver is not None:
            self.saver.close()

    def refresh_history(self) -> None:
        """The sidebar's list: the saved conversations, or those matching its filter box."""
        summaries, matches = [], None
        text = self.sidebar.filter_text
        if self.store is not None:
            try:
                if text:
                    hits = self.store.search(text, limit=HISTORY_LIMIT)
                    summaries = [h.conversation for h in hits]
                    matches = {h.conversation.id: h.parts() for h in hits}
                else:
                    summaries = self.store.conversations(limit=HISTORY_LIMIT)
            except HistoryError as e:
                self.notify(safe(str(e)), title="History", severity="error", markup=False)
        self.sidebar.show(summaries, self.conversation_id, matches)

    def on_history_sidebar_filter(self, event: HistorySidebar.Filter) -> None:
        self.refresh_history()

    async def on_history_sidebar_open(self, event: HistorySidebar.Open) -> None:
        await self.open_conversation(event.conversation_id)
        self.question.focus()

    async def open_conversation(self, conversation_id: int) -> None:
        if self.store is None:
            self.notify("History is not available.", severity="error", markup=False)
            return
        try:
            conversation = self.store.conversation(conversation_id)
        except (AskbriefError, LookupError) as e:
            self.notify(safe(str(e)) or f"no conversation {conversation_id}", severity="error", markup=False)
            return
        await self.reset()
        self.conversation = ConversationRef(conversation.id)
        for t in conversation.turns:
            await self.view.add_turn(t.question, t.answer)
            self.answers.append(t.answer)
            self.question.remember(t.question)
        if self._fingerprint is None:
            self._fingerprint = self.assistant.brief.fingerprint
        if any(t.fingerprint != self._fingerprint for t in conversation.turns):
            self.notify("This conversation was asked of a different brief; some sources may be missing.",
                        severity="warning", markup=False)
        if self.answers:
            self.view.selected = len(self.answers) - 1
        if self.sidebar.display:
            self.refresh_history()

    async def reset(self) -> None:
        """An empty conversation (nothing is deleted)."""
        self._generation += 1
        self._pending = None
        self.conversation = ConversationRef()
        self.answers = []
        await self.view.clear()
        await self.sources.show(None)

    # --- reacting to the widgets ---------------------------------------------------

    async def on_conversation_view_answer_selected(self, event: ConversationView.AnswerSelected) -> None:
        await self.sources.show(event.answer)

    def on_sources_pane_citation_changed(self, event: SourcesPane.CitationChanged) -> None:
        self.view.show_citation(event.index)

    # --- actions (keys and the command palette) ------------------------------------

    def selected_answer(self) -> Answer | None:
        i = self.view.selected
        return self.answers[i] if i is not None and i < len(self.answers) else None

    async def action_new_conversation(self) -> None:
        await self.reset()
        if self.sidebar.display:
            self.refresh_history()
        self.question.focus()

    def action_toggle_sidebar(self) -> None:
        sidebar = self.sidebar
        sidebar.display = not sidebar.display
        if sidebar.display:
            # no room for three panes: the sources step aside while the history is open
            self._sources_hidden_for_sidebar = self.size.width < NARROW and self.sources.display
            if self._sources_hidden_for_sidebar:
                self.sources.display = False
            self.refresh_history()
            sidebar.query_one("#history-list").focus()
        else:
            if self._sources_hidden_for_sidebar:
                self.sources.display = True
            self._sources_hidden_for_sidebar = False
            self.question.focus()

    def action_toggle_sources(self) -> None:
        self._sources_hidden_for_sidebar = False
        self.sources.display = not self.sources.display
        if not self.sources.display and self.focused is self.sources:
            self.question.focus()

    def action_next_citation(self) -> None:
        if not self.sources.display:
            self.sources.display = True
        self.sources.action_move(1)

    def action_previous_citation(self) -> None:
        if not self.sources.display:
            self.sources.display = True
        self.sources.action_move(-1)

    def action_focus_question(self) -> None:
        self.question.focus()

    def action_copy_answer(self) -> None:
        answer = self.selected_answer()
        if answer is None:
            self.notify("No answer to copy yet.", severity="warning", markup=False)
            return
        self.app.copy_to_clipboard(render_text(answer))
        self.notify("Copied the answer and its sources to the clipboard.", markup=False)

    def action_open_conversation(self) -> None:
        from ..commands import ConversationsProvider
        from textual.command import CommandPalette

        if self.store is None:
            self.notify("History is not available.", severity="error", markup=False)
            return
        self.app.push_screen(CommandPalette(providers=[ConversationsProvider],
                                            placeholder="Open a conversation…"))

    def action_export(self) -> None:
        if self.store is None or self.conversation_id is None:
            self.notify("Nothing to export: ask a question first.", severity="warning", markup=False)
            return
        conversation_id = self.conversation_id
        try:
            title = self.store.conversation(conversation_id).title
        except (AskbriefError, LookupError):
            title = ""
        slug = re.sub(r"[^a-z0-9]+", "-", safe(title).lower()).strip("-")[:40].strip("-")
        default = f"askbrief-{conversation_id}{'-' + slug if slug else ''}.md"

        def write(path: Path | None) -> None:
            if path is not None:
                self.export_to(conversation_id, path)

        self.app.push_screen(ExportScreen(default), write)

    def export_to(self, conversation_id: int, path: Path) -> Path | None:
        from askbrief.render import to_markdown

        from askbrief.outputs import write_text

        path = path if path.is_absolute() else Path.cwd() / path
        try:
            write_text(path, to_markdown(self.store.conversation(conversation_id)))
        except (AskbriefError, LookupError, OSError) as e:
            self.notify(f"Could not export: {safe(str(e))}", severity="error", markup=False)
            return None
        self.notify(f"Exported to {path}", title="Export", markup=False)
        return path

    def action_delete_conversation(self) -> None:
        if self.store is None or self.conversation_id is None:
            self.notify("Nothing to delete: this conversation is not saved.", severity="warning",
                        markup=False)
            return
        conversation_id = self.conversation_id
        first = self.answers[0].question if self.answers else ""
        question = Text("Delete the conversation ")
        question.append(f"“{shorten(safe(first), 60)}”", style="bold")
        question.append(" from the history?")

        async def delete(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.store.delete(conversation_id)
            except (AskbriefError, LookupError) as e:
                self.notify(f"Could not delete: {safe(str(e))}", severity="error", markup=False)
                return
            if self.conversation_id == conversation_id:
                await self.reset()
            if self.sidebar.display:
                self.refresh_history()
            self.notify("Conversation deleted.", markup=False)

        self.app.push_screen(ConfirmScreen(question), delete)
