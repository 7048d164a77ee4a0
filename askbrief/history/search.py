"""Full-text search of the history (SQLite FTS5, kept in step by triggers: migration 3), and
the hits it returns with their matching text marked."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..records import ConversationSummary
    from .store import HistoryStore

# marks around the matched words in SearchHit.snippet: private-use characters, never in text
MARK_START, MARK_END = "\ue000", "\ue001"


class SearchHit:
    """A conversation found by ``HistoryStore.search`` and its best matching text.
    (A plain class: a dataclass costs a millisecond to build at import.)"""

    __slots__ = ("conversation", "snippet")

    def __init__(self, conversation: ConversationSummary, snippet: str) -> None:
        self.conversation, self.snippet = conversation, snippet

    def __repr__(self) -> str:
        return f"SearchHit(conversation={self.conversation!r}, snippet={self.snippet!r})"

    def parts(self) -> list[tuple[str, str]]:
        """The snippet as [(text, "" or "mark")] pieces."""
        out: list[tuple[str, str]] = []
        for n, piece in enumerate(re.split(f"[{MARK_START}{MARK_END}]", self.snippet)):
            if piece:
                out.append((piece, "mark" if n % 2 else ""))
        return out


def search(store: HistoryStore, text: str, limit: int | None = None) -> list[SearchHit]:
    """``HistoryStore.search``: see there."""
    words = re.findall(r"\w+", text)
    if not words:
        return []
    query = " ".join(f'"{w}"*' for w in words)
    best: dict[int, str] = {}  # conversation -> its best turn's snippet, best first
    for cid, snip in store._rows(
            f"""SELECT t.conversation_id,
                       snippet(turns_fts, -1, '{MARK_START}', '{MARK_END}', '…', 24)
                FROM turns_fts JOIN turns t ON t.id = turns_fts.rowid
                WHERE turns_fts MATCH ? ORDER BY bm25(turns_fts, 4.0, 2.0, 1.0), t.id DESC""",
            (query,)):
        best.setdefault(cid, snip or "")
    ids = list(best)[: None if limit is None else max(0, int(limit))]
    if not ids:
        return []
    found = {s.id: s for s in store._summaries(
        store._SUMMARY + f" WHERE c.id IN ({', '.join('?' * len(ids))}) GROUP BY c.id", tuple(ids))}
    return [SearchHit(conversation=found[i], snippet=best[i]) for i in ids if i in found]
