"""Work spread over the machine's cores while building an index.

Forked worker processes, not spawned ones: a spawned worker imports the parent's ``__main__``
again, which runs the script of any library user who did not guard it (or fails outright for
``python -`` and notebooks). A fork copies the parent instead, so workers see its objects (the
brief being scanned) without pickling them. Forking a process that runs other threads can
deadlock the child on a lock held at the time, so with other threads alive (the chat), on a
single core, or where fork does not exist, the work runs in this process. A pool that breaks
(a worker killed) is not fatal either: what is left runs here.

The parent's objects are frozen for the garbage collector while workers run (``gc.freeze``):
a forked worker's first full collection would otherwise write to the header of every object
it inherited, so the copy-on-write pages of a large parent (the variant scan forks after the
whole build: millions of words and counters at 10M paragraphs) became each worker's own copy.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _context():
    import multiprocessing
    import threading

    if cores() < 2 or threading.active_count() > 1 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    return multiprocessing.get_context("fork")


def pmap(fn: Callable[[T], R], items: Iterable[T], parallel: bool = True) -> Iterator[R]:
    """``map(fn, items)`` in order, over every core when ``parallel`` and it is safe to fork."""
    items = list(items)
    ctx = _context() if parallel and len(items) > 1 else None
    done = 0
    if ctx is not None:
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        gc.freeze()
        try:
            with ProcessPoolExecutor(cores(), mp_context=ctx) as pool:
                for result in pool.map(fn, items):
                    yield result
                    done += 1
        except (BrokenProcessPool, OSError):
            pass
        finally:
            gc.unfreeze()
    for item in items[done:]:
        yield fn(item)
