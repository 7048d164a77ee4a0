"""Article extraction from saved web pages: askbrief's HTML reader beside its peers.

Run by hand (pytest does not collect it). The peers are measured when installed:

    pip install trafilatura lxml_html_clean html-text selectolax readability-lxml
    python tests/benchmarks/bench_html.py

The pages are ``tests/data/formats/web/*.html``, eight saved pages in the shapes of real sites
(a WordPress post, a news site of div soup, an encyclopedia page, a press release, a long read,
a local paper with a paywall teaser, a company blog with a mega-menu, a table-layout page),
written for these measurements by someone who had not seen askbrief's reader (and
``tests/data/formats/web-heldout``: eight more by another writer, in other shapes, scored in
aggregate only: ``python tests/benchmarks/bench_html.py tests/data/formats/web-heldout``). Each has a
``.json`` beside it: the article's paragraphs as a reader reads them, 8-15 snippets of the page
around the article (menus, banners, comments, footers, captions), the title and the date.

Printed per extractor: the share of article paragraphs found whole in its text (case and
spaces folded), the share of boilerplate snippets that leaked into it, the title and the date
it found (where it gives them), and the time per page.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "data" / "formats" / "web"
sys.path.insert(0, str(ROOT))


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def askbrief_reader(html: str) -> tuple[str, str | None, str | None]:
    from askbrief.readers.html import extract

    got = extract(html)
    return got.text, got.title, got.date


def trafilatura_reader(html: str):
    import trafilatura

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    if doc is None:
        return "", None, None
    doc = doc if isinstance(doc, dict) else doc.as_dict()
    return doc.get("text") or "", doc.get("title"), doc.get("date")


def html_text_reader(html: str):
    import html_text

    return html_text.extract_text(html), None, None


def selectolax_reader(html: str):
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    for node in tree.css("script, style, noscript"):
        node.decompose()
    body = tree.body
    return (body.text(separator="\n") if body else ""), None, None


def readability_reader(html: str):
    import lxml.html
    from readability import Document

    doc = Document(html)
    text = lxml.html.fromstring(doc.summary()).text_content()
    return text, doc.short_title(), None


EXTRACTORS = {
    "askbrief (html.parser + rules)": askbrief_reader,
    "trafilatura": trafilatura_reader,
    "readability-lxml": readability_reader,
    "html-text": html_text_reader,
    "selectolax (lexbor, body text)": selectolax_reader,
}


def score(reader, pages) -> dict | None:
    kept = leaked = paras = snippets = titles = dates = 0
    seconds = 0.0
    try:
        reader(pages[0][0].read_text(encoding="utf-8"))  # imports, out of the timing
    except ImportError:
        return None
    misses: list[str] = []
    for page, gold in pages:
        html = page.read_text(encoding="utf-8", errors="replace")
        t = time.perf_counter()
        text, title, date = reader(html)
        seconds += time.perf_counter() - t
        text = fold(text)
        found = sum(fold(p) in text for p in gold["article"])
        kept += found
        paras += len(gold["article"])
        leaked += sum(fold(s) in text for s in gold["boilerplate"])
        snippets += len(gold["boilerplate"])
        titles += bool(title) and fold(title) == fold(gold["title"])
        dates += (date or "")[:10] == (gold["date"] or "")
        if found < len(gold["article"]):
            misses.append(f"{page.stem} {found}/{len(gold['article'])}")
    n = len(pages)
    return {"kept": kept / paras, "leaked": leaked / snippets, "titles": titles, "dates": dates,
            "ms": 1000 * seconds / n, "n": n, "misses": misses}


def main() -> None:
    pages = [(p, json.loads(p.with_suffix(".json").read_text(encoding="utf-8")))
             for p in sorted(PAGES.glob("*.html"))]
    print(f"{len(pages)} pages in {PAGES}")
    print(f"{'extractor':32} {'article kept':>12} {'boilerplate leaked':>18} {'titles':>7} {'dates':>6} {'ms/page':>8}")
    for name, reader in EXTRACTORS.items():
        r = score(reader, pages)
        if r is None:
            print(f"{name:32} not installed")
            continue
        print(f"{name:32} {r['kept']:12.1%} {r['leaked']:18.1%} {r['titles']:>4}/{r['n']} "
              f"{r['dates']:>3}/{r['n']} {r['ms']:8.1f}   {', '.join(r['misses'])}", flush=True)


if __name__ == "__main__":
    main()
