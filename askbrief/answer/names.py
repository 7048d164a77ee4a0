"""Names: which are people and which are places, and who "he" and "his" stand for.

One reading of how a name is used (``usage_counts``: place contexts such as "in Gharyan", "the
town of Gharyan"; person contexts such as "Haftar said", "commander Haftar"), used by both
stages, so that a change to it is made in one room:

- ``Names.usage``: the shares of place and person contexts over the first chunks of the brief
  holding a word. The answer ranker reads them as features (``g_place``, ``g_person``) and drops
  a "who" answer the brief clearly uses as a place; antecedents and coreference (``antecedent``,
  ``coref``) rest on it.
- ``kind_in``: PERSON or PLACE for a name of a conversation (``entities``), for the follow-up
  resolver (``followup.py``): a title before it, else the brief's usage (``Names.kind``: the
  shares of the name and of its last word, or a title the brief writes before the whole name)
  or, without a brief, the conversation's own turns counted the same way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from ..index import Index
from ..text import STOPWORDS, WORD_RE, term, tokenize
from .question import PERSON, PLACE, THING
from .spans import SAID, Sentence, Span

# --- how the brief uses a name (the answer stage) ------------------------------------

_PLACE_BEFORE = {"in", "at", "near", "from", "into", "outside", "inside", "across", "toward",
                 "towards", "around", "reach", "reached", "entered", "enter"}
_PLACE_NOUN_OF = {"town", "city", "village", "capital", "region", "province", "district", "port",
                  "country", "state", "island", "outskirts", "south", "north", "east", "west"}
_PERSON_BEFORE = {"president", "minister", "commander", "general", "gen", "mr", "mrs", "ms", "dr",
                  "spokesman", "spokeswoman", "leader", "chief", "secretary-general", "aide", "king",
                  "premier", "marshal", "colonel", "col", "envoy", "ambassador", "official", "director"}
_PERSON_AFTER = SAID | {"who", "whose", "himself", "herself", "ordered", "urged", "called", "warned",
                        "vowed", "described", "met", "visited"}
_USAGE_CHUNKS = 24
_PRONOUN_STEPS = 3  # paragraphs of "he" followed back to the name, two at a time
PERSON_PRONOUN_RE = re.compile(r"\b(?:he|she|him|his|her)\b", re.I)
_WORD_AROUND = re.compile(r"([\w-]+)\W{1,3}$")
_WORD_AFTER = re.compile(r"^(?:['’]s)?\W{0,3}([\w-]+)")
_NOUN_OF = re.compile(r"(\w+)\s+of\s*$")
POSSESSIVE_PRONOUNS = frozenset({"his", "her", "their"})
_PERSON_PRONOUNS = {"he", "she", "him", "his", "her", "himself", "herself"}
_NAME_RE = re.compile(r"(?<![\w-])[A-Z][\w'’-]*")
SUBJECT_PRONOUNS = {"he", "she"}
# '"There is no military solution," he said.': a quotation's speaker ends the sentence
_SAID_END = re.compile(r"[,\"”]\s+(he|she)\s+(?:" + "|".join(sorted(SAID)) + r")\s*\.?\s*$", re.I)
_QUOTE_START = re.compile(r"\s*[\"“]")
_CAP_WORDS = {w.capitalize() for w in ("the", "a", "an", "he", "she", "it", "they", "his", "her",
                                       "their", "this", "that", "in", "on", "at", "but", "and")}


def usage_counts(word: str, texts: Sequence[str]) -> tuple[int, int]:
    """(place contexts, person contexts) of a capitalised word in texts: "in Gharyan", "the
    town of Gharyan" read as a place; "Haftar said", "commander Haftar", "Haftar, who" as a
    person or group. The one reading of a name's kind: the answer stage counts it over the
    brief (``Names.usage``), follow-ups also over a conversation's own turns."""
    place = person = 0
    for text in texts:
        for start, end in whole_word(word, text):
            before = _WORD_AROUND.search(text[max(0, start - 30):start])
            after = _WORD_AFTER.match(text[end:end + 30])
            b = before.group(1).lower() if before else ""
            a = after.group(1).lower() if after else ""
            gap = text[end:end + 2]
            noun_of = _NOUN_OF.search(text[max(0, start - 30):start]) if b == "of" else None
            if b in _PLACE_BEFORE or (noun_of and noun_of.group(1).lower() in _PLACE_NOUN_OF):
                place += 1
            elif b in _PERSON_BEFORE or a in _PERSON_AFTER or gap.startswith(", w"):
                person += 1
    return place, person


def whole_word(word: str, text: str, joins_after: str = "_-"):
    """(start, end) of each place ``word`` stands in ``text`` as a whole word, left to right
    and not overlapping: what ``(?<![\\w-])word(?![\\w-])`` finds (``joins_after``: the
    characters besides letters and digits that may not follow it), without compiling a
    pattern per word. A brief's names are thousands of distinct words: a pattern each cost
    a millisecond to compile and pushed the patterns of the rest of the answer stage out of
    ``re``'s cache."""
    if not word:
        rx = re.compile(r"(?<![\w-])(?![\w" + re.escape(joins_after.replace("_", "")) + r"])")
        yield from (m.span() for m in rx.finditer(text))
        return
    n, size = len(word), len(text)
    i = text.find(word)
    while i >= 0:
        j = i + n
        if (i and (text[i - 1].isalnum() or text[i - 1] in "_-")) or (
                j < size and (text[j].isalnum() or text[j] in joins_after)):
            i = text.find(word, i + 1)
        else:
            yield i, j
            i = text.find(word, j)


# "in Moscow, Russia": a name after a place and a comma; "the United Nations said": a name
# that takes an article and heads its phrase is a body or a thing, never a person
_AFTER_PLACE = re.compile(r"\b(?:" + "|".join(sorted(_PLACE_BEFORE)) + r")\s+[A-Z][\w'’-]*,\s+$")
_ARTICLE = re.compile(r"\b[Tt]he\s+$")


def kind_counts(word: str, texts: Sequence[str]) -> tuple[int, int, int]:
    """(place, person, thing) contexts of a name, for what a pronoun can stand for: those of
    ``usage_counts``, plus a name after a place and a comma ("in Moscow, Russia") as a place
    and a name with an article that heads its phrase ("the United Nations said", not "the
    Gaddafi regime") as a body or thing. Not read by the answer ranker."""
    place, person = usage_counts(word, texts)
    thing = 0
    for text in texts:
        for start, end in whole_word(word, text, "_'’-"):
            before = text[max(0, start - 40):start]
            if placed_after_place(text, start, end):
                place += 1  # "in Moscow, Russia." (not "In Tripoli, Serraj said")
            elif _ARTICLE.search(before) and not re.match(r" [a-z]", text[end:end + 2]):
                thing += 1
    return place, person, thing


def placed_after_place(text: str, a: int, b: int) -> bool:
    """Whether the name at ``text[a:b]`` is written where a place's country or region stands:
    after a place and a comma, and before a stop ("in Moscow, Russia."; not "In Tripoli,
    Serraj said")."""
    return bool(_AFTER_PLACE.search(text[max(0, a - 40):a]) and re.match(r"\s*(?:[.,;:)]|$)", text[b:b + 2]))


_IN_PLACE = re.compile(r"(?:\b(?:in|near|outside|inside|across|towards?|around)|\b(?:"
                       + "|".join(sorted(_PLACE_NOUN_OF)) + r")\s+of)\s+(?:(?:al|el)[- ])?$", re.I)


def written_as_place(text: str, a: int) -> bool:
    """Whether the name at ``text[a:]`` is written as a place where it stands: after "in",
    "near", "outside" ("met in Abu Dhabi"; not "at": "worked at Google") or a place's noun and
    "of" ("the mountain district of Al-Assabaah"). Such a name is no "who", whatever the brief
    says of it elsewhere."""
    return bool(_IN_PLACE.search(text[max(0, a - 30):a]))


# "the district of Al-Assabaah, near Gharyan,": the place after the comma locates the one before
_LOCATOR = re.compile(r"[A-Z][\w'’.-]*,\s+(near|outside|(?:north|south|east|west)(?:-?(?:east|west))?\s+of)\s+$")


def locates_place(text: str, a: int) -> str:
    """The locating word ("near", "outside", "north of") when the name at ``text[a:]`` only
    locates the place named before it and a comma ("Al-Assabaah, near Gharyan"); else "".
    A "where" is answered by the place itself, not by what it is near."""
    m = _LOCATOR.search(text[max(0, a - 60):a])
    return m.group(1) if m else ""


def _spaced(s: Sentence, k: int) -> bool:
    """Whether word ``k`` follows the word before it after a space (the dot of "U.N." kept)."""
    return k < len(s.words) and s.text[s.words[k - 1][1]:s.words[k][0]] in (" ", ". ")


def _name_at(s: Sentence, k: int) -> bool:
    return _spaced(s, k) and _capital(s.words[k][2]) and s.words[k][2] not in _NOT_NAMES


def before_title(s: Sentence, sp: Span, named: bool = False) -> bool:
    """Whether a name-like span modifies the person's title after it: "United Nations" of
    "United Nations chief Antonio Guterres", "U.N." of "U.N. Secretary-General ...": it says
    whose office the title is, not where anything happened nor who did it. ``named``: only when
    the person's name follows the title (the person is named right there; then any word before
    the title modifies it: "Libyan militia" of "Libyan militia commander General Khalifa Hifter"
    is not the "who")."""
    words, k = s.words, sp.last + 1
    if not (named or words[sp.last][2][:1].isupper()) or _possessive(words[sp.last][2]):
        return False
    titled = False
    while _spaced(s, k):
        w = words[k][2]
        if _title_word(w):
            titled, k = True, k + 1
        elif w[:1].isupper() and _spaced(s, k + 1) and _title_word(words[k + 1][2]):
            k += 1  # "Foreign" of "Foreign Minister"
        else:
            break
    return titled and (not named or _name_at(s, k))


def titled_lead(s: Sentence, sp: Span) -> bool:
    """Whether a span is, or begins with, the title of the person named after it: "Foreign
    Minister Sergei Lavrov", "Russian Foreign Minister", "Minister Sergei", "Libyan militia
    commander" (of "... commander General Khalifa Hifter"). For "Which Russian official ...?"
    the title restates the question's noun; the name is the answer."""
    words, last = s.words, None
    for k in range(sp.first, sp.last + 1):
        w = words[k][2]
        if _title_word(w):
            last = k
        elif not w[:1].isupper() or _possessive(w):
            break
    if last is None and _title_word(words[sp.last][2]):
        last = sp.last  # ends in the title: "militia commander"
    if last is None:
        return False
    k = last + 1
    while _spaced(s, k) and _title_word(words[k][2]):
        k += 1  # "commander General Khalifa Hifter"
    return _name_at(s, k)


# the endings of the adjective of a place: "Libyan" (Libya), "Egyptian" (Egypt), "Iraqi" (Iraq)
_ADJECTIVE_ENDS = ("ian", "an", "n", "i")


def _kind_of(name: str, texts_of, titled=lambda word: False) -> str | None:
    """The kind most of a name's contexts say (``kind_counts`` of the whole name and of its
    last word), None on a tie; ``texts_of(word)``: the texts to count in."""
    place, person, thing = kind_counts(name, texts_of(name))
    last = name.split()[-1] if name.split() else name
    if last != name:
        place2, person2, thing2 = kind_counts(last, texts_of(last))
        place, person, thing = place + place2, person + person2, thing + thing2
    if place == person and titled(last):
        return PERSON  # "Bouteflika": the brief writes "President Abdelaziz Bouteflika"
    top = max(place, person, thing)
    if not top or [place, person, thing].count(top) > 1:
        return None
    return PERSON if person == top else PLACE if place == top else THING


class Names:
    """How one brief (an index's) uses its names. One per index (``Names.of``); what it
    works out is cached here, keyed by the word or the sentence it is about."""

    _by_index: WeakKeyDictionary[Index, Names] = WeakKeyDictionary()

    def __init__(self, index: Index):
        self.index = index
        self._usage: dict[str, tuple[float, float]] = {}
        self._coref: dict[tuple[int, int], tuple[dict[int, str], frozenset[str]]] = {}
        self._titled: dict[str, bool] = {}
        self._kinds: dict[str, str | None] = {}
        self._full: dict[tuple[str, int, int], str] = {}

    @classmethod
    def of(cls, index: Index) -> Names:
        names = cls._by_index.get(index)
        if names is None:
            names = cls._by_index[index] = cls(index)
        return names

    def usage(self, word: str) -> tuple[float, float]:
        """How the brief uses a capitalised word: (share of place contexts, of person contexts).

        "in Gharyan", "the town of Gharyan" read as a place; "Haftar said", "commander Haftar",
        "Haftar, who" as a person or group. Counted over the first chunks holding the word, so
        a name is typed by the whole brief, not one sentence.
        """
        if word not in self._usage:
            self._usage[word] = self._count_usage(word)
        return self._usage[word]

    def _texts(self, word: str) -> list[str]:
        """The first chunks of the brief holding a word (its last word's term)."""
        parts = WORD_RE.findall(word)
        t = term(parts[-1]) if parts else ""
        index = self.index
        if not t or t not in index:
            return []
        return [index.brief.chunks[int(cid)].text for cid in index.chunks_with(t, _USAGE_CHUNKS)]

    def _count_usage(self, word: str) -> tuple[float, float]:
        place, person = usage_counts(word, self._texts(word))
        n = place + person + 1.0
        return place / n, person / n

    def kind(self, name: str) -> str | None:
        """PERSON, PLACE or THING (a body or thing: "the United Nations") as the brief uses a
        name (``kind_counts`` of the whole name, and of its last word when the name has
        several: "Minister Sergei Lavrov" types "Sergei Lavrov" though "Lavrov" alone follows
        no title); None when the brief does not say. For follow-ups; the ranker reads ``usage``."""
        if name not in self._kinds:
            self._kinds[name] = _kind_of(name, self._texts, self.titled)
        return self._kinds[name]

    def place_adjective(self, s: Sentence, sp: Span) -> bool:
        """Whether a span ends in the adjective of a place the brief names, before the noun it
        modifies: "Libyan" of "peace talks between Libyan rivals" (Libya), "Russian" of
        "Russian officials". It names neither a person nor a place: the noun after it does."""
        words, j = s.words, sp.last
        if j + 1 >= len(words) or s.text[words[j][1]:words[j + 1][0]] != " " or not words[j + 1][2][:1].islower():
            return False
        w = words[j][2]
        return w[:1].isupper() and any(
            w.endswith(e) and len(w) - len(e) >= 3 and self.kind(w[:-len(e)]) == PLACE for e in _ADJECTIVE_ENDS)

    def titled(self, word: str) -> bool:
        """Does the brief write the word inside a name that follows a person's title
        ("President Abdelaziz Bouteflika")? Read over the first chunks holding it."""
        if word not in self._titled:
            parts = WORD_RE.findall(word)
            t = term(parts[-1]) if parts else ""
            found = False
            if t and t in self.index:
                for cid in self.index.chunks_with(t, _USAGE_CHUNKS):
                    text = self.index.brief.chunks[int(cid)].text
                    if word in text and any(e.titled and word in e.name.split() for e in entities(text)):
                        found = True
                        break
            self._titled[word] = found
        return self._titled[word]

    def antecedent(self, chunk: int, at: int) -> str:
        """The person a pronoun at offset ``at`` of a chunk most likely refers to: the nearest
        name before it, in this chunk or the two before it in the same document, that the brief
        uses as a person (``usage``), followed back along a run of paragraphs that go on saying
        "he" (a spokesman named once, then quoted for four paragraphs: "He also vowed ..." is
        Al-Mesmari's). "" when there is none."""
        return self.written(chunk, at)[0]

    def written(self, chunk: int, at: int) -> tuple[str, int, int]:
        """The person a pronoun stands for (``antecedent``), with where the name is written:
        (the name's last word, its chunk, its offset there); ("", -1, -1) when there is none."""
        chunks = self.index.brief.chunks
        for _ in range(_PRONOUN_STEPS):
            if (found := self._nearest_person(chunk, at))[0]:
                return found
            back = chunk - 2
            if back < 0 or chunks[back].doc != chunks[chunk].doc:
                break
            m = PERSON_PRONOUN_RE.search(chunks[back].text)
            if not m:
                break
            chunk, at = back, m.start()
        return "", -1, -1

    def in_full(self, word: str, chunk: int, back: int = 8) -> str:
        """A person's last name as the document last wrote it in full up to ``chunk``:
        "Al-Mesmari" -> "Ahmed Al-Mesmari"."""
        key = (word, chunk, back)
        if key not in self._full:  # every pronoun of a paragraph asks it again
            self._full[key] = word
            chunks = self.index.brief.chunks
            for k in range(chunk, max(-1, chunk - back), -1):
                if chunks[k].doc != chunks[chunk].doc:
                    break
                full = [e.name for e in entities(chunks[k].text) if re.sub(r"['’]s$", "", e.name.split()[-1]) == word]
                if full:
                    self._full[key] = max(full, key=len)
                    break
        return self._full[key]

    def _nearest_person(self, chunk: int, at: int) -> tuple[str, int, int]:
        """The nearest name before offset ``at`` of a chunk, in it or the two chunks before it
        in the same document, that the brief uses as a person: (its last word, the chunk it
        is written in, its offset there); ("", -1, -1) when there is none."""
        chunks = self.index.brief.chunks
        doc = chunks[chunk].doc
        texts = [(chunk, chunks[chunk].text[:at])]
        for back in (1, 2):
            if chunk - back >= 0 and chunks[chunk - back].doc == doc:
                texts.append((chunk - back, chunks[chunk - back].text))
        for k, text in texts:
            for m in reversed(list(_NAME_RE.finditer(text))):
                word = re.sub(r"['’]s$", "", m.group())
                if m.start() == 0 or text[m.start() - 2:m.start()].strip() in (".", '."', ".”"):
                    if word in _CAP_WORDS:
                        continue
                place, person = self.usage(word)
                if person > 0.3 and person > place:
                    return word, k, m.start()
        return "", -1, -1

    def speakers(self, chunk: int, s: Sentence, before: Sentence | None = None) -> list[tuple[int, str, int, int]]:
        """The person pronouns that do what a sentence says ("he" of '"...," he said.', "She
        warned ..."), each with the person it stands for as the brief writes the name nearest
        before it (``written``): (word index, name, its chunk, its offset there). A quotation
        that goes on after '"...," he said.' (``before``, the sentence before it in its
        paragraph) is said by that "he": its pronoun's index is then in ``before``, negative
        (``k - len(before.words)``)."""
        out = []
        for k, (ws, _we, w, _t) in enumerate(s.words):
            if w.lower() in SUBJECT_PRONOUNS:
                name, at_chunk, at = self.written(chunk, s.start + ws)
                if name:
                    out.append((k, name, at_chunk, at))
        if not out and before is not None and _QUOTE_START.match(s.text) and (m := _SAID_END.search(before.text)):
            k = next(i for i, wd in enumerate(before.words) if wd[0] == m.start(1))
            name, at_chunk, at = self.written(chunk, before.start + m.start(1))
            if name:
                out.append((k - len(before.words), name, at_chunk, at))
        return out

    def owned(self, chunk: int, s: Sentence, sp: Span) -> str:
        """A span after a possessive pronoun read with its owner: "his forces" -> "Haftar's
        forces" when Haftar is the antecedent (``antecedent``); "" for any other span."""
        i = sp.first
        if not i or s.words[i - 1][2].lower() not in POSSESSIVE_PRONOUNS or any(
                w[2][:1].isupper() for w in s.words[i:sp.last + 1]):
            return ""
        owner = self.antecedent(chunk, s.start + s.words[i - 1][0])
        return f"{owner}'s {sp.text}" if owner else ""

    def coref(self, chunk: int, s: Sentence) -> dict[int, str]:
        """The person pronouns of a sentence of a chunk read as their antecedents
        (``antecedent``): word index -> the term of the name's last word. "He said ... whom he
        described as 'terrorists'" is a sentence about Al-Mesmari when he was named just before."""
        return self._read_coref(chunk, s)[0]

    def named(self, chunk: int, s: Sentence) -> frozenset[str]:
        """The terms of the whole names a sentence's person pronouns stand for, as the document
        last wrote them in full: "He also vowed ..." names Ahmed Al-Mesmari, so it holds the
        question "What did Ahmed Al-Mesmari vow ...?" whole, not only its "Al-Mesmari"."""
        return self._read_coref(chunk, s)[1]

    def _read_coref(self, chunk: int, s: Sentence) -> tuple[dict[int, str], frozenset[str]]:
        key = (chunk, s.start)
        if key not in self._coref:
            m = self.index.term_map
            out, named = {}, set()
            for k, (ws, _we, w, _t) in enumerate(s.words):
                if w.lower() in _PERSON_PRONOUNS and (ant := self.antecedent(chunk, s.start + ws)):
                    terms = tokenize(ant)
                    if terms:
                        out[k] = m.get(terms[-1], terms[-1])
                        named.update(m.get(t, t) for t in tokenize(self.in_full(ant, chunk)))
            self._coref[key] = (out, frozenset(named))
        return self._coref[key]


def head_word(sp: Span, s: Sentence) -> str:
    """The last capitalised word of the name a name-like span belongs to ("" when it has
    none): "Abdelaziz" of "Abdelaziz Bouteflika" is read as Bouteflika, the whole name."""
    last = sp.last
    while (last + 1 < len(s.words) and s.words[last + 1][2][:1].isupper()
           and s.words[last + 1][2] not in _CAP_WORDS and not s.words[last][2].endswith(("'s", "’s"))
           and s.text[s.words[last][1]:s.words[last + 1][0]] in (" ", "-")):
        last += 1
    for k in range(last, sp.first - 1, -1):
        w = s.words[k][2]
        if w[:1].isupper():
            return re.sub(r"['’]s$", "", w)
    return ""


# --- names in a few texts (follow-up resolution) -------------------------------------

# capitalised words that start no name, and titles that mark a person
_NOT_NAMES = {w.capitalize() for w in STOPWORDS} | {
    "The", "A", "An", "How", "Who", "What", "When", "Where", "Why", "Which", "Did", "Do", "Does",
    "Is", "Are", "Was", "Were", "Has", "Have", "Can", "Could", "Will", "Would", "Should", "And",
    "But", "Or", "If", "In", "On", "At", "To", "From", "By", "For", "With", "Of", "As", "After",
    "Before", "Since", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"}
_TITLES = {"president", "prime", "minister", "mr", "mrs", "ms", "dr", "gen", "general", "marshal",
           "field", "king", "queen", "prince", "princess", "sheikh", "colonel", "col", "commander",
           "lt", "sgt", "capt", "maj", "spokesman", "spokeswoman", "secretary-general", "envoy",
           "ambassador", "sen", "senator", "gov", "governor", "pope", "sir", "lady", "lord",
           "judge", "chancellor", "premier", "emir", "sultan", "ayatollah", "chief"}
_PARTICLES = {"al", "el", "bin", "ibn", "abu", "de", "da", "di", "du", "van", "von", "der", "la",
              "le", "of", "for", "and"}
_NAME_WORD_RE = re.compile(r"[^\W\d_][\w'’.\-]*(?<![.\-])", re.UNICODE)

@dataclass
class Entity:
    """A name found in a text."""

    name: str        # as shown: "Abdelaziz Bouteflika" (titles dropped)
    terms: frozenset[str]
    titled: bool     # preceded or led by a person's title ("President ...")
    start: int = 0   # position in the text it came from


def entities(text: str) -> list[Entity]:
    """Runs of capitalised words (with name particles inside) in text, in order."""
    out: list[Entity] = []
    words = [(m.start(), m.end(), m.group()) for m in _NAME_WORD_RE.finditer(text)]
    i = 0
    while i < len(words):
        start, end, w = words[i]
        if not _capital(w) or w.rstrip("'’s") in _NOT_NAMES and not _possessive(w):
            i += 1
            continue
        run = [(start, end, w)]
        k = i + 1
        while k < len(words) and not _possessive(run[-1][2]):
            gap = text[run[-1][1]:words[k][0]]
            nxt = words[k][2]
            if gap not in (" ", "-"):
                break
            if _capital(nxt) and nxt not in _NOT_NAMES:
                run.append(words[k])
            elif nxt.lower() in _PARTICLES and k + 1 < len(words) and _capital(words[k + 1][2]):
                run.append(words[k])
            else:
                break
            k += 1
        i = k
        # "UN Secretary-General Antonio Guterres": the name is what follows the last title
        last_title = max((n for n, r in enumerate(run) if _title_word(r[2])), default=-1)
        titled = last_title >= 0
        run = run[last_title + 1:]
        if not run:
            continue
        name = text[run[0][0]:run[-1][1]]
        name = re.sub(r"['’]s$", "", name)
        before = text[max(0, run[0][0] - 40):run[0][0]].split()
        if before and _title_word(before[-1]):
            titled = True
        terms = frozenset(tokenize(name))
        if terms and sum(c.isalnum() for c in name) >= 2:  # not "N" of a broken "U.N."
            out.append(Entity(name, terms, titled, run[0][0]))
    return out


def _title_word(word: str) -> bool:
    w = word.lower().rstrip(".")
    return w in _TITLES or w.rsplit("-", 1)[-1] in _TITLES


def _capital(word: str) -> bool:
    return word[:1].isupper() or word[:3].lower() in ("al-", "el-")


def _possessive(word: str) -> bool:
    return word.endswith(("'s", "’s"))


def kind_in(entity: Entity, texts: Sequence[str], names: Names | None = None) -> str | None:
    """PERSON, PLACE or THING for a name of a conversation: a title before it says person;
    else how the brief uses it (``Names.kind``, the answer stage's reading); without a brief,
    how ``texts`` (the conversation's turns) use it, counted the same way (``kind_counts``).
    None when they do not say."""
    if entity.titled:
        return PERSON
    if names is not None:
        return names.kind(entity.name)
    return _kind_of(entity.name, lambda word: texts)
