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

# A word: letters/digits with inner apostrophes, dots in numbers, combining marks. Written as
# runs of word characters between the joiners (the same matches as one alternation per
# character, a third faster: it is most of the cost of indexing).
WORD_RE = re.compile(r"[^\W_][\w\u0300-\u036f]*(?:(?:['’](?=[^\W_])|[.,](?=\d))[\w\u0300-\u036f]*)*", re.UNICODE)

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
    if text.isascii() and "`" not in text:  # all of that is lowercasing then: most words
        return text.lower()
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    decomposed = unicodedata.normalize("NFD", text)
    if decomposed != text:
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
        text = unicodedata.normalize("NFC", text)
    return text.casefold()


# Irregular English verb forms -> their base form, so "took", "taken" and "taking" (which
# Snowball already stems to "take") are one term. A closed class of the language, not a list
# fitted to any brief.
_IRREGULAR = {}
for _base, _forms in (line.split(":") for line in """
arise:arose arisen|awake:awoke awoken|be:was were been|bear:bore borne born|beat:beaten|
become:became|begin:began begun|bend:bent|bet:bet|bind:bound|bite:bit bitten|bleed:bled|
blow:blew blown|break:broke broken|bring:brought|build:built|burn:burnt|buy:bought|catch:caught|
choose:chose chosen|come:came|cost:cost|creep:crept|cut:cut|deal:dealt|dig:dug|do:did done|
draw:drew drawn|dream:dreamt|drink:drank drunk|drive:drove driven|eat:ate eaten|fall:fell fallen|
feed:fed|feel:felt|fight:fought|find:found|flee:fled|fly:flew flown|forbid:forbade forbidden|
forget:forgot forgotten|forgive:forgave forgiven|freeze:froze frozen|get:got gotten|give:gave given|
go:went gone|grind:ground|grow:grew grown|hang:hung|have:had has|hear:heard|hide:hid hidden|hit:hit|
hold:held|hurt:hurt|keep:kept|kneel:knelt|know:knew known|lay:laid|lead:led|lean:leant|leap:leapt|
learn:learnt|leave:left|lend:lent|let:let|lie:lay lain|light:lit|lose:lost|make:made|mean:meant|
meet:met|pay:paid|put:put|quit:quit|read:read|ride:rode ridden|ring:rang rung|rise:rose risen|
run:ran|say:said|see:saw seen|seek:sought|sell:sold|send:sent|set:set|shake:shook shaken|
shine:shone|shoot:shot|show:shown|shrink:shrank shrunk|shut:shut|sing:sang sung|sink:sank sunk|
sit:sat|sleep:slept|slide:slid|speak:spoke spoken|speed:sped|spend:spent|spin:spun|split:split|
spread:spread|spring:sprang sprung|stand:stood|steal:stole stolen|stick:stuck|sting:stung|
strike:struck stricken|strive:strove striven|swear:swore sworn|sweep:swept|swim:swam swum|
swing:swung|take:took taken|teach:taught|tear:tore torn|tell:told|think:thought|throw:threw thrown|
understand:understood|undertake:undertook undertaken|wake:woke woken|wear:wore worn|weave:wove woven|
weep:wept|win:won|wind:wound|withdraw:withdrew withdrawn|write:wrote written|overthrow:overthrew overthrown|
foresee:foresaw foreseen|overtake:overtook overtaken|outgrow:outgrew outgrown
""".replace("\n", "").split("|") if line.strip()):
    for _form in _forms.split():
        # ambiguous forms that are also common nouns or other verbs keep their own meaning
        if _form not in ("found", "left", "lay", "ground", "wound", "saw", "lit", "bound", "fell",
                         "rose", "read", "set", "put", "cut", "hit", "cost", "let", "bet", "quit",
                         "spread", "split", "shut", "hurt", "born"):
            _IRREGULAR[_form] = _base
# irregular verb forms ("told", "took"): a noun phrase never starts with one
VERB_FORMS = frozenset(_IRREGULAR)


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
    return _STEMMER.stemWord(_IRREGULAR.get(w, w))


def tokenize(text: str) -> list[str]:
    """Index terms of a text, in order, stopwords dropped."""
    out = []
    for w in WORD_RE.findall(text):
        t = term(w)
        if t:
            out.append(t)
    return out


def word_terms(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, word, term) for every word of a text; term is '' for a stopword. What
    ``tokenize`` gives, with each word and where it stands: for a sentence and a question."""
    return [(m.start(), m.end(), m.group(), term(m.group())) for m in WORD_RE.finditer(text)]


# Sentence boundaries: end punctuation, optional closing quotes/brackets, whitespace,
# then something that can start a sentence. Abbreviations are checked afterwards.
_SENT_END = re.compile(r"[.!?]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9\u00C0-\u024F])|\n\s*\n|\n(?=\s*[•*\-–—]\s)")
# Abbreviations by what may follow their dot. Leading ones (titles, "e.g.") always stand
# before what they belong to, so they never end a sentence; numbering ones ("No. 10", a
# lowercase letter: "c. 1455") go on only to a number; the others ("p.m.", "Inc.", "U.N.", a
# capital initial) end one only before a word that starts sentences.
TITLE_ABBREVIATIONS = frozenset("""mr mrs ms messrs mme mlle dr gen col lt sgt capt cpt maj brig adm
cmdr cdr st prof rev fr gov sen rep pres hon mt ft sheikh""".split())  # before a name, never one
_LEADING = TITLE_ABBREVIATIONS | {"e.g", "i.e", "vs", "cf"}
_NUMBERING = frozenset("no nos fig figs vol p pp art ch sec para".split())
_AMBIGUOUS = frozenset("""etc inc ltd co corp bros jr sr dept est approx jan feb mar apr aug sept
sep oct nov dec a.m p.m""".split())
# the word before the dot, taken whole: "1990s." and "19.2°E." end in no abbreviation
_LAST_WORD = re.compile(r"(?<![^\s(\[\"'“‘/-])([A-Za-z][A-Za-z.]*)\.$")
_NEXT_WORD = re.compile(r"[\"'“‘(\[]?(\w+)(\.?)")
_DOTTED = re.compile(r"[A-Z]|(?:[A-Za-z]\.)+[A-Za-z]")  # an initial or an acronym, last dot off


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets within text[start:end], trimmed of whitespace."""
    end = len(text) if end is None else end
    spans = []
    pos = start
    for m in _SENT_END.finditer(text, start, end):
        cut = m.start()
        if text[cut] == ".":
            last = _LAST_WORD.search(text, pos, cut + 1)
            if last and _continues(last.group(1), _NEXT_WORD.match(text, m.end())):
                continue
        _add_span(text, pos, m.end(), spans)
        pos = m.end()
    _add_span(text, pos, end, spans)
    return spans


def _continues(word: str, after: re.Match | None) -> bool:
    """Whether the full stop after ``word`` is an abbreviation's, so the sentence goes on."""
    w = word.lower()
    if w in _LEADING:
        return True
    nxt = after.group(1) if after else ""
    if w in _NUMBERING or (len(word) == 1 and word.islower()):  # "c. 1455", "(d. 1560)"
        return nxt[:1].isdigit()
    if w in _AMBIGUOUS or _DOTTED.fullmatch(word):
        # a capitalized function word ("The", "He", "In") starts a sentence; a single
        # capital with a dot is one more initial ("J. A. Smith")
        starts = nxt[:1].isupper() and nxt.lower() in STOPWORDS and not (len(nxt) == 1 and after.group(2))
        return not starts
    return False


def _add_span(text: str, s: int, e: int, spans: list[tuple[int, int]]) -> None:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    if e > s:
        spans.append((s, e))
