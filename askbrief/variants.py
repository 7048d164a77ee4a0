"""Spelling variants of one name in a brief (Haftar/Hifter, Gaddafi/Gadhafi/Qaddafi/Kadafi),
found from the brief itself: no list of names is written down anywhere.

Two capitalised words are variants when they sound alike (the same consonant skeleton under
a coarse phonetic key: vowels, h, w and y dropped; c/g/k/q, d/t, b/p, f/v, s/z merged;
doubled letters collapsed), are close in spelling (edit distance at most 40% of the longer),
and are used in similar contexts (the words around them) unless they differ by one letter
that sounds alike (Moammar/Muammar). A word the brief ever writes in lowercase is no name. Groups are closed transitively; the most frequent spelling names the group. The
``term_map`` folds every variant's index term to the group's, at index and question time.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from .text import WORD_RE, fold, term

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


def edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


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


def _cosine(a: Counter, b: Counter) -> float:
    if not a or not b:
        return 0.0
    dot = sum(v * b[k] for k, v in a.items() if k in b)
    return dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))


def find_groups(texts: Iterable[str]) -> list[list[str]]:
    """Groups of spellings (as written, most frequent first) of one name, largest first."""
    caps: Counter = Counter()
    lower: Counter = Counter()
    shown: dict[str, Counter] = defaultdict(Counter)
    context: dict[str, Counter] = defaultdict(Counter)
    for text in texts:
        words = [(m.group(), term(m.group())) for m in WORD_RE.finditer(text)]
        for i, (w, t) in enumerate(words):
            f = _form(w)
            if not f.isalpha():
                continue
            if not w[0].isupper():
                lower[f] += 1
                continue
            if len(f) < MIN_LEN or not t:
                continue
            caps[f] += 1
            shown[f][re.sub(r"['’]s$", "", w)] += 1
            for _w, ct in words[max(0, i - WINDOW):i] + words[i + 1:i + 1 + WINDOW]:
                if ct:
                    context[f][ct] += 1
    names = [f for f in caps if not lower[f]]  # a word ever written lowercase is no name
    buckets: dict[str, list[str]] = defaultdict(list)
    for f in names:
        k = phonetic_key(f)
        if len(k) >= 2:
            buckets[k].append(f)
    parent = {f: f for f in names}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for forms in buckets.values():
        forms.sort()
        for i, a in enumerate(forms):
            for b in forms[i + 1:]:
                if term(a) == term(b):
                    continue
                d = edit_distance(a, b)
                if d / max(len(a), len(b)) > MAX_RATIO:
                    continue
                if _cosine(context[a], context[b]) < MIN_CONTEXT and not (d == 1 and _alike(a, b)):
                    continue
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


def groups_of(brief) -> list[list[str]]:
    return find_groups(c.text for c in brief.chunks)


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

