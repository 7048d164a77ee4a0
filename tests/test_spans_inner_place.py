"""A question's predicate in the brief's words ("be held" as "take place", "took back" as "retook"),
and a place owned by a place ("Libya's Ghademes") answers "where" with the inner place."""

from askbrief.answer import read

from helpers import assert_verbatim, brief_of

GHADEMES = "Turkey said it supports the UN-facilitated National Conference which is planned to take place in Libya's Ghademes on April 14-16."


def test_where_the_conference_was_to_be_held_is_where_it_takes_place(seeds_assistant):
    # was "Libya", from '... will hold accountable any Libyan faction ...' (the lemma "hold")
    q = read("Where was the national conference going to be held?", seeds_assistant.index)
    assert q.phrases[("take", "place")] == "hold"
    ans = seeds_assistant.ask("Where was the national conference going to be held?")
    assert ans.grade == "short" and ans.answer == "Ghademes"
    assert ans.evidence == GHADEMES and ans.citations[0].doc == "000_875f73b95e6a8453"
    assert_verbatim(ans, seeds_assistant.brief)


def test_a_place_owned_by_a_place_answers_where_with_the_inner_place(seeds_assistant):
    # was "Libya's Ghademes"
    ans = seeds_assistant.ask("Where will the UN-facilitated National Conference take place?")
    assert ans.answer == "Ghademes" and ans.answer_quote == "Ghademes" and ans.evidence == GHADEMES
    assert_verbatim(ans, seeds_assistant.brief)


def test_there_after_the_conference_s_place_is_the_inner_place(seeds_assistant):
    first = seeds_assistant.ask("Where was the national conference going to be held?")
    follow = seeds_assistant.ask("When was it supposed to take place there?", context=[first])
    assert follow.resolved["there"] == "Ghademes"
    assert follow.answer == "April 14-16"


def test_a_person_s_possessive_keeps_its_noun(tmp_path):
    # only a place's possessive gives way: "Haftar's forces" stays whole for "who"
    a = brief_of(tmp_path, {"a.txt": "Karsa is a town in the north.\n\nKhalifa Haftar leads the army. "
                                     "Haftar's forces took Karsa on Monday.\n"})
    assert a.ask("Who took Karsa?").answer == "Haftar's forces"


def test_took_back_is_written_retook(seeds_assistant):
    # was "Tripoli" ("based in Tripoli" and "UN-backed" held the question's "base" and "back")
    q = read("Where were the forces from that took back the base?", seeds_assistant.index)
    assert q.phrases[("retook",)] == "take" and "back" not in q.own
    ans = seeds_assistant.ask("Where were the forces from that took back the base?")
    assert ans.grade == "short" and ans.answer == "Zawiya"
    assert ans.evidence.startswith("Pro-government forces from the coastal town of Zawiya battled them, retook the base")
    assert_verbatim(ans, seeds_assistant.brief)
    follow = seeds_assistant.ask("How many of Haftar's men did they capture?", context=[ans])
    assert follow.resolved == {"they": "the forces from Zawiya"}  # was "the forces from Tripoli"
