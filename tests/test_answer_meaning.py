"""Meaning in the answer stage (issue 21): sentences that hold the question by meaning are read,
their spans carry how close the meaning stands, and a source supports an answer only when its
sentence answers the question."""

import math

from askbrief.answer import read
from askbrief.answer.features import FI, extract
from askbrief.models import Settings
from askbrief.retrieve import search

from helpers import brief_of


def _extract(assistant, question, settings=Settings()):
    q = read(question, assistant.index)
    return extract(q, assistant.index, search(assistant.index, q.search_terms, settings.top_k), settings)


def test_a_sentence_worded_apart_from_the_question_is_read_by_meaning(tmp_path):
    # "Omar Hadi quit" holds none of "Who resigned from the council?" word for word; the
    # chunk is found by "council", and "quit" ~ "resigned" makes its second sentence a candidate
    a = brief_of(tmp_path, {"a.txt": "The council met on Monday in the old hall. Omar Hadi quit on Tuesday.\n",
                            "b.txt": "Rain fell on the coast all week.\n"})
    ex = _extract(a, "Who resigned from the council?")
    hadi = [c for c in ex.candidates if c.span.text == "Omar Hadi"]
    assert hadi, [c.span.text for c in ex.candidates]
    row = ex.X[hadi[0].row]
    assert row[FI["sent_cov"]] == 0.0 and row[FI["sent_soft"]] > 0.3
    assert row[FI["soft_near"]] == 1.0  # "quit" stands right after it
    assert row[FI["soft_win4"]] > 0.3


def test_a_name_is_not_matched_by_another_name(tmp_path):
    # "Gharyan" and "Benghazi" are near in the word vectors (two Libyan towns): neither may
    # stand in for the other
    a = brief_of(tmp_path, {"a.txt": "Haftar's forces paraded in Benghazi on Thursday.\n"})
    ex = _extract(a, "Who paraded in Gharyan?")
    assert ex.candidates and all(ex.X[c.row, FI["sent_soft"]] == 0.0 for c in ex.candidates)


def test_support_counts_only_sources_that_state_the_answer_for_the_question(tmp_path):
    # three articles name Haftar's forces; one says they took Gharyan, the others only mention
    # them in sentences that share a word of the question ("took part") without answering it
    a = brief_of(tmp_path, {
        "a.txt": "Haftar's forces took Gharyan on Thursday after brief skirmishes.\n",
        "b.txt": "Haftar's forces took part in a parade in Benghazi.\n",
        "c.txt": "Haftar's forces took questions from reporters.\n"})
    ex = _extract(a, "Who took Gharyan?")
    keys = {c.key for c in ex.candidates if c.span.text == "Haftar's forces"}
    assert len(keys) == 1
    group = ex.groups[keys.pop()]
    assert len({ex.candidates[r].chunk for r in group}) == 3  # all three are read ...
    assert ex.X[group[0], FI["support"]] == 0.0  # ... and only one states it
    assert ex.X[group[0], FI["docs"]] == 0.0
    assert math.isclose(max(ex.candidates[r].held for r in group), 1.0)


def test_what_the_answer_sentence_holds_neither_exactly_nor_by_meaning(tmp_path):
    # "quit" holds "resigned" by meaning; "council" is in the sentence before, not in this one.
    # A name is held only as itself: "Benghazi" does not hold "Gharyan" (an adversarial question
    # swaps one name), so the confidence features count it as missing with or without meaning
    from askbrief.answer import model
    from askbrief.answer.meaning_evidence import unheld

    a = brief_of(tmp_path, {"a.txt": "The council met on Monday in the old hall. Omar Hadi quit in Benghazi on Tuesday.\n",
                            "b.txt": "Rain fell on the coast all week.\n"})
    ex = _extract(a, "Who resigned from the council?")
    hadi = next(c for c in ex.candidates if c.span.text == "Omar Hadi")
    q = ex.q
    assert unheld(q, hadi.sentence, hadi.sent_terms) == [q.weights["council"]]
    x = dict(zip(model.CONF_FEATURES, model.rank(ex, model.load_model().rank).conf_x))
    assert x["missing_max"] == 1.0  # word for word, "resigned" is missing
    assert math.isclose(x["missing_max_m"], q.weights["council"] / q.weights["resign"])
    assert math.isclose(x["missing_share_m"], q.weights["council"] / q.total)
    swapped = read("Who resigned in Gharyan?", a.index)
    assert unheld(swapped, hadi.sentence, hadi.sent_terms) == [swapped.weights["gharyan"]]
