"""The chat application and its factory.

``make_app(assistant, store)`` builds the app from anything with the Assistant and
HistoryStore methods, so tests drive it with fixture data and a fake store.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme

from .screens import ChatScreen
from .screens.dialogs import PendingQuitScreen


TERM_WAIT = 2.0  # seconds a SIGTERM waits for answers not saved yet


class AskbriefApp(App):
    """Ask the brief; read the answers next to their sources; keep the conversations."""

    CSS_PATH = "app.tcss"
    TITLE = "askbrief"
    BINDINGS = [Binding("ctrl+q", "quit", "Quit", priority=True)]

    def __init__(self, assistant, store, conversation_id: int | None = None,
                 store_error: str | None = None, theme: str | None = None) -> None:
        super().__init__()
        self.assistant = assistant
        self.chat = ChatScreen(assistant, store, conversation_id, store_error)
        self._config_theme = theme

    def get_default_screen(self) -> Screen:
        return self.chat

    def on_mount(self) -> None:
        """Start in the config file's theme; from then on, a theme picked is saved there."""
        theme = self._config_theme
        if theme and theme in self.available_themes:
            self.theme = theme
        elif theme:
            self.notify(f"Unknown theme {theme!r} in the config file; using {self.theme!r}.",
                        title="Config", severity="warning", markup=False)
        self.theme_changed_signal.subscribe(self, self._save_theme)
        self._on_sigterm(install=True)

    def _on_sigterm(self, install: bool) -> None:
        """SIGTERM quits the chat as ctrl+q does, after waiting a little for answers shown but
        not saved yet (the one-shot commands treat it as ctrl+c)."""
        import asyncio
        import signal

        try:
            loop = asyncio.get_running_loop()
            if install:
                loop.add_signal_handler(signal.SIGTERM, self._terminated)
            else:
                loop.remove_signal_handler(signal.SIGTERM)
        except (NotImplementedError, RuntimeError, ValueError):  # not the main thread, or no such signal
            pass

    def _terminated(self) -> None:
        if self.chat.saver is not None:
            self.chat.saver.wait(TERM_WAIT)
        self.exit()

    def _save_theme(self, theme: Theme) -> None:
        from askbrief.config import save_theme
        from askbrief.errors import AskbriefError

        if theme.name == self._config_theme:
            return
        try:
            path = save_theme(theme.name)
        except AskbriefError as e:
            self.notify(f"The theme was not saved: {e}", title="Config", severity="error", markup=False)
            return
        self._config_theme = theme.name
        self.notify(f"Theme {theme.name!r} saved in {path}", title="Config", markup=False)

    async def action_quit(self) -> None:
        """Quit; with answers not saved yet (a locked history), say so once and offer to wait."""
        chat = self.chat
        pending = chat.saver.pending if chat.saver is not None else 0
        if not pending or chat.quit_when_saved:
            self.exit()
            return

        def chosen(choice: str | None) -> None:
            if choice == "quit":
                self.exit()
            elif choice == "wait":
                if not chat.saver.pending:  # saved while the question was on screen
                    self.exit()
                    return
                chat.quit_when_saved = True
                self.notify("Waiting for the history: askbrief quits once the answers are saved "
                            "(ctrl+q again quits now).", title="History", timeout=30, markup=False)

        self.push_screen(PendingQuitScreen(pending), chosen)

    def on_unmount(self) -> None:
        self._on_sigterm(install=False)
        self.chat.close_saver()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        chat = self.chat
        yield SystemCommand("New conversation", "Start an empty conversation", chat.action_new_conversation)
        yield SystemCommand("Open conversation", "Open a saved conversation to read or continue it",
                            chat.action_open_conversation)
        yield SystemCommand("Export to Markdown", "Write this conversation to a .md file",
                            chat.action_export)
        yield SystemCommand("Delete conversation", "Delete this conversation from the history",
                            chat.action_delete_conversation)
        yield SystemCommand("Toggle sources", "Show or hide the sources pane", chat.action_toggle_sources)
        yield SystemCommand("Toggle sidebar", "Show or hide the history sidebar", chat.action_toggle_sidebar)
        yield SystemCommand("Copy answer", "Copy the selected answer and its sources",
                            chat.action_copy_answer)
        yield from super().get_system_commands(screen)


def make_app(assistant, store, conversation_id: int | None = None,
             store_error: str | None = None, theme: str | None = None) -> AskbriefApp:
    """The chat over ``assistant`` (an askbrief.Assistant) saving to ``store`` (a HistoryStore,
    or None to save nothing; ``store_error`` says why, once). ``conversation_id`` reopens one;
    ``theme`` is the config file's (a theme picked in the chat is saved there)."""
    return AskbriefApp(assistant, store, conversation_id, store_error, theme)
