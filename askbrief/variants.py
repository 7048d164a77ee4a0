"""Spelling variants of one name in a brief (Haftar/Hifter, Gaddafi/Gadhafi/Qaddafi/Kadafi),
found from the brief itself: no list of names is written down anywhere.

Two capitalised words are variants when they sound alike (the same consonant skeleton under
a coarse phonetic key: vowels, h, w and y dropped; c/g/k/q, d/t, b/p, f/v, s/z merged;
doubled letters collapsed), are close in spelling (edit distance at most 40% of the longer),
and are used in similar contexts (the words around them) unless they differ by one letter
that sounds alike (Moammar/Muammar). A word the brief ever writes in lowercase is no name.
Two spellings that one document writes as parts of full names ("Maria Lopez ... Mario
Lopez", "Carl Jansen ... Karl Jansen") are two people: a document spells one person one way
(``distinct``). Groups are closed transitively; the most frequent spelling names the group. The
``term_map`` folds every variant's index term to the group's, at index and question time.
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator

import numpy as np

from .counting import ids_of
from .parallel import pmap
from .text import TITLE_ABBREVIATIONS, WORD_RE, fold, term

MIN_LEN = 4
MAX_RATIO = 0.4
MIN_CONTEXT = 0.1
WINDOW = 3

_CLASSES = {**dict.fromkeys("bp", "P"), **dict.fromkeys("fv", "F"), **dict.fromkeys("cgkq", "K"),
            **dict.fromkeys("dt", "T"), **dict.fromkeys("szx", "S"), "j": "J", "l": "L", "m": "M",
            "n": "N", "r": "R"}


def phonetic_key(word: str) -> str:
    out = []
    for ch in fold(word):
        c = _CLASSES.get(ch)
        if c and (not out or out[-1] != c):
            out.append(c)
    return "".join(out)


def edit_distance(a: str, b: str, limit: int | None = None) -> int:
    """Levenshtein distance; with ``limit``, any number above it once the distance must be.

    Myers' bit-parallel algorithm (Hyyrö's formulation): a column of the table is the bits of
    two ints, so a character of ``b`` costs a dozen int operations instead of a row of
    ``len(a)`` Python ``min`` calls (the scan computes ~80,000 distances at 1M paragraphs)."""
    if len(a) > len(b):
        a, b = b, a
    m = len(a)
    if not m:
        return len(b)
    if limit is not None and len(b) - m > limit:
        return limit + 1
    peq: dict[str, int] = {}
    for i, c in enumerate(a):
        peq[c] = peq.get(c, 0) | (1 << i)
    mask, high = (1 << m) - 1, 1 << (m - 1)
    pv, mv, score = mask, 0, m
    for c in b:
        eq = peq.get(c, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | ~(xh | pv)
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = (ph << 1) | 1
        pv = ((mh << 1) | ~(xv | ph)) & mask
        mv = ph & xv
    return score


def _max_distance(longer: int) -> int:
    """The largest edit distance ``d`` with ``d / longer <= MAX_RATIO``, as the scan divides."""
    d = int(MAX_RATIO * longer) + 1
    while d / longer > MAX_RATIO:
        d -= 1
    return d


_VOWELS = set("aeiou")


def _alike(a: str, b: str) -> bool:
    """Same length, one letter swapped for one that sounds alike (Muammar/Moammar, Gaddafi/Qaddafi)."""
    if len(a) != len(b):
        return False
    x, y = next((x, y) for x, y in zip(a, b) if x != y)
    return ((x in _VOWELS and y in _VOWELS) or "h" in (x, y)  # a silent h: Gadhafi/Gaddafi
            or (_CLASSES.get(x) is not None and _CLASSES.get(x) == _CLASSES.get(y)))


def _form(word: str) -> str:
    w = fold(word)
    return re.sub(r"'s$", "", w)


class _Memo(dict):
    """``fn`` of each key, found once."""

    def __init__(self, fn: Callable[[str], str]):
        super().__init__()
        self.fn = fn

    def __missing__(self, key: str) -> str:
        value = self[key] = self.fn(key)
        return value


def _cosine(a: Counter, b: Counter) -> float:
    if not a or not b:
        return 0.0
    dot = sum(v * b[k] for k, v in a.items() if k in b)
    return dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))


def find_groups(texts: Iterable[str], types: Iterable[tuple[str, int]] | None = None,
                holding: Callable[[list[str]], np.ndarray] | None = None) -> list[list[str]]:
    """Groups of spellings (as written, most frequent first) of one name, largest first.

    Two passes, so the work grows with the vocabulary, not with the text: the first counts
    each distinct word once (C-speed ``findall`` into a Counter) and reads capitalised and
    lowercase forms off those counts; only the few forms that could be variants of another
    (same sound, close spelling) need their contexts, and the second pass reads just the
    texts that hold one of their spellings. Groups are exactly those of counting every
    occurrence.

    A brief opened from the cache hands both passes what its build already knows: ``types``,
    every distinct word with its count (so the texts are not read to count them), and
    ``holding(words)``, the chunks whose index terms say they may hold one of the words (so the
    context pass reads those chunks only, with no search of every text)."""
    global _TEXTS
    if not isinstance(texts, Collection):
        texts = list(texts)
    _TEXTS = texts  # what forked workers read
    try:
        return _find_groups(texts, types, holding)
    finally:
        _TEXTS = None


def _find_groups(texts: Collection[str], types, holding) -> list[list[str]]:
    if types is None:
        counted: Counter = Counter()
        for part in _over(_types, texts, ()):
            counted.update(part)
        types = counted.items()
    caps: Counter = Counter()
    lower: Counter = Counter()
    shown: dict[str, Counter] = defaultdict(Counter)
    spelled: dict[str, list[str]] = defaultdict(list)
    for w, n in types:
        f = _form(w)
        if not f.isalpha():
            continue
        if not w[0].isupper():
            lower[f] += n
            continue
        if len(f) < MIN_LEN or not term(w):
            continue
        caps[f] += n
        shown[f][re.sub(r"['’]s$", "", w)] += n
        spelled[f].append(w)
    names = [f for f in caps if not lower[f]]  # a word ever written lowercase is no name
    buckets: dict[str, list[str]] = defaultdict(list)
    for f in names:
        k = phonetic_key(f)
        if len(k) >= 2:
            buckets[k].append(f)
    pairs = _pairs(buckets.values())
    partners: dict[str, set[str]] = defaultdict(set)  # form -> the forms it may be a variant of
    for a, b, _ctx in pairs:
        partners[a].add(b)
        partners[b].add(a)
    forms = set(partners)
    context: dict[str, Counter] = defaultdict(Counter)
    full: dict[str, set] = defaultdict(set)  # form -> documents that write it in a full name and a partner
    surnames: dict[str, set] = defaultdict(set)  # form -> the names written right after it
    if forms:
        form_of = {w: f for f in forms for w in spelled[f]}
        at = holding(list(form_of)) if holding is not None else None
        for part, part_full, part_surnames in _over(_contexts, texts if at is None else at, (form_of, at, dict(partners))):
            for f, c in part.items():
                context[f].update(c)
            for f, docs in part_full.items():
                full[f] |= docs
            for f, after in part_surnames.items():
                surnames[f] |= after
    parent = {f: f for f in names}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    name_terms = functools.cache(lambda: {term(f) for f in names})  # when first needed: few pairs
    for a, b, ctx in pairs:
        if not _apart(a, b, ctx, context, full, surnames, name_terms):
            parent[find(a)] = find(b)
    groups: dict[str, list[str]] = defaultdict(list)
    for f in names:
        groups[find(f)].append(f)
    out = []
    for forms in groups.values():
        if len({term(f) for f in forms}) < 2:
            continue
        forms.sort(key=lambda f: (-caps[f], f))
        out.append([shown[f].most_common(1)[0][0] for f in forms])
    out.sort(key=lambda g: (-len(g), g[0]))
    return out


def _pairs(buckets: Iterable[list[str]]) -> list[tuple[str, str, bool]]:
    """(a, b, whether their contexts decide) for the forms of one sound close in spelling."""
    pairs = []
    term_of = _Memo(term)
    for forms in buckets:
        forms.sort()
        for i, a in enumerate(forms):
            for b in forms[i + 1:]:
                longer = max(len(a), len(b))
                if abs(len(a) - len(b)) / longer > MAX_RATIO or term_of[a] == term_of[b]:
                    continue
                d = edit_distance(a, b, _max_distance(longer))
                if d / longer <= MAX_RATIO:
                    pairs.append((a, b, not (d == 1 and _alike(a, b))))
    return pairs


PARALLEL_MIN = 20_000  # texts: below this a second process costs more than it saves
PARTS = 16
_TEXTS: Collection[str] | None = None


def _over(fn, texts: Collection, arg) -> list:
    """``fn`` over slices of the texts (or of the chunk numbers to read), on every core for a
    large brief: 16 slices, so the last one a worker takes leaves the other core idle for a
    sixteenth of the pass at most over two cores (with 8, the tail was ~10% of its wall at 1M)."""
    n = len(texts)
    k = PARTS if n >= PARALLEL_MIN else 1
    parts = [((n * i) // k, (n * (i + 1)) // k, arg) for i in range(k)]
    return list(pmap(fn, parts, parallel=k > 1))


def _slice(start: int, stop: int) -> Iterable[str]:
    texts = _TEXTS
    if isinstance(texts, _ChunkTexts):
        return (c.text for c in texts.range(start, stop))
    return itertools.islice(texts, start, stop)


def _keyed(start: int, stop: int, at: np.ndarray | None = None) -> Iterable[tuple[object, str]]:
    """(document, text) of some texts (or of the chunks ``at[start:stop]``): a chunk's
    document, else the text's own position."""
    texts = _TEXTS
    if at is not None:  # a brief opened from the cache: its documents by number
        return texts.chunks.texts(at[start:stop])
    if isinstance(texts, _ChunkTexts):
        return ((c.doc, c.text) for c in texts.range(start, stop))
    return enumerate(itertools.islice(texts, start, stop), start)


def _types(part) -> Counter:
    """Every distinct word of some texts, with its count."""
    start, stop, _ = part
    types: Counter = Counter()
    for text in _slice(start, stop):
        types.update(WORD_RE.findall(text))
    return types


def distinct(docs_a: set, docs_b: set) -> bool:
    """Whether two alike spellings are two people: one document writes both as parts of full
    names ("Maria Lopez won ... Mario Lopez came second"). A spelling alone ("Sarraj said")
    or in another document ("Khalifa Hifter" in one agency's article, "Khalifa Haftar" in
    another's) leaves them variants."""
    return bool(docs_a & docs_b)


def _apart(a: str, b: str, ctx: bool, context: dict[str, Counter], full: dict[str, set],
           surnames: dict[str, set], name_terms: Callable[[], set[str]]) -> bool:
    """Whether two alike spellings are two names: their contexts differ (when they decide),
    one document writes both in full names (``distinct``), or they are first names of one
    surname of which nothing alike is said (``_said_apart``)."""
    if (ctx and _cosine(context[a], context[b]) < MIN_CONTEXT) or distinct(full[a], full[b]):
        return True
    return bool(surnames[a] & surnames[b]) and _said_apart(context[a], context[b], name_terms())


def _said_apart(a: Counter, b: Counter, names: set[str]) -> bool:
    """Whether what is said around two first names of one surname, the names left out, has
    nothing in common: "Maria Lopez, the council's finance director" in one article and
    "Mario Lopez scored twice" in another are two people, though each document spells its
    one person one way; "Moammar Gadhafi" / "Muammar Gaddafi" differ in the surname too."""
    return _cosine(*(Counter({t: n for t, n in c.items() if t not in names}) for c in (a, b))) < MIN_CONTEXT


# a capitalised word (and a particle) right before a name, or one right after it
_NAME_BEFORE = re.compile(r"(?<![\w'’.-])([A-Z][\w'’-]+)(?:[ \t]+(?:al|el|bin|ibn|de|da|di|van|von|le|la)[ \t-]|[ \t]+)$")
_NAME_AFTER = re.compile(r"[ \t]+([A-Z][\w'’-]+)")


def _in_full_name(text: str, a: int, b: int) -> tuple[bool, str]:
    """Whether the word at ``text[a:b]`` is part of a full name ("Mario" of "Mario Lopez"), and
    the term of the name written right after it ("lopez"; "" when none)."""
    whole, after = False, ""
    for m in (_NAME_BEFORE.search(text, max(0, a - 40), a), _NAME_AFTER.match(text, b)):
        if m and term(w := m.group(1)) and w.lower() not in TITLE_ABBREVIATIONS:
            whole = True
            after = term(w) if m.re is _NAME_AFTER else after
    return whole, after


def _contexts(part) -> tuple[dict[str, Counter], dict[str, set], dict[str, set]]:
    """The terms around each occurrence of the spellings ``form_of`` maps to their forms, in
    the texts that hold one of them, the documents that write each form as part of a full
    name where one of its ``partners`` (the forms it may be a variant of) is written too, and
    the names written right after it (its surnames). With ``at``, the chunks to read were
    chosen from the postings: no search of every text.

    The words of the texts are found by the C regex engine and laid end to end; finding the
    occurrences (``map(dict.__contains__)``) and the ``WINDOW`` words before and after each
    (in its own text) is NumPy over their positions, and the (form, term) pairs are counted at
    once, each distinct word's term found once. Python runs per occurrence only where a full
    name can tell something (``_full_names``)."""
    start, stop, (form_of, at, partners) = part
    has = re.compile("|".join(map(re.escape, sorted(form_of, key=len, reverse=True)))).search \
        if at is None else bool
    docs, texts, words, sizes = [], [], [], []
    for doc, text in _keyed(start, stop, at):
        if has(text):
            found = WORD_RE.findall(text)
            docs.append(doc)
            texts.append(text)
            words += found
            sizes.append(len(found))
    text_of = np.repeat(np.arange(len(texts), dtype=np.int64), sizes)
    occ = np.flatnonzero(np.fromiter(map(form_of.__contains__, words), dtype=bool, count=len(words)))
    occ_form = [form_of[w] for w in _pick(words, occ)]
    context = _count_contexts(words, text_of, occ, occ_form)
    full, surnames = _full_names(words, text_of, occ, occ_form, docs, texts, partners)
    return context, full, surnames


def _pick(items: list, at: np.ndarray) -> list:
    """``[items[i] for i in at]`` in C."""
    return list(operator.itemgetter(*at.tolist())(items)) if len(at) > 1 else [items[i] for i in at.tolist()]


def _near(text_of: np.ndarray, occ: np.ndarray, d: int) -> tuple[np.ndarray, np.ndarray]:
    """The positions ``d`` words from each occurrence that are in its own text, and which
    occurrences have one."""
    q = occ + d
    ok = (q >= 0) & (q < len(text_of))
    ok[ok] = text_of[q[ok]] == text_of[occ[ok]]
    return q[ok], ok


def _count_contexts(words: list[str], text_of: np.ndarray, occ: np.ndarray, occ_form: list[str]) -> dict[str, Counter]:
    """form -> how often each term is written within ``WINDOW`` words of it (in its own text):
    each distinct word's term found once, the (form, term) pairs counted by NumPy."""
    near: list[str] = []
    near_occ = []  # the occurrence each of them is around
    for d in (*range(-WINDOW, 0), *range(1, WINDOW + 1)):
        q, ok = _near(text_of, occ, d)
        near += _pick(words, q)
        near_occ.append(np.flatnonzero(ok))
    terms: dict[str, int] = {}
    term_no = {w: terms.setdefault(t, len(terms)) if t else -1 for w in set(near) for t in (term(w),)}
    forms = {f: i for i, f in enumerate(dict.fromkeys(occ_form))}
    form_no = ids_of(forms, occ_form)
    near_terms = ids_of(term_no, near)
    near_forms = form_no[np.concatenate(near_occ)] if near_occ else np.empty(0, dtype=np.int64)
    keep = near_terms >= 0
    width = max(len(terms), 1)
    keys, counts = np.unique(near_forms[keep] * width + near_terms[keep], return_counts=True)
    form_names, term_names = list(forms), list(terms)
    context: dict[str, Counter] = defaultdict(Counter)
    for key, n in zip(keys.tolist(), counts.tolist()):
        f, t = divmod(key, width)
        context[form_names[f]][term_names[t]] = n
    return dict(context)


def _full_names(words: list[str], text_of: np.ndarray, occ: np.ndarray, occ_form: list[str], docs: list,
                texts: list[str], partners: dict[str, set[str]]) -> tuple[dict[str, set], dict[str, set]]:
    """The documents that write each form in a full name, where that can tell two people
    apart, and the names written right after it.

    A document in ``full[a]`` counts only if it is in ``full[b]`` too, for a pair (a, b) of
    partners: so an occurrence is looked at only when a partner of its form is written in the
    same document (or the document may go on in another part: the first and last of these
    texts), its document is not known yet to write the form in full, or when a capitalised
    word follows it (a surname; ``_NAME_AFTER`` needs one). Only those occurrences are placed
    in their texts: the words after the last one placed are matched again from its end."""
    full: dict[str, set] = defaultdict(set)
    surnames: dict[str, set] = defaultdict(set)
    if not len(occ):
        return {}, {}
    q, ok = _near(text_of, occ, 1)
    capital_next = np.zeros(len(occ), dtype=bool)
    capital_next[ok] = [w[:1].isupper() for w in _pick(words, q)]
    doc_no = {d: i for i, d in enumerate(dict.fromkeys(docs))}
    occ_doc = [doc_no[docs[k]] for k in text_of[occ].tolist()]
    present: dict[int, set[str]] = defaultdict(set)
    for d, f in zip(occ_doc, occ_form):
        present[d].add(f)
    edge = {0, len(doc_no) - 1}
    tell = {d: {f for f in fs if d in edge or not partners.get(f, set()).isdisjoint(fs)} for d, fs in present.items()}
    first = np.searchsorted(text_of, np.arange(len(texts))).tolist()  # each text's first word
    at_k, at_word, at = -1, 0, 0  # the text read, its next word and where that word's search starts
    for i, k, d, f, cap in zip(occ.tolist(), text_of[occ].tolist(), occ_doc, occ_form, capital_next.tolist()):
        if not cap and (f not in tell[d] or docs[k] in full[f]):
            continue
        text = texts[k]
        if at_k != k:
            at_k, at_word, at = k, first[k], 0
        # the words after the last one placed, matched again from its end, as findall did
        a, at = next(itertools.islice(WORD_RE.finditer(text, at), i - at_word, None)).span()
        at_word = i + 1
        whole, after = _in_full_name(text, a, at)
        if whole:
            full[f].add(docs[k])
        if after:
            surnames[f].add(after)
    return dict(full), dict(surnames)


class _ChunkTexts(Collection):
    """A brief's chunk texts, read again on each pass (never all held at once)."""

    def __init__(self, brief):
        self.chunks = brief.chunks

    def __len__(self) -> int:
        return len(self.chunks)

    def __iter__(self) -> Iterator[str]:
        return (c.text for c in self.chunks)

    def range(self, start: int, stop: int):
        chunks = self.chunks
        return chunks.range(start, stop) if hasattr(chunks, "range") else chunks[start:stop]

    def __contains__(self, text) -> bool:
        return any(text == t for t in self)


def groups_of(brief) -> list[list[str]]:
    types = brief.word_counts() if hasattr(brief, "word_counts") else None
    holding = brief.chunks_holding if types is not None else None
    return find_groups(_ChunkTexts(brief), types, holding)


def term_map(brief) -> dict[str, str]:
    """Index term of each variant -> index term of its group's most frequent spelling."""
    return map_of(groups_of(brief))


def map_of(groups: list[list[str]]) -> dict[str, str]:
    out = {}
    for g in groups:
        canon = term(g[0])
        for w in g[1:]:
            t = term(w)
            if t and t != canon:
                out[t] = canon
    return out
