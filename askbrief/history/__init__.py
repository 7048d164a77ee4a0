"""The saved history of conversations: ``HistoryStore``.

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

The package: ``schema`` (the numbered migrations), ``database`` (the file: opening, checking,
migrating, one write transaction at a time, SQLite errors in words), ``store`` (conversations
and their turns: saved, listed, read back, deleted) and ``search`` (full-text search and its
hits, imported only when searched).
"""

from .database import utc_now
from .schema import SCHEMA_VERSION
from .store import HistoryStore

__all__ = ["HistoryStore", "SCHEMA_VERSION", "utc_now"]
