"""The conversation: questions and their answers, in order; one answer is selected."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from askbrief.models import Answer

from ..richtext import answer_text, question_text


class TurnView(Static):
    """One question and its answer (or a placeholder while it is being answered)."""

    DEFAULT_CSS = """
    TurnView {
        padding: 0 1;
        margin: 0 0 1 0;
        border-left: blank;
    }
    TurnView.-selected {
        border-left: outer $accent;
        background: $boost;
    }
    TurnView.-pending {
        color: $text-muted;
    }
    """

    current: reactive[int | None] = reactive(None)

    class Clicked(Message):
        def __init__(self, turn: "TurnView") -> None:
            super().__init__()
            self.turn = turn

    def __init__(self, question: str, answer: Answer | None = None) -> None:
        super().__init__(classes="" if answer else "-pending")
        self.question = question
        self.answer = answer

    def set_answer(self, answer: Answer) -> None:
        self.answer = answer
        self.remove_class("-pending")
        self.refresh_text()

    def on_mount(self) -> None:
        self.refresh_text()

    def watch_current(self) -> None:
        self.refresh_text()

    def refresh_text(self) -> None:
        text = question_text(self.question)
        text.append("\n")
        if self.answer is None:
            text.append("Looking through the brief…", style="dim italic")
        else:
            text.append_text(answer_text(self.answer, self.current))
        self.update(text)

    def on_click(self) -> None:
        if self.answer is not None:
            self.post_message(self.Clicked(self))


class ConversationView(VerticalScroll):
    """The turns of the current conversation; up/down select the answer the sources show."""

    DEFAULT_CSS = """
    ConversationView {
        padding: 1 1 0 1;
    }
    ConversationView > .empty {
        color: $text-muted;
        padding: 1 2;
    }
    """

    BINDINGS = [
        Binding("up,k", "select(-1)", "Earlier answer", show=False),
        Binding("down,j", "select(1)", "Later answer", show=False),
    ]

    class AnswerSelected(Message):
        """The selected answer changed (index into the answered turns)."""

        def __init__(self, index: int, answer: Answer) -> None:
            super().__init__()
            self.index = index
            self.answer = answer

    selected: reactive[int | None] = reactive(None, init=False, always_update=True)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.can_focus = True

    def compose(self):
        yield Static("Ask a question below. Answers are quoted from the brief, with their sources.",
                     classes="empty")

    @property
    def turns(self) -> list[TurnView]:
        return list(self.query_children(TurnView))

    def answered(self) -> list[TurnView]:
        return [t for t in self.turns if t.answer is not None]

    async def clear(self) -> None:
        self.selected = None
        await self.remove_children(TurnView)
        self.query_one(".empty").display = True

    async def add_turn(self, question: str, answer: Answer | None = None) -> TurnView:
        self.query_one(".empty").display = False
        turn = TurnView(question, answer)
        await self.mount(turn)
        return turn

    def select_turn(self, turn: TurnView) -> None:
        answered = self.answered()
        if turn in answered:
            self.selected = answered.index(turn)

    def action_select(self, step: int) -> None:
        answered = self.answered()
        if not answered:
            return
        if self.selected is None:
            self.selected = len(answered) - 1
        else:
            self.selected = max(0, min(len(answered) - 1, self.selected + step))

    def watch_selected(self, selected: int | None) -> None:
        answered = self.answered()
        for i, turn in enumerate(answered):
            turn.set_class(i == selected, "-selected")
            if i != selected:
                turn.current = None
        if selected is not None and selected < len(answered):
            turn = answered[selected]
            self.call_after_refresh(self.scroll_to_widget, turn, animate=False, top=False)
            self.post_message(self.AnswerSelected(selected, turn.answer))

    def show_citation(self, index: int | None) -> None:
        """Mark the citation the sources pane is on in the selected answer's markers."""
        answered = self.answered()
        if self.selected is not None and self.selected < len(answered):
            answered[self.selected].current = index

    def on_turn_view_clicked(self, event: TurnView.Clicked) -> None:
        self.select_turn(event.turn)
