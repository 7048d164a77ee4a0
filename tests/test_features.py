"""Candidates and their features: answer-type agreement, the question's wording around a span,
the focus beside a number, and spans that can never answer."""

import pytest

from askbrief.answer import read
from askbrief.answer.features import FI, _aligned, extract, fits
from askbrief.answer.question import counts as read_counts, grams, word_token
from askbrief.models import Settings
from askbrief.retrieve import search
from askbrief.text import WORD_RE, term, tokenize

from helpers import assert_verbatim, brief_of



def _candidates(assistant, question, settings=Settings(), extra=()):
    q = read(question, assistant.index, extra)
    return extract(q, assistant.index, search(assistant.index, q.search_terms, settings.top_k), settings)


def test_answer_type_agreement():
    assert fits("date", frozenset({"weekday", "date"}))
    assert not fits("date", frozenset({"name", "cap"}))
    assert not fits("person", frozenset({"weekday", "date", "name", "cap"}))
    assert not fits("person", frozenset({"lower"}))
    assert fits("person", frozenset({"lower"}), agent=True)
    assert not fits("number", frozenset({"name"}))
    assert not fits("person", frozenset({"quoted"}))  # a quotation is no one
    assert not fits("date", frozenset({"num", "unit"}))  # "50 kilometers" is no date
    assert fits("date", frozenset({"num", "date", "month"}))
    assert not fits("duration", frozenset({"weekday", "date"}))  # "Friday" is no length of time
    assert fits("duration", frozenset({"lower", "num", "unit"}))  # "three days" is


def test_answer_types_of_when_who_how_much_and_how_many():
    money = frozenset({"num", "money"})
    assert not fits("date", money)  # "£34m" answers no "when"
    assert not fits("date", frozenset({"cap", "name", "clause"}))  # nor "by Mr. Paul Grant"
    assert fits("date", frozenset({"num", "date", "time"}))  # "5 p.m." does
    assert not fits("person", money)
    assert fits("number", money)  # "How much did it cost?"
    assert not fits("number", money, counts=True)  # "How many workers ...?" is no sum
    assert not fits("number", frozenset({"num", "date", "year"}))  # nor a year
    assert fits("number", frozenset({"num", "lower"}), counts=True)
    assert read_counts("How many workers built it?") and not read_counts("How much did it cost?")
    assert not read_counts("How many dollars did it cost?")


def test_when_is_never_answered_by_a_sum_or_a_person(tmp_path):
    a = brief_of(tmp_path, {
        "a.txt": "date 2021-06-01 Stadium plans\n\nConstruction of the new stadium began with "
                 "£34m from the council, said Paul Grant.\n",
        "b.txt": "date 2021-06-02 Weather\n\nThe weather in the region was cold and dry.\n"})
    ans = a.ask("When did construction begin?", settings=Settings(min_confidence=0.0))
    assert ans.answer is None  # was "£34m": the brief does not say when
    for kind, question in (("date", "When did construction begin?"),
                           ("person", "Who gave money for the stadium?")):
        shapes = {sp.text: sp.shapes for c in _candidates(a, question).candidates for sp in [c.span]}
        assert "£34m" not in shapes, (question, shapes)
        assert kind != "date" or "Paul Grant" not in shapes


def test_question_wording_around_a_span():
    q_toks = [word_token(w, term(w), {}) for w in WORD_RE.findall("What did the order raise fears of?")]
    words = WORD_RE.findall("It sparked fears of a major showdown with rival militias")
    toks, mt = [word_token(w, term(w), {}) for w in words], [term(w) for w in words]
    left, right = _aligned(toks, mt, grams(q_toks), frozenset(q_toks))
    assert (left[4], right[6]) == (2, 0)  # "fears of" + "a major showdown"
    assert left[5] == 2  # the article is skipped: "fears of [a] major showdown"
    assert left[6] == 0  # "of a major" is not the question's
    assert (left[3], right[3]) == (0, 0)  # "sparked fears" + "of" + "a major": neither


def test_follow_up_answer_is_not_its_own_referent(seeds_assistant):
    # "Who did he speak to?" with "he" = Al-Hassi: the answer is whoever he spoke to, never Al-Hassi
    idx, settings = seeds_assistant.index, seeds_assistant.settings
    q = "Who did he speak to over the phone?"
    referent = tokenize("Abdel-Salam Al-Hassi")
    hits = search(idx, tokenize(q) + referent, settings.top_k)
    ex = extract(read(q, idx, referent), idx, hits, settings)
    assert ex.candidates
    assert not any(set(c.span.terms) <= set(referent) for c in ex.candidates)
    plain = extract(read(q, idx), idx, hits, settings)  # without the conversation it is a candidate
    assert any(c.span.text == "Abdel-Salam Al-Hassi" for c in plain.candidates)


def test_percentage_question_has_its_focus_next_to_a_percent(tmp_path):
    a = brief_of(tmp_path, {
        "a.txt": "date 2020-01-02 Karsan farms occupy 3,000 square kilometres of land. More than 50% "
                 "of it is sown for wheat, 33 percent for barley and 7 per cent for oats.",
        "b.txt": "date 2020-01-03 The weather in the region was cold and dry for the season.",
    })
    q = "What percentage of Karsan farmland grows wheat?"
    ex = _candidates(a, q, Settings(top_k=5))
    beside = {c.span.text: ex.X[c.row, FI["next_focus"]] for c in ex.candidates}
    assert beside["50"] == beside["33"] == beside["7"] == 1.0  # "50%", "33 percent", "7 per cent"
    assert beside["3,000"] == 0.0
    ans = a.ask(q, settings=Settings(min_confidence=0.0))
    assert ans.answer in {"50", "More than 50%", "33", "7"}  # a percent; which one: the known miss below
    assert_verbatim(ans, a.brief)


@pytest.mark.xfail(reason="known miss of the issue-21 refit: the ranker picks 33 (barley)", strict=True)
def test_percentage_question_picks_the_percent_of_its_crop(tmp_path):
    a = brief_of(tmp_path, {
        "a.txt": "date 2020-01-02 Karsan farms occupy 3,000 square kilometres of land. More than 50% "
                 "of it is sown for wheat, 33 percent for barley and 7 per cent for oats.",
        "b.txt": "date 2020-01-03 The weather in the region was cold and dry for the season.",
    })
    ans = a.ask("What percentage of Karsan farmland grows wheat?", settings=Settings(min_confidence=0.0))
    assert ans.answer in {"50", "More than 50%"}


def test_a_thing_owned_by_a_name_never_answers_who(tmp_path):
    # "Ruiz's speech ... came after her team opened the bridge" names who opened it through
    # "her team"; the speech is no one, as a candidate for the answer as for an alternative
    a = brief_of(tmp_path, {
        "a.txt": "Karsa bridge opens\ndate 2023-03-02\n\nThe Karsa bridge was opened on Monday by Mayor Ana "
                 "Ruiz, the council said.\n",
        "c.txt": "Council notes\ndate 2023-03-04\n\nRuiz's speech, which was printed in the Karsa Herald, came "
                 "after her team opened the Karsa bridge.\n",
    })
    texts = {c.span.text for c in _candidates(a, "Who opened the Karsa bridge?").candidates}
    assert "Mayor Ana Ruiz" in texts
    assert not {t for t in texts if t.endswith("speech")}
    assert "the Karsa bridge" not in texts and "Karsa Herald" in texts


def test_a_who_answer_is_never_a_quotation_or_a_verb_phrase(tmp_path):
    a = brief_of(tmp_path, {
        "a.txt": 'date 2020-01-02 "We fully control the town," Omar Saleh, commander of the '
                 'northern operation, told Reuters news agency by telephone.',
        "b.txt": 'date 2020-01-03 "I am sipping coffee now in Karsa," the top aide of the general '
                 "said over the phone.",
    })
    never = {"told Reuters news agency", "told Reuters news", "I am sipping coffee now in Karsa",
             "We fully control the town"}
    commander = _candidates(a, "Who is the commander of the northern operation?").candidates
    assert "Omar Saleh" in {c.span.text for c in commander}
    # the aide is never named: what is left is names, never the quotation, nor "Karsa" of "in
    # Karsa" (a name written as a place is no "who")
    aide = _candidates(a, "Who is the general's top aide?").candidates
    assert all(c.span.shapes & {"name", "cap"} for c in aide)
    assert "Karsa" not in {c.span.text for c in aide}
    for cands in (commander, aide):
        assert not {c.span.text for c in cands} & never


def test_a_sentence_is_read_with_its_neighbours(tmp_path):
    # "It was opened on Monday by Mayor Ana Ruiz": the bridge asked about is named in the
    # sentence before, not in the answering sentence
    a = brief_of(tmp_path, {"a.txt": "Karsa bridge opens\ndate 2023-03-02\n\nThe Karsa bridge is the town's "
                                     "first. It was opened on Monday by Mayor Ana Ruiz.\n"})
    ex = _candidates(a, "Who opened the Karsa bridge?")
    ruiz = next(c for c in ex.candidates if c.span.text == "Mayor Ana Ruiz")
    row = ex.X[ruiz.row]
    assert row[FI["nb_gain"]] > 0.5
    assert 0.0 < row[FI["chunk_rank"]] <= 1.0
