"""The history sidebar: past conversations, newest first, titled by their first question;
a filter box above them searches the history (full-text) and shows the matching words."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from askbrief.render import safe, safe_parts, shorten

from ..richtext import summary_note


class HistorySidebar(Vertical):
    DEFAULT_CSS = """
    HistorySidebar {
        width: 32;
        border-right: vkey $foreground 20%;
    }
    HistorySidebar > #history-heading {
        text-style: bold;
        padding: 0 1;
    }
    HistorySidebar > #history-empty {
        color: $text-muted;
        padding: 1 1;
    }
    HistorySidebar > OptionList {
        height: 1fr;
        border: tall transparent;
        padding: 0;
    }
    HistorySidebar > OptionList:focus {
        border: tall $accent;
    }
    """

    class Open(Message):
        """The user chose a past conversation."""

        def __init__(self, conversation_id: int) -> None:
            super().__init__()
            self.conversation_id = conversation_id

    BINDINGS = [Binding("slash", "focus_filter", "Filter", show=False)]

    class Filter(Message):
        """The text of the filter box changed: show the conversations that match it."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def compose(self):
        yield Static("History", id="history-heading")
        yield Input(placeholder="Filter… (words)", id="history-filter")
        yield Static("No saved conversations yet.", id="history-empty")
        yield OptionList(id="history-list")

    @property
    def filter_text(self) -> str:
        return self.query_one("#history-filter", Input).value.strip()

    def show(self, summaries: Sequence, current: int | None = None,
             matches: dict[int, list[tuple[str, str]]] | None = None) -> None:
        """Fill the list from ``store.conversations()`` (ConversationSummary objects); with
        ``matches`` ({id: [(text, "" or "mark")]}, from a search), each shows its matching text."""
        options = self.query_one(OptionList)
        options.clear_options()
        for s in summaries:
            label = Text(shorten(safe(s.title or "(untitled)"), 80), style="bold" if s.id == current else "")
            if matches and matches.get(s.id):
                label.append("\n")
                for text, tag in safe_parts(matches[s.id]):
                    label.append(text, style="bold reverse" if tag == "mark" else "dim")
            else:
                label.append("\n" + summary_note(s), style="dim")
            options.add_option(Option(label, id=str(s.id)))
        empty = self.query_one("#history-empty", Static)
        empty.update("No conversation matches." if matches is not None else "No saved conversations yet.")
        empty.display = not summaries
        options.display = bool(summaries)
        if summaries:
            try:
                options.highlighted = options.get_option_index(str(current))
            except OptionDoesNotExist:
                options.highlighted = 0

    def action_focus_filter(self) -> None:
        self.query_one("#history-filter", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Filter(event.value.strip()))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one(OptionList)
        if options.option_count:
            options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id is not None:
            self.post_message(self.Open(int(event.option_id)))
