"""``askbrief ask``: one question, or one a line from stdin; each answer printed and saved."""

from __future__ import annotations

import sys

from ..errors import AskbriefError, UsageError
from .common import add_corpus, add_engine, err, load_assistant, print_turn, text_width, use_color, warn_all


def add_ask(sub) -> None:
    p = sub.add_parser("ask", help="answer a question (the default command)",
                       description="Answer a question from the brief. With no question, "
                                   "read one question per line from standard input.")
    p.add_argument("question", nargs="*", help="the question (words may be unquoted)")
    p.add_argument("--json", action="store_true", help="print the answer as JSON (one object per line)")
    p.add_argument("-c", "--continue", dest="continue_", action="store_true",
                   help="continue the last saved conversation: follow-ups use its earlier turns "
                        "(questions on stdin then form one conversation)")
    p.add_argument("--no-history", action="store_true", help="do not save the questions and answers")
    add_corpus(p)
    add_engine(p)
    p.set_defaults(func=cmd_ask)


def _questions(args) -> list[tuple[int, str]]:
    """(line number, question) pairs: the one given, or each non-blank line of stdin, numbered
    as an editor numbers them (blank lines count)."""
    from ..paths import fs_text

    if args.question:
        return [(1, fs_text(" ".join(args.question)))]
    if sys.stdin is None or sys.stdin.isatty():
        raise UsageError("no question given: askbrief \"Who took Gharyan?\" (or one per line on stdin)")
    raw = getattr(sys.stdin, "buffer", None)
    text = raw.read().decode("utf-8", "surrogateescape") if raw is not None else sys.stdin.read()
    questions = [(n, fs_text(line.strip())) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not questions:
        raise UsageError("no question given: standard input was empty")
    return questions


def cmd_ask(args) -> int:
    from ..render import render_json

    questions = _questions(args)
    if args.question and not " ".join(args.question).strip():
        raise UsageError("the question is empty")
    assistant = load_assistant(args)
    color = use_color()
    width = text_width()
    history = _HistoryLog(save=not args.no_history)
    conversation_id, context = history.last_conversation() if args.continue_ else (None, [])
    fingerprint = assistant.brief.fingerprint
    status = 0
    for n, (line_no, question) in enumerate(questions):
        try:
            ans = assistant.ask(question, context=context)
        except UsageError as e:
            if len(questions) == 1:
                raise
            err(f"error: line {line_no}: {e}")
            status = 2
            continue
        # saved before it is shown: a killed process or a closed pipe loses nothing on screen;
        # without --continue each question is a conversation of its own
        saved_in = history.save(conversation_id if args.continue_ else None, ans, fingerprint)
        if args.continue_:
            conversation_id = saved_in if saved_in is not None else conversation_id
            context.append(ans)
        if args.json:
            print(render_json(ans), flush=True)
        else:
            print_turn(n, question if len(questions) > 1 else None, ans, color, width)
    history.close()
    return status


class _HistoryLog:
    """The history for one run of ``ask``: opened when first needed; a failure is reported
    once on stderr and never stops an answer."""

    def __init__(self, save: bool):
        self.save_turns = save
        self.store = None
        self.failed = False

    def _open(self):
        if self.store is None and not self.failed:
            from ..history import HistoryStore

            try:
                self.store = HistoryStore()
            except AskbriefError as e:
                self._fail(e)
        return self.store

    def _fail(self, e: AskbriefError) -> None:
        if not self.failed:
            err(f"warning: {e}; answering without saving{e.advice}")
        self.failed = True
        self.close()

    def last_conversation(self):
        """(id, answers so far) of the most recently updated conversation, or (None, [])."""
        store = self._open()
        if store is None:
            return None, []
        try:
            cid = store.last_id()
            if cid is None:
                return None, []
            conv = store.conversation(cid)
        except AskbriefError as e:
            self._fail(e)
            return None, []
        warn_all(conv.notes)
        return cid, [t.answer for t in conv.turns]

    def save(self, conversation_id, answer, fingerprint: str):
        """The conversation the answer was saved in, or None when it was not saved."""
        if not self.save_turns:
            return None
        store = self._open()
        if store is None:
            return None
        try:
            return store.add_turn(conversation_id, answer, fingerprint)
        except AskbriefError as e:
            self._fail(e)
            return None

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None
