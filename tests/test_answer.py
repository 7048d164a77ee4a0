"""The answer selector: seed questions answered with verbatim citations, abstention, corroboration,
disagreement, units, dated display, and the shipped weights and their training."""

import json

import numpy as np
import pytest

import askbrief
from askbrief import answer, dates, train
from askbrief.models import Answer, Settings
from askbrief.retrieve import search
from askbrief.text import tokenize
from askbrief.render import render_text

from helpers import assert_verbatim

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
    ("Pro-government forces from which coastal town captured Haftar's men?", {"Zawiya"}),
    ("Who contributed information to the Associated Press article?", {"Maggie Michael"}),
    ("When was Kadafi overthrown?", {"2011"}),
    ("In what year was Moammar Gadhafi deposed and killed?", {"2011"}),
]

OFF_TOPIC = ["What is the capital of Egypt?", "Who won the 2018 FIFA World Cup?",
             "What is the boiling point of water?", "Who is the prime minister of Japan?",
             "How tall is the Eiffel Tower?", "When was Khalifa Haftar born?"]


def ask(assistant, question, settings=None):
    """Ask through the selector directly, with the given settings."""
    settings = settings or assistant.settings
    hits = search(assistant.index, tokenize(question), settings.top_k)
    return Answer(question=question, elapsed_ms=0.0,
                  **answer.select(question, assistant.index, hits, settings))


@pytest.mark.parametrize("question,good", SEED_QUESTIONS)
def test_seed_question(seeds_assistant, question, good):
    ans = ask(seeds_assistant, question)
    assert not ans.abstained, ans
    assert ans.answer in good
    assert_verbatim(ans, seeds_assistant.brief)
    assert 0.0 < ans.confidence <= 1.0


SEED_QUESTIONS.append(("How far is Gharyan from Tripoli?", {"50 km", "50 kilometers", "31 miles"}))

KNOWN_MISSES = [  # the shipped weights still get these wrong
    ("Where were skirmishes reported overnight?", {"Al-Assabaah", "al-Assabaah", "Al Asaba"}),  # says Gharyan
]


@pytest.mark.xfail(reason="known selector miss with the shipped weights", strict=True)
@pytest.mark.parametrize("question,good", KNOWN_MISSES)
def test_known_misses(seeds_assistant, question, good):
    test_seed_question(seeds_assistant, question, good)


def test_who_took_gharyan(seeds_assistant):
    ans = seeds_assistant.ask("Who took Gharyan?")
    assert ans.answer in {"Haftar's forces", "Hifter's forces", "Haftar’s forces"}
    assert len({c.doc for c in ans.citations}) >= 2
    assert_verbatim(ans, seeds_assistant.brief)


def test_possessive_pronoun_counts_for_its_antecedent(seeds_assistant):
    # "His forces have taken over the town of Gharyan": "his" is Haftar (two paragraphs up), so
    # the sentence corroborates "Haftar's forces" without ever being shown as the answer
    idx = seeds_assistant.index
    chunk = next(i for i, c in enumerate(idx.brief.chunks) if c.text.startswith("His forces have taken"))
    assert answer._antecedent(idx, chunk, 0) == "Haftar"
    place, person = answer._usage(idx, "Tripoli")
    assert place > 0.75 > person


def test_he_in_a_sentence_counts_as_the_person_named_before(seeds_assistant):
    # "He said there will be no dialogue with the militias, whom he described as "terrorists""
    # follows the paragraph naming Al-Mesmari: the sentence is about him for the question's words
    from askbrief.spans import parse_chunk
    idx = seeds_assistant.index
    chunk = next(i for i, c in enumerate(idx.brief.chunks) if "whom he described as" in c.text)
    sent = parse_chunk(idx.brief.chunks[chunk].text)[0]
    he = [k for k, w in enumerate(sent.words) if w[2].lower() == "he"]
    coref = answer._coref(idx, chunk, sent)
    assert len(he) == 2 and all(coref.get(k) == tokenize("Mesmari")[0] for k in he), coref
    # a sentence without a person pronoun reads as written
    other = next(i for i, c in enumerate(idx.brief.chunks) if c.text.startswith("His forces have taken"))
    assert all(not answer._coref(idx, other, s) or s.text.startswith("His")
               for s in parse_chunk(idx.brief.chunks[other].text))


def test_answer_type_agreement():
    assert answer.fits("date", frozenset({"weekday", "date"}))
    assert not answer.fits("date", frozenset({"name", "cap"}))
    assert not answer.fits("person", frozenset({"weekday", "date", "name", "cap"}))
    assert not answer.fits("person", frozenset({"lower"}))
    assert answer.fits("person", frozenset({"lower"}), agent=True)
    assert not answer.fits("number", frozenset({"name"}))
    assert not answer.fits("person", frozenset({"quoted"}))  # a quotation is no one
    assert not answer.fits("date", frozenset({"num", "unit"}))  # "50 kilometers" is no date
    assert answer.fits("date", frozenset({"num", "date", "month"}))
    assert not answer.fits("duration", frozenset({"weekday", "date"}))  # "Friday" is no length of time
    assert answer.fits("duration", frozenset({"lower", "num", "unit"}))  # "three days" is


def test_first_question_word_decides_the_answer_type():
    from askbrief.spans import question_kind
    assert question_kind("Which city did Antonio Guterres visit when the assault was launched?") == (
        "place", "city")
    assert question_kind("Who did Haftar speak to when he was in Benghazi?")[0] == "person"
    assert question_kind("When did he resign after the protests in Algiers?")[0] == "date"
    assert question_kind("What happened when Haftar's forces reached Gharyan?")[0] == "thing"


def test_how_many_counts_a_noun():
    from askbrief.spans import question_kind
    assert question_kind("How many farms are there in Victoria?") == ("number", "farms")
    assert question_kind("How many Libyan fighters were killed?") == ("number", "fighters")
    assert question_kind("How many more troops arrived?") == ("number", "troops")
    assert question_kind("How much did the deal cost?") == ("number", "")


def test_question_wording_around_a_span():
    from askbrief.text import WORD_RE, term
    q_toks = [answer._tok(w, {}) for w in WORD_RE.findall("What did the order raise fears of?")]
    words = WORD_RE.findall("It sparked fears of a major showdown with rival militias")
    toks, mt = [answer._tok(w, {}) for w in words], [term(w) for w in words]
    left, right = answer._aligned(toks, mt, answer._grams(q_toks), frozenset(q_toks))
    assert (left[4], right[6]) == (2, 0)  # "fears of" + "a major showdown"
    assert left[5] == 2  # the article is skipped: "fears of [a] major showdown"
    assert left[6] == 0  # "of a major" is not the question's
    assert (left[3], right[3]) == (0, 0)  # "sparked fears" + "of" + "a major": neither


def test_which_city_question_with_a_when_clause(seeds_assistant):
    ans = ask(seeds_assistant, "Which city did Antonio Guterres visit when the assault was launched?")
    assert ans.answer == "Tripoli"  # not "Thursday", the time of the "when" clause
    assert_verbatim(ans, seeds_assistant.brief)


def test_lists_of_names_and_titles_in_spans():
    from askbrief.spans import parse_sentence
    s = parse_sentence("A joint statement by the United States, France, Britain, Italy and the United "
                       "Arab Emirates came as President Abdelaziz Bouteflika resigned.")
    spans = {sp.text: sp for sp in s.spans}
    listed = spans["United States, France, Britain, Italy and the United Arab Emirates"]
    assert {"list", "name"} <= listed.shapes
    assert not spans["Abdelaziz Bouteflika"].cuts  # "President" is a title, not part of the name
    assert spans["Arab Emirates"].cuts  # "United" is
    assert answer._plural_focus("Which countries issued a joint statement?")
    assert not answer._plural_focus("Which news agency did he speak to?")


def test_money_and_percentages_keep_their_signs():
    from askbrief.spans import parse_sentence
    s = parse_sentence("ITV raised its offer to £34m a year, more than 50% of the $ 20 billion deal.")
    spans = {sp.text: sp for sp in s.spans}
    assert {"£34m", "£34m a year", "more than 50%", "$ 20 billion"} <= set(spans)
    assert spans["£34m"].first == spans["34m"].first  # the sign is no word of its own
    assert "unit" in spans["more than 50%"].shapes
    assert answer.quantity("£34m") == ("money£", 34e6)  # money, not 34 metres
    assert answer.quantity("34m") == ("len", 34.0)


def test_dotted_abbreviations_are_one_name():
    from askbrief.spans import parse_sentence
    s = parse_sentence("The talks were brokered by the U.N. and U.S. officials in Tripoli.")
    spans = {sp.text: sp for sp in s.spans}
    assert "name" in spans["U.N."].shapes and not spans["U.N."].cuts  # with its final dot
    assert "name" in spans["U.S."].shapes
    assert spans["U"].cuts and spans["N."].cuts  # a letter alone cuts the abbreviation
    assert "U.N" not in spans and "N" not in spans


def test_a_cut_name_is_judged_as_the_whole_name():
    # how the brief uses a name (as a person, as a place) is read from its last word, so a
    # first name cut from "Abdelaziz Bouteflika" cannot look more like a person than the name
    from askbrief.spans import parse_sentence
    s = parse_sentence("Algeria, where President Abdelaziz Bouteflika resigned on Tuesday.")
    spans = {sp.text: sp for sp in s.spans}
    assert answer._head_word(spans["Abdelaziz"], s) == "Bouteflika"
    assert answer._head_word(spans["President Abdelaziz"], s) == "Bouteflika"
    assert answer._head_word(spans["Algeria"], s) == "Algeria"


def test_follow_up_answer_is_not_its_own_referent(seeds_assistant):
    # "Who did he speak to?" with "he" = Al-Hassi: the answer is whoever he spoke to, never Al-Hassi
    idx, settings = seeds_assistant.index, seeds_assistant.settings
    q = "Who did he speak to over the phone?"
    referent = tokenize("Abdel-Salam Al-Hassi")
    hits = search(idx, tokenize(q) + referent, settings.top_k)
    ex = answer.extract(q, idx, hits, settings, extra_terms=referent)
    assert ex.candidates
    assert not any(set(c.span.terms) <= set(referent) for c in ex.candidates)
    plain = answer.extract(q, idx, hits, settings)  # without the conversation it is a candidate
    assert any(c.span.text == "Abdel-Salam Al-Hassi" for c in plain.candidates)


@pytest.mark.parametrize("question", OFF_TOPIC + ["How many people live in Tripoli?"])
def test_off_topic_abstains(seeds_assistant, question):
    ans = ask(seeds_assistant, question)
    assert ans.abstained and ans.answer is None
    assert ans.confidence < 0.5
    assert_verbatim(ans, seeds_assistant.brief)


def test_dated_display(seeds_assistant):
    ans = ask(seeds_assistant, "When did Bouteflika resign?")
    assert ans.answer == "Tuesday"
    assert "Tuesday (2019-04-02)" in render_text(ans)
    assert ans.answer in ans.evidence  # the quote itself stays verbatim


def test_dates_resolve():
    assert dates.display("Thursday", "2019-04-04") == "Thursday (2019-04-04)"
    assert dates.resolve("on Tuesday", "2019-04-04") == "2019-04-02"
    assert dates.resolve("Friday", "2019-04-04", "He is scheduled to meet Haftar on Friday") == "2019-04-05"
    assert dates.resolve("overnight Wednesday", "2019-04-05") == "2019-04-03"
    assert dates.resolve("last month", "2019-04-04") == "2019-03"
    assert dates.resolve("Thursday", None) is None
    assert dates.display("2011", "2019-04-04") == "2011"


def _write(tmp_path, files):
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return askbrief.load([str(tmp_path)], use_cache=False)


def test_units_grouped_as_one_fact(tmp_path):
    a = _write(tmp_path, {
        "a.txt": "date 2020-01-02 The town of Karsa is 50 kilometers from the capital, officials said.",
        "b.txt": "date 2020-01-03 Karsa, a town 31 miles from the capital, fell on Monday.",
        "c.txt": "date 2020-01-03 Rebels entered Karsa, which lies 50 km from the capital.",
        "d.txt": "date 2020-01-03 The weather in the region was cold and dry for the season.",
    })
    ans = ask(a, "How far is Karsa from the capital?", settings=Settings(min_confidence=0.0))
    assert answer.quantity(ans.answer)[0] == "len"
    assert {c.doc for c in ans.citations} == {"a", "b", "c"}
    assert_verbatim(ans, a.brief)
    assert answer.quantity("31 miles")[1] == pytest.approx(answer.quantity("50 km")[1], rel=0.01)


@pytest.mark.parametrize("a,b", [("26,000 square kilometres", "10,000 sq mi"), ("5 km²", "1.93 sq. mi"),
                                 ("20 °C", "68 °F"), ("6.4 billion litres", "1.7 billion gallons"),
                                 ("400 hectares", "988 acres")])
def test_same_quantity_in_other_units(a, b):
    assert answer.same_quantity(answer.quantity(a), answer.quantity(b))
    assert not answer.same_quantity(answer.quantity(a), answer.quantity("3 " + b.split(" ", 1)[1]))


def _two_sources(tmp_path, first, second, question):
    """Ask on a brief where two sources state one fact, in their own words, and a third is off
    the subject: the answer cites both sources and quotes them verbatim."""
    a = _write(tmp_path, {
        "a.txt": "date 2020-01-02 " + first,
        "b.txt": "date 2020-01-03 " + second,
        "c.txt": "date 2020-01-03 The weather in the region was cold and dry for the season.",
    })
    ans = ask(a, question, settings=Settings(min_confidence=0.0))
    assert {c.doc for c in ans.citations} == {"a", "b"}
    assert_verbatim(ans, a.brief)
    return ans


def test_sums_of_money_written_differently_are_one_fact(tmp_path):
    assert answer.same_quantity(answer.quantity("£34m"), answer.quantity("£34 million"))
    assert answer.same_quantity(answer.quantity("$ 20 billion"), answer.quantity("$20bn"))
    assert not answer.same_quantity(answer.quantity("$20bn"), answer.quantity("£20bn"))
    ans = _two_sources(tmp_path, "The Karsa bridge contract is worth £34m, the ministry said.",
                       "Builders won the £34 million Karsa bridge contract on Monday.",
                       "How much is the Karsa bridge contract worth?")
    assert answer.quantity(ans.answer) == ("money£", 34e6)


def test_quantity_shown_as_stated_not_as_its_conversion(tmp_path):
    ans = _two_sources(tmp_path, "More than 26,000 square kilometres (10,000 sq mi) of Karsan farmland "
                                 "are sown for grain, mostly in the west.",
                       "A report put Karsan farmland under grain at 26,000 km².",
                       "How much Karsan farmland is sown for grain?")
    assert "26,000 square kilometres" in ans.answer


def test_percentage_question_has_its_focus_next_to_a_percent(tmp_path):
    a = _write(tmp_path, {
        "a.txt": "date 2020-01-02 Karsan farms occupy 3,000 square kilometres of land. More than 50% "
                 "of it is sown for wheat, 33 percent for barley and 7 per cent for oats.",
        "b.txt": "date 2020-01-03 The weather in the region was cold and dry for the season.",
    })
    q = "What percentage of Karsan farmland grows wheat?"
    ex = answer.extract(q, a.index, search(a.index, tokenize(q), 5), Settings())
    beside = {c.span.text: ex.X[c.row, answer._FI["next_focus"]] for c in ex.candidates}
    assert beside["50"] == beside["33"] == beside["7"] == 1.0  # "50%", "33 percent", "7 per cent"
    assert beside["3,000"] == 0.0
    ans = ask(a, q, settings=Settings(min_confidence=0.0))
    assert ans.answer in {"50", "More than 50%"}
    assert_verbatim(ans, a.brief)


def test_disagreeing_sources_show_alternatives(tmp_path):
    a = _write(tmp_path, {
        "a.txt": "date 2020-05-01 The Kora bridge collapse killed 12 people, the police said.",
        "b.txt": "date 2020-05-02 The Kora bridge collapse killed 40 people, the hospital said.",
        "c.txt": "date 2020-05-02 Tourism in the valley has grown for a decade.",
    })
    ans = ask(a, "How many people did the Kora bridge collapse kill?", settings=Settings(min_confidence=0.0))
    assert not ans.abstained
    shown = {ans.answer} | {alt.answer for alt in ans.alternatives}
    assert {"12", "40"} <= {s.split()[0] for s in shown}
    for alt in ans.alternatives:
        assert alt.citations and all(alt.answer in c.quote for c in alt.citations)
    text = render_text(ans)
    assert "Other sources say" in text
    Answer.model_validate_json(ans.model_dump_json())


def test_weights_load():
    data = json.loads(answer.WEIGHTS_PATH.read_text(encoding="utf-8"))
    assert set(data["rank"]) <= set(answer.FEATURES)
    assert set(data["conf"]) <= set(answer.CONF_FEATURES)
    model = answer.load_model()
    assert 0.0 < model.threshold < 1.0
    assert model.rank.shape == (len(answer.FEATURES),)


def test_min_confidence_overrides_threshold(seeds_assistant):
    q = "Who is Haftar's spokesman?"
    assert ask(seeds_assistant, q, settings=Settings(min_confidence=1.0)).abstained
    assert not ask(seeds_assistant, q, settings=Settings(min_confidence=0.0)).abstained


def test_training_is_deterministic():
    items = train.load_items(Settings(), seeds=False, limit=12)
    w1, w2 = train.fit_rank(items, epochs=15), train.fit_rank(items, epochs=15)
    assert np.array_equal(w1, w2)
    X, y, _ = train.conf_rows(items, w1)
    assert np.array_equal(train.fit_conf(X, y), train.fit_conf(X, y))


def test_a_who_answer_is_never_a_quotation_or_a_verb_phrase(tmp_path):
    a = _write(tmp_path, {
        "a.txt": 'date 2020-01-02 "We fully control the town," Omar Saleh, commander of the '
                 'northern operation, told Reuters news agency by telephone.',
        "b.txt": 'date 2020-01-03 "I am sipping coffee now in Karsa," the top aide of the general '
                 "said over the phone.",
    })
    st = Settings(min_confidence=0.0)
    for q in ("Who is the commander of the northern operation?", "Who is the general's top aide?"):
        hits = search(a.index, tokenize(q), st.top_k)
        texts = {c.span.text for c in answer.extract(q, a.index, hits, st).candidates}
        assert "Omar Saleh" in texts or q.endswith("aide?")
        assert not texts & {"told Reuters news agency", "told Reuters news",
                            "I am sipping coffee now in Karsa", "We fully control the town"}


def test_threshold_is_chosen_on_the_smoothed_curve():
    # two unanswerables at low confidence; five right answers at 0.41-0.45; seven unanswerables
    # at 0.465-0.495; eleven right answers at 0.50-0.55. Overall F1 is 0.72 for every cut from
    # 0.16 to 0.41, dips to 0.52 at 0.46 and peaks at 0.80 for the one cut 0.50, then falls off
    # fast: the raw curve takes the spike, the smoothed one the plateau
    conf = np.array([0.10, 0.15, 0.41, 0.42, 0.43, 0.44, 0.45, 0.465, 0.47, 0.475, 0.48, 0.485,
                     0.49, 0.495, 0.50, *np.linspace(0.505, 0.55, 10)])
    answerable = np.array([False] * 2 + [True] * 5 + [False] * 7 + [True] * 11)
    f1 = answerable.astype(float)
    assert train.best_threshold(conf, f1, answerable, window=0) == 0.50
    assert 0.16 <= train.best_threshold(conf, f1, answerable) <= 0.41
