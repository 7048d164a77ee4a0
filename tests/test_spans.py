"""Sentences and their candidate spans: names, lists, money, abbreviations, the words around."""

import pytest

from askbrief.answer import question
from askbrief.answer.quantities import quantity
from askbrief.answer.spans import beyond_question, parse_sentence
from askbrief.text import term
from askbrief.models import Settings

from helpers import assert_verbatim, brief_of


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
    assert s.words[spans["£34m"].first][2] == "34m"  # the sign is no word of its own
    assert "34m" not in spans  # a sum without its sign is no answer
    assert "unit" in spans["more than 50%"].shapes
    assert quantity("£34m") == ("money£", 34e6)  # money, not 34 metres
    assert quantity("34m") == ("len", 34.0)


def test_dotted_abbreviations_are_one_name():
    s = parse_sentence("The talks were brokered by the U.N. and U.S. officials in Tripoli.")
    spans = {sp.text: sp for sp in s.spans}
    assert "name" in spans["U.N."].shapes and not spans["U.N."].cuts  # with its final dot
    assert "name" in spans["U.S."].shapes
    assert not {"U", "N.", "U.N", "N", "S."} & set(spans)  # a letter alone misquotes the abbreviation


# --- the spans a reader would accept, asked as questions of a small brief -------------------

_TOWN = {
    "hall.txt": "date 2022-04-09 Dunmore opens its library\n\n"
                "The new library in Dunmore was opened by Mr. Paul Grant on Saturday. Its reading "
                "room was designed by Dr. Helen Ward. The ceremony was led by Gen. Thomas Reid, and "
                "a lecture on the town's history was given by Prof. Ann Kelly. The painting in the "
                "hall was lent by the museum of St. Albans.\n\n"
                "The library's app was released on 2022-04-07 by the council. The library closes "
                "at 5 p.m. on weekdays. The old reading room closed 3 weeks ago.\n\n"
                "The library cost £34 million. The harbour works will cost $2.5bn. The rail link "
                "to Dunmore is costed at €1.2 billion. The new bridge over the river cost 34 "
                "million pounds. The weather station stands at 54.1°N, 7.4°W.\n",
    "other.txt": "date 2022-04-02 Dunmore council\n\nThe council met on Tuesday to discuss the "
                 "budget for the coming year and the roads in the north of the county.\n",
}


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    return brief_of(tmp_path_factory.mktemp("town"), _TOWN)


@pytest.mark.parametrize("question,good", [
    ("Who opened the new library in Dunmore?", {"Paul Grant", "Mr. Paul Grant"}),  # was "Mr"
    ("Who designed the reading room?", {"Helen Ward", "Dr. Helen Ward"}),  # was "Dr"
    ("Who led the ceremony?", {"Thomas Reid", "Gen. Thomas Reid"}),  # was "Gen"
    pytest.param("Who gave a lecture on the town's history?", {"Ann Kelly", "Prof. Ann Kelly"},
                 marks=pytest.mark.xfail(reason="regression of the issue-21 refit on the merged code: "
                                                "'Gen. Thomas Reid' (who led the ceremony) ranked first", strict=True)),
    ("Which museum lent the painting in the hall?", {"St. Albans", "museum of St. Albans"}),
    ("When was the library's app released?", {"2022-04-07"}),  # was "2022-04"
    ("When does the library close on weekdays?", {"5 p.m."}),  # was "5 p"
    ("When did the old reading room close?", {"3 weeks ago"}),
    ("How much did the library cost?", {"£34 million"}),  # was "million"
    ("How much will the harbour works cost?", {"$2.5bn"}),  # was "2.5bn"
    ("How much is the rail link to Dunmore costed at?", {"€1.2 billion"}),
    ("How much did the new bridge over the river cost?", {"34 million pounds"}),
])
def test_spans_are_whole_names_dates_and_sums(town, question, good):
    ans = town.ask(question, settings=Settings(min_confidence=0.0))
    assert ans.answer in good, (question, ans.answer)
    assert_verbatim(ans, town.brief)


def test_pieces_of_a_whole_are_no_spans():
    s = parse_sentence("Opened by Mr. Paul Grant on 2022-04-07 at 5 p.m. for £34 million at 19.2°E, "
                       "three weeks ago.")
    texts = {sp.text for sp in s.spans}
    assert {"Mr. Paul Grant", "2022-04-07", "5 p.m.", "£34 million", "19.2°E", "three weeks ago"} <= texts
    assert not {"Mr", "2022-04", "07", "5 p", "p", "34", "million", "E", "weeks ago"} & texts
    assert {"time", "date"} <= next(sp for sp in s.spans if sp.text == "5 p.m.").shapes
    assert "money" in next(sp for sp in s.spans if sp.text == "£34 million").shapes
    assert "£15–100,000" in {sp.text for sp in parse_sentence("The fee is £15–100,000 a year.").spans}
    paul = next(sp for sp in s.spans if sp.text == "Paul Grant")
    assert not paul.cuts  # a title is not part of the name


def test_spans_are_worked_out_when_read_and_once():
    """The answer stage reads the spans of a few sentences of each passage: a parse reads the
    words of every sentence, and a sentence's spans only when asked for, once."""
    from askbrief.answer.spans import parse_chunk

    sents = parse_chunk("Haftar's forces took Gharyan on 2 April 2019. The 1,500 fighters came from "
                        "the east. Residents said 12 people had fled.")
    assert [s.words[0][2] for s in sents] == ["Haftar's", "The", "Residents"]
    assert all(s._spans is None for s in sents)
    spans = sents[1].spans
    assert sents[1].spans is spans and sents[0]._spans is None and sents[2]._spans is None
    shapes = {sp.text: sp.shapes for sp in spans}
    assert shapes["1,500 fighters came"] == {"num"}  # a digit in it: a number, no lower-case phrase
    assert shapes["fighters came"] == {"lower"}
    assert {sp.text: sp.shapes for sp in sents[2].spans}["12 people"] == {"num", "unit"}


# --- the question's own words around an answer --------------------------------------------

@pytest.mark.parametrize("question,good,quoted", [
    # was "coastal town of Zawiya" (a strict known miss of the selector)
    ("Pro-government forces from which coastal town captured Haftar's men?", {"Zawiya"},
     "Pro-government forces from the coastal town of Zawiya battled them"),
    # was "option of surrendering or staying home" on 016eb09, "capital the option of
    # surrendering" with the question's words cut and n-grams across an article
    ("What option will LNA forces give the militiamen?", {"surrendering or staying home"},
     "the option of surrendering or staying home"),
    # was "Secretary-General Antonio", a piece of the name after the question's own words
    ("Which UN secretary-general was visiting Libya when the order came?", {"Antonio Guterres"},
     "UN Secretary-General Antonio Guterres visited"),
    # was "to raise alert levels"
    ("What did Serraj order the GNA's military region commanders to raise?", {"alert levels"},
     "to raise alert levels"),
])
def test_an_answer_is_what_its_span_says_beyond_the_question(seeds_assistant, question, good, quoted):
    ans = seeds_assistant.ask(question)
    assert ans.answer in good, ans.answer
    assert quoted in ans.citations[0].quote
    assert_verbatim(ans, seeds_assistant.brief)


def test_the_question_s_words_are_cut_from_a_span_only_around_a_whole_rest():
    s = parse_sentence("Forces from the coastal town of Zawiya met Russian Foreign Minister Sergei "
                       "Lavrov at the University of Chicago.")
    spans = {sp.text: sp for sp in s.spans}

    def rest(text: str, question: str):
        asked = {term(w) for w in question.replace("?", "").split()} - {""}
        r = beyond_question(s, spans[text], lambda t: t in asked)
        return r and r.text

    assert rest("coastal town of Zawiya", "Forces from which coastal town?") == "Zawiya"
    assert rest("Russian Foreign Minister Sergei Lavrov", "Which Russian minister did they meet?") == "Sergei Lavrov"
    assert rest("University of Chicago", "Which university?") is None  # "Chicago" cuts the name
    assert rest("coastal town of Zawiya", "Which town is on the coast?") is None  # "coastal" is not asked
    assert rest("coastal town", "Which coastal town?") is None  # nothing beyond the question
    # a word that only modifies the noun asked about keeps it: "basic channels", not "basic"
    s = parse_sentence("Virgin Media removed the basic channels from its network of 20 million homes, "
                       "as Islamist militias fought.")
    spans = {sp.text: sp for sp in s.spans}
    assert rest("basic channels", "What channels were removed?") is None
    assert rest("Islamist militias", "What kind of militias fought?") is None
    assert rest("20 million homes", "How many homes does the network reach?") == "20 million"
    s = parse_sentence("Article 102 covers the problem instance, and orders them to raise alert levels.")
    spans = {sp.text: sp for sp in s.spans}
    assert rest("Article 102", "Which article covers it?") is None  # the article's number names it
    assert rest("problem instance", "Which problem is it?") is None
    assert rest("to raise alert levels", "What did he order them to raise?") == "alert levels"
    s = parse_sentence("Haftar has offered money and services to officers from Tripoli.")
    spans = {sp.text: sp for sp in s.spans}
    assert rest("services to officers from Tripoli", "What did Haftar offer to officers from Tripoli?") == "services"


def test_an_ngram_from_inside_a_phrase_stops_at_the_next_article():
    s = parse_sentence("LNA forces will give the militiamen in control of the capital the option of "
                       "surrendering or staying home.")
    texts = {sp.text for sp in s.spans}
    assert {"control of the capital", "option of surrendering or staying home"} <= texts
    assert not {"capital the option", "capital the option of surrendering"} & texts
    assert "manually suppress the fire" in {sp.text for sp in parse_sentence(
        "They may then manually suppress the fire.").spans}  # a verb with its object


def _check_answer_of_one_report(tmp_path, report: str, question: str, answer: str, quoted: str):
    """A brief of one report (and an unrelated one) answers ``question`` (at any confidence)
    with ``answer``, citing a quote that holds ``quoted``."""
    a = brief_of(tmp_path, {
        "a.txt": f"date 2021-03-02 {report}",
        "b.txt": "date 2021-03-03 The conference on the future of the valley was postponed, officials said.",
    })
    ans = a.ask(question, settings=Settings(min_confidence=0.0))
    assert ans.answer == answer
    assert quoted in ans.citations[0].quote
    assert_verbatim(ans, a.brief)


def test_a_name_before_a_person_s_title_is_no_place_nor_the_person(tmp_path):
    """"United Nations" of "United Nations chief Antonio Guterres visited Tripoli" says whose
    office the title is: it answers neither where he went nor who went (was "United Nations"
    for the city, a strict known miss of the selector)."""
    _check_answer_of_one_report(tmp_path, "The rebels launched the assault on Monday as United Nations chief "
                                "Ilse Varga visited Karsa ahead of a planned conference.",
                                "Which city did Ilse Varga visit when the assault was launched?",
                                "Karsa", "Ilse Varga visited Karsa")
    s = parse_sentence("As U.N. envoy Ilse Varga and Tripoli governor Ali Dar met, Karsa fell.")
    spans = {sp.text: sp for sp in s.spans}
    from askbrief.answer.names import before_title
    assert before_title(s, spans["U.N."]) and before_title(s, spans["Tripoli"], named=True)
    assert not before_title(s, spans["Karsa"]) and not before_title(s, spans["Ilse Varga"])


def test_which_person_question_is_answered_by_the_name_not_its_title(seeds_assistant):
    """For "Which Russian official ...?" the title ("Russian Foreign Minister") restates the
    question's noun; a reader and SQuAD-style golds give the name (was "Foreign Minister
    Sergei Lavrov", and in the conversation "Russian Foreign Minister Sergei Lavrov")."""
    # the span, whatever the threshold (the set-weighted confidence rates it 0.24)
    ans = seeds_assistant.ask("Which Russian official did Haftar meet in Moscow?", settings=Settings(min_confidence=0.0))
    assert ans.answer == "Sergei Lavrov"
    assert "Russian Foreign Minister Sergei Lavrov in Moscow" in ans.citations[0].quote
    assert_verbatim(ans, seeds_assistant.brief)
    # nor the title of the other person named: "Libyan militia commander" (of "Libyan militia
    # commander General Khalifa Hifter meets with Russian Foreign Minister Sergei Lavrov")
    ans = seeds_assistant.ask("Which Russian minister was pictured meeting Haftar in the old file photo?",
                              settings=Settings(min_confidence=0.0))
    assert ans.answer == "Sergei Lavrov"
    first = seeds_assistant.ask("Who is Khalifa Hifter?")
    ans = seeds_assistant.ask("Which Russian official did he meet in Moscow?", context=[first],
                              settings=Settings(min_confidence=0.0))
    assert ans.answer == "Sergei Lavrov" and ans.resolved == {"he": "Khalifa Hifter"}


def test_a_where_is_answered_by_the_place_not_by_what_it_is_near(tmp_path):
    """"the district of Dorva, near Karsa, in which two people were killed": Karsa only says
    where Dorva is; the place of the killing is Dorva (the seeds: "Where were the two people
    killed in the overnight skirmishes?" answered "Gharyan" of "Al-Assabaah, near Gharyan", and
    the follow-up's "it" was Gharyan). A question that asks what it is near gets Karsa."""
    _check_answer_of_one_report(tmp_path, "Skirmishes were reported overnight in the mountain district of "
                                "Dorva, near Karsa, in which two people were killed, officials said.",
                                "Where were the two people killed in the overnight skirmishes?",
                                "Dorva", "district of Dorva, near Karsa")
    from askbrief.answer.names import locates_place
    text = "the district of Dorva, near Karsa, and Karsa, north of Tripoli"
    assert locates_place(text, text.index("Karsa")) == "near"
    assert locates_place(text, text.index("Tripoli")) == "north of"
    assert locates_place(text, text.index("Dorva")) == ""


def test_the_follow_up_s_it_is_the_place_answered_not_what_it_is_near(seeds_assistant):
    first = seeds_assistant.ask("Where were the two people killed in the overnight skirmishes?")
    assert first.answer == "Al-Assabaah"
    ans = seeds_assistant.ask("Which town is it near?", context=[first])
    assert ans.resolved == {"it": "Al-Assabaah"}
    # the question's own "near" is no part of the answer: "Gharyan", not "near Gharyan"
    assert ans.answer == "Gharyan"
    assert "Al-Assabaah, near Gharyan" in ans.citations[0].quote
    assert_verbatim(ans, seeds_assistant.brief)


def test_a_hyphenated_name_is_answered_whole(seeds_assistant):
    """"Ban Ki-moon": the name's head is its whole last word, not the lowercase "moon" (a "who"
    is a name by its head), and "Ban Ki" cuts the word (was "Ban Ki", F1 80)."""
    s = parse_sentence("Ban Ki-moon visited as the UN-backed envoy Kim Jong-un left.")
    spans = {sp.text for sp in s.spans}
    assert {"Ban Ki-moon", "Kim Jong-un", "UN", "UN-backed"} <= spans
    assert not {"Ban Ki", "Kim Jong"} & spans
    # a name ending in a particle and its hyphenated word keeps its capitalised head
    assert seeds_assistant.ask("Who is Haftar's top aide?").answer == "Abdel-Salam al-Hassi"
    ans = seeds_assistant.ask("Who visited Libya in October 2014?")
    assert ans.answer == "Ban Ki-moon"
    assert "Ban Ki-moon visited in October 2014" in ans.citations[0].quote
    assert_verbatim(ans, seeds_assistant.brief)


@pytest.mark.parametrize("question,starts,quoted", [
    # was "Abu Dhabi" of "Serraj and Haftar, who met in Abu Dhabi last month"
    ("Who has been trying to mediate between Serraj and Haftar?", "United Nations",
     "United Nations and Western countries which have been trying to mediate"),
    # was "Al-Assabaah" of "in the mountain district of Al-Assabaah"
    ("Who reported the two deaths in the overnight skirmishes near Gharyan?", "Haftar's forces",
     "according to the media office of Haftar's forces"),
])
def test_a_name_written_as_a_place_is_no_who(seeds_assistant, question, starts, quoted):
    ans = seeds_assistant.ask(question, settings=Settings(min_confidence=0.0))  # the span, whatever the threshold
    assert ans.answer.startswith(starts), ans.answer
    assert quoted in ans.citations[0].quote
    assert_verbatim(ans, seeds_assistant.brief)
    from askbrief.answer.names import written_as_place
    text = "who met in Abu Dhabi, near the district of al-Assabaah, as Haftar said"
    assert written_as_place(text, text.index("Abu")) and written_as_place(text, text.index("Assabaah"))
    assert not written_as_place(text, text.index("Haftar"))


def test_a_spaced_hyphen_is_a_dash_no_span_crosses(seeds_assistant):
    """"loyalty - several groups": a hyphen with spaces around it parts two clauses like a
    dash; only "Al-Assabaah", "14-16" join (was "often flexible loyalty - several groups")."""
    s = parse_sentence("It relies on groups with often flexible loyalty - several groups left in April 14-16.")
    spans = {sp.text for sp in s.spans}
    assert {"often flexible loyalty", "several groups", "April 14-16"} <= spans
    assert not {t for t in spans if "loyalty - several" in t}
    ans = seeds_assistant.ask("Which groups dumped the last government to support Sarraj?")
    assert ans.answer == "several groups"
    assert "several groups dumped the last government" in ans.citations[0].quote
    assert_verbatim(ans, seeds_assistant.brief)
