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
    r"(?:^|[-_ ])menu|caption|gallery|slideshow|noprint|infobox|navbox|editsection", re.I)
_ROLES = {"navigation", "banner", "contentinfo", "complementary", "dialog", "alertdialog", "search",
          "menu", "menubar"}
_DATE_META = ("article:published_time", "og:published_time", "datepublished", "date", "pubdate",
              "publishdate", "publish-date", "publication_date", "dc.date", "dc.date.issued",
              "dcterms.created", "sailthru.date", "parsely-pub-date", "article.published")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_LD_DATE = re.compile(r'"datePublished"\s*:\s*"(\d{4}-\d{2}-\d{2})')
_DIVIDERS = (1, 2, 6, 9, 12)  # a paragraph's share for its parent, grandparent, ...
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
        self.headings: list[_Node] = []  # every <h1>, before anything is pruned

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
        if tag == "h1":
            self.headings.append(node)
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
    if boilerplate:
        _prune(tb.root, _is_chrome)
        root = _main(tb.root)
        whole = _prose(root)
        _prune(root, lambda node: _is_boilerplate(node, whole))
    else:
        _prune(tb.root, lambda node: node.tag in _DROP)
        root = tb.root
    out = TextBuilder()
    _blocks(root, out)
    return Extracted(text=out.text(), title=_title(tb, root), date=_date(tb, root))


def _is_chrome(node: _Node) -> bool:
    """What is never the article, whatever it holds: scripts, navigation, forms, hidden
    elements, landmarks other than the main one, the page's own header and footer."""
    if node.tag in _DROP:
        return True
    a = node.attrs
    if a.get("role", "").lower() in _ROLES or "hidden" in a or a.get("aria-hidden") == "true":
        return True
    return node.tag in ("header", "footer") and not _inside(node, ("article", "main"))


def _is_boilerplate(node: _Node, whole: int) -> bool:
    """Inside the article: a box whose class or id says banner, share bar, related links,
    newsletter, caption, ... unless it holds most of the article's prose (a "subscriber-preview"
    wrapped around the whole story stays)."""
    if node.tag in ("body", "html", "article", "main") or node.tag in _BLOCK and node.tag != "figcaption":
        return False
    if node.tag != "figcaption" and not _BOILERPLATE.search(
            f"{node.attrs.get('class', '')} {node.attrs.get('id', '')}"):
        return False
    return _prose(node) < 0.5 * whole


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
    """The element that holds the article: the page's ``<article>``, ``<main>`` or
    ``articleBody`` with the most prose, when it holds most of the prose the best-scored
    element holds; else that element, with its siblings that are prose too.

    The score is Readability's (Mozilla's reader view): every paragraph (an element with text of
    its own that is not link text) gives its length to its parent, half to its grandparent and
    less to the three elements above (sites wrap paragraphs in blocks of their own), scaled down
    for names that say comment, sidebar, related, ... and for links; so the element whose
    children are the article's paragraphs wins, wherever a site's markup puts it."""
    scores: dict[int, float] = {}
    nodes: dict[int, _Node] = {}
    for node in root.iter():
        own = _own_prose(node)
        if own < 25:
            continue
        up = node.parent
        for divider in _DIVIDERS:
            if up is None:
                break
            scores[id(up)] = scores.get(id(up), 0.0) + own / divider
            nodes[id(up)] = up
            up = up.parent
    if not scores:
        body = [n for n in root.iter() if n.tag == "body"]
        return body[0] if body else root
    links = _link_shares(root)
    for key, node in nodes.items():
        names = f"{node.attrs.get('class', '')} {node.attrs.get('id', '')}"
        weight = 0.2 if _BOILERPLATE.search(names) else 1.0
        scores[key] *= weight * (1.0 - links[key])
    best = nodes[max(scores, key=scores.__getitem__)]
    semantic = [n for n in root.iter() if n.tag in ("article", "main") or n.attrs.get("role") == "main"
                or "articlebody" in (n.attrs.get("itemprop", "") + n.attrs.get("property", "")).lower()]
    if semantic:
        top = max(semantic, key=_prose)
        if _prose(top) >= 0.5 * _prose(best):
            return top
    return _with_siblings(best, scores, links)


def _link_shares(root: _Node) -> dict[int, float]:
    """Each element's share of link text in its text, in one pass over the tree."""
    shares: dict[int, float] = {}

    def walk(node: _Node, in_link: bool) -> tuple[int, int]:
        total = links = 0
        in_link = in_link or node.tag == "a"
        for c in node.children:
            if isinstance(c, str):
                n = len(c.strip())
                total += n
                links += n if in_link else 0
            else:
                t, k = walk(c, in_link)
                total += t
                links += k
        shares[id(node)] = links / total if total else 0.0
        return total, links

    walk(root, False)
    return shares


def _with_siblings(best: _Node, scores: dict[int, float], links: dict[int, float]) -> _Node:
    """The best element and those of its siblings that score near it or are prose
    paragraphs themselves (a lead paragraph set apart from the story's body)."""
    parent = best.parent
    if parent is None:
        return best
    floor = 0.2 * scores[id(best)]
    kept = [c for c in parent.children if isinstance(c, _Node) and (
        c is best or scores.get(id(c), 0.0) >= floor
        or _own_prose(c) >= 80 and links[id(c)] < 0.25)]
    if kept == [best]:
        return best
    group = _Node("#root", {}, None)
    group.children = kept
    return group


def _own_prose(node: _Node) -> int:
    """Length of the text an element holds itself (its strings and inline children, links
    excluded), not through block children."""
    n = 0
    for c in node.children:
        if isinstance(c, str):
            n += len(c.strip())
        elif c.tag not in _BLOCK and c.tag not in _CONTAINER and c.tag not in ("a", "table", "tr", "td", "th", "tbody"):
            n += _own_prose(c)
    return n


def _prose(node: _Node) -> int:
    """Length of the text an element holds, links excluded."""
    return sum(_own_prose(n) for n in node.iter())


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
    title = clean_inline(tb.title)
    # a headline outside the article (an encyclopedia's page heading) that the <title> repeats
    h1 = next((n for n in tb.headings if clean_inline(n.text()) and clean_inline(n.text()) in title), None)
    return clean_inline(h1.text()) if h1 is not None else title or None


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
