"""Files the user asks for: exports and ``askbrief eval`` outputs.

Each is written owner-only (0600) to a temporary file beside it and renamed into place once
complete, so a full disk or a killed process never leaves a half file under the name asked
for (an existing file of that name stays as it was). Text UTF-8 refuses (a file name's
undecodable bytes) is written escaped, never an encoding error.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from .errors import OutputError, UsageError

_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))


def problem(e: OSError) -> str:
    """An OSError in words: "the disk is full" for ENOSPC and quotas."""
    return "the disk is full" if e.errno in _FULL else (e.strerror or str(e))


class OutputFile:
    """One output file being written; ``commit()`` puts it in place, ``discard()`` drops it.

    A write that fails is remembered, not raised, so a long run (an evaluation) carries on
    and its report is still printed; ``commit()`` then raises OutputError with the reason."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.error: OutputError | None = None
        if self.path.is_dir():
            raise UsageError(f"cannot write {path}: it is a directory")
        try:
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp")
        except OSError as e:
            if e.errno in _FULL:
                raise OutputError(f"cannot write {path}: {problem(e)}") from None
            raise UsageError(f"cannot write {path}: {problem(e)}") from None
        self._tmp: str | None = tmp
        self._file = os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace")

    def write(self, text: str) -> None:
        if self.error is None:
            try:
                self._file.write(text)
            except OSError as e:
                self._fail(e)

    def _fail(self, e: OSError) -> None:
        self.error = OutputError(f"cannot write {self.path}: {problem(e)}; nothing was written there")
        self.discard()

    def commit(self) -> None:
        """Flush, sync and rename into place; OutputError when any write failed."""
        if self.error is None and self._tmp is not None:
            try:
                self._file.flush()
                os.fsync(self._file.fileno())
                self._file.close()
                os.replace(self._tmp, self.path)
                self._tmp = None
            except OSError as e:
                self._fail(e)
        if self.error is not None:
            raise self.error

    def discard(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self._file.close()
        if self._tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._tmp)
            self._tmp = None


def write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` to ``path`` whole (0600) or not at all."""
    out = OutputFile(path)
    out.write(text)
    out.commit()
