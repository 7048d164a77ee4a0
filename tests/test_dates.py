"""Relative dates in answers shown with the date they mean in their article."""

from askbrief import dates


def test_dates_resolve():
    assert dates.display("Thursday", "2019-04-04") == "Thursday (2019-04-04)"
    assert dates.resolve("on Tuesday", "2019-04-04") == "2019-04-02"
    assert dates.resolve("Friday", "2019-04-04", "He is scheduled to meet Haftar on Friday") == "2019-04-05"
    assert dates.resolve("overnight Wednesday", "2019-04-05") == "2019-04-03"
    assert dates.resolve("last month", "2019-04-04") == "2019-03"
    assert dates.resolve("Thursday", None) is None
    assert dates.display("2011", "2019-04-04") == "2011"
