"""History writes for the chat, off the UI thread.

Each answer is handed to one background thread, in order, before it is shown; the chat
waits a moment for the commit (so a killed chat loses nothing on screen) and then shows the
answer whether or not it is saved yet. A write that fails for a reason that can pass (a
lock another process holds, a full disk) is retried until it succeeds, the turn kept in
memory meanwhile: saving is never turned off by it. Only a damaged history stops saving.
Nothing here imports Textual; the screen passes callbacks, called on the saver's thread.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from askbrief.errors import AskbriefError, HistoryDamaged, HistoryError

SAVE_BUSY_S = 1.0  # one write attempt waits this long for another process's lock
RETRY_S = (0.2, 0.5, 1.0, 2.0)  # pauses between attempts, the last one repeated


@dataclass
class ConversationRef:
    """The conversation turns are saved in; ``id`` is set by the first saved turn."""

    id: int | None = None


@dataclass
class PendingTurn:
    conversation: ConversationRef
    answer: object
    fingerprint: str
    done: threading.Event = field(default_factory=threading.Event)


class HistorySaver:
    """Saves turns in order on its own thread, retrying until each is committed.

    ``on_problem(message, damaged)`` is called once when saving starts failing, ``on_saved
    (recovered)`` after each commit (``recovered``: it ends a run of failed attempts)."""

    def __init__(self, store, on_problem: Callable[[str, bool], None],
                 on_saved: Callable[[bool], None] = lambda recovered: None):
        self.store = store
        self.on_problem, self.on_saved = on_problem, on_saved
        self._queue: deque[PendingTurn] = deque()
        self._cond = threading.Condition()
        self._closed = False
        self._writer = None
        self.stopped: str | None = None  # why saving stopped for good (a damaged history)
        self._thread = threading.Thread(target=self._run, name="askbrief-history", daemon=True)
        self._thread.start()

    def save(self, conversation: ConversationRef, answer, fingerprint: str) -> PendingTurn:
        turn = PendingTurn(conversation, answer, fingerprint)
        with self._cond:
            if self.stopped is None:
                self._queue.append(turn)
                self._cond.notify_all()
            else:
                turn.done.set()
        return turn

    @property
    def pending(self) -> int:
        """Turns shown but not yet saved."""
        with self._cond:
            return len(self._queue)

    def wait(self, timeout: float | None = None) -> bool:
        """True once every turn handed over so far is saved (or saving stopped)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._queue and not self._closed:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cond.wait(left)
            return not self._queue

    def close(self) -> None:
        """Stop; turns not saved by now are dropped (the user was asked first)."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout=5)
        if self._writer is not None and self._writer is not self.store:
            self._writer.close()

    # --- the saver's thread ---------------------------------------------------------

    def _open_writer(self):
        """A connection of its own for a real store, so the UI's reads never queue behind a
        write waiting for a lock; any other store object (a test's) is used as it is."""
        from askbrief.history import HistoryStore

        if self._writer is None:
            if isinstance(self.store, HistoryStore):
                self._writer = HistoryStore(self.store.path, self.store.clock, busy_timeout=SAVE_BUSY_S)
            else:
                self._writer = self.store
        return self._writer

    def _run(self) -> None:
        failures = 0
        while True:
            with self._cond:
                while not self._queue and not self._closed:
                    self._cond.wait()
                if self._closed:
                    return
                turn = self._queue[0]
            try:
                writer = self._open_writer()
                turn.conversation.id = writer.add_turn(turn.conversation.id, turn.answer, turn.fingerprint)
            except HistoryDamaged as e:
                self._stop(f"{e}{e.advice}")
                return
            except AskbriefError as e:
                if failures == 0:
                    self.on_problem(_why(e), False)
                failures += 1
                with self._cond:
                    self._cond.wait(RETRY_S[min(failures, len(RETRY_S)) - 1])
                continue
            with self._cond:
                self._queue.popleft()
                self._cond.notify_all()
            turn.done.set()
            self.on_saved(bool(failures))
            failures = 0

    def _stop(self, message: str) -> None:
        with self._cond:
            self.stopped = message
            dropped = list(self._queue)
            self._queue.clear()
            self._cond.notify_all()
        for t in dropped:
            t.done.set()
        self.on_problem(message, True)


def _why(e: AskbriefError) -> str:
    return str(e) if isinstance(e, HistoryError) else f"the history cannot be written: {e}"
