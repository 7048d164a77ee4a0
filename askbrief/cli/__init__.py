"""The command line: argument parsing, routing and exit codes.

This package is the only place that prints errors and exits: core code raises AskbriefError
subclasses, ``main()`` turns each into one line on stderr and an exit code (2 for usage
errors, 1 for the rest). ``ASKBRIEF_DEBUG=1`` shows tracebacks. Each command lives in a
module of its own, imported only when that command runs (or ``--help`` lists them all): a
one-shot question loads neither the evaluation, the history search, nor the chat.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from importlib import import_module

# A question multiplies no matrix worth a thread pool, but NumPy's OpenBLAS starts one per core
# as it is imported, before any is used: a third of the import's time on this 2-core machine
# (235 against 354 ms, medians of 15 alternating). NumPy is first imported after this line; a
# user's own setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from ..errors import AskbriefError, UsageError, internal_error, show_tracebacks
from .common import Parser, err

# command -> the module under askbrief.cli that defines add_<command>(sub), in --help's order
_MODULES = {"ask": "ask", "paths": "paths", "index": "brief", "show": "brief", "eval": "evaluation",
            "history": "history", "chat": "chat", "completion": "completion"}
COMMANDS = tuple(sorted(_MODULES))


def build_parser(commands: Sequence[str] = COMMANDS) -> argparse.ArgumentParser:
    """The parser, with the subcommands named in ``commands`` (``run`` builds only the one it
    runs: a one-shot question should not pay for the others' arguments, nor their modules)."""
    parser = Parser(prog="askbrief",
                    description="Ask questions of a brief (a folder of articles or notes). "
                                "Answers are quoted verbatim from the sources, with citations.",
                    epilog="askbrief \"QUESTION\" is short for askbrief ask \"QUESTION\"; "
                           "askbrief alone in a terminal opens the chat.")
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name, module in _MODULES.items():
        if name in commands:
            getattr(import_module(f"{__name__}.{module}"), f"add_{name}")(sub)
    return parser


class _Version(argparse.Action):
    """``--version``, looked up only when asked for (reading package metadata takes a while)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                 help="show program's version number and exit"):
        super().__init__(option_strings=option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        print(f"askbrief {_version()}", flush=True)
        parser.exit()


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
    if argv[0] in ("--install-completion", "--show-completion"):  # other tools' spelling
        raise UsageError("completion scripts: askbrief completion bash|zsh|fish (see 'askbrief completion --help')")
    return ["ask", *argv]


def _terminated(signum, frame):
    raise KeyboardInterrupt


def run(argv: Sequence[str] | None = None) -> int:
    argv = _route(list(sys.argv[1:] if argv is None else argv))
    if argv[0] != "chat":
        # SIGTERM stops a run as ctrl+c does: eval writes what it finished, nothing is half-saved
        import signal
        import threading

        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, _terminated)
    parser = build_parser((argv[0],) if argv[0] in COMMANDS else COMMANDS)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        raise UsageError("unknown command (see 'askbrief --help')")
    return args.func(args)


def main(argv: Sequence[str] | None = None) -> None:
    try:
        code = run(argv)
    except AskbriefError as e:
        if show_tracebacks():
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
        if show_tracebacks():
            raise
        err(internal_error(e))
        code = 1
    sys.exit(code)
