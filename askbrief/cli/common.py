"""What every command shares at the edge: printing errors and warnings, colour and width,
the corpus and engine options, the settings and config file, loading the assistant, and the
progress bar. Nothing here imports a command's own machinery."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

from ..errors import UsageError

# what a shell completes for an argument that names a file (read by tools/gen_completions.py)
FILE = {"bash": "_shtab_compgen_files", "zsh": "_files", "tcsh": "f", "fish": "file"}
MAX_WARNINGS = 5


class Parser(argparse.ArgumentParser):
    """argparse with one-line errors that exit 2 through main()."""

    def error(self, message: str):
        raise UsageError(f"{message} (see '{self.prog} --help')")


def err(message: str) -> None:
    from ..render import safe

    print(f"askbrief: {safe(message)}", file=sys.stderr, flush=True)


def warn_all(warnings: Sequence[str]) -> None:
    for w in warnings[:MAX_WARNINGS]:
        err(f"warning: {w}")
    if len(warnings) > MAX_WARNINGS:
        from ..render import plural

        more = len(warnings) - MAX_WARNINGS
        err(f"warning: ... and {more} more {plural(more, 'file')} skipped or repaired")


def use_color(stream=None) -> bool:
    """Colour on a terminal. ``NO_COLOR`` (any value) and ``TERM=dumb`` turn it off, and win;
    ``FORCE_COLOR`` or ``CLICOLOR_FORCE`` (any value but "" or "0") turn it on when piped."""
    stream = stream or sys.stdout
    env = os.environ
    if env.get("NO_COLOR") or env.get("TERM") == "dumb":
        return False
    if any(env.get(name, "") not in ("", "0") for name in ("FORCE_COLOR", "CLICOLOR_FORCE")):
        return True
    return stream.isatty()


def text_width(stream=None) -> int:
    """Columns to wrap at (at most 100): the terminal's, or ``$COLUMNS`` when set; 0 (lines
    not wrapped) when the output is piped and ``$COLUMNS`` is not set."""
    stream = stream or sys.stdout
    if not (os.environ.get("COLUMNS") or stream.isatty()):
        return 0
    import shutil

    return min(shutil.get_terminal_size().columns, 100)


def print_turn(n: int, question: str | None, answer, color: bool, width: int) -> None:
    """The n-th answer (from 0) as ``ask`` and ``history show`` print it: a blank line before all
    but the first, the question ("? ...", bold cyan in colour) unless it is None, the answer."""
    from ..render import render_text, safe

    if n:
        print()
    if question is not None:
        q = safe(question)
        print(f"\x1b[1;36m? {q}\x1b[0m" if color else f"? {q}")
    print(render_text(answer, color=color, width=width), flush=True)


def file_arg(action: argparse.Action) -> argparse.Action:
    """Mark an argument as a file name for the shell completion scripts."""
    action.complete = FILE  # type: ignore[attr-defined]
    return action


def add_corpus(p: argparse.ArgumentParser) -> None:
    file_arg(p.add_argument("--corpus", action="append", metavar="PATH",
                            help="a file or folder of documents: text, Markdown, PDF, HTML, Word, EPUB, e-mail "
                                 "(repeatable; default: $ASKBRIEF_CORPUS, the config file's corpus, or the bundled brief)"))
    p.add_argument("--follow-links", action="store_true",
                   help="also read symbolic links that lead out of the corpus folders (skipped by default)")


def add_engine(p: argparse.ArgumentParser) -> None:
    p.add_argument("--top-k", type=int, metavar="N", help="passages retrieved per question (default 20)")
    p.add_argument("--min-confidence", type=float, metavar="X",
                   help="no short answer below this confidence, 0..1 (default: the tuned threshold)")
    p.add_argument("--min-sentence-confidence", type=float, metavar="X",
                   help="without a short answer, show the supporting sentence at or above this "
                        "confidence, else abstain, 0..1 (default: the tuned threshold; 1 turns sentence answers off)")


def engine_settings(args, config=None):
    """Engine settings: the flags, else the config file's values, else the defaults."""
    from ..models import Settings

    kw: dict[str, Any] = {}
    if config is not None:
        if config.top_k is not None:
            kw["top_k"] = config.top_k
        for name in ("min_confidence", "min_sentence_confidence"):
            if getattr(config, name) is not None:
                kw[name] = getattr(config, name)
    if getattr(args, "top_k", None) is not None:
        if args.top_k < 1:
            raise UsageError("--top-k must be at least 1")
        kw["top_k"] = args.top_k
    for name in ("min_confidence", "min_sentence_confidence"):
        value = getattr(args, name, None)
        if value is not None:
            if not 0.0 <= value <= 1.0:
                raise UsageError(f"--{name.replace('_', '-')} must be between 0 and 1")
            kw[name] = value
    return Settings(**kw)


def read_config():
    """The config file's settings, or None when there is no file: then this costs one stat,
    and neither the config module nor tomllib is imported."""
    from ..errors import LocationError
    from ..paths import config_path

    try:
        path = config_path()
    except LocationError:  # no home directory: no config file either
        return None
    if not os.path.lexists(path):
        return None
    from ..config import load_config

    return load_config(path)


def corpus_of(args, config) -> list[str] | None:
    """--corpus, else $ASKBRIEF_CORPUS (read by askbrief.corpus_paths), else the config file's."""
    if args.corpus or os.environ.get("ASKBRIEF_CORPUS", "").strip() or config is None or not config.corpus:
        return args.corpus
    from ..errors import ConfigError

    for path in config.corpus:
        if not os.path.exists(path):
            raise ConfigError(f"{config.path}: corpus path not found: {path}")
    return list(config.corpus)


def load_assistant(args, config=None):
    """The brief named by --corpus (or the default), loaded, with its warnings shown."""
    import askbrief

    config = config or read_config()
    bar = Progress(0, unit="files")
    try:
        assistant = askbrief.load(corpus_of(args, config), settings=engine_settings(args, config),
                                  follow_links=args.follow_links, progress=bar.files)
    finally:
        bar.close()
    report = getattr(assistant.brief, "report", None)  # set when the brief came from the cache
    fresh = report is None or bool(report.new or report.updated or report.removed)
    from ..corpus import UNSUPPORTED

    # a folder's files of other types are named when the brief is read, not on every question
    warn_all([w for w in assistant.brief.warnings if fresh or not w.endswith(f": {UNSUPPORTED}")])
    if report is not None and fresh and sys.stderr and sys.stderr.isatty():
        from ..corpus import read_summary

        counts, skipped = read_summary(assistant.brief.documents, assistant.brief.warnings)
        err(f"read {counts_text(counts)}" + (f"; skipped {len(skipped)}" if skipped else ""))
    return assistant


def counts_text(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    parts = ", ".join(f"{n} {fmt}" for fmt, n in counts.items())
    from ..render import plural

    return f"{total} {plural(total, 'file')} ({parts})"


class Progress:
    """A one-line progress bar on stderr, shown only on a terminal and once a run takes a while
    (plain ANSI: Rich would cost the one-shot path its import)."""

    def __init__(self, total: int, delay: float = 0.5, unit: str = "questions"):
        import time

        self.clock = time.monotonic
        self.total, self.delay, self.unit = total, delay, unit
        self.enabled = sys.stderr is not None and sys.stderr.isatty()
        self.start, self.last = self.clock(), float("-inf")
        self.width = 0

    def files(self, done: int, total: int, chunks: int) -> None:
        """The callback of ``askbrief.load``: files read so far, and the chunks they made."""
        self.total = total
        self.update(done, f", {chunks:,} chunks")

    def update(self, done: int, extra: str = "") -> None:
        now = self.clock()
        if not self.enabled or self.total <= 1 or now - self.start < self.delay or \
                (now - self.last < 0.1 and done < self.total):
            return
        self.last = now
        bar = "#" * (30 * done // self.total)
        left = (self.total - done) * (now - self.start) / max(done, 1)
        line = f"\r  [{bar:.<30}] {done}/{self.total} {self.unit}{extra}, {left:.0f} s left "
        self.width = max(self.width, len(line))
        sys.stderr.write(line)
        sys.stderr.flush()

    def close(self) -> None:
        if self.width:
            sys.stderr.write("\r" + " " * self.width + "\r")
            sys.stderr.flush()

