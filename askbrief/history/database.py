"""The history file: opened (read-write, else read-only for the commands that only read),
checked before anything is written, migrated, closed; one write transaction at a time; SQLite's
errors turned into HistoryError subclasses that name the file."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Self

from ..errors import HistoryDamaged, HistoryError, HistoryLocked, LocationError
from .schema import MIGRATIONS, SCHEMA_VERSION

BUSY_TIMEOUT_S = 10.0


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


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


class HistoryFile:
    """One SQLite history file (default: ``paths.history_path()``), open; ``HistoryStore`` reads
    and writes the conversations in it."""

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
                from ..paths import history_path

                path = history_path(create=not readonly)
            self.path = Path(path)
            if self.path.is_dir():
                raise HistoryError(f"the history file {self.path} is a directory")
            if readonly:
                if not self.path.exists():
                    raise HistoryError(f"there is no history file {self.path}")
            else:
                from ..paths import ensure_dir

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
    def for_reading(cls, path: Path | str | None = None) -> Self:
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

    def _rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        try:
            return self._conn().execute(sql, params).fetchall()
        except sqlite3.Error as e:
            raise self._error(e) from e

    def close(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            finally:
                self._db = None

    def __enter__(self) -> Self:
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
