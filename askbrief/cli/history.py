"""``askbrief history``: list, show, export, delete and search saved conversations."""

from __future__ import annotations

from ..errors import UsageError
from .common import Parser, err, file_arg, print_turn, text_width, use_color, warn_all


def add_history(sub) -> None:
    p = sub.add_parser("history", help="list, show, export, delete and search saved conversations",
                       description="Saved conversations: every 'ask' and chat is kept unless --no-history. "
                                   "With no action, list them.")
    acts = p.add_subparsers(dest="action", metavar="ACTION", parser_class=Parser)
    a = acts.add_parser("list", help="saved conversations, newest first")
    a.add_argument("--json", action="store_true", help="print a JSON array")
    a.add_argument("-n", "--limit", type=int, metavar="N", help="at most N conversations")
    a = acts.add_parser("show", help="print a conversation")
    a.add_argument("id", type=int, metavar="ID")
    a.add_argument("--json", action="store_true", help="print it as JSON")
    a = acts.add_parser("export", help="write a conversation as Markdown or JSON")
    a.add_argument("id", type=int, metavar="ID")
    a.add_argument("--format", choices=("md", "json"), default="md", help="md (default) or json")
    file_arg(a.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output"))
    a = acts.add_parser("delete", help="delete a conversation")
    a.add_argument("id", type=int, metavar="ID")
    a = acts.add_parser("search", help="conversations whose questions, answers or evidence hold the words "
                                       "of TEXT, best match first ('does not say' finds abstentions)")
    a.add_argument("text", nargs="+", metavar="TEXT")
    a.add_argument("--json", action="store_true", help="print a JSON array")
    p.set_defaults(func=cmd_history)


def _summary_lines(summaries) -> list[str]:
    from ..render import plural, safe, shorten

    lines = []
    for s in summaries:
        when = s.updated.astimezone().strftime("%Y-%m-%d %H:%M")
        lines.append(f"{s.id:>5}  {when}  {s.turns:>3} {plural(s.turns, 'turn'):<5}  "
                     f"{shorten(safe(s.title), 80)}")
    return lines


def _print_search(hits, as_json: bool) -> int:
    """Conversations found, best first, each with its matching text (words highlighted)."""
    import json

    from ..render import Style, safe, safe_parts, wrap_parts

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

    from ..history import HistoryStore
    from ..render import to_json, to_markdown

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
            print_turn(n, turn.question, turn.answer, color, width)
        return 0
    text = to_json(conv) if action == "show" or args.format == "json" else to_markdown(conv)
    if action == "export" and args.output:
        from ..outputs import write_text

        write_text(args.output, text if text.endswith("\n") else text + "\n")
        err(f"wrote conversation {conv.id} to {args.output}")
        return 0
    print(text.rstrip("\n"), flush=True)
    return 0
