"""``askbrief index`` and ``askbrief show``: the brief's index cache, and the text askbrief read."""

from __future__ import annotations

from ..errors import UsageError
from .common import Progress, add_corpus, corpus_of, counts_text, read_config, warn_all


def add_index(sub) -> None:
    p = sub.add_parser("index", help="build or refresh the brief's index cache",
                       description="Build the index of the brief, or bring it up to date: only "
                                   "files added or changed since the last run are read again.")
    add_corpus(p)
    p.add_argument("--show-variants", action="store_true",
                   help="also list the spellings of one name found in the brief (Haftar/Hifter)")
    p.add_argument("--json", action="store_true", help="print the report as one JSON object")
    p.set_defaults(func=cmd_index)


def cmd_index(args) -> int:
    """Build or refresh the index and say what changed, what was read and what was skipped."""
    import json

    from .. import corpus_paths
    from ..cache import refresh_index
    from ..corpus import read_summary
    from ..render import plural, safe
    from ..variants import groups_of, term_map

    bar = Progress(0, unit="files")
    try:
        index, report = refresh_index(corpus_paths(corpus_of(args, read_config())),
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
    print(f"read: {counts_text(counts)}")
    if skipped:
        print(f"skipped: {len(skipped)} {plural(len(skipped), 'file')}")
        for path, reason in skipped:
            print(f"  {safe(path)}: {safe(reason)}")
    if groups is not None:
        print(f"name variants: {len(groups)} {plural(len(groups), 'group')}")
        for g in groups:
            print("  " + " / ".join(safe(w) for w in g))
    return 0


def add_show(sub) -> None:
    p = sub.add_parser("show", help="print a document's text as askbrief read it, or one paragraph",
                       description="Print the text askbrief extracted from a document (what every quote "
                                   "is taken from), paragraph by paragraph, or one paragraph: "
                                   "askbrief show report.pdf ¶4")
    p.add_argument("doc", metavar="DOC", help="the document as a citation names it (report.pdf or report), "
                                               "or its file path")
    p.add_argument("paragraph", nargs="?", metavar="¶N", help="only this paragraph (¶4 or 4)")
    p.add_argument("--json", action="store_true", help="print the document (or paragraph) as JSON")
    add_corpus(p)
    p.set_defaults(func=cmd_show)


def cmd_show(args) -> int:
    """Print a document's extracted text, or one of its paragraphs."""
    import json

    from ..corpus import find_document
    from ..render import safe

    number = None
    if args.paragraph is not None:
        raw = args.paragraph.lstrip("¶")
        if not raw.isdigit():
            raise UsageError(f"not a paragraph number: {args.paragraph} (write ¶4 or 4)")
        number = int(raw)
    import askbrief

    # other files' warnings are not this command's
    brief = askbrief.load(corpus_of(args, read_config()), follow_links=args.follow_links).brief
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
