"""The command line: argument parsing, output and exit codes.

This is the only module that prints errors and exits: core code raises AskbriefError
subclasses, ``main()`` turns each into one line on stderr and an exit code (2 for usage
errors, 1 for the rest). ``ASKBRIEF_DEBUG=1`` shows tracebacks.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from .errors import AskbriefError, UsageError

COMMANDS = ("ask", "chat", "eval", "history", "index", "paths")
MAX_WARNINGS = 5


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors that exit 2 through main()."""

    def error(self, message: str):
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _debug() -> bool:
    return os.environ.get("ASKBRIEF_DEBUG", "") not in ("", "0")


def err(message: str) -> None:
    from .render import safe

    print(f"askbrief: {safe(message)}", file=sys.stderr, flush=True)


def warn_all(warnings: Sequence[str]) -> None:
    for w in warnings[:MAX_WARNINGS]:
        err(f"warning: {w}")
    if len(warnings) > MAX_WARNINGS:
        err(f"warning: ... and {len(warnings) - MAX_WARNINGS} more files skipped or repaired")


def use_color(stream=None) -> bool:
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return stream.isatty()


def _add_corpus(p: argparse.ArgumentParser) -> None:
    p.add_argument("--corpus", action="append", metavar="PATH",
                   help="a file or folder of .txt/.md files (repeatable; default: $ASKBRIEF_CORPUS "
                        "or the bundled brief)")


def _add_engine(p: argparse.ArgumentParser) -> None:
    p.add_argument("--top-k", type=int, metavar="N", help="passages retrieved per question (default 20)")
    p.add_argument("--min-confidence", type=float, metavar="X",
                   help="abstain below this confidence, 0..1 (default: the tuned threshold)")


def _settings(args):
    from .models import Settings

    kw = {}
    if getattr(args, "top_k", None) is not None:
        if args.top_k < 1:
            raise UsageError("--top-k must be at least 1")
        kw["top_k"] = args.top_k
    if getattr(args, "min_confidence", None) is not None:
        if not 0.0 <= args.min_confidence <= 1.0:
            raise UsageError("--min-confidence must be between 0 and 1")
        kw["min_confidence"] = args.min_confidence
    return Settings(**kw)


def load_assistant(args):
    """The brief named by --corpus (or the default), loaded, with its warnings shown."""
    import askbrief

    assistant = askbrief.load(args.corpus, settings=_settings(args))
    warn_all(assistant.brief.warnings)
    return assistant


# --- ask ---------------------------------------------------------------------------

def _add_ask(sub) -> None:
    p = sub.add_parser("ask", help="answer a question (the default command)",
                       description="Answer a question from the brief. With no question, "
                                   "read one question per line from standard input.")
    p.add_argument("question", nargs="*", help="the question (words may be unquoted)")
    p.add_argument("--json", action="store_true", help="print the answer as JSON (one object per line)")
    _add_corpus(p)
    _add_engine(p)
    p.set_defaults(func=cmd_ask)


def _questions(args) -> list[str]:
    if args.question:
        return [" ".join(args.question)]
    if sys.stdin is None or sys.stdin.isatty():
        raise UsageError("no question given: askbrief \"Who took Gharyan?\" (or one per line on stdin)")
    lines = [line.strip() for line in sys.stdin.read().splitlines()]
    questions = [q for q in lines if q]
    if not questions:
        raise UsageError("no question given: standard input was empty")
    return questions


def cmd_ask(args) -> int:
    from .render import render_json, render_text, safe

    questions = _questions(args)
    if args.question and not " ".join(args.question).strip():
        raise UsageError("the question is empty")
    assistant = load_assistant(args)
    color = use_color()
    width = min(os.get_terminal_size().columns, 100) if color else 0
    status = 0
    for n, question in enumerate(questions):
        try:
            ans = assistant.ask(question)
        except UsageError as e:
            if len(questions) == 1:
                raise
            err(f"error: line {n + 1}: {e}")
            status = 2
            continue
        if args.json:
            print(render_json(ans), flush=True)
            continue
        if len(questions) > 1:
            if n:
                print()
            q = safe(question)
            print(f"\x1b[1;36m? {q}\x1b[0m" if color else f"? {q}")
        print(render_text(ans, color=color, width=width), flush=True)
    return status


# --- paths -------------------------------------------------------------------------

def _add_paths(sub) -> None:
    p = sub.add_parser("paths", help="show where askbrief keeps its files")
    p.set_defaults(func=cmd_paths)


def cmd_paths(args) -> int:
    from . import paths

    print(f"history: {paths.history_path()}")
    print(f"cache:   {paths.cache_dir()}")
    print(f"seeds:   {paths.seeds_dir()}")
    return 0


# --- main --------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    from . import __name__ as _pkg  # noqa: F401  (keeps the import graph obvious)

    parser = _Parser(prog="askbrief",
                     description="Ask questions of a brief (a folder of articles or notes). "
                                 "Answers are quoted verbatim from the sources, with citations.",
                     epilog="askbrief \"QUESTION\" is short for askbrief ask \"QUESTION\"; "
                            "askbrief alone in a terminal opens the chat.")
    parser.add_argument("--version", action="version", version=f"askbrief {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    _add_ask(sub)
    _add_paths(sub)
    return parser


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("askbrief")
    except Exception:
        return "unknown"


def _route(argv: list[str]) -> list[str]:
    """Make ``ask`` the default command; bare ``askbrief`` in a terminal is the chat."""
    if not argv:
        return ["chat"] if sys.stdin is not None and sys.stdin.isatty() else ["ask"]
    if argv[0] in COMMANDS or argv[0] in ("-h", "--help", "--version"):
        return argv
    return ["ask", *argv]


def run(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(_route(argv))
    if not getattr(args, "func", None):
        raise UsageError(f"unknown command (see 'askbrief --help')")
    return args.func(args)


def main(argv: Sequence[str] | None = None) -> None:
    try:
        code = run(argv)
    except AskbriefError as e:
        if _debug():
            import traceback

            traceback.print_exc()
        err(f"error: {e}")
        code = e.exit_code
    except KeyboardInterrupt:
        err("interrupted")
        code = 130
    except BrokenPipeError:
        # the reader went away (askbrief ... | head): nothing more to say
        try:
            sys.stdout = None  # type: ignore[assignment]
        finally:
            os._exit(0)
    except Exception as e:  # a bug: one line, unless debugging
        if _debug():
            raise
        err(f"internal error: {type(e).__name__}: {e} (set ASKBRIEF_DEBUG=1 for details)")
        code = 1
    sys.exit(code)
