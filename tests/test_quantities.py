"""Quantities in other units and words are the same answer; other answers are keyed by their terms."""

import pytest

from askbrief.answer.quantities import answer_key, group, quantities, quantity, same_quantity


@pytest.mark.parametrize("a,b", [("26,000 square kilometres", "10,000 sq mi"), ("5 km²", "1.93 sq. mi"),
                                 ("20 °C", "68 °F"), ("6.4 billion litres", "1.7 billion gallons"),
                                 ("400 hectares", "988 acres")])
def test_same_quantity_in_other_units(a, b):
    assert same_quantity(quantity(a), quantity(b))
    assert not same_quantity(quantity(a), quantity("3 " + b.split(" ", 1)[1]))


def test_sums_of_money_are_quantities():
    assert same_quantity(quantity("£34m"), quantity("£34 million"))
    assert same_quantity(quantity("$ 20 billion"), quantity("$20bn"))
    assert not same_quantity(quantity("$20bn"), quantity("£20bn"))
    assert quantity("£34m") == ("money£", 34e6)  # money, not 34 metres
    assert quantity("34m") == ("len", 34.0)
    assert quantity("31 miles")[1] == pytest.approx(quantity("50 km")[1], rel=0.01)
    assert [d for d, _v in quantities("It is 50 km (31 miles) away and costs £34m.")] == ["len", "len", "money£"]


def test_answers_grouped_by_key_and_by_quantity():
    # spelling variants folded by the brief's term map; a particle and a number word do not count
    m = {"hifter": "haftar"}
    assert answer_key("Hifter's forces", m) == answer_key("Haftar's forces", m)
    assert answer_key("al-Serraj") == answer_key("Serraj")
    assert answer_key("two people") == answer_key("2 people")
    texts = ["50 km", "Gharyan", "31 miles", "50 kilometers", "Tripoli"]
    keys = [answer_key(t) for t in texts]
    assert sorted(group(keys, texts).values()) == [[0, 2, 3], [1], [4]]
