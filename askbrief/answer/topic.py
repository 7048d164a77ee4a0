"""Whether the brief holds what a question is about: a test apart from the answer's confidence.

The confidence model rates an answer by how well its sentence matches the question, and a
question about something else can match a sentence well enough: "Who is the president of
France?" finds "neighbouring Algeria, where President Abdelaziz Bouteflika resigned", and
"What is the capital of Egypt?" finds "the backing of Egypt and the United Arab Emirates".
Raising the short answer's threshold above every such question costs answerable questions
their short answers, so those questions are caught here instead, by what the retrieved
passages hold of the question, before any answer is weighed:

- **What no passage holds** (``unheld``): the share of the question's weight (idf in the
  brief) that no retrieved passage holds, word for word or by meaning
  (``meaning.THRESHOLD``; a name or a number only as itself). "Who won the 2018 FIFA World
  Cup?" of a brief about Libya: 0.83. The cut is fitted (``python -m training.fit``: the
  lowest at which at most one answerable training question in a hundred of each set would
  abstain) and shipped with the weights.
- **A name the passages hold only apart from the rest of the question** (``name_alone``):
  every retrieved passage that names a name of the question holds none of the question's
  other words, in either way. The brief names Egypt, but never with anything about a capital:
  it does not say what the question asks about Egypt. A name stands for its demonym and back
  ("Libyan" for "Libya", "Egypt" for "Egyptian"): "the Libyan dictator" is named by
  "Libya's dictator", and a test that counted only "Libyan" read the passages about the
  country's army, never its dictator.

A question either test catches abstains (with the closest passages), whatever its confidence.
So does a follow-up whose reference stands for the answer to an earlier question that either
test catches (``referent_off_topic``): after "Who wrote the Harry Potter books?", "When did
she visit Tripoli?" is about someone the brief does not hold, though "visit Tripoli" finds
"Ban Ki-moon ... visited in October 2014".
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..index import Index
from ..models import Hit
from ..retrieve import search
from .demonyms import name_forms
from .question import Question, read
from .spans import parse_chunk


def _passage(index: Index, hit: Hit) -> tuple[list[str], set[str]]:
    """A passage's words that have a term, and its terms (the brief's name variants folded)."""
    m = index.term_map or {}
    words = [(w, t) for s in parse_chunk(index.brief.chunks[hit.chunk].text) for _a, _b, w, t in s.words if t]
    return [w for w, _t in words], {m.get(t, t) for _w, t in words}


def _held_by_meaning(q: Question, wanted: Sequence[str], words: Sequence[str]) -> set[str]:
    """Those of the question's terms ``wanted`` that one of ``words`` is within the word
    vectors' cosine threshold of; a name or a number is never held this way."""
    from .. import meaning  # the table is opened when an answer first needs it

    vectors = meaning.word_vectors()
    asked = [(t, r) for t in wanted if t not in q.caps and not t[:1].isdigit()
             and (r := vectors.row_of(q.surface.get(t, t))) >= 0]
    rows = sorted({r for w in words if (r := vectors.row_of(w)) >= 0})
    if not asked or not rows:
        return set()
    cos = vectors.rows([r for _t, r in asked]) @ vectors.rows(rows).T
    return {t for (t, _r), best in zip(asked, cos.max(axis=1)) if best > meaning.THRESHOLD}


def unheld(q: Question, index: Index, hits: Sequence[Hit]) -> float:
    """The share of the question's own weight that none of the passages ``hits`` holds,
    word for word or by meaning."""
    own = [t for t in q.weights if t in q.own]
    total = sum(q.weights[t] for t in own)
    if not total:
        return 0.0
    passages = [_passage(index, h) for h in hits]
    terms = set().union(*(terms for _w, terms in passages))
    missing = [t for t in own if t not in terms]
    if not missing:
        return 0.0
    held = _held_by_meaning(q, missing, [w for words, _t in passages for w in words])
    return sum(q.weights[t] for t in missing if t not in held) / total


def name_alone(q: Question, index: Index, hits: Sequence[Hit]) -> bool:
    """Whether the question names something that the passages ``hits`` hold, and every
    passage naming any of its names holds none of the question's other words, word for word
    or by meaning. Passages, not sentences: an answering sentence often names what was asked
    about in the sentence before ("Victoria ... Its capital is Melbourne")."""
    own = [t for t in q.weights if t in q.own]
    names = [t for t in own if t in q.caps]
    rest = [t for t in own if t not in q.caps]
    if not names or not rest:
        return False
    forms = name_forms(names)
    found = False
    for h in hits:
        words, terms = _passage(index, h)
        if not terms.intersection(forms):
            continue
        found = True
        if terms.intersection(rest) or _held_by_meaning(q, rest, words):
            return False
    return found


def off_topic(q: Question, index: Index, hits: Sequence[Hit], cut: float | None) -> bool:
    """Whether the passages ``hits`` do not hold what the question is about (either test);
    ``cut`` for ``unheld`` (None: that test is off)."""
    if not hits or not q.own:
        return False
    return (cut is not None and unheld(q, index, hits) >= cut) or name_alone(q, index, hits)


def referent_off_topic(q: Question, index: Index, top_k: int, cut: float | None) -> bool:
    """Whether a reference of the follow-up ``q`` left unresolved stands for the answer to an
    earlier question that is off the brief's topic (asked again here, as it was asked)."""
    for earlier in dict.fromkeys(q.unresolved.values()):
        e = read(earlier, index)
        if off_topic(e, index, search(index, e.search_terms, top_k), cut):
            return True
    return False


def unheld_cut(shares: np.ndarray, answerable: np.ndarray, sets: np.ndarray,
               allowed: float = 0.01) -> float:
    """The lowest cut (of 0.05..1.0, steps of 0.01) at which, in every question set, at most
    ``allowed`` of its answerable questions reach it (and so would abstain)."""
    for cut in np.round(np.arange(0.05, 1.001, 0.01), 2):
        if all((shares[(sets == n) & answerable] >= cut).mean() <= allowed
               for n in np.unique(sets[answerable])):
            return float(cut)
    return 1.01
