"""The question, read once per ask: what it asks for, its focus, and one tokenization."""

import pytest

import askbrief
from askbrief import text
from askbrief.answer import question
from askbrief.answer.question import question_kind, read


def test_first_question_word_decides_the_answer_type():
    assert question_kind("Which city did Antonio Guterres visit when the assault was launched?") == (
        "place", "city")
    assert question_kind("Who did Haftar speak to when he was in Benghazi?")[0] == "person"
    assert question_kind("When did he resign after the protests in Algiers?")[0] == "date"
    assert question_kind("What happened when Haftar's forces reached Gharyan?")[0] == "thing"


def test_how_many_counts_a_noun():
    assert question_kind("How many farms are there in Victoria?") == ("number", "farms")
    assert question_kind("How many Libyan fighters were killed?") == ("number", "fighters")
    assert question_kind("How many more troops arrived?") == ("number", "troops")
    assert question_kind("How much did the deal cost?") == ("number", "")


def test_plural_focus():
    assert question._plural_focus("Which countries issued a joint statement?")
    assert not question._plural_focus("Which news agency did he speak to?")


def test_a_question_is_read_for_its_sides_names_and_negation(seeds_assistant):
    idx = seeds_assistant.index
    q = read("Burbank is an example of what kind of district?", idx)
    assert (q.form, q.before, q.after) == ("late", {"burbank", "exampl"}, {"kind", "district"})
    assert read("What did Haftar's forces take?", idx).form == "aux"
    assert read("What caused the fire?", idx).form == "subj"
    q = read("Why didn't Hifter's forces enter (the U.N. compound)?", idx)
    assert q.caps == ("haftar", "u", "n")  # name variants folded, as the brief spells it
    assert q.negated and "haftar" in q.own
    far = read("How far is Gharyan from Tripoli?", idx)
    assert "far" not in far.own and "far" in far.tokens  # the passages need not say "far"
    assert (far.kind, far.text, far.asked) == ("quantity", far.text, far.text)


def _count_tokenize(monkeypatch) -> list[str]:
    """Every text the tokenizer (``tokenize`` or ``word_terms``) is given from now on,
    whichever askbrief module calls it."""
    import sys

    calls: list[str] = []
    for name in ("tokenize", "word_terms"):
        original = getattr(text, name)

        def counting(s, original=original):
            calls.append(s)
            return original(s)

        for mod in list(sys.modules.values()):
            if getattr(mod, "__name__", "").startswith("askbrief") and getattr(mod, name, None) is original:
                monkeypatch.setattr(mod, name, counting)
    return calls


def test_the_question_is_tokenized_once_per_ask(seeds_assistant, monkeypatch):
    first = seeds_assistant.ask("Who took Gharyan?")  # every module of the path imported
    calls = _count_tokenize(monkeypatch)
    asked = "How far is Gharyan from Tripoli?"
    assert seeds_assistant.ask(asked).answer in {"50 km", "31 miles"}
    assert calls.count(asked) == 1, calls
    # a follow-up: the resolver reads the typed question for its references, and the question
    # with them spelled out is tokenized once
    calls.clear()
    follow = seeds_assistant.ask("How far is it from Tripoli?", context=[first])
    assert follow.resolved == {"it": "Gharyan"}
    assert calls.count("How far is Gharyan from Tripoli?") == 1, calls
    assert calls.count("How far is it from Tripoli?") == 1, calls


def test_what_kind_of_noun_asks_what_it_is_like():
    # "What sort of town is it?" is answered "coastal", not by a town's name
    assert question_kind("What sort of town is it?") == (question.THING, "town")
    assert question_kind("What kind of company is Sky UK Limited?") == (question.THING, "company")
    assert question_kind("What town is it?") == (question.PLACE, "town")
    assert question_kind("Which type of law concerns the EU?") == (question.WHICH, "law")


def test_a_title_of_office_asks_for_a_person():
    assert question_kind("Which UN secretary-general was visiting Libya when the order came?") == (
        question.PERSON, "secretary-general")
    assert question_kind("Which Senator was a strong advocate for the Pico Act?")[0] == question.PERSON
