"""Sentences and their candidate spans: names, lists, money, abbreviations, the words around."""

from askbrief.answer import question
from askbrief.answer.quantities import quantity
from askbrief.answer.spans import parse_sentence


def test_lists_of_names_and_titles_in_spans():
    s = parse_sentence("A joint statement by the United States, France, Britain, Italy and the United "
                       "Arab Emirates came as President Abdelaziz Bouteflika resigned.")
    spans = {sp.text: sp for sp in s.spans}
    listed = spans["United States, France, Britain, Italy and the United Arab Emirates"]
    assert {"list", "name"} <= listed.shapes
    assert not spans["Abdelaziz Bouteflika"].cuts  # "President" is a title, not part of the name
    assert spans["Arab Emirates"].cuts  # "United" is
    assert question._plural_focus("Which countries issued a joint statement?")
    assert not question._plural_focus("Which news agency did he speak to?")


def test_money_and_percentages_keep_their_signs():
    s = parse_sentence("ITV raised its offer to £34m a year, more than 50% of the $ 20 billion deal.")
    spans = {sp.text: sp for sp in s.spans}
    assert {"£34m", "£34m a year", "more than 50%", "$ 20 billion"} <= set(spans)
    assert spans["£34m"].first == spans["34m"].first  # the sign is no word of its own
    assert "unit" in spans["more than 50%"].shapes
    assert quantity("£34m") == ("money£", 34e6)  # money, not 34 metres
    assert quantity("34m") == ("len", 34.0)


def test_dotted_abbreviations_are_one_name():
    s = parse_sentence("The talks were brokered by the U.N. and U.S. officials in Tripoli.")
    spans = {sp.text: sp for sp in s.spans}
    assert "name" in spans["U.N."].shapes and not spans["U.N."].cuts  # with its final dot
    assert "name" in spans["U.S."].shapes
    assert spans["U"].cuts and spans["N."].cuts  # a letter alone cuts the abbreviation
    assert "U.N" not in spans and "N" not in spans
