"""Conversations in the history file: a turn saved (a new conversation, or added to one),
conversations listed newest first, one read back with its turns, one deleted."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from ..errors import HistoryError
from ..models import Answer
from ..paths import fs_json, fs_text
from .database import HistoryFile

if TYPE_CHECKING:
    from ..records import Conversation, ConversationSummary
    from .search import SearchHit

TITLE_MAX = 200


def _title(question: str) -> str:
    t = " ".join(fs_text(question).split())
    return t if len(t) <= TITLE_MAX else t[: TITLE_MAX - 1].rstrip() + "…"


class HistoryStore(HistoryFile):
    """Saved conversations in one SQLite file (default: ``paths.history_path()``)."""

    def add_turn(self, conversation_id: int | None, answer: Answer, fingerprint: str) -> int:
        """Save one turn, committed before returning; a new conversation when the id is None.
        Returns the conversation's id."""
        now = self.clock().isoformat(timespec="microseconds")
        payload = fs_json(answer.model_dump_json())
        with self._writing() as db:
            if conversation_id is None:
                cur = db.execute("INSERT INTO conversations (title, created, updated) VALUES (?, ?, ?)",
                                 (_title(answer.question), now, now))
                conversation_id = int(cur.lastrowid)
            elif db.execute("UPDATE conversations SET updated = ? WHERE id = ?",
                            (now, conversation_id)).rowcount == 0:
                raise HistoryError(f"no conversation {conversation_id}")
            db.execute("INSERT INTO turns (conversation_id, question, answer_json, fingerprint, time) "
                       "VALUES (?, ?, ?, ?, ?)",
                       (conversation_id, fs_text(answer.question), payload, fingerprint, now))
        return conversation_id

    def delete(self, conversation_id: int) -> None:
        with self._writing() as db:
            db.execute("DELETE FROM turns WHERE conversation_id = ?", (conversation_id,))
            if not db.execute("DELETE FROM conversations WHERE id = ?", (conversation_id,)).rowcount:
                raise HistoryError(f"no conversation {conversation_id}")

    # -- reading --------------------------------------------------------------------

    _SUMMARY = """SELECT c.id, c.title, count(t.id), c.created, coalesce(c.updated, c.created)
                  FROM conversations c LEFT JOIN turns t ON t.conversation_id = c.id"""
    _NEWEST = " GROUP BY c.id ORDER BY coalesce(c.updated, c.created) DESC, c.id DESC"

    def _summaries_of(self, rows: list[tuple]) -> list[ConversationSummary | None]:
        """One summary per row; None for a row that cannot be read (left out of lists, never a crash)."""
        from ..records import ConversationSummary

        out: list[ConversationSummary | None] = []
        for cid, title, turns, created, updated in rows:
            try:
                out.append(ConversationSummary(id=cid, title=title, turns=turns,
                                               created=created, updated=updated))
            except ValueError:  # pydantic's ValidationError is one
                out.append(None)
        return out

    def _summaries(self, sql: str, params: tuple = ()) -> list[ConversationSummary]:
        return [s for s in self._summaries_of(self._rows(sql, params)) if s is not None]

    def conversations(self, limit: int | None = None) -> list[ConversationSummary]:
        """Saved conversations, most recently updated first."""
        sql = self._SUMMARY + self._NEWEST
        if limit is not None:
            return self._summaries(sql + " LIMIT ?", (max(0, int(limit)),))
        return self._summaries(sql)

    def search(self, text: str, limit: int | None = None) -> list[SearchHit]:
        """Conversations with a turn whose question, answer or evidence holds every word of
        ``text`` (as a word or the start of one; case and accents ignored; "does not say" finds
        abstentions), best match first (SQLite FTS5, BM25: the question counts most), each with
        the best turn's matching text, the words marked by ``search.MARK_START``/``MARK_END``."""
        from .search import search

        return search(self, text, limit)

    def conversation(self, conversation_id: int) -> Conversation:
        """One conversation with its turns, oldest first. Unreadable turns are skipped and
        listed in ``notes``."""
        from ..records import Conversation, Turn

        db = self._conn()
        try:
            head = db.execute("SELECT id, title, created, coalesce(updated, created) FROM conversations "
                              "WHERE id = ?", (conversation_id,)).fetchone()
            if head is None:
                raise HistoryError(f"no conversation {conversation_id}")
            rows = db.execute("SELECT id, question, answer_json, fingerprint, time FROM turns "
                              "WHERE conversation_id = ? ORDER BY id", (conversation_id,)).fetchall()
        except sqlite3.Error as e:
            raise self._error(e) from e
        turns, notes = [], []
        for n, (tid, question, payload, fingerprint, time) in enumerate(rows, 1):
            try:
                answer = Answer.model_validate_json(payload)
                turns.append(Turn(question=question, answer=answer, fingerprint=fingerprint, time=time))
            except (ValueError, TypeError) as e:
                first = str(e).splitlines()[0][:160]
                notes.append(f"turn {n} of conversation {conversation_id} could not be read ({first}); skipped")
        try:
            return Conversation(id=head[0], title=head[1], created=head[2], updated=head[3],
                                turns=turns, notes=notes)
        except ValueError as e:
            raise HistoryError(f"conversation {conversation_id} in {self.path} is damaged: "
                               f"{str(e).splitlines()[0]}") from e

    def last_id(self) -> int | None:
        """The most recently updated conversation, or None when there is none."""
        try:
            row = self._conn().execute("SELECT id FROM conversations ORDER BY coalesce(updated, created) "
                                       "DESC, id DESC LIMIT 1").fetchone()
        except sqlite3.Error as e:
            raise self._error(e) from e
        return row[0] if row else None
