"""The sources pane: the paragraphs the selected answer cites, one card per citation."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from askbrief.corpus import Brief
from askbrief.models import Answer
from askbrief.render import plural, sources

from ..richtext import paragraph_text, source_header


class SourceCard(Static):
    """One cited paragraph: title, date, ¶, and the text with the quote marked."""

    DEFAULT_CSS = """
    SourceCard {
        padding: 0 1;
        margin: 0 0 1 0;
        border-left: blank;
    }
    SourceCard.-current {
        border-left: outer $accent;
        background: $boost;
    }
    """


class SourcesPane(VerticalScroll):
    """Cited paragraphs of one answer; up/down (or j/k) move between citations."""

    DEFAULT_CSS = """
    SourcesPane {
        padding: 0 1;
    }
    SourcesPane > #sources-heading {
        color: $text-muted;
        padding: 0 1;
        margin: 0 0 1 0;
    }
    """

    BINDINGS = [
        Binding("up,k", "move(-1)", "Previous source", show=False),
        Binding("down,j", "move(1)", "Next source", show=False),
    ]

    class CitationChanged(Message):
        def __init__(self, index: int | None) -> None:
            super().__init__()
            self.index = index

    def __init__(self, brief: Brief, **kwargs) -> None:
        super().__init__(**kwargs)
        self.can_focus = True
        self.brief = brief
        self.answer: Answer | None = None
        self.current: int | None = None

    def compose(self):
        yield Static("The sources of the selected answer appear here.", id="sources-heading")

    async def show(self, answer: Answer | None) -> None:
        self.answer = answer
        self.current = None
        await self.remove_children(SourceCard)
        heading = self.query_one("#sources-heading", Static)
        if answer is None:
            heading.update("The sources of the selected answer appear here.")
            return
        n = len(answer.citations)
        if answer.abstained:
            heading.update(f"Closest passages ({n})" if n else "No passage came close.")
        else:
            docs = sources(answer)
            heading.update(f"{docs} {plural(docs, 'source')}"
                           + (f" · {n} {plural(n, 'passage')}" if n != docs else ""))
        cards = []
        for i, c in enumerate(answer.citations):
            text = source_header(i, c)
            text.append("\n")
            para = self.brief.paragraph(c.doc, c.paragraph)
            if para is None:
                text.append("(this paragraph is not in the loaded brief; the quote:)\n", style="dim italic")
                para = c.quote
            text.append_text(paragraph_text(para, c, answer.answer or answer.highlight))
            cards.append(SourceCard(text))
        await self.mount_all(cards)
        if cards:
            self.move_to(0)

    @property
    def cards(self) -> list[SourceCard]:
        return list(self.query_children(SourceCard))

    def move_to(self, index: int) -> None:
        cards = self.cards
        if not cards:
            return
        index = max(0, min(len(cards) - 1, index))
        self.current = index
        for i, card in enumerate(cards):
            card.set_class(i == index, "-current")
        if index == 0:
            self.call_after_refresh(self.scroll_home, animate=False)
        else:
            self.call_after_refresh(self.scroll_to_widget, cards[index], animate=False, top=True)
        self.post_message(self.CitationChanged(index))

    def action_move(self, step: int) -> None:
        self.move_to((self.current or 0) + step if self.current is not None else 0)
