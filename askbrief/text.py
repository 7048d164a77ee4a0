"""The one text analyser, used for chunks and questions alike.

rank_bm25 does no preprocessing, so everything that makes "António" match "Antonio",
"Haftar's" match "Haftar" and "forces" match "force" happens here: NFKC, accents folded,
curly quotes straightened, casefolded, stopwords out, Snowball-stemmed. Token positions
are always taken on the original text, so quotes stay verbatim.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

_STEMMER = Stemmer.Stemmer("english")

# A word: letters/digits with inner apostrophes, dots in numbers, combining marks.
WORD_RE = re.compile(r"[^\W_](?:[\w\u0300-\u036f]|['’](?=[^\W_])|[.,](?=\d))*", re.UNICODE)

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "ʼ": "'", "`": "'",
                         "“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"',
                         "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-"})

STOPWORDS = frozenset("""
a about above after again against all am an and any are aren't as at be because been before
being below between both but by can can't cannot could couldn't did didn't do does doesn't
doing don't down during each few for from further had hadn't has hasn't have haven't having
he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've
if in into is isn't it it's its itself let's me more most mustn't my myself no nor not of off
on once only or other ought our ours ourselves out over own same shan't she she'd she'll she's
should shouldn't so some such than that that's the their theirs them themselves then there
there's these they they'd they'll they're they've this those through to too under until up
very was wasn't we we'd we'll we're we've were weren't what what's when when's where where's
which while who who's whom why why's with won't would wouldn't you you'd you'll you're you've
your yours yourself yourselves s also did does many much whose said says say
""".split())


def fold(text: str) -> str:
    """NFKC, straight quotes, accents removed, casefolded."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    decomposed = unicodedata.normalize("NFD", text)
    if decomposed != text:
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
        text = unicodedata.normalize("NFC", text)
    return text.casefold()


@lru_cache(maxsize=200_000)
def term(word: str) -> str:
    """The index term of one word (already split out), or '' for a stopword."""
    w = fold(word)
    if w.endswith("'s"):
        w = w[:-2]
    w = w.replace("'", "")
    if not w or w in STOPWORDS:
        return ""
    if w[0].isdigit():
        return w.replace(",", "")
    return _STEMMER.stemWord(w)


def words(text: str) -> list[str]:
    return WORD_RE.findall(text)


def tokenize(text: str) -> list[str]:
    """Index terms of a text, in order, stopwords dropped."""
    out = []
    for w in WORD_RE.findall(text):
        t = term(w)
        if t:
            out.append(t)
    return out


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, term) for every word; term is '' for stopwords."""
    return [(m.start(), m.end(), term(m.group())) for m in WORD_RE.finditer(text)]


# Sentence boundaries: end punctuation, optional closing quotes/brackets, whitespace,
# then something that can start a sentence. Abbreviations are checked afterwards.
_SENT_END = re.compile(r"[.!?]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9\u00C0-\u024F])|\n\s*\n|\n(?=\s*[•*\-–—]\s)")
_ABBREV = frozenset("""mr mrs ms dr gen col lt sgt capt maj st jr sr prof rev gov sen rep pres
no vs etc inc ltd co corp dept est fig jan feb mar apr aug sept sep oct nov dec u.s u.n u.k
e.g i.e a.m p.m mt ft approx""".split())


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets within text[start:end], trimmed of whitespace."""
    end = len(text) if end is None else end
    spans = []
    pos = start
    for m in _SENT_END.finditer(text, start, end):
        cut = m.start()
        before = text[pos:cut + 1]
        last = re.search(r"([A-Za-z.]+)\.$", before)
        if last and text[cut] == "." and _is_abbrev(last.group(1)):
            continue
        _add_span(text, pos, m.end(), spans)
        pos = m.end()
    _add_span(text, pos, end, spans)
    return spans


def _is_abbrev(word: str) -> bool:
    w = word.lower().rstrip(".")
    if w in _ABBREV:
        return True
    # single capital initials ("J. Smith") and dotted acronyms ("U.N.")
    return len(w) == 1 or bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]?", w))


def _add_span(text: str, s: int, e: int, spans: list[tuple[int, int]]) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        spans.append((s, e))


def squash(text: str) -> str:
    """Whitespace runs (hard wraps) folded to one space, for display."""
    return " ".join(text.split())
