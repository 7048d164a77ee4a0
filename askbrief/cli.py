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
from typing import Any

from .errors import AskbriefError, UsageError, internal_error, show_tracebacks

COMMANDS = ("ask", "chat", "completion", "eval", "history", "index", "paths", "show")
SHELLS = ("bash", "zsh", "fish")
# what a shell completes for an argument that names a file (read by tools/gen_completions.py)
FILE = {"bash": "_shtab_compgen_files", "zsh": "_files", "tcsh": "f", "fish": "file"}
MAX_WARNINGS = 5


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors that exit 2 through main()."""

    def error(self, message: str):
        raise UsageError(f"{message} (see '{self.prog} --help')")


def err(message: str) -> None:
    from .render import safe

    print(f"askbrief: {safe(message)}", file=sys.stderr, flush=True)


def warn_all(warnings: Sequence[str]) -> None:
    for w in warnings[:MAX_WARNINGS]:
        err(f"warning: {w}")
    if len(warnings) > MAX_WARNINGS:
        from .render import plural

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


def _file(action: argparse.Action) -> argparse.Action:
    """Mark an argument as a file name for the shell completion scripts."""
    action.complete = FILE  # type: ignore[attr-defined]
    return action


def _add_corpus(p: argparse.ArgumentParser) -> None:
    _file(p.add_argument("--corpus", action="append", metavar="PATH",
                         help="a file or folder of documents: text, Markdown, PDF, HTML, Word, EPUB, e-mail "
                              "(repeatable; default: $ASKBRIEF_CORPUS, the config file's corpus, or the bundled brief)"))
    p.add_argument("--follow-links", action="store_true",
                   help="also read symbolic links that lead out of the corpus folders (skipped by default)")


def _add_engine(p: argparse.ArgumentParser) -> None:
    p.add_argument("--top-k", type=int, metavar="N", help="passages retrieved per question (default 20)")
    p.add_argument("--min-confidence", type=float, metavar="X",
                   help="no short answer below this confidence, 0..1 (default: the tuned threshold)")
    p.add_argument("--min-sentence-confidence", type=float, metavar="X",
                   help="without a short answer, show the supporting sentence at or above this "
                        "confidence, else abstain, 0..1 (default: the tuned threshold; 1 turns sentence answers off)")


def _settings(args, config=None):
    """Engine settings: the flags, else the config file's values, else the defaults."""
    from .models import Settings

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


def _config():
    """The config file's settings, or None when there is no file: then this costs one stat,
    and neither the config module nor tomllib is imported."""
    from .errors import LocationError
    from .paths import config_path

    try:
        path = config_path()
    except LocationError:  # no home directory: no config file either
        return None
    if not os.path.lexists(path):
        return None
    from .config import load_config

    return load_config(path)


def _corpus(args, config) -> list[str] | None:
    """--corpus, else $ASKBRIEF_CORPUS (read by askbrief.corpus_paths), else the config file's."""
    if args.corpus or os.environ.get("ASKBRIEF_CORPUS", "").strip() or config is None or not config.corpus:
        return args.corpus
    from .errors import ConfigError

    for path in config.corpus:
        if not os.path.exists(path):
            raise ConfigError(f"{config.path}: corpus path not found: {path}")
    return list(config.corpus)


def load_assistant(args, config=None):
    """The brief named by --corpus (or the default), loaded, with its warnings shown."""
    import askbrief

    config = config or _config()
    bar = _Progress(0, unit="files")
    try:
        assistant = askbrief.load(_corpus(args, config), settings=_settings(args, config),
                                  follow_links=args.follow_links, progress=bar.files)
    finally:
        bar.close()
    report = getattr(assistant.brief, "report", None)  # set when the brief came from the cache
    fresh = report is None or bool(report.new or report.updated or report.removed)
    from .corpus import UNSUPPORTED

    # a folder's files of other types are named when the brief is read, not on every question
    warn_all([w for w in assistant.brief.warnings if fresh or not w.endswith(f": {UNSUPPORTED}")])
    if report is not None and fresh and sys.stderr and sys.stderr.isatty():
        from .corpus import read_summary

        counts, skipped = read_summary(assistant.brief.documents, assistant.brief.warnings)
        err(f"read {_counts_text(counts)}" + (f"; skipped {len(skipped)}" if skipped else ""))
    return assistant


def _counts_text(counts: dict[str, int]) -> str:
    total = sum(counts.values())
    parts = ", ".join(f"{n} {fmt}" for fmt, n in counts.items())
    from .render import plural

    return f"{total} {plural(total, 'file')} ({parts})"


# --- ask ---------------------------------------------------------------------------

def _add_ask(sub) -> None:
    p = sub.add_parser("ask", help="answer a question (the default command)",
                       description="Answer a question from the brief. With no question, "
                                   "read one question per line from standard input.")
    p.add_argument("question", nargs="*", help="the question (words may be unquoted)")
    p.add_argument("--json", action="store_true", help="print the answer as JSON (one object per line)")
    p.add_argument("-c", "--continue", dest="continue_", action="store_true",
                   help="continue the last saved conversation: follow-ups use its earlier turns "
                        "(questions on stdin then form one conversation)")
    p.add_argument("--no-history", action="store_true", help="do not save the questions and answers")
    _add_corpus(p)
    _add_engine(p)
    p.set_defaults(func=cmd_ask)


def _questions(args) -> list[tuple[int, str]]:
    """(line number, question) pairs: the one given, or each non-blank line of stdin, numbered
    as an editor numbers them (blank lines count)."""
    from .paths import fs_text

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
    from .render import render_json, render_text, safe

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
            if len(questions) > 1:
                if n:
                    print()
                q = safe(question)
                print(f"\x1b[1;36m? {q}\x1b[0m" if color else f"? {q}")
            print(render_text(ans, color=color, width=width), flush=True)
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
            from .history import HistoryStore

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


# --- history -----------------------------------------------------------------------

def _add_history(sub) -> None:
    p = sub.add_parser("history", help="list, show, export, delete and search saved conversations",
                       description="Saved conversations: every 'ask' and chat is kept unless --no-history. "
                                   "With no action, list them.")
    acts = p.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    a = acts.add_parser("list", help="saved conversations, newest first")
    a.add_argument("--json", action="store_true", help="print a JSON array")
    a.add_argument("-n", "--limit", type=int, metavar="N", help="at most N conversations")
    a = acts.add_parser("show", help="print a conversation")
    a.add_argument("id", type=int, metavar="ID")
    a.add_argument("--json", action="store_true", help="print it as JSON")
    a = acts.add_parser("export", help="write a conversation as Markdown or JSON")
    a.add_argument("id", type=int, metavar="ID")
    a.add_argument("--format", choices=("md", "json"), default="md", help="md (default) or json")
    _file(a.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output"))
    a = acts.add_parser("delete", help="delete a conversation")
    a.add_argument("id", type=int, metavar="ID")
    a = acts.add_parser("search", help="conversations whose questions, answers or evidence hold the words "
                                       "of TEXT, best match first ('does not say' finds abstentions)")
    a.add_argument("text", nargs="+", metavar="TEXT")
    a.add_argument("--json", action="store_true", help="print a JSON array")
    p.set_defaults(func=cmd_history)


def _summary_lines(summaries) -> list[str]:
    from .render import plural, safe, shorten

    lines = []
    for s in summaries:
        when = s.updated.astimezone().strftime("%Y-%m-%d %H:%M")
        lines.append(f"{s.id:>5}  {when}  {s.turns:>3} {plural(s.turns, 'turn'):<5}  "
                     f"{shorten(safe(s.title), 80)}")
    return lines


def _print_search(hits, as_json: bool) -> int:
    """Conversations found, best first, each with its matching text (words highlighted)."""
    import json

    from .render import Style, safe, safe_parts, wrap_parts

    if as_json:
        print(json.dumps([{**h.conversation.model_dump(mode="json"),
                           "match": safe("".join(t for t, _ in h.parts()))} for h in hits],
                         ensure_ascii=False, indent=1))
        return 0
    if not hits:
        err("no saved conversations match")
        return 0
    style, width = Style(use_color()), text_width()
    lines = []
    for line, hit in zip(_summary_lines([h.conversation for h in hits]), hits):
        lines.append(line)
        lines.append(wrap_parts(safe_parts(hit.parts()), style, width, " " * 7, " " * 7))
    print("\n".join(lines), flush=True)
    return 0


def cmd_history(args) -> int:
    """Saved conversations."""
    import json

    from .history import HistoryStore
    from .render import render_text, safe, to_json, to_markdown

    action = args.action or "list"
    if action == "list" and getattr(args, "limit", None) is not None and args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    with (HistoryStore() if action == "delete" else HistoryStore.for_reading()) as store:
        if action == "search":
            return _print_search(store.search(" ".join(args.text)), args.json)
        if action == "list":
            found = store.conversations(getattr(args, "limit", None))
            if getattr(args, "json", False):
                print(json.dumps([s.model_dump(mode="json") for s in found], ensure_ascii=False, indent=1))
            elif found:
                print("\n".join(_summary_lines(found)), flush=True)
            else:
                err("no saved conversations")
            return 0
        if action == "delete":
            store.delete(args.id)
            print(f"deleted conversation {args.id}")
            return 0
        conv = store.conversation(args.id)
    warn_all(conv.notes)
    if action == "show" and not args.json:
        color = use_color()
        width = text_width()
        for n, turn in enumerate(conv.turns):
            if n:
                print()
            q = safe(turn.question)
            print(f"\x1b[1;36m? {q}\x1b[0m" if color else f"? {q}")
            print(render_text(turn.answer, color=color, width=width))
        return 0
    text = to_json(conv) if action == "show" or args.format == "json" else to_markdown(conv)
    if action == "export" and args.output:
        from .outputs import write_text

        write_text(args.output, text if text.endswith("\n") else text + "\n")
        err(f"wrote conversation {conv.id} to {args.output}")
        return 0
    print(text.rstrip("\n"), flush=True)
    return 0


# --- index -------------------------------------------------------------------------

def _add_index(sub) -> None:
    p = sub.add_parser("index", help="build or refresh the brief's index cache",
                       description="Build the index of the brief, or bring it up to date: only "
                                   "files added or changed since the last run are read again.")
    _add_corpus(p)
    p.add_argument("--show-variants", action="store_true",
                   help="also list the spellings of one name found in the brief (Haftar/Hifter)")
    p.add_argument("--json", action="store_true", help="print the report as one JSON object")
    p.set_defaults(func=cmd_index)


def cmd_index(args) -> int:
    """Build or refresh the index and say what changed, what was read and what was skipped."""
    import json

    from . import corpus_paths
    from .cache import refresh_index
    from .corpus import read_summary
    from .render import plural, safe
    from .variants import groups_of, term_map

    bar = _Progress(0, unit="files")
    try:
        index, report = refresh_index(corpus_paths(_corpus(args, _config())),
                                      term_map=term_map,  # as askbrief.load() does
                                      follow_links=args.follow_links, progress=bar.files)
    finally:
        bar.close()
    counts, skipped = read_summary(index.brief.documents, report.warnings)
    skipped_paths = {path for path, _ in skipped}
    others = [w for w in report.warnings if not any(w.startswith(f"skipped {p}: ") for p in skipped_paths)]
    groups = groups_of(index.brief) if args.show_variants else None
    if args.json:
        out = {"files": {"new": report.new, "updated": report.updated, "unchanged": report.unchanged,
                         "removed": report.removed},
               "documents": report.documents, "chunks": report.chunks, "formats": counts,
               "skipped": [{"path": p, "reason": r} for p, r in skipped], "warnings": others,
               "cache": str(report.cache) if report.cache else None}
        if groups is not None:
            out["variants"] = groups
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    warn_all(others)
    print(f"files: {report.new} new, {report.updated} updated, {report.unchanged} unchanged, "
          f"{report.removed} removed")
    print(f"documents: {report.documents}, chunks: {report.chunks}")
    print(f"cache: {safe(str(report.cache)) if report.cache else 'not written'}")
    print(f"read: {_counts_text(counts)}")
    if skipped:
        print(f"skipped: {len(skipped)} {plural(len(skipped), 'file')}")
        for path, reason in skipped:
            print(f"  {safe(path)}: {safe(reason)}")
    if groups is not None:
        print(f"name variants: {len(groups)} {plural(len(groups), 'group')}")
        for g in groups:
            print("  " + " / ".join(safe(w) for w in g))
    return 0


# --- show --------------------------------------------------------------------------

def _add_show(sub) -> None:
    p = sub.add_parser("show", help="print a document's text as askbrief read it, or one paragraph",
                       description="Print the text askbrief extracted from a document (what every quote "
                                   "is taken from), paragraph by paragraph, or one paragraph: "
                                   "askbrief show report.pdf ¶4")
    p.add_argument("doc", metavar="DOC", help="the document as a citation names it (report.pdf or report), "
                                               "or its file path")
    p.add_argument("paragraph", nargs="?", metavar="¶N", help="only this paragraph (¶4 or 4)")
    p.add_argument("--json", action="store_true", help="print the document (or paragraph) as JSON")
    _add_corpus(p)
    p.set_defaults(func=cmd_show)


def cmd_show(args) -> int:
    """Print a document's extracted text, or one of its paragraphs."""
    import json

    from .corpus import find_document
    from .render import safe

    number = None
    if args.paragraph is not None:
        raw = args.paragraph.lstrip("¶")
        if not raw.isdigit():
            raise UsageError(f"not a paragraph number: {args.paragraph} (write ¶4 or 4)")
        number = int(raw)
    import askbrief

    # other files' warnings are not this command's
    brief = askbrief.load(_corpus(args, _config()), follow_links=args.follow_links).brief
    doc = find_document(brief, args.doc)
    paras = brief.paragraphs_of(doc.id)
    if number is not None:
        if number >= len(paras):
            raise UsageError(f"{args.doc} has paragraphs ¶0 to ¶{len(paras) - 1}, not ¶{number}")
        paras = [paras[number]]
    rows = [{"paragraph": n, "page": doc.page_at(s), "start": s, "end": e, "text": doc.text[s:e]}
            for n, s, e in paras]
    if args.json:
        head = {"doc": doc.id, "path": doc.path, "format": doc.format, "title": doc.title, "date": doc.date,
                "pages": len(doc.pages) or None}
        print(json.dumps({**head, "paragraphs": rows}, ensure_ascii=False, indent=1))
        return 0
    pages = f", {len(doc.pages)} pages" if doc.pages else ""
    print(" · ".join(x for x in (safe(doc.path), safe(doc.title), doc.date or "", f"{doc.format}{pages}") if x))
    for row in rows:
        where = f"¶{row['paragraph']}" + (f" p. {row['page']}" if row["page"] else "")
        print(f"\n{where}")
        print("\n".join(safe(line) for line in row["text"].split("\n")))
    return 0


# --- paths -------------------------------------------------------------------------

def _add_paths(sub) -> None:
    p = sub.add_parser("paths", help="show where askbrief keeps its files")
    p.add_argument("--json", action="store_true", help="print them as one JSON object")
    p.set_defaults(func=cmd_paths)


def cmd_paths(args) -> int:
    """Print the locations; nothing is created or changed."""
    from . import paths

    config = paths.config_path()
    if args.json:
        import json

        print(json.dumps({"config": paths.fs_text(str(config)),
                          "history": paths.fs_text(str(paths.history_path(create=False))),
                          "cache": paths.fs_text(str(paths.cache_dir(create=False))),
                          "seeds": paths.fs_text(str(paths.seeds_dir()))}, ensure_ascii=False))
        return 0
    print(f"config:  {paths.fs_text(str(config))}{'' if config.is_file() else ' (not present)'}")
    print(f"history: {paths.fs_text(str(paths.history_path(create=False)))}")
    print(f"cache:   {paths.fs_text(str(paths.cache_dir(create=False)))}")
    print(f"seeds:   {paths.fs_text(str(paths.seeds_dir()))}")
    return 0


# --- completion --------------------------------------------------------------------

def _add_completion(sub) -> None:
    p = sub.add_parser("completion", help="print the shell completion script for bash, zsh or fish",
                       description="Print the completion script for SHELL. bash: add "
                                   "'eval \"$(askbrief completion bash)\"' to ~/.bashrc; zsh: "
                                   "askbrief completion zsh > ~/.zfunc/_askbrief (a folder on $fpath); "
                                   "fish: askbrief completion fish > ~/.config/fish/completions/askbrief.fish")
    p.add_argument("shell", choices=SHELLS, metavar="SHELL", help="bash, zsh or fish")
    p.set_defaults(func=cmd_completion)


def cmd_completion(args) -> int:
    """Print a script written ahead of time (tools/gen_completions.py): nothing is generated,
    and nothing is loaded at start-up."""
    from pathlib import Path

    path = Path(__file__).parent / "completions" / f"askbrief.{args.shell}"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise AskbriefError(f"the {args.shell} completion script is missing from this installation "
                            f"({path}: {e.strerror or e})") from None
    sys.stdout.write(text)
    sys.stdout.flush()
    return 0


# --- eval --------------------------------------------------------------------------

def _add_eval(sub) -> None:
    p = sub.add_parser("eval", help="score the assistant on a question file",
                       description="Score the assistant on a question file: SQuAD v1.1/v2.0 JSON, or JSONL "
                                   "with one {\"id\", \"question\" (or \"turns\"), \"answers\"} object a "
                                   "line. A SQuAD file without --corpus brings its own brief: its contexts.")
    _file(p.add_argument("questions", metavar="QUESTIONS", help="the question file (SQuAD JSON or JSONL)"))
    _add_corpus(p)
    _file(p.add_argument("--predictions", metavar="FILE",
                         help="write the SQuAD prediction dict {id: answer or \"\"}"))
    _file(p.add_argument("--details", metavar="FILE",
                         help="write one JSON line per question: its id and the answer as 'ask --json' prints it"))
    _file(p.add_argument("--na-probs", metavar="FILE",
                         help="write the official SQuAD 2.0 script's no-answer probabilities {id: 1 - confidence}"))
    p.add_argument("--json", action="store_true", help="print the whole report as JSON")
    p.add_argument("--min-f1", type=float, metavar="X", help="exit 1 when the overall F1 (0..100) is below X")
    _add_engine(p)
    p.set_defaults(func=cmd_eval)


class _Progress:
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


def cmd_eval(args) -> int:
    """Score the assistant on a question file."""
    import json

    from . import evaluate
    from .render import plural

    if args.min_f1 is not None and not 0.0 <= args.min_f1 <= 100.0:
        raise UsageError("--min-f1 must be between 0 and 100 (F1 is on the SQuAD 0..100 scale)")
    ev = evaluate.prepare(args.questions, args.corpus, _settings(args), follow_links=args.follow_links)
    warn_all(ev.brief.warnings)
    from .outputs import OutputFile

    outputs = {}
    try:
        for name in ("predictions", "details", "na_probs"):
            if getattr(args, name):
                outputs[name] = OutputFile(getattr(args, name))
        details = outputs.get("details")
        results, interrupted = [], False
        progress = _Progress(len(ev))
        try:
            for result in ev.results():
                results.append(result)
                if details:
                    details.write(evaluate.details_line(result) + "\n")
                progress.update(len(results))
        except KeyboardInterrupt:  # ctrl+c, or SIGTERM (see main)
            interrupted = True
        finally:
            progress.close()
        report = ev.report(results, interrupted)
        if "predictions" in outputs:
            outputs["predictions"].write(
                json.dumps(evaluate.predictions(results), ensure_ascii=False, indent=1) + "\n")
        if "na_probs" in outputs:
            outputs["na_probs"].write(json.dumps(evaluate.na_probs(results), indent=1) + "\n")
        failed = []
        for out in outputs.values():
            try:
                out.commit()
            except AskbriefError as e:
                failed.append(e)
    finally:
        for out in outputs.values():
            out.discard()  # nothing left behind on an error; a committed file is not touched
    print(report.model_dump_json(indent=2) if args.json else evaluate.report_table(report), flush=True)
    for e in failed:
        err(f"error: {e}")
    if failed:
        return 1
    if interrupted:
        err(f"interrupted: {report.evaluated} of {report.questions} {plural(report.questions, 'question')} done; "
            "the outputs hold those")
        return 130
    f1 = report.overall.f1
    if args.min_f1 is not None and (f1 is None or f1 < args.min_f1):
        err(f"overall F1 {'n/a (no scored questions)' if f1 is None else f'{f1:.2f}'} "
            f"is below --min-f1 {args.min_f1:g}")
        return 1
    return 0


# --- chat --------------------------------------------------------------------------

def _add_chat(sub) -> None:
    p = sub.add_parser("chat", help="open the chat (bare 'askbrief' in a terminal does too)",
                       description="Open the chat: ask questions, read each answer beside its sources, "
                                   "and keep the conversations.")
    p.add_argument("-c", "--continue", dest="continue_", action="store_true",
                   help="reopen the last conversation")
    p.add_argument("--resume", type=int, metavar="ID", help="reopen conversation ID (see 'askbrief history')")
    _add_corpus(p)
    _add_engine(p)
    p.set_defaults(func=cmd_chat)


def cmd_chat(args) -> int:
    """Open the chat (Textual is imported only here)."""
    from .errors import HistoryError

    if args.continue_ and args.resume is not None:
        raise UsageError("use --continue or --resume ID, not both")
    if not (sys.stdin and sys.stdin.isatty() and sys.stdout.isatty()):
        raise UsageError("the chat needs a terminal; for one question use: askbrief ask \"QUESTION\"")
    config = _config()
    assistant = load_assistant(args, config)
    from .history import HistoryStore

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
        from .tui import make_app

        theme = {"theme": config.theme} if config and config.theme else {}
        make_app(assistant, store, conversation_id, store_error=store_error, **theme).run()
    finally:
        if store is not None:
            store.close()
    return 0


# --- main --------------------------------------------------------------------------

_ADDERS = {"ask": _add_ask, "paths": _add_paths, "index": _add_index, "show": _add_show, "eval": _add_eval,
           "history": _add_history, "chat": _add_chat, "completion": _add_completion}


def build_parser(commands: Sequence[str] = COMMANDS) -> argparse.ArgumentParser:
    """The parser, with the subcommands named in ``commands`` (``run`` builds only the one it
    runs: a one-shot question should not pay for the others' arguments)."""
    parser = _Parser(prog="askbrief",
                     description="Ask questions of a brief (a folder of articles or notes). "
                                 "Answers are quoted verbatim from the sources, with citations.",
                     epilog="askbrief \"QUESTION\" is short for askbrief ask \"QUESTION\"; "
                            "askbrief alone in a terminal opens the chat.")
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, add in _ADDERS.items():
        if name in commands:
            add(sub)
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
