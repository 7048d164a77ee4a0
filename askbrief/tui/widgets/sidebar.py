"""The history sidebar: past conversations, newest first, titled by their first question."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from askbrief.render import safe, shorten

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

    def compose(self):
        yield Static("History", id="history-heading")
        yield Static("No saved conversations yet.", id="history-empty")
        yield OptionList(id="history-list")

    def show(self, summaries: Sequence, current: int | None = None) -> None:
        """Fill the list from ``store.conversations()`` (ConversationSummary objects)."""
        options = self.query_one(OptionList)
        options.clear_options()
        for s in summaries:
            label = Text(shorten(safe(s.title or "(untitled)"), 80), style="bold" if s.id == current else "")
            label.append("\n" + summary_note(s), style="dim")
            options.add_option(Option(label, id=str(s.id)))
        self.query_one("#history-empty").display = not summaries
        options.display = bool(summaries)
        if summaries:
            try:
                options.highlighted = options.get_option_index(str(current))
            except OptionDoesNotExist:
                options.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_id is not None:
            self.post_message(self.Open(int(event.option_id)))
