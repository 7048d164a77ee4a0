"""Small modal dialogs: where to export, and are you sure."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

_DIALOG_CSS = """
{name} {{
    align: center middle;
}}
{name} > Vertical {{
    width: 72;
    max-width: 95%;
    height: auto;
    border: thick $accent;
    background: $surface;
    padding: 1 2;
}}
{name} .hint {{
    color: $text-muted;
    margin-top: 1;
}}
"""


class ExportScreen(ModalScreen[Path | None]):
    """Ask where to write the Markdown export; dismisses with the path or None."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="ExportScreen")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, default: str) -> None:
        super().__init__()
        self.default = default

    def compose(self):
        with Vertical():
            yield Static("Export this conversation to Markdown")
            yield Input(value=self.default, id="export-path", select_on_focus=False)
            yield Static("Enter writes the file (relative to the current folder) · Esc cancels",
                         classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        self.dismiss(Path(value).expanduser() if value else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question; y or Enter confirms, n or Esc cancels."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="ConfirmScreen")
    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: Text) -> None:
        super().__init__()
        self.question = question

    def compose(self):
        with Vertical():
            yield Static(self.question)
            yield Static("y / Enter: yes · n / Esc: no", classes="hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class PendingQuitScreen(ModalScreen[str | None]):
    """Quitting with answers not saved yet: wait for them ("wait"), quit now ("quit"), or stay."""

    DEFAULT_CSS = _DIALOG_CSS.format(name="PendingQuitScreen")
    BINDINGS = [
        Binding("w,enter", "choose('wait')", "Wait"),
        Binding("q", "choose('quit')", "Quit now"),
        Binding("escape", "choose(None)", "Stay"),
    ]

    def __init__(self, pending: int) -> None:
        super().__init__()
        self.pending = pending

    def compose(self):
        n = self.pending
        with Vertical():
            yield Static(Text(f"{n} answer{'s are' if n != 1 else ' is'} not saved yet: the history "
                              "cannot be written at the moment (another program may be holding it)."))
            yield Static("w / Enter: wait, and quit once saved · q: quit now without "
                         f"{'them' if n != 1 else 'it'} · Esc: go back", classes="hint")

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)
