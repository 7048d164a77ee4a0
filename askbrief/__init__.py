"""askbrief: ask questions of a brief, get answers quoted from it with citations.

    >>> import askbrief
    >>> assistant = askbrief.load()            # the bundled brief, or paths to files/folders
    >>> answer = assistant.ask("Who took Gharyan?")
    >>> answer.answer, answer.citations[0].doc
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence

from .corpus import Brief, load_brief
from .errors import AskbriefError, CorpusError, UsageError
from .models import ABSTAIN_TEXT, Answer, Chunk, Citation, Document, Hit, Retrieved, Settings

__all__ = ["ABSTAIN_TEXT", "Answer", "Assistant", "AskbriefError", "Brief", "Chunk", "Citation",
           "CorpusError", "Document", "Hit", "Retrieved", "Settings", "UsageError",
           "corpus_paths", "load"]

MAX_QUESTION_CHARS = 2000


def corpus_paths(paths: Sequence[str | os.PathLike] | None = None) -> list[str]:
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

    def __init__(self, brief: Brief, settings: Settings | None = None, index=None):
        """``index``: the brief's index when already built (``load`` takes it from the cache)."""
        from .index import build_index

        self.brief = brief
        self.settings = settings or Settings()
        from .variants import term_map

        # an index passed in is complete: load() has the variants map computed (once per
        # content) and cached with it; scanning again here would cost every start-up
        self.index = index if index is not None else build_index(brief, term_map(brief))

    def ask(self, question: str, settings: Settings | None = None,
            context: Sequence[Answer] = ()) -> Answer:
        """Answer one question. ``context`` is the conversation so far (earlier answers,
        oldest first): follow-up questions are resolved against it."""
        from .answer import select
        from .retrieve import search
        from .text import tokenize

        settings = settings or self.settings
        t0 = time.perf_counter()
        question = check_question(question)
        extra: list[str] = []
        resolved: dict[str, str] = {}
        asked = question  # what the engine reads: a follow-up with its references spelled out
        if context:
            from .conversation import resolve, spelled_out

            resolution = resolve(question, context, self.index)
            extra, resolved = resolution.extra_terms, resolution.resolved
            asked = spelled_out(question, resolved)
            own = set(tokenize(asked))
            extra = [t for t in dict.fromkeys(extra + resolution.topic_terms) if t not in own]
        hits = search(self.index, tokenize(asked) + extra, settings.top_k)
        fields = select(asked, self.index, hits, settings, extra_terms=extra)
        return Answer(question=question, elapsed_ms=round((time.perf_counter() - t0) * 1000, 2),
                      resolved=resolved, **fields)


def check_question(question: str) -> str:
    q = " ".join(question.split())
    if not q:
        raise UsageError("the question is empty")
    if len(q) > MAX_QUESTION_CHARS:
        raise UsageError(f"the question is too long ({len(q)} characters; at most {MAX_QUESTION_CHARS})")
    return q


def load(paths: Sequence[str | os.PathLike] | None = None, settings: Settings | None = None,
         use_cache: bool = True, progress=None) -> Assistant:
    """Load a brief (files and folders; default: $ASKBRIEF_CORPUS or the bundled seeds).

    With ``use_cache`` the index is kept in the cache directory and only files that changed
    are read again; problems with the cache are warnings in ``assistant.brief.warnings``.
    ``progress(files done, files, chunks)`` is called while files are read (a progress bar)."""
    sources = corpus_paths(paths)
    if not use_cache:
        return Assistant(load_brief(sources), settings)
    from .cache import load_index
    from .variants import term_map

    index, _ = load_index(sources, term_map=term_map, progress=progress)  # the variants map is cached with it
    return Assistant(index.brief, settings, index=index)
