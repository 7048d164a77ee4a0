"""Errors meant for people.

The core raises these with a message a user can act on; ``askbrief.cli`` turns them into one
line on stderr and an exit code, and the TUI into a notification. Anything else that
escapes is a bug and is reported as such.
"""

from __future__ import annotations

import os


def show_tracebacks() -> bool:
    """``ASKBRIEF_DEBUG`` set (and not 0): the edges let tracebacks through instead of one line."""
    return os.environ.get("ASKBRIEF_DEBUG", "") not in ("", "0")


def internal_error(e: Exception) -> str:
    """The one line an edge shows for a bug (an exception that is no AskbriefError)."""
    return f"internal error: {type(e).__name__}: {e} (set ASKBRIEF_DEBUG=1 for details)"


class AskbriefError(Exception):
    """Base class: the message is shown to the user as it is."""

    exit_code = 1
    advice = ""  # what the user can do about it, added by the edge after the message


class UsageError(AskbriefError):
    """The command line or the question is wrong (exit 2)."""

    exit_code = 2


class CorpusError(AskbriefError):
    """A brief cannot be read or holds no usable text."""


class QuestionFileError(UsageError):
    """A question file for ``askbrief eval`` is malformed (names the file and line)."""


class ConfigError(UsageError):
    """The config file is malformed or holds an unknown key (names the file and line)."""


class LocationError(AskbriefError):
    """A folder askbrief keeps its files in cannot be made or used (no home, a file in the way)."""


class HistoryError(AskbriefError):
    """The history database cannot be used."""


class HistoryLocked(HistoryError):
    """Another process held the history's write lock for longer than the busy timeout."""


class HistoryDamaged(HistoryError):
    """The history file is not a sound askbrief database; it is kept as it is."""

    def __init__(self, message: str, path: os.PathLike[str] | str | None = None):
        super().__init__(message)
        self.path = path

    @property
    def advice(self) -> str:  # type: ignore[override]
        """How to start afresh: askbrief never moves the file itself."""
        if not self.path:
            return ""
        return f" (to start a new history, move it aside: mv '{self.path}' '{self.path}.damaged')"


class OutputError(AskbriefError):
    """A file the user asked for (an export, an eval output) could not be written whole."""


class CacheError(AskbriefError):
    """An index cache file is damaged or foreign; callers rebuild it."""
