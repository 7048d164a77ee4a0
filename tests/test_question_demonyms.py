"""A question's name and the brief's other form of it name the same thing ("Turkish" of
"Which Turkish spokesman ...?" and "Turkey" of the brief): retrieved together, held by the
sentence that writes the other form, and never an answer that just repeats the question."""

from askbrief.answer import read
from askbrief.answer.demonyms import name_forms

from helpers import assert_verbatim, brief_of


def test_a_demonym_and_its_country_are_forms_of_one_name():
    assert {"libya", "libyan"} <= name_forms(["libyan"]) and "libyan" in name_forms(["libya"])
    assert "turkey" in name_forms(["turkish"]) and "turkish" in name_forms(["turkey"])  # not made by a tail
    assert "franc" in name_forms(["french"])  # terms: "France" is "franc"


def test_the_brief_writes_turkey_for_the_question_s_turkish(seeds_assistant):
    # the brief never writes "Turkish": it was an answer repeated from nowhere (a sentence-only
    # answer at 0.22, "Turkey" counted as no word of the question)
    q = read("Which Turkish spokesman spoke about the military escalation?", seeds_assistant.index)
    assert q.forms == {"turkey": "turkish"} and "turkey" in q.search_terms
    ans = seeds_assistant.ask("Which Turkish spokesman spoke about the military escalation?")
    assert ans.grade == "short" and ans.answer == "Hami Aksoy"
    assert ans.citations[0].doc == "000_875f73b95e6a8453"
    assert ans.evidence.startswith("Turkey is closely following the recent military escalation")
    assert "Foreign Ministry spokesman, Hami Aksoy, said." in ans.evidence
    assert_verbatim(ans, seeds_assistant.brief)


def test_a_country_in_the_brief_holds_its_demonym_in_the_question(tmp_path):
    # was 0.12 (abstained): "Turkish" held by no sentence, weighed as a word the brief lacks
    a = brief_of(tmp_path, {"a.txt": "Turkey sent its envoy Omer Celik to Tripoli on Monday.\n",
                            "b.txt": "Rain fell on the coast all week.\n"})
    ans = a.ask("Which Turkish envoy went to Tripoli?")
    assert ans.grade == "short" and ans.answer == "Omer Celik"
    assert ans.evidence == "Turkey sent its envoy Omer Celik to Tripoli on Monday."
