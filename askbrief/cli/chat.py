"""``askbrief chat``: the Textual app (imported only here)."""

from __future__ import annotations

import sys

from ..errors import UsageError
from .common import add_corpus, add_engine, load_assistant, read_config


def add_chat(sub) -> None:
    p = sub.add_parser("chat", help="open the chat (bare 'askbrief' in a terminal does too)",
                       description="Open the chat: ask questions, read each answer beside its sources, "
                                   "and keep the conversations.")
    p.add_argument("-c", "--continue", dest="continue_", action="store_true",
                   help="reopen the last conversation")
    p.add_argument("--resume", type=int, metavar="ID", help="reopen conversation ID (see 'askbrief history')")
    add_corpus(p)
    add_engine(p)
    p.set_defaults(func=cmd_chat)


def cmd_chat(args) -> int:
    """Open the chat (Textual is imported only here)."""
    from ..errors import HistoryError

    if args.continue_ and args.resume is not None:
        raise UsageError("use --continue or --resume ID, not both")
    if not (sys.stdin and sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("the chat needs a terminal; for one question use: askbrief ask \"QUESTION\"")
    config = read_config()
    assistant = load_assistant(args, config)
    from ..history import HistoryStore

    store, store_error = None, None
    try:
        store = HistoryStore()
    except HistoryError as e:
        if args.continue_ or args.resume is not None:
            raise
        store_error = f"{e}{e.advice}"
    conversation_id = None
    try:
        if args.continue_:
            conversation_id = store.last_id()
        elif args.resume is not None:
            store.conversation(args.resume)  # HistoryError "no conversation N" when unknown
            conversation_id = args.resume
        from ..tui import make_app

        theme = {"theme": config.theme} if config and config.theme else {}
        make_app(assistant, store, conversation_id, store_error=store_error, **theme).run()
    finally:
        if store is not None:
            store.close()
    return 0
