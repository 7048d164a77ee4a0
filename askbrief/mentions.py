"""What an earlier turn mentions besides its names, for follow-ups to point at: the groups its
question names ("the armed groups from Misrata", "Haftar's forces"), the events ("the national
conference"), the one name a "Who is ...?" asks about, the owner a "which town's forces" asks
for, the doing a later "that meeting" stands for; and in its answer's sentence, the phrase a
name only modifies ("the Merrow dam") and the people its "he" and "she" stand for."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .answer.names import PERSON_PRONOUN_RE, Entity, entities
from .answer.question import PERSON, PLACE, THING
from .models import Answer
from .text import STOPWORDS, sentence_spans, term, tokenize

GROUP = "group"

# "the town", "this man", "that group": a demonstrative and a noun naming a kind
KIND_NOUNS = {
    # not "the capital" or "the country": those name one place of their own
    PLACE: "town city village region area place district province port airport base".split(),
    PERSON: "man woman president leader minister commander general spokesman spokeswoman official "
            "envoy aide premier prime king prince marshal".split(),
    GROUP: "group forces army militia militias government party force troops side".split(),
    THING: "conference meeting offensive attack operation plan deal agreement talks event "
           "report statement war campaign ceremony summit election visit protest festival trial".split(),
}

_EVENT_RE = re.compile(r"\b(?:the|its|his|her|their)\s+(?:[\w-]+\s+){0,2}?(?:" + "|".join(KIND_NOUNS[THING]) + r")\b",
                       re.I)
_IDENTITY_RE = re.compile(r"^\s*(?:who|what)(?:['’]s|\s+(?:is|was|are|were))\s+(?:the\s+)?(.+?)[\s?.!]*$", re.I)
GROUP_NOUNS = ("groups forces militias fighters troops men leaders rebels soldiers officials "
               "diplomats authorities supporters").split()
_GROUP_PHRASE_RE = re.compile(
    r"(?:\b[A-Z][\w-]*['’]s\s+(?:[a-z][\w-]*\s+)?(?:" + "|".join(GROUP_NOUNS) + r")\b"
    r"|\b(?:the|these|those|its|his|her|their)\s+(?:[a-z][\w-]*\s+){0,2}(?:people|[a-z][\w-]*[^s\W]s)\s+"
    r"(?:from|of|in)\s+(?:the\s+)?(?:[a-z]+\s+of\s+)?"
    r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)")
_NOT_MODIFIERS = {"what", "which", "who", "did", "do", "does", "the", "how", "many", "much", "when",
                  "where", "why", "were", "was", "are", "is", "these", "those", "its", "his", "her", "their"}


def identity(question: str) -> str | None:
    """The name a "Who is Khalifa Haftar?" / "What is the Libyan National Army?" asks about."""
    m = _IDENTITY_RE.match(question)
    if not m:
        return None
    found = entities(m.group(1))
    return found[0].name if len(found) == 1 and found[0].name == m.group(1).strip() else None


def possessed(question: str) -> str:
    """What a "which town's ..." question asks the owner of: "pro-government forces"."""
    m = re.search(r"\b(?:which|what)\s+[a-z-]+['’]s\s+((?:[a-z][\w-]*\s+){0,2}?(?:"
                  + "|".join(GROUP_NOUNS + ["ministry", "government", "army"]) + r"))\b", question, re.I)
    return m.group(1) if m else ""


def from_where(question: str) -> str:
    """The group a "where ... from" question asks the origin of: "the forces" of "Where were
    the forces from that took back the base?"."""
    m = re.match(r"\s*where\s+(?:were|was|are|is|did|do|does)\s+(the\s+(?:[\w-]+\s+){0,2}?(?:"
                 + "|".join(GROUP_NOUNS) + r"))\b.*\bfrom\b", question, re.I)
    return m.group(1) if m else ""


def groups(question: str) -> list[Entity]:
    """Groups a question names: "the armed groups from Misrata", "Haftar's forces", "Serraj
    and Haftar" (a name run joined by "and")."""
    out = []
    for m in _GROUP_PHRASE_RE.finditer(question):
        words = m.group().split()
        while words and words[0].lower() in _NOT_MODIFIERS:
            words.pop(0)
        phrase = " ".join(words)
        out.append(Entity(phrase, frozenset(tokenize(phrase)), False, m.end() - len(phrase)))
    out += [e for e in entities(question) if " and " in e.name]
    return sorted(out, key=lambda e: e.start)


def events(question: str) -> list[Entity]:
    """Events a question asks about: "the national conference", "the offensive"."""
    out = []
    for m in _EVENT_RE.finditer(question):
        name = "the " + m.group().split(None, 1)[1]  # "its campaign": the campaign
        if name[4:5].isupper():  # a name: "the National Conference" is National Conference
            name = name[4:]
        out.append(Entity(name, frozenset(tokenize(name)), False, m.start()))
    return out


_EVENT_NOUN = {term(n): n for n in KIND_NOUNS[THING]}  # "meet" -> "meeting"
_CLAUSE_RE = re.compile(r"^\s*(?:[\w'’-]+\s+){1,3}?(?:did|do|does|will|would|has|have|had)\s+(.+?)[\s?.!]*$", re.I)


def done(question: str, ref: str) -> Entity | None:
    """The event a "that meeting" refers to when a question asked about the doing of it:
    "Where did Haftar meet Russian Foreign Minister Sergei Lavrov?" -> "the meeting (Haftar
    meet Russian Foreign Minister Sergei Lavrov)"; None when the question did no such thing."""
    noun = ref.split()[-1].lower()
    m = _CLAUSE_RE.match(question)
    if not m or _EVENT_NOUN.get(term(noun)) is None:
        return None
    if not any(term(w) == term(noun) for w in m.group(1).split()[1:]):
        return None
    return whole(f"the {noun} ({m.group(1)})")


def whole(text: str) -> Entity:
    return Entity(text, frozenset(tokenize(text)), False)


_ARTICLE_BEFORE_RE = re.compile(r"\b(?:the|a|an)\s+$", re.I)


def headed(span: str, sentence: str, texts: Sequence[str], texts_with: Callable[[str], Sequence[str]]) -> str:
    """A marked span as what it names in its sentence: "Merrow" of "designed the Merrow dam" only
    says which dam, so the dam is what a reader could point back to ("the Merrow dam"); the span
    itself when it heads its phrase. The word after it is a noun it modifies when the article
    before the span belongs to it: somewhere that word takes an article of its own ("the dam"),
    which a verb after a name ("the LNA said") never does."""
    at = sentence.find(span) if span else -1
    article = _ARTICLE_BEFORE_RE.search(sentence, max(0, at - 4), at) if at >= 0 else None
    if article is None:
        return span
    nxt = re.match(r" ([a-z][\w-]*)\b", sentence[at + len(span):])
    if not nxt or nxt.group(1) in STOPWORDS:
        return span
    takes_article = re.compile(r"\b(?:the|a|an)\s+" + re.escape(nxt.group(1)) + r"\b", re.I)
    if not any(takes_article.search(t) for t in [sentence, *texts, *texts_with(nxt.group(1))]):
        return span
    return sentence[article.start():at + len(span) + len(nxt.group(0))]


def people_meant(answer: Answer, index, names) -> list[str]:
    """The people the person pronouns of an answer's sentence stand for, as the answer stage
    reads them in the brief (``Names.antecedent``: the nearest person named before)."""
    if index is None or names is None or not answer.citations or not answer.evidence:
        return []
    c = answer.citations[0]
    terms = tokenize(c.quote)
    if not terms or not PERSON_PRONOUN_RE.search(c.quote):
        return []
    for k in index.chunks_with(terms[-1]):
        chunk = index.brief.chunks[int(k)]
        off = chunk.start - chunk.para_start  # where the chunk starts in its paragraph
        if chunk.doc == c.doc and chunk.paragraph == c.paragraph and off <= c.start and c.end <= off + len(chunk.text):
            break
    else:
        return []
    out: list[str] = []
    for m in PERSON_PRONOUN_RE.finditer(c.quote):
        if (who := names.antecedent(int(k), c.start - off + m.start())):
            who = names.in_full(who, int(k))
            if who not in out:
                out.append(who)
    return out


# a title that says a person's sex, before the name (and any of its other words): "Ms. Maria Lopez"
_SEX_TITLE = re.compile(r"\b(Mr|Mrs|Ms|Miss)\b\.?\s+(?:[A-Z][\w'’-]*\s+)*$")
_GENDERED = re.compile(r"\b(?:(he|him|his|himself)|(she|her|hers|herself))\b", re.I)
_CAPS_RUN = re.compile(r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*")


def sex(name: str, texts: Sequence[str]) -> str | None:
    """"he" or "she": how ``texts`` (paragraphs) refer to the person ``name``: by a title before
    the name ("Mr.", "Ms.", "Mrs.", "Miss"), or by the first personal pronoun after the name
    where the name is its sentence's first ("Malik said the bridge took two years. She said
    ..."; not the "He" after "Mayor Tom Reed opened it with Sara Malik."): in the same
    sentence, else the next sentence's first word. None when they do not say, or say both about
    as often."""
    words = name.split()
    if not words:
        return None
    last = re.escape(words[-1])
    # the last word alone ("Ms. Lopez") stands for the name only when no one else has it
    others = {m.group(1) for text in texts for m in re.finditer(rf"\b([A-Z][\w'’-]*)\s+{last}(?![\w'’-])", text)}
    alone = len(words) == 1 or others <= {words[-2]}
    rx = re.compile(rf"(?<![\w-]){last}(?![\w'’-])" if alone else rf"(?<![\w-]){re.escape(name)}(?![\w'’-])")
    he = she = 0
    for text in texts:
        starts = [a for a, _e in sentence_spans(text)]
        bounds = [*starts, len(text)]
        for a, b, c in zip(bounds, bounds[1:], [*bounds[2:], len(text)]):
            m = rx.search(text, a, b)
            if not m:
                continue
            if (t := _SEX_TITLE.search(text[max(a, m.start() - 60):m.start()])):
                he, she = (he + 1, she) if t.group(1) == "Mr" else (he, she + 1)
                continue
            runs = [r for r in _CAPS_RUN.finditer(text, a, m.start()) if r.end() < m.start() - 1]
            if runs and not (len(runs) == 1 and runs[0].start() == a and runs[0].group().lower() in STOPWORDS):
                continue  # not the sentence's first name
            p = _GENDERED.search(text, m.end(), b) or _GENDERED.match(text, b, c)
            if p:
                he, she = (he + 1, she) if p.group(1) else (he, she + 1)
    return "he" if he > 2 * she else "she" if she > 2 * he else None
