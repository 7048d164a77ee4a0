"""Command-palette provider listing saved conversations.

Textual's SimpleProvider parses names as markup; conversation titles are user text,
so this provider shows them as ``rich.text.Text``.
"""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from askbrief.errors import AskbriefError
from askbrief.render import safe, shorten

from .richtext import summary_note


class ConversationsProvider(Provider):
    async def startup(self) -> None:
        self._items: list[tuple[int, str, str]] = []
        chat = getattr(self.app, "chat", None)
        store = getattr(chat, "store", None)
        if store is None:
            return
        try:
            summaries = store.conversations(limit=200)
        except AskbriefError:
            return
        for s in summaries:
            self._items.append((s.id, shorten(safe(s.title or "(untitled)"), 100), summary_note(s)))

    def _open(self, conversation_id: int):
        return partial(self.app.chat.open_conversation, conversation_id)

    async def discover(self) -> Hits:
        for cid, title, help in self._items:
            yield DiscoveryHit(Text(title), self._open(cid), text=title, help=help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for cid, title, help in self._items:
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, Text(title), self._open(cid), text=title, help=help)
