"""The saved history of conversations.

One SQLite file (standard-library ``sqlite3``, WAL) holds conversations and their
turns, each turn with the full answer JSON. The schema is a list of numbered migrations;
``PRAGMA user_version`` records how many were applied, and opening the store applies the
rest in one transaction. Every write is one ``BEGIN IMMEDIATE`` transaction committed at
once, so several processes can write together (they wait for each other up to
``BUSY_TIMEOUT_S``) and a killed process loses only the turn it had not committed. A file
that is not a database, or fails SQLite's quick check, is never written to: opening it
raises HistoryError naming it, and the caller answers without saving. A history that can
only be read (a read-only filesystem) is opened read-only for the commands that list and
show. Text that UTF-8 refuses (a file name's undecodable bytes) is stored escaped, ``\\xe9``.
Search is SQLite's FTS5 over the turns, kept in step by triggers (migration 3), so it never
scans the JSON.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import HistoryDamaged, HistoryError, HistoryLocked, LocationError
from .models import Answer
from .paths import fs_json, fs_text

if TYPE_CHECKING:
    from .records import Conversation, ConversationSummary

# marks around the matched words in SearchHit.snippet: private-use characters, never in text
MARK_START, MARK_END = "\ue000", "\ue001"


class SearchHit:
    """A conversation found by ``HistoryStore.search`` and its best matching text.
    (A plain class: a dataclass costs the one-shot path a millisecond to build at import.)"""

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

BUSY_TIMEOUT_S = 10.0
TITLE_MAX = 200

# the answer and evidence columns of turns_fts from a turn's answer JSON (SQL, for migration 3)
_FTS_TEXT = """CASE WHEN NOT json_valid({json}) THEN ''
                    WHEN json_extract({json}, '$.abstained') THEN 'The brief does not say.'
                    ELSE coalesce(json_extract({json}, '$.answer'), '') END,
               CASE WHEN json_valid({json}) THEN coalesce(json_extract({json}, '$.evidence'), '')
                    ELSE '' END"""

# Each entry moves the schema one version up; never edit one that has shipped, add another.
MIGRATIONS: list[tuple[str, ...]] = [
    # 1: the first schema
    (
        """CREATE TABLE conversations (
               id INTEGER PRIMARY KEY AUTOINCREMENT,
               title TEXT NOT NULL,
               created TEXT NOT NULL)""",
        """CREATE TABLE turns (
               id INTEGER PRIMARY KEY AUTOINCREMENT,
               conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
               question TEXT NOT NULL,
               answer_json TEXT NOT NULL,
               fingerprint TEXT NOT NULL,
               time TEXT NOT NULL)""",
    ),
    # 2: conversations know when they last changed (newest-first lists without a scan)
    (
        "ALTER TABLE conversations ADD COLUMN updated TEXT",
        """UPDATE conversations SET updated = coalesce(
               (SELECT max(time) FROM turns WHERE turns.conversation_id = conversations.id), created)""",
        "CREATE INDEX turns_by_conversation ON turns(conversation_id, id)",
        "CREATE INDEX conversations_by_updated ON conversations(updated)",
    ),
    # 3: full-text search (FTS5) over questions, answers (an abstention as its words) and
    # evidence, kept up to date by triggers in plain SQL (any SQLite client may write turns);
    # the turns already saved are indexed here
    (
        """CREATE VIRTUAL TABLE turns_fts USING fts5(
               question, answer, evidence, tokenize = 'unicode61 remove_diacritics 2')""",
        f"""CREATE TRIGGER turns_fts_insert AFTER INSERT ON turns BEGIN
               INSERT INTO turns_fts (rowid, question, answer, evidence)
               SELECT new.id, new.question, {_FTS_TEXT.format(json="new.answer_json")};
           END""",
        """CREATE TRIGGER turns_fts_delete AFTER DELETE ON turns BEGIN
               DELETE FROM turns_fts WHERE rowid = old.id;
           END""",
        f"""CREATE TRIGGER turns_fts_update AFTER UPDATE ON turns BEGIN
               DELETE FROM turns_fts WHERE rowid = old.id;
               INSERT INTO turns_fts (rowid, question, answer, evidence)
               SELECT new.id, new.question, {_FTS_TEXT.format(json="new.answer_json")};
           END""",
        f"""INSERT INTO turns_fts (rowid, question, answer, evidence)
            SELECT id, question, {_FTS_TEXT.format(json="answer_json")} FROM turns""",
    ),
]
SCHEMA_VERSION = len(MIGRATIONS)


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def _title(question: str) -> str:
    t = " ".join(fs_text(question).split())
    return t if len(t) <= TITLE_MAX else t[: TITLE_MAX - 1].rstrip() + "…"


def _touch_private(path: Path) -> None:
    """Create the file owner-only (0600) if it is missing; tighten it if it exists."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.close(fd)
    except FileExistsError:
        pass
    except OSError as e:
        raise HistoryError(f"cannot create the history file {path}: {e.strerror or e}") from e
    _chmod_private(path)


def _chmod_private(path: Path) -> None:
    try:
        if path.exists() and (path.stat().st_mode & 0o077):
            os.chmod(path, 0o600)
    except OSError:
        pass


class HistoryStore:
    """Saved conversations in one SQLite file (default: ``paths.history_path()``)."""

    def __init__(self, path: Path | str | None = None, clock: Callable[[], datetime] = utc_now,
                 *, readonly: bool = False, busy_timeout: float = BUSY_TIMEOUT_S):
        """``clock`` gives the time recorded with each turn (tests pass a fixed one).
        ``readonly`` opens an existing file for reading only, creating and migrating nothing;
        ``busy_timeout`` is how long a write waits for another process's lock."""
        self.clock = clock
        self.busy_timeout = busy_timeout
        self.readonly = readonly
        self._db: sqlite3.Connection | None = None
        try:
            if path is None:
                from .paths import history_path

                path = history_path(create=not readonly)
            self.path = Path(path)
            if self.path.is_dir():
                raise HistoryError(f"the history file {self.path} is a directory")
            if readonly:
                if not self.path.exists():
                    raise HistoryError(f"there is no history file {self.path}")
            else:
                from .paths import ensure_dir

                ensure_dir(self.path.parent, "data folder")
                _touch_private(self.path)
        except LocationError as e:
            raise HistoryError(str(e)) from e
        try:
            self._db = self._connect()
            self._db.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
            self._check()
            if not readonly:
                self._db.execute("PRAGMA journal_mode = WAL")
                self._db.execute("PRAGMA synchronous = NORMAL")
                self._db.execute("PRAGMA foreign_keys = ON")
                self._migrate()
            elif self.version < SCHEMA_VERSION:
                raise HistoryError(f"the history file {self.path} needs an upgrade that cannot be "
                                   "written here (it is read-only)")
        except HistoryError:
            self.close()
            raise
        except sqlite3.Error as e:
            self.close()
            raise self._error(e) from e
        if not readonly:
            for suffix in ("-wal", "-shm"):
                _chmod_private(self.path.with_name(self.path.name + suffix))

    @classmethod
    def for_reading(cls, path: Path | str | None = None) -> HistoryStore:
        """The store for commands that only read: opened as usual (so an old schema is
        migrated), else read-only when the file or its folder cannot be written."""
        try:
            return cls(path)
        except HistoryDamaged:
            raise
        except HistoryError as first:
            try:
                return cls(path, readonly=True)
            except HistoryError:
                raise first from None

    def _connect(self) -> sqlite3.Connection:
        kw = dict(timeout=self.busy_timeout, isolation_level=None, check_same_thread=False)
        if not self.readonly:
            return sqlite3.connect(self.path, **kw)
        from urllib.parse import quote

        uri = "file:" + quote(str(self.path.resolve()))
        db = sqlite3.connect(uri + "?mode=ro", uri=True, **kw)
        try:
            db.execute("PRAGMA user_version").fetchone()
            return db
        except sqlite3.OperationalError:
            # WAL needs its -shm file, which a read-only folder cannot hold: read the file as
            # it stands (a cleanly closed history has everything in the main file)
            db.close()
            return sqlite3.connect(uri + "?immutable=1", uri=True, **kw)

    # -- opening ------------------------------------------------------------------

    def _error(self, e: sqlite3.Error) -> HistoryError:
        msg = str(e)
        if isinstance(e, sqlite3.OperationalError) and "locked" in msg:
            return HistoryLocked(f"the history file {self.path} stayed locked by another process "
                                 f"for {self.busy_timeout:g} s")
        if _disk_full(msg, self.path):
            return HistoryError(f"the disk holding the history file {self.path} is full")
        if isinstance(e, sqlite3.OperationalError) and not _damage(msg):
            return HistoryError(f"the history file {self.path} cannot be used: {msg}")
        return HistoryDamaged(f"the history file {self.path} is damaged ({msg}); it was kept as is",
                              self.path)

    def _check(self) -> None:
        """Read-only checks before anything is written: a database, sound, not from the future."""
        db = self._db
        assert db is not None
        version = db.execute("PRAGMA user_version").fetchone()[0]  # reads the header
        if version > SCHEMA_VERSION:
            raise HistoryDamaged(f"the history file {self.path} was written by a newer askbrief "
                                 f"(schema {version}; this one knows {SCHEMA_VERSION}); it was kept as is",
                                 self.path)
        rows = db.execute("PRAGMA quick_check(1)").fetchall()
        if rows != [("ok",)]:
            raise sqlite3.DatabaseError(f"quick_check: {rows[0][0] if rows else 'no result'}")
        # one read transaction, so a migration committed meanwhile is seen whole or not at all
        db.execute("BEGIN")
        try:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            self._refuse_foreign(version)
        finally:
            db.execute("COMMIT")

    def _refuse_foreign(self, version: int) -> None:
        """An unversioned database with tables was written by something else: leave it be."""
        if version:
            return
        tables = {r[0] for r in self._conn().execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
        if tables:
            raise HistoryDamaged(f"the history file {self.path} is a database askbrief did not "
                                 f"write (tables: {', '.join(sorted(tables))}); it was kept as is",
                                 self.path)

    def _migrate(self) -> None:
        db = self._db
        assert db is not None
        if db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            # another process may have migrated while we waited for the lock
            version = db.execute("PRAGMA user_version").fetchone()[0]
            self._refuse_foreign(version)
            for n in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[n]:
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {n + 1}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    @property
    def version(self) -> int:
        return self._conn().execute("PRAGMA user_version").fetchone()[0]

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            raise HistoryError(f"the history file {self.path} is closed")
        return self._db

    # -- writing --------------------------------------------------------------------

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: taken at once (other writers wait up to the busy timeout),
        committed on leaving, rolled back on any error; SQLite errors become HistoryError."""
        db = self._conn()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        except sqlite3.Error as e:
            raise self._error(e) from e

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

    def _rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        try:
            return self._conn().execute(sql, params).fetchall()
        except sqlite3.Error as e:
            raise self._error(e) from e

    def _summaries_of(self, rows: list[tuple]) -> list[ConversationSummary | None]:
        """One summary per row; None for a row that cannot be read (left out of lists, never a crash)."""
        from .records import ConversationSummary

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
        the best turn's matching text, the words marked by MARK_START/MARK_END."""
        words = re.findall(r"\w+", text)
        if not words:
            return []
        query = " ".join(f'"{w}"*' for w in words)
        best: dict[int, str] = {}  # conversation -> its best turn's snippet, best first
        for cid, snip in self._rows(
                f"""SELECT t.conversation_id,
                           snippet(turns_fts, -1, '{MARK_START}', '{MARK_END}', '…', 24)
                    FROM turns_fts JOIN turns t ON t.id = turns_fts.rowid
                    WHERE turns_fts MATCH ? ORDER BY bm25(turns_fts, 4.0, 2.0, 1.0), t.id DESC""",
                (query,)):
            best.setdefault(cid, snip or "")
        ids = list(best)[: None if limit is None else max(0, int(limit))]
        if not ids:
            return []
        found = {s.id: s for s in self._summaries(
            self._SUMMARY + f" WHERE c.id IN ({', '.join('?' * len(ids))}) GROUP BY c.id", tuple(ids))}
        return [SearchHit(conversation=found[i], snippet=best[i]) for i in ids if i in found]

    def conversation(self, conversation_id: int) -> Conversation:
        """One conversation with its turns, oldest first. Unreadable turns are skipped and
        listed in ``notes``."""
        from .records import Conversation, Turn

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

    def close(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            finally:
                self._db = None

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _disk_full(message: str, path: Path) -> bool:
    """SQLite says "database or disk is full", or only "disk I/O error" when a write to the
    WAL or its shared memory failed: then the free space tells."""
    m = message.lower()
    if "disk is full" in m:
        return True
    if "disk i/o error" not in m:
        return False
    try:
        return os.statvfs(path.parent).f_bavail == 0
    except OSError:
        return False


def _damage(message: str) -> bool:
    m = message.lower()
    return any(w in m for w in ("not a database", "malformed", "corrupt", "quick_check", "disk image"))
