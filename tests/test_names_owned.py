"""A span after a possessive pronoun ("His interior ministry") is keyed with its owner for
agreement ("his forces" supports "Haftar's forces"), and shown as written when nothing else
states it, except to a "who" ("forces" of "his forces" names no one)."""

from askbrief.models import Settings

from helpers import assert_verbatim, brief_of


def test_which_noun_is_answered_by_a_phrase_owned_through_his(seeds_assistant):
    # was "groups from Libya's western": "interior ministry" scored best but, keyed as
    # "Haftar's interior ministry" (a pronoun form), could not be shown
    ans = seeds_assistant.ask("Which ministry announced a state of maximum alert?")
    assert ans.grade == "short" and ans.answer == "interior ministry"
    assert ans.evidence.startswith('His interior ministry announced a "state of maximum alert"')
    assert_verbatim(ans, seeds_assistant.brief)


def test_his_forces_alone_is_no_who(tmp_path):
    a = brief_of(tmp_path, {"a.txt": "Karsa\n\nGeneral Omar Dalil leads the northern army. His forces took "
                                     "Karsa on Monday after a short battle.\n"})
    ans = a.ask("Who took Karsa?", settings=Settings(min_confidence=0.0))
    assert ans.answer != "forces"
