"""The answer stage end to end: seed questions answered with verbatim citations, abstention,
corroboration across sources, disagreement, units, dated display."""

import re

import pytest

from askbrief.answer.quantities import quantity, same_quantity
from askbrief.models import Answer, Settings
from askbrief.render import render_text

from helpers import assert_verbatim, brief_of


# (question, acceptable answers): different question types, all from the bundled brief
SEED_QUESTIONS = [
    ("Who is Haftar's spokesman?", {"Ahmed Al-Mesmari", "Ahmed al-Mesmari"}),
    ("When did Bouteflika resign?", {"Tuesday", "on Tuesday"}),
    ("Where is Haftar's eastern stronghold?", {"Benghazi"}),
    ("How many people were killed in the skirmishes near Gharyan?", {"two", "two people"}),
    ("When did Ban Ki-moon visit Libya?", {"October 2014"}),
    ("Which country requested an urgent UN Security Council meeting on Libya?", {"Britain"}),
    ("Where is Guterres scheduled to meet Haftar?", {"Benghazi"}),
    ("What did Haftar call his forces' move?", {"victorious march"}),
    ("Who is the spokesman of Turkey's Foreign Ministry?", {"Hami Aksoy"}),
    ("When is the National Conference in Ghademes planned?", {"April 14-16"}),
    ("Where did Serraj and Haftar meet last month?", {"Abu Dhabi"}),
    ("How many directives did Prime Minister Fayez Sarraj issue?", {"three"}),
    ("Who contributed information to the Associated Press article?", {"Maggie Michael"}),
    ("When was Kadafi overthrown?", {"2011"}),
    ("In what year was Moammar Gadhafi deposed and killed?", {"2011"}),
]

OFF_TOPIC = ["What is the capital of Egypt?", "Who won the 2018 FIFA World Cup?",
             "What is the boiling point of water?", "Who is the prime minister of Japan?",
             "How tall is the Eiffel Tower?", "When was Khalifa Haftar born?"]


@pytest.mark.parametrize("question,good", SEED_QUESTIONS)
def test_seed_question(seeds_assistant, question, good):
    ans = seeds_assistant.ask(question)
    assert not ans.abstained, ans
    assert ans.answer in good
    assert_verbatim(ans, seeds_assistant.brief)
    assert 0.0 < ans.confidence <= 1.0


SEED_QUESTIONS.append(("How far is Gharyan from Tripoli?", {"50 km", "50 kilometers", "31 miles"}))
# right since the issue-21 refit (it said Gharyan, a strict known miss until then)
SEED_QUESTIONS.append(("Where were skirmishes reported overnight?", {"Al-Assabaah", "al-Assabaah", "Al Asaba"}))
# worded freely (a first turn of followups-seeds.jsonl): answered since the confidence is
# fitted with each question set weighing alike (it abstained at 0.20)
SEED_QUESTIONS.append(("Where did the overnight skirmishes take place?", {"Al-Assabaah", "al-Assabaah"}))
# a known miss until the off-topic test read "Libyan" as naming Libya: every passage naming
# "Libyan" holds none of "dictator overthrown 2011" (the answer's sentence says "Libya's")
SEED_QUESTIONS.append(("Who was the Libyan dictator overthrown in 2011?", {"Muammar Gaddafi", "Gaddafi"}))

# the shipped weights get these wrong (strict: the test fails once one is answered right)
KNOWN_MISSES: list[tuple[str, set[str]]] = [
    # "coastal town of Zawiya" answers right since the candidate builder offers no span with the
    # question's own words around an answer (tests/test_spans.py)
]


@pytest.mark.xfail(reason="known selector miss with the shipped weights", strict=True)
@pytest.mark.parametrize("question,good", KNOWN_MISSES)
def test_known_misses(seeds_assistant, question, good):
    test_seed_question(seeds_assistant, question, good)


def test_who_took_gharyan(seeds_assistant):
    ans = seeds_assistant.ask("Who took Gharyan?")
    assert ans.answer in {"Haftar's forces", "Hifter's forces", "Haftar’s forces"}
    assert_verbatim(ans, seeds_assistant.brief)
    # a source agrees when it says who took Gharyan, not when it names Haftar's forces near
    # Gharyan ("Skirmishes were reported ... near Gharyan ... media office of Haftar's forces")
    for c in ans.citations:
        assert "Gharyan" in c.quote and re.search(r"\bt(?:ook|aken|aking)\b", c.quote), c.quote


def test_corroborating_sources_state_the_answer_for_the_question(tmp_path):
    a = brief_of(tmp_path, {
        "a.txt": "date 2020-01-02 Rebel forces captured the town of Karsa on Monday, officials said.",
        "b.txt": "date 2020-01-03 Karsa was captured by rebel forces after a short battle on Monday.",
        "c.txt": "date 2020-01-03 Aid reached Karsa on Monday, the office of the rebel forces said.",
        **{f"{k}.txt": f"date 2020-01-0{k} The weather in the region was cold and dry on day {k}."
           for k in range(4, 9)},
    })
    ans = a.ask("Who captured Karsa?", settings=Settings(min_confidence=0.0))
    assert ans.answer in {"Rebel forces", "rebel forces"}
    assert {c.doc for c in ans.citations} == {"a", "b"}  # not c: it names them, but not as captors
    assert_verbatim(ans, a.brief)


def test_which_city_question_with_a_when_clause(seeds_assistant):
    ans = seeds_assistant.ask("Which city did Antonio Guterres visit when the assault was launched?")
    # not "Thursday", the time of the "when" clause, nor "United Nations" of "United Nations chief
    # Antonio Guterres visited Tripoli" (a known miss until names before a title were no place)
    assert ans.answer == "Tripoli"
    assert "Guterres visited Tripoli" in ans.citations[0].quote
    assert_verbatim(ans, seeds_assistant.brief)


@pytest.mark.parametrize("question", OFF_TOPIC + ["How many people live in Tripoli?"])
def test_off_topic_abstains(seeds_assistant, question):
    ans = seeds_assistant.ask(question)
    assert ans.abstained and ans.answer is None
    assert ans.confidence < 0.5
    assert_verbatim(ans, seeds_assistant.brief)


def test_dated_display(seeds_assistant):
    ans = seeds_assistant.ask("When did Bouteflika resign?")
    assert ans.answer == "Tuesday"
    assert "Tuesday (2019-04-02)" in render_text(ans)
    assert ans.answer in ans.evidence  # the quote itself stays verbatim




def test_units_grouped_as_one_fact(tmp_path):
    a = brief_of(tmp_path, {
        "a.txt": "date 2020-01-02 The town of Karsa is 50 kilometers from the capital, officials said.",
        "b.txt": "date 2020-01-03 Karsa, a town 31 miles from the capital, fell on Monday.",
        "c.txt": "date 2020-01-03 Rebels entered Karsa, which lies 50 km from the capital.",
        "d.txt": "date 2020-01-03 The weather in the region was cold and dry for the season.",
    })
    ans = a.ask("How far is Karsa from the capital?", settings=Settings(min_confidence=0.0))
    assert quantity(ans.answer)[0] == "len"
    assert {c.doc for c in ans.citations} == {"a", "b", "c"}
    assert_verbatim(ans, a.brief)
    assert quantity("31 miles")[1] == pytest.approx(quantity("50 km")[1], rel=0.01)


def _two_sources(tmp_path, first, second, question):
    """Ask on a brief where two sources state one fact, in their own words, and a third is off
    the subject: the answer cites both sources and quotes them verbatim."""
    a = brief_of(tmp_path, {
        "a.txt": "date 2020-01-02 " + first,
        "b.txt": "date 2020-01-03 " + second,
        "c.txt": "date 2020-01-03 The weather in the region was cold and dry for the season.",
    })
    ans = a.ask(question, settings=Settings(min_confidence=0.0))
    assert {c.doc for c in ans.citations} == {"a", "b"}
    assert_verbatim(ans, a.brief)
    return ans


def test_sums_of_money_written_differently_are_one_fact(tmp_path):
    assert same_quantity(quantity("£34m"), quantity("£34 million"))
    assert same_quantity(quantity("$ 20 billion"), quantity("$20bn"))
    assert not same_quantity(quantity("$20bn"), quantity("£20bn"))
    ans = _two_sources(tmp_path, "The Karsa bridge contract is worth £34m, the ministry said.",
                       "Builders won the £34 million Karsa bridge contract on Monday.",
                       "How much is the Karsa bridge contract worth?")
    assert quantity(ans.answer) == ("money£", 34e6)


def test_quantity_shown_as_stated_not_as_its_conversion(tmp_path):
    ans = _two_sources(tmp_path, "More than 26,000 square kilometres (10,000 sq mi) of Karsan farmland "
                                 "are sown for grain, mostly in the west.",
                       "A report put Karsan farmland under grain at 26,000 km².",
                       "How much Karsan farmland is sown for grain?")
    assert "26,000 square kilometres" in ans.answer


def test_disagreeing_sources_show_alternatives(tmp_path):
    a = brief_of(tmp_path, {
        "a.txt": "date 2020-05-01 The Kora bridge collapse killed 12 people, the police said.",
        "b.txt": "date 2020-05-02 The Kora bridge collapse killed 40 people, the hospital said.",
        "c.txt": "date 2020-05-02 Tourism in the valley has grown for a decade.",
    })
    ans = a.ask("How many people did the Kora bridge collapse kill?", settings=Settings(min_confidence=0.0))
    assert not ans.abstained
    shown = {ans.answer} | {alt.answer for alt in ans.alternatives}
    assert {"12", "40"} <= {s.split()[0] for s in shown}
    for alt in ans.alternatives:
        assert alt.citations and all(alt.answer in c.quote for c in alt.citations)
    text = render_text(ans)
    assert "Other sources say" in text
    Answer.model_validate_json(ans.model_dump_json())


def test_min_confidence_overrides_threshold(seeds_assistant):
    q = "Who is Haftar's spokesman?"
    no_short = seeds_assistant.ask(q, settings=Settings(min_confidence=1.0))
    assert no_short.answer is None and no_short.grade == "sentence"  # the sentence model still speaks
    assert seeds_assistant.ask(q, settings=Settings(min_confidence=1.0, min_sentence_confidence=1.0)).abstained
    assert seeds_assistant.ask(q, settings=Settings(min_confidence=0.0)).grade == "short"


def test_asking_writes_into_neither_the_index_nor_the_parsed_sentences(tmp_path):
    # caches live with their owner: how the brief uses a name is kept by answer.names, not
    # on the index, and a parsed sentence (cached per chunk text) is never filled in later
    from askbrief.answer.spans import parse_chunk

    a = brief_of(tmp_path, {
        "a.txt": "date 2020-01-02 Rebel forces took the town of Karsa on Monday, commander Omar Saleh said.",
        "b.txt": "date 2020-01-03 His forces now hold Karsa, he said.",
    })
    attributes = dict(vars(a.index))
    spans = [repr(sp) for c in a.brief.chunks for s in parse_chunk(c.text) for sp in s.spans]
    ans = a.ask("Who took Karsa?", settings=Settings(min_confidence=0.0))
    assert not ans.abstained and "Karsa" not in ans.answer
    assert vars(a.index).keys() == attributes.keys()
    assert [repr(sp) for c in a.brief.chunks for s in parse_chunk(c.text) for sp in s.spans] == spans


def test_an_alternative_passes_the_answers_tests_and_agreement_through_his(seeds_assistant):
    # "Hifter's message ... comes a day after his forces ... took over the town of Gharyan":
    # a message took nothing, and the sentence says who did through "his forces" (his = Haftar)
    ans = seeds_assistant.ask("Who took Gharyan?")
    assert ans.answer == "Haftar's forces" and ans.alternatives == []
    assert_verbatim(ans, seeds_assistant.brief)


_BRIDGE = {
    "a.txt": "Karsa bridge opens\ndate 2023-03-02\n\nThe Karsa bridge was opened on Monday by Mayor Ana Ruiz, "
             "the council said.\n",
    "b.txt": "Bridge opening draws crowds\ndate 2023-03-03\n\nRuiz's statement, which was read out on local "
             "radio, came a day after her officials opened the Karsa bridge to traffic.\n\nMayor Ana Ruiz thanked "
             "the builders.\n",
    "c.txt": "Council notes\ndate 2023-03-04\n\nRuiz's speech, which was printed in the Karsa Herald, came after "
             "her team opened the Karsa bridge.\n",
}


def test_a_thing_owned_by_a_name_is_no_other_answer_to_who(tmp_path):
    a = brief_of(tmp_path, _BRIDGE)
    ans = a.ask("Who opened the Karsa bridge?", settings=Settings(min_confidence=0.0))
    assert ans.answer == "Mayor Ana Ruiz"
    assert ans.alternatives == []  # not "Ruiz's speech"


def test_another_person_stating_it_is_still_an_alternative(tmp_path):
    a = brief_of(tmp_path, {**_BRIDGE, "d.txt": "Bridge row\ndate 2023-03-05\n\nThe Karsa bridge was opened on "
                                                "Monday by Governor Tomas Reyes, his office said.\n"})
    ans = a.ask("Who opened the Karsa bridge?", settings=Settings(min_confidence=0.0))
    shown = [ans.answer] + [alt.answer for alt in ans.alternatives]
    assert sorted(shown) == ["Governor Tomas Reyes", "Mayor Ana Ruiz"]



@pytest.mark.parametrize("question,gold,doc,paragraph", [
    ("Which military alliance supported the 2011 revolt?", "NATO", "001_1f37c06d38456ad0", 6),
    ("Which European body warned of an uncontrollable clash?", "European Union's mission to Libya",
     "001_1f37c06d38456ad0", 29)])
def test_a_freely_worded_question_gets_the_sentence_that_answers_it(seeds_assistant, question, gold, doc, paragraph):
    # "supported the 2011 revolt" for "the 2011 NATO-supported uprising", "warned of an
    # uncontrollable clash" for "expressed concern over ... leading to an uncontrollable
    # confrontation": too little of the question word for word for a short answer, but the
    # sentence leads every other sentence read, by the ranker's mass on all its spans and by
    # what it holds of the question (``model.SENT_FEATURES``), so it is the answer
    ans = seeds_assistant.ask(question)
    assert ans.grade == "sentence" and not ans.abstained and ans.answer is None
    assert ans.sentence_confidence >= 0.43 > ans.confidence
    assert gold in ans.evidence
    assert [(c.doc, c.paragraph) for c in ans.citations] == [(doc, paragraph)]
    assert_verbatim(ans, seeds_assistant.brief)
