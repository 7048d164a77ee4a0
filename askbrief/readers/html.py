"""HTML: the article, not the page around it (the standard library's ``html.parser``).

The page is parsed into a small tree; what is not the article is dropped: scripts, styles,
navigation, menus, headers and footers outside the article, asides, forms, dialogs, and any
element whose class, id or role says cookie banner, consent, newsletter, share bar, related
links, comments or advertising. Of what is left, the ``<article>`` (or ``<main>``) with the
most text is read, else the body. Headings, paragraphs, list items, quotes and table rows
become paragraphs; a list item that is all link (a menu that escaped) is dropped.

Title: ``og:title``, else the article's first ``<h1>``, else ``<title>``. Date: the usual
published-date meta tags, JSON-LD ``datePublished``, else the article's first ``<time>``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from . import Extracted, TextBuilder, clean_inline, decode, table_rows

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
         "source", "track", "wbr"}
_DROP = {"script", "style", "noscript", "template", "svg", "nav", "aside", "form", "button",
         "iframe", "select", "dialog", "menu", "canvas", "object", "audio", "video", "head"}
_BLOCK = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt",
          "figcaption", "caption", "address", "summary"}
_CONTAINER = {"div", "section", "article", "main", "body", "header", "footer", "ul", "ol", "dl",
              "figure", "details", "center", "html"}
_BOILERPLATE = re.compile(
    r"cookie|consent|gdpr|banner|newsletter|subscri|signup|sign-up|share|social|related|"
    r"recommend|promo|advert|sponsor|(?:^|[-_ ])ads?(?:$|[-_ ])|sidebar|breadcrumb|comment|"
    r"popup|modal|paywall|masthead|site-?header|site-?footer|skip-?link|navbar|(?:^|[-_ ])nav(?:$|[-_ ])|"
    r"(?:^|[-_ ])menu", re.I)
_ROLES = {"navigation", "banner", "contentinfo", "complementary", "dialog", "alertdialog", "search",
          "menu", "menubar"}
_DATE_META = ("article:published_time", "og:published_time", "datepublished", "date", "pubdate",
              "publishdate", "publish-date", "publication_date", "dc.date", "dc.date.issued",
              "dcterms.created", "sailthru.date", "parsely-pub-date", "article.published")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_LD_DATE = re.compile(r'"datePublished"\s*:\s*"(\d{4}-\d{2}-\d{2})')
_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([\w-]+)", re.I)


class _Node:
    __slots__ = ("tag", "attrs", "children", "parent")

    def __init__(self, tag: str, attrs: dict[str, str], parent: _Node | None):
        self.tag, self.attrs, self.children, self.parent = tag, attrs, [], parent

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, _Node):
                yield from c.iter()

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.cur = _Node("#root", {}, None)
        self.meta: list[dict[str, str]] = []
        self.scripts: list[str] = []
        self.title = ""

    def handle_starttag(self, tag, attrs):
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            self.meta.append(a)
        if tag in _VOID:
            if tag == "br":
                self.cur.children.append("\n")
            return
        if tag in ("p", "li", "dt", "dd", "tr", "td", "th", "option") and self.cur.tag == tag:
            self._close(tag)  # an unclosed <p> or <li> ends at the next one
        node = _Node(tag, a, self.cur)
        self.cur.children.append(node)
        self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self._close(tag)

    def handle_endtag(self, tag):
        self._close(tag)

    def _close(self, tag):
        node = self.cur
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.cur = node.parent

    def handle_data(self, data):
        if self.cur.tag == "title":
            self.title += data
        elif self.cur.tag == "script" and "ld+json" in self.cur.attrs.get("type", ""):
            self.scripts.append(data)
        if not any(n.tag == "pre" for n in self._open()):
            data = data.replace("\r", " ").replace("\n", " ")  # only <br> breaks a line
        self.cur.children.append(data)

    def _open(self):
        node = self.cur
        while node is not None:
            yield node
            node = node.parent


def read(data: bytes, name: str, warnings: list[str]) -> Extracted:
    return extract(_decode(data, name, warnings))


def _decode(data: bytes, name: str, warnings: list[str]) -> str:
    m = _CHARSET.search(data[:4096])
    if m:
        try:
            return data.decode(m.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    text = decode(data, name, warnings)
    if text is None:
        from . import Unreadable

        raise Unreadable("binary file")
    return text


def extract(html: str, boilerplate: bool = True) -> Extracted:
    """The article of a page (``boilerplate=False``: every block of the body, as for an
    e-book chapter)."""
    tb = _TreeBuilder()
    tb.feed(html)
    tb.close()
    _prune(tb.root, _is_boilerplate if boilerplate else (lambda node: node.tag in _DROP))
    root = _main(tb.root) if boilerplate else tb.root
    out = TextBuilder()
    _blocks(root, out)
    return Extracted(text=out.text(), title=_title(tb, root), date=_date(tb, root))


def _is_boilerplate(node: _Node) -> bool:
    if node.tag in _DROP:
        return True
    a = node.attrs
    if a.get("role", "").lower() in _ROLES or "hidden" in a or a.get("aria-hidden") == "true":
        return True
    names = f"{a.get('class', '')} {a.get('id', '')}"
    if node.tag in ("header", "footer") and not _inside(node, ("article", "main")):
        return True
    return node.tag not in ("body", "html", "article", "main") and bool(_BOILERPLATE.search(names))


def _inside(node: _Node, tags) -> bool:
    p = node.parent
    while p is not None:
        if p.tag in tags:
            return True
        p = p.parent
    return False


def _prune(node: _Node, drop) -> None:
    node.children = [c for c in node.children if isinstance(c, str) or not drop(c)]
    for c in node.children:
        if isinstance(c, _Node):
            _prune(c, drop)


def _main(root: _Node) -> _Node:
    for tag in ("article", "main"):
        found = [n for n in root.iter() if n.tag == tag or tag == "main" and n.attrs.get("role") == "main"]
        if found:
            return max(found, key=lambda n: len(n.text()))
    body = [n for n in root.iter() if n.tag == "body"]
    return body[0] if body else root


def _blocks(node: _Node, out: TextBuilder) -> None:
    """Paragraphs in document order: a block element is one paragraph; loose text between
    blocks in a container is one too."""
    loose: list[str] = []

    def flush():
        if loose:
            out.add(clean_inline("".join(loose)))
            loose.clear()

    for c in node.children:
        if isinstance(c, str):
            loose.append(c)
            continue
        if c.tag == "table":
            flush()
            rows = [[cell.text() for cell in tr.children if isinstance(cell, _Node) and cell.tag in ("td", "th")]
                    for tr in c.iter() if tr.tag == "tr"]
            for row in table_rows(rows):
                out.add(row)
        elif c.tag in _BLOCK and not any(isinstance(g, _Node) and (g.tag in _BLOCK or g.tag in _CONTAINER)
                                         for g in c.children):
            flush()
            if c.tag == "li" and _link_share(c) > 0.8:
                continue
            out.add(c.text().strip("\n") if c.tag == "pre" else _lines(c.text()))
        elif c.tag in _BLOCK or c.tag in _CONTAINER or c.tag == "#root":
            flush()
            _blocks(c, out)
        else:
            loose.append(c.text())
    flush()


def _lines(text: str) -> str:
    return "\n".join(clean_inline(line) for line in text.split("\n") if line.strip())


def _link_share(node: _Node) -> float:
    total = len(clean_inline(node.text()))
    links = sum(len(clean_inline(a.text())) for a in node.iter() if a.tag == "a")
    return links / total if total else 0.0


def _meta(tb: _TreeBuilder, *names: str) -> str | None:
    for want in names:
        for m in tb.meta:
            key = (m.get("property") or m.get("name") or m.get("itemprop") or "").lower()
            if key == want and m.get("content", "").strip():
                return m["content"].strip()
    return None


def _title(tb: _TreeBuilder, root: _Node) -> str | None:
    og = _meta(tb, "og:title", "twitter:title")
    if og:
        return clean_inline(og)
    h1 = next((n for n in root.iter() if n.tag == "h1"), None)
    if h1 is not None and clean_inline(h1.text()):
        return clean_inline(h1.text())
    return clean_inline(tb.title) or None


def _date(tb: _TreeBuilder, root: _Node) -> str | None:
    value = _meta(tb, *_DATE_META)
    if not value:
        ld = next((m for s in tb.scripts for m in [_LD_DATE.search(s)] if m), None)
        value = ld.group(1) if ld else None
    if not value:
        t = next((n for n in root.iter() if n.tag == "time" and n.attrs.get("datetime")), None)
        value = t.attrs["datetime"] if t is not None else None
    m = _ISO_DATE.search(value or "")
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}" if m else None
