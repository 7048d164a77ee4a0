"""How the brief uses a name, read fast: the same counts as the regular expressions they replace."""

import random
import re

from askbrief.answer import names
from askbrief.answer.names import Names, kind_counts, usage_counts, whole_word


def _oracle(word: str, text: str, joins_after: str) -> list[tuple[int, int]]:
    """The pattern the counts were read with before: one compiled per word."""
    after = re.escape(joins_after.replace("_", ""))
    return [m.span() for m in re.finditer(r"(?<![\w-])" + re.escape(word) + r"(?![\w" + after + "])", text)]


TRICKY = ["Haftar said Haftar-led forces took Haftar_x and al-Haftar, then Haftars left; Haftar.",
          "AAA AA A-AA AA_ éAA AAé AA2 2AA AA'x AA’s AA-", "Moscow, Russia. Russian Russia’s Russia's",
          "Zürich Zürich's «Zürich» Zürich-based ZürichZürich", "", "AA"]


def test_whole_word_finds_what_the_pattern_found():
    words = ["Haftar", "AA", "A", "Russia", "Zürich", "Z", "Haftar_x", "'s", "", " "]
    rng = random.Random(3)
    alphabet = "AaZ_-'’ .,é2ü"
    texts = TRICKY + ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(300)]
    for text in texts:
        for word in words + ["A", "AZ", "Aa", "a-"]:
            for joins in ("_-", "_'’-"):
                assert list(whole_word(word, text, joins)) == _oracle(word, text, joins), (word, text, joins)


def test_counts_of_the_bundled_brief_are_unchanged_and_compile_no_pattern_per_name(seeds_assistant, monkeypatch):
    texts = [c.text for c in seeds_assistant.index.brief.chunks]
    caps = sorted({w for t in texts for w in re.findall(r"(?<![\w-])[A-Z][\w'’-]*", t)})
    assert len(caps) > 100
    want = {}
    for w in caps:
        place = person = 0
        for t in texts:  # the counts as the pattern read them (usage_counts before)
            for a, b in _oracle(w, t, "_-"):
                before = names._WORD_AROUND.search(t[max(0, a - 30):a])
                after = names._WORD_AFTER.match(t[b:b + 30])
                bw, aw = (before.group(1).lower() if before else ""), (after.group(1).lower() if after else "")
                noun_of = names._NOUN_OF.search(t[max(0, a - 30):a]) if bw == "of" else None
                if bw in names._PLACE_BEFORE or (noun_of and noun_of.group(1).lower() in names._PLACE_NOUN_OF):
                    place += 1
                elif bw in names._PERSON_BEFORE or aw in names._PERSON_AFTER or t[b:b + 2].startswith(", w"):
                    person += 1
        want[w] = (place, person)
    assert want["Tripoli"][0] > want["Tripoli"][1] and want["Haftar"][1] > want["Haftar"][0]
    compiled = []
    real = re.compile
    monkeypatch.setattr(names.re, "compile", lambda *a, **k: compiled.append(a[0]) or real(*a, **k))
    got = {w: usage_counts(w, texts) for w in caps}
    kinds = {w: kind_counts(w, texts) for w in caps[::5]}
    usage = Names(seeds_assistant.index).usage("Haftar")
    assert got == want
    for w, (place, person, thing) in kinds.items():  # kind_counts: usage_counts plus these, as read before
        extra_place = extra_thing = 0
        for t in texts:
            for a, b in _oracle(w, t, "_'’-"):
                if names.placed_after_place(t, a, b):
                    extra_place += 1
                elif names._ARTICLE.search(t[max(0, a - 40):a]) and not re.match(r" [a-z]", t[b:b + 2]):
                    extra_thing += 1
        assert (place, person, thing) == (want[w][0] + extra_place, want[w][1], extra_thing), w
    assert usage[1] > usage[0]
    assert compiled == [], compiled[:3]  # a pattern per name overflowed re's cache (512 patterns)
