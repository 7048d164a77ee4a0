"""The question box: Enter asks, up/down recall earlier questions."""

from __future__ import annotations

from textual import on
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class QuestionInput(Input):
    """An Input that remembers what was asked, shell-style."""

    DEFAULT_CSS = """
    QuestionInput {
        border: tall $accent 40%;
        margin: 0 0;
    }
    QuestionInput:focus {
        border: tall $accent;
    }
    """

    BINDINGS = [
        Binding("up", "recall(-1)", "Earlier question", show=False),
        Binding("down", "recall(1)", "Later question", show=False),
    ]

    class Asked(Message):
        """The user pressed Enter on a question."""

        def __init__(self, question: str) -> None:
            super().__init__()
            self.question = question

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("placeholder", "Ask the brief a question (Enter to ask, ↑ for earlier ones)")
        super().__init__(**kwargs)
        self.recalled: list[str] = []
        self._pos: int | None = None
        self._draft = ""

    def remember(self, question: str) -> None:
        if question and (not self.recalled or self.recalled[-1] != question):
            self.recalled.append(question)
        self._pos = None

    def action_recall(self, step: int) -> None:
        if not self.recalled:
            return
        if self._pos is None:
            if step > 0:
                return
            self._draft = self.value
            pos = len(self.recalled) - 1
        else:
            pos = self._pos + step
        if pos < 0:
            return
        if pos >= len(self.recalled):
            self._pos = None
            self._set(self._draft)
            return
        self._pos = pos
        self._set(self.recalled[pos])

    def _set(self, value: str) -> None:
        self.value = value
        self.cursor_position = len(value)

    @on(Input.Submitted)
    def _asked(self, event: Input.Submitted) -> None:
        event.stop()
        if self.value.strip():
            self.post_message(self.Asked(self.value))
