"""The pipeline, in order: a loaded brief and a conversation -> ``ask(question)`` -> Answer.

``load`` opens a brief (from the index cache when it can); ``Assistant.ask`` checks the
question, resolves a follow-up's references against the conversation (``followup.py``),
reads the question once (``answer.read``), retrieves passages (``retrieve.py``) and selects
the answer (``answer.select``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from .corpus import Brief, load_brief
from .errors import UsageError
from .models import Answer, Settings

if TYPE_CHECKING:
    from .index import Index

MAX_QUESTION_CHARS = 2000


def corpus_paths(paths: Sequence[str | os.PathLike[str]] | None = None) -> list[str]:
    """The brief to use: the given paths, else $ASKBRIEF_CORPUS, else the bundled seeds."""
    if paths:
        return [str(p) for p in paths]
    env = os.environ.get("ASKBRIEF_CORPUS", "").strip()
    if env:
        return [p for p in env.split(os.pathsep) if p.strip()]
    from .paths import seeds_dir

    return [str(seeds_dir())]


class Assistant:
    """A loaded brief with its index: ask it questions."""

    def __init__(self, brief: Brief, settings: Settings | None = None, index: Index | None = None):
        """``index``: the brief's index when already built (``load`` takes it from the cache)."""
        self.brief = brief
        self.settings = settings or Settings()
        if index is None:
            from .index import build_index
            from .variants import term_map

            # load() has the variants map computed (once per content) and cached with the
            # index; only a brief built in memory is scanned here
            index = build_index(brief, term_map(brief))
        self.index = index

    def ask(self, question: str, settings: Settings | None = None,
            context: Sequence[Answer] = ()) -> Answer:
        """Answer one question. ``context`` is the conversation so far (earlier answers,
        oldest first): follow-up questions are resolved against it."""
        from .answer import read, select
        from .retrieve import search

        settings = settings or self.settings
        started = time.perf_counter()
        typed = check_question(question)
        asked, extra, resolved, unresolved = typed, [], {}, {}  # asked: with its references spelled out
        if context:
            from .followup import resolve, spelled_out

            resolution = resolve(typed, context, self.index)
            resolved, unresolved = resolution.resolved, resolution.unresolved
            asked = spelled_out(typed, resolved)
            extra = resolution.extra_terms + resolution.topic_terms
        q = read(asked, self.index, extra, asked=typed, resolved=resolved, unresolved=unresolved)
        hits = search(self.index, q.search_terms, settings.top_k)
        return select(q, self.index, hits, settings, started=started)


def check_question(question: str) -> str:
    """The question with its whitespace folded; a UsageError when it is empty or too long."""
    q = " ".join(question.split())
    if not q:
        raise UsageError("the question is empty")
    if len(q) > MAX_QUESTION_CHARS:
        raise UsageError(f"the question is too long ({len(q)} characters; at most {MAX_QUESTION_CHARS})")
    return q


def load(paths: Sequence[str | os.PathLike[str]] | None = None, settings: Settings | None = None,
         use_cache: bool = True, follow_links: bool = False,
         progress: Callable[[int, int, int], None] | None = None) -> Assistant:
    """Load a brief (files and folders; default: $ASKBRIEF_CORPUS or the bundled seeds).

    With ``use_cache`` the index is kept in the cache directory and only files that changed
    are read again; problems with the cache are warnings in ``assistant.brief.warnings``.
    Links that lead out of the corpus folders are skipped (a warning names each) unless
    ``follow_links``. ``progress(files done, files, chunks)`` is called while files are read
    (a progress bar)."""
    sources = corpus_paths(paths)
    if not use_cache:
        return Assistant(load_brief(sources, follow_links), settings)
    from .cache import load_index
    from .variants import term_map

    # the variants map is cached with the index
    index, _ = load_index(sources, term_map=term_map, follow_links=follow_links, progress=progress)
    return Assistant(index.brief, settings, index=index)
