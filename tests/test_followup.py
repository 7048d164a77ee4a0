"""Follow-up questions: references resolved against the previous turn, by type."""

import json
import re

import pytest

import askbrief

from askbrief.answer.question import question_kind
from askbrief.followup import resolve, spelled_out
from askbrief.turns import asks_for
from askbrief.answer.names import entities
from askbrief.models import Answer, Citation
from askbrief.render import render_json, render_text
from askbrief.text import tokenize

DISTANCE = re.compile(r"\b\d+\s*(?:km|kilomet\w*|miles?)\b", re.I)


def turn(question, answer=None, evidence=None) -> Answer:
    """An earlier turn as the store would give it back (no brief needed)."""
    cits = []
    if evidence:
        cits = [Citation(doc="d", title="t", date=None, paragraph=0, start=0, end=len(evidence),
                         quote=evidence)]
    return Answer(question=question, answer=answer, abstained=answer is None, confidence=0.9 if answer else 0.1,
                  evidence=evidence if answer else None, citations=cits, retrieved=[], elapsed_ms=1.0)


# --- the rules, without a brief ------------------------------------------------------------

def test_entities_are_name_runs_without_titles():
    found = entities("Their advance surprised Algeria, where President Abdelaziz Bouteflika resigned; "
                     "UN Secretary-General Antonio Guterres met Haftar's spokesman in Benghazi.")
    assert [e.name for e in found] == ["Algeria", "Abdelaziz Bouteflika", "Antonio Guterres", "Haftar",
                                       "Benghazi"]
    titled = {e.name: e.titled for e in found}
    assert titled["Abdelaziz Bouteflika"] and titled["Antonio Guterres"] and not titled["Benghazi"]


def test_no_context_and_self_contained_questions_are_left_alone():
    prev = [turn("Who took Gharyan?", "Haftar's forces", "Haftar's forces took the town of Gharyan.")]
    alone = resolve("How far is it from Tripoli?", [])
    assert (alone.resolved, alone.extra_terms, alone.topic_terms) == ({}, [], [])
    for q in ("How far is Gharyan from Tripoli?", "When did Bouteflika resign?",
              "How long did it take to reach the capital?",  # "it" stands for nothing
              "Is there a ceasefire in Libya?"):              # nor does "there"
        r = resolve(q, prev)
        assert r.resolved == {} and r.extra_terms == [], q


def test_person_pronoun_takes_the_answer_of_a_who_question():
    prev = [turn("Who is the UN Secretary-General?", "Antonio Guterres",
                 "UN Secretary-General Antonio Guterres is in Tripoli.")]
    r = resolve("Where is he scheduled to meet Haftar?", prev)
    assert r.resolved == {"he": "Antonio Guterres"}
    assert r.extra_terms == tokenize("Antonio Guterres")


def test_thing_pronoun_takes_what_the_question_was_about():
    prev = [turn("Where is the National Conference planned to take place?", "Ghadames",
                 "The National Conference is planned to take place in Ghadames.")]
    assert resolve("When is it planned?", prev).resolved == {"it": "National Conference"}


def test_a_name_the_question_already_holds_is_not_its_referent():
    prev = [turn("Who took Gharyan?", "Tripoli",  # a wrong answer must not become "it" either
                 "His forces edged closer to Tripoli and took over the town of Gharyan.")]
    r = resolve("How far is it from Tripoli?", prev)
    assert r.resolved == {"it": "Gharyan"} and r.extra_terms == ["gharyan"]


def test_kind_nouns_and_there():
    prev = [turn("Who took Gharyan?", None)]
    assert resolve("How far is the town from Tripoli?", prev).resolved == {"the town": "Gharyan"}
    assert resolve("What happened there?", prev).resolved == {"there": "Gharyan"}
    # a plain noun phrase is content, not a reference
    assert "the militias" not in resolve("What did the militias say about it?", prev).resolved


def test_no_person_in_sight_means_no_guess():
    prev = [turn("Where is Gharyan?", "south of Tripoli", "Gharyan lies in the mountains south of Tripoli.")]
    assert resolve("When did he resign?", prev).resolved == {}


def test_a_person_named_before_the_pronoun_is_its_referent():
    prev = [turn("Who resigned in Algeria?", "Abdelaziz Bouteflika",
                 "President Abdelaziz Bouteflika resigned on Tuesday.")]
    assert resolve("Did President Macron say he would visit?", prev).resolved == {}


def test_elliptical_question_borrows_the_previous_one():
    prev = [turn("Who took Gharyan?", "Haftar's forces", "Haftar's forces took Gharyan.")]
    r = resolve("And Tripoli?", prev)
    assert r.resolved == {"context": "Who took Gharyan?"} and r.extra_terms == tokenize("took")
    r = resolve("Why?", prev)
    assert r.extra_terms == tokenize("took Gharyan")


def test_a_chain_of_follow_ups_keeps_the_referent():
    first = turn("Who took Gharyan?", "Haftar's forces", "Haftar's forces took Gharyan.")
    second = turn("How far is it from Tripoli?", "50 km", "Gharyan, 50 km from Tripoli.")
    second = second.model_copy(update={"resolved": {"it": "Gharyan"}})
    assert resolve("How many people live there?", [first, second]).resolved == {"there": "Gharyan"}


def test_a_follow_up_is_read_with_its_references_spelled_out():
    assert spelled_out("Where was he sipping coffee?", {"he": "Abdel-Salam al-Hassi"}) == \
        "Where was Abdel-Salam al-Hassi sipping coffee?"
    # a possessive keeps its "'s"; a reference that is not a pronoun is not rewritten
    assert spelled_out("What did his interior ministry announce?", {"his": "Fayez Serraj"}) == \
        "What did Fayez Serraj's interior ministry announce?"
    assert spelled_out("And Tripoli?", {"context": "Who took Gharyan?"}) == "And Tripoli?"


def test_an_event_is_not_a_place_and_the_topic_carries_over():
    prev = [turn("Where did Haftar meet Russian Foreign Minister Sergei Lavrov?", "Moscow",
                 "Haftar meets with Russian Foreign Minister Sergei Lavrov in Moscow.")]
    r = resolve("When did that meeting take place?", prev)
    # not "When did Moscow take place?": the meeting the question asked about
    assert r.resolved == {"that meeting": "the meeting (Haftar meet Russian Foreign Minister Sergei Lavrov)"}
    terms = set(r.extra_terms) | set(r.topic_terms)
    assert {"haftar", "lavrov"} <= terms and "moscow" not in terms  # the question, not its answer
    # no meeting was asked about: nothing to point at
    prev = [turn("Where is Haftar's eastern stronghold?", "Benghazi", "Haftar's eastern stronghold is Benghazi.")]
    assert "that meeting" not in resolve("When did that meeting take place?", prev).resolved
    prev = [turn("Who is Haftar's spokesman?", "Ahmed Al-Mesmari", "Haftar's spokesman, Ahmed Al-Mesmari, said.")]
    r = resolve("What did he describe the militias as?", prev)
    assert r.resolved == {"he": "Ahmed Al-Mesmari"} and "spokesman" in r.topic_terms
    assert "militia" not in r.topic_terms and not set(r.extra_terms) & set(r.topic_terms)


# --- on the bundled brief ------------------------------------------------------------------

def test_gharyan_then_how_far_is_it(seeds_assistant):
    a = seeds_assistant
    first = a.ask("Who took Gharyan?")
    r = resolve("How far is it from Tripoli?", [first], a.index)
    assert r.resolved == {"it": "Gharyan"} and "gharyan" in r.extra_terms
    follow = a.ask("How far is it from Tripoli?", context=[first])
    assert follow.resolved == {"it": "Gharyan"}
    # retrieval: the paragraphs stating the distance now lead
    top = [a.brief.chunks[h.chunk].text for h in
           __import__("askbrief.retrieve", fromlist=["search"]).search(
               a.index, tokenize("How far is it from Tripoli?") + r.extra_terms, 5)]
    assert top and all("Gharyan" in t for t in top[:3])
    assert any(DISTANCE.search(t) for t in top[:3])
    # the answer (or, if the answerer abstains, its closest passages) speaks of Gharyan and a distance
    quotes = [c.quote for c in follow.citations] + [follow.evidence or ""]
    assert any("Gharyan" in q and DISTANCE.search(q) for q in quotes), quotes
    if not follow.abstained:
        assert re.search(r"50|31", follow.answer)
    assert "(it = Gharyan)" in render_text(follow)


def test_algeria_then_when_did_he_resign(seeds_assistant):
    a = seeds_assistant
    first = a.ask("Who resigned in Algeria?")
    follow = a.ask("When did he resign?", context=[first])
    assert follow.resolved == {"he": "Abdelaziz Bouteflika"}
    assert not follow.abstained and "Tuesday" in follow.answer
    assert "Bouteflika" in follow.evidence


def test_self_contained_question_is_unchanged_by_context(seeds_assistant):
    a = seeds_assistant
    ctx = [a.ask("Who took Gharyan?")]
    alone = a.ask("When did Bouteflika resign?")
    after = a.ask("When did Bouteflika resign?", context=ctx)
    assert after.resolved == {}
    assert (after.answer, after.retrieved) == (alone.answer, alone.retrieved)


@pytest.mark.parametrize("question,meant", [
    ("it", {"it": "Gharyan"}), ("he he he", {"he": "Haftar"}), ("there?", {"there": "Gharyan"}),
    ("The the the town", {"the town": "Gharyan"})])
def test_odd_follow_ups_resolve_and_abstain(seeds_assistant, question, meant):
    # a follow-up of references alone is resolved, and with no words of its own left to
    # match it abstains, citing the passages closest to what it was taken to mean
    ctx = [seeds_assistant.ask("Who took Gharyan?")]
    assert resolve(question, ctx, seeds_assistant.index).resolved == meant
    ans = seeds_assistant.ask(question, context=ctx)
    assert ans.resolved == meant and ans.abstained and ans.answer is None
    assert ans.citations and all(c.quote for c in ans.citations)


@pytest.mark.parametrize("question", ["", "   "])
def test_an_empty_follow_up_is_refused(seeds_assistant, question):
    ctx = [seeds_assistant.ask("Who took Gharyan?")]
    with pytest.raises(askbrief.UsageError, match="the question is empty"):
        seeds_assistant.ask(question, context=ctx)


# --- a reader's referents (issue 22) ---------------------------------------------------------

def test_he_after_who_took_gharyan_is_haftar_not_the_spokesman():
    # "loyal to Haftar" once read Haftar as a place ("to X"), and the spokesman named in the
    # sentence became "he"; the answer to a "who" question is the person a reader takes
    prev = [turn("Who took Gharyan?", "Haftar's forces",
                 "Gharyan fell to forces loyal to Haftar, spokesman Ahmed Al-Mesmari said.")]
    assert resolve("When did he order forces to march on Tripoli?", prev).resolved == {"he": "Haftar"}


def test_his_after_he_is_the_same_person(seeds_assistant):
    a = seeds_assistant
    first = a.ask("Who took Gharyan?")
    follow = a.ask("When did he order his forces to march on Tripoli?", context=[first])
    assert follow.resolved == {"he": "Haftar", "his": "Haftar"}  # not "his" = Fayez al Serraj
    assert follow.answer == "Thursday" and "Haftar" in follow.evidence


def test_an_abstained_turn_gives_no_referent(seeds_assistant):
    a = seeds_assistant
    france = a.ask("What is the capital of France?")
    assert france.abstained
    # "it" is the capital asked for, which was not given: not France, asked as is
    assert a.ask("How far is it from Tripoli?", context=[france]).resolved == {}
    # ... or the last turn that answered
    gharyan = a.ask("Who took Gharyan?")
    follow = a.ask("How far is it from Tripoli?", context=[gharyan, france])
    assert follow.resolved == {"it": "Gharyan"}


def test_a_reference_to_an_answer_not_given_is_left_open_and_said_so(seeds_assistant):
    a = seeds_assistant
    dictator = turn("Who was the Libyan dictator overthrown in 2011?", None)
    r = resolve("What happened to him after he was toppled?", [dictator], a.index)
    assert r.resolved == {}
    assert r.unresolved == {"him": dictator.question, "he": dictator.question}
    # the answer says so, in the text and in --json
    follow = a.ask("What happened to him after he was toppled?", context=[dictator])
    assert follow.resolved == {} and follow.unresolved == r.unresolved
    assert ('(him, he = the answer to "Who was the Libyan dictator overthrown in 2011?", which the brief '
            'does not give)') in " ".join(render_text(follow).split())
    assert json.loads(render_json(follow))["unresolved"] == r.unresolved
    from askbrief.tui.richtext import answer_text  # the chat's

    assert "him, he = the answer to" in answer_text(follow).plain
    # past a turn that named nothing ("Is that near any town?") to the one that asked for it
    where = turn("Where did the overnight skirmishes take place?", None)
    r = resolve("Who was killed there?", [where, turn("Is that near any town?", None)], a.index)
    assert (r.resolved, r.unresolved) == ({}, {"there": where.question})


def test_an_abstained_turn_still_gives_the_subject_the_user_named_when_the_brief_holds_it(seeds_assistant):
    # "it" = Gharyan is what the user said, not the answer that was not given
    idx = seeds_assistant.index
    r = resolve("How far is it from Tripoli?", [turn("Who took Gharyan?", None)], idx)
    assert (r.resolved, r.unresolved) == ({"it": "Gharyan"}, {})
    # an off-topic subject the brief does not hold is nothing to point at
    r = resolve("How far is it from Tripoli?", [turn("Who runs the best bakery in Naples?", None)], idx)
    assert (r.resolved, r.unresolved) == ({}, {})
    # "it" = the capital asked for, not France: the answer not given
    r = resolve("How far is it from Tripoli?", [turn("What is the capital of France?", None)], idx)
    assert (r.resolved, r.unresolved) == ({}, {"it": "What is the capital of France?"})


def _cited(a, question, answer, doc, paragraph):
    """A turn answered from a whole paragraph of the seeds, cited where it is."""
    text = a.brief.paragraph(doc, paragraph)
    return Answer(question=question, answer=answer, abstained=False, confidence=0.5, evidence=text,
                  citations=[Citation(doc=doc, title="t", date=None, paragraph=paragraph, start=0,
                                      end=len(text), quote=text)], retrieved=[], elapsed_ms=1.0)


def test_a_who_answer_that_is_no_person_gives_the_person_its_he_stands_for(seeds_assistant):
    # '"... by the United Nations," he said.': "he" is the spokesman named four paragraphs
    # before and quoted since, as the brief says it; the United Nations is no "he"
    a = seeds_assistant
    prev = _cited(a, "Who said the army has nothing to do with politics?", "United Nations",
                  "001_1f37c06d38456ad0", 28)
    assert prev.evidence.endswith('by the United Nations," he said.')
    assert resolve("What did he vow to protect?", [prev], a.index).resolved == {"he": "Ahmed Al-Mesmari"}


def test_their_after_an_answer_of_the_wrong_kind_is_the_owner_of_the_kind_asked(seeds_assistant):
    # "Which country's foreign ministry ...?" answered by a person: the country is the
    # sentence's name that can be one, not the spokesman
    evidence = ('Turkey is closely following the recent military escalation in the west of Libya, and '
                'it\'s "important to avoid attempts that would harm the spirit of national accord," '
                'Foreign Ministry spokesman, Hami Aksoy, said.')
    prev = [turn("Which country's foreign ministry warned against harming the spirit of national accord?",
                 "Hami Aksoy", evidence)]
    r = resolve("Who was their spokesman?", prev, seeds_assistant.index)
    assert r.resolved == {"their": "Turkey's foreign ministry"}
    # an answer of the kind asked owns it
    prev = [turn("Which country's foreign ministry warned against harming the spirit of national accord?",
                 "Turkey", evidence)]
    assert resolve("Who was their spokesman?", prev, seeds_assistant.index).resolved == \
        {"their": "Turkey's foreign ministry"}


def test_it_after_a_where_question_is_the_place_answered(seeds_assistant):
    a = seeds_assistant
    first = a.ask("Where did the pro-government fighters who retook the base come from?")
    assert first.answer == "Zawiya"
    # "who retook" does not make it a "who" question; the answer is a place, and "it" is it
    assert a.ask("What sort of town is it?", context=[first]).resolved == {"it": "Zawiya"}
    # a person named in the question is still "he"; "there" is the place answered
    first = a.ask("Where is Haftar's eastern stronghold?")
    assert a.ask("When was he photographed at a military parade there?", context=[first]).resolved == \
        {"he": "Haftar", "there": "Benghazi"}


def test_they_is_a_group_never_one_person():
    prev = [turn("What did the armed groups from Misrata do after Haftar's order?", None)]
    assert resolve("What did they ask Serraj for?", prev).resolved == {"they": "armed groups from Misrata"}
    prev = [turn("Who did Serraj meet in Abu Dhabi?", "Haftar", "Serraj met Haftar in Abu Dhabi last month.")]
    assert resolve("What were they talking about?", prev).resolved == {"they": "Haftar and Serraj"}
    prev = [turn("Which town's pro-government forces took back the base?", "Zawiya",
                 "Pro-government forces from the coastal town of Zawiya retook the base.")]
    assert resolve("How many of Haftar's men did they capture?", prev).resolved == \
        {"they": "Zawiya's pro-government forces"}
    prev = [turn("Who is Haftar's spokesman?", "Ahmed Al-Mesmari", "Haftar's spokesman, Ahmed Al-Mesmari, said.")]
    assert resolve("What did they say?", prev).resolved.get("they") != "Ahmed Al-Mesmari"


def test_the_answer_or_the_subject_by_what_was_asked():
    # "Which Russian official ...?" asks for a person: "his" is the answer, not Hifter
    prev = [turn("Which Russian official did Hifter meet in Moscow?", "Russian Foreign Minister Sergei Lavrov",
                 "Hifter met Russian Foreign Minister Sergei Lavrov in Moscow.")]
    assert resolve("What is his title?", prev).resolved == {"his": "Sergei Lavrov"}
    # "Who is X?" asks about X: "he" is X, whatever the answer names
    prev = [turn("Who is Khalifa Haftar?", "the commander", "Ahmed Al-Mesmari said Khalifa Haftar is the commander.")]
    assert resolve("Which countries back him?", prev).resolved == {"him": "Khalifa Haftar"}


def test_which_question_answer_is_referred_to_by_its_own_kind():
    # what "which X" asks for is the answer stage's reading of the question, not a list of
    # nouns here: an engineer and an exhibition are no nouns the resolver knows
    prev = [turn("Which engineer designed the Merrow dam?", "Carla Mendes",
                 "Carla Mendes, who led the design team, designed the Merrow dam in 1998.")]
    assert resolve("When did she retire?", prev).resolved == {"she": "Carla Mendes"}
    prev = [turn("Which exhibition did the town host in May?", "Harvest Fair",
                 "The town hosted the Harvest Fair in May.")]
    assert resolve("How many people visited it?", prev).resolved == {"it": "Harvest Fair"}
    # ... and a person is no "it", nor an exhibition "she"
    assert resolve("Where did she live?", prev).resolved == {}
    # the answer not given: "he" is still whom the question named
    prev = [turn("What position does Governor Ana Ruiz hold?", None)]
    assert resolve("What did she announce?", prev).resolved == {"she": "Ana Ruiz"}


def test_which_name_noun_asks_for_the_noun_not_the_name():
    # "Which UN chief": the name only modifies what is asked for, the chief (a person); the
    # focus was "un", so the answer's own kind decided what "he" could take
    assert question_kind("Which UN chief visited Benghazi?") == ("person", "chief")
    assert question_kind("Which Turkish official commented on the escalation?") == ("person", "official")
    assert question_kind("Which Libyan National Army commander spoke?") == ("person", "commander")
    # a verb after the name is no focus: it takes an object ("Which Treaty protects the ...")
    assert question_kind("Which Treaty protects the freedom of establishment?")[1] == "treaty"
    assert question_kind("Which Senator was a strong advocate for the Pico Act?")[1] == "senator"
    assert asks_for("Which UN chief visited Benghazi?", *question_kind("Which UN chief visited Benghazi?")) == "person"


def test_a_name_that_modifies_a_noun_is_not_it():
    # "Merrow" of "the Merrow dam" says which dam; the dam is what the question asked near, so
    # "it" is the place the answer's sentence adds, not "Merrow"
    evidence = "Engineer Clara Voss designed the Merrow dam, which stands near the village of Aldwick."
    prev = [turn("Which settlement stands near the dam?", "Merrow", evidence)]
    assert resolve("How far is it from Brenmoor?", prev).resolved == {"it": "Aldwick"}
    sentence = Answer(question="Which settlement stands near the dam?", answer=None, abstained=False,
                      confidence=0.2, evidence=evidence, citations=prev[0].citations, retrieved=[],
                      elapsed_ms=1.0, grade="sentence", sentence_confidence=0.5, highlight="Merrow")
    assert resolve("How far is it from Brenmoor?", [sentence]).resolved == {"it": "Aldwick"}
    # a noun the question did not hold: the phrase the name modifies is "it"
    prev = [turn("Which structure did Clara Voss design?", "Merrow", evidence + " The dam cost £34m.")]
    assert resolve("When was it finished?", prev).resolved == {"it": "the Merrow dam"}
    # a name before a verb heads its phrase ("the" is its own): it stays the referent
    prev = [turn("Which militia took the base?", "LNA", "The LNA took the base on Sunday.")]
    assert resolve("Where did it come from?", prev).resolved == {"it": "LNA"}


def test_a_who_answer_that_is_no_person_is_not_he():
    # "Russia" answers "who" but is a place ("in Moscow, Russia"): "his" is the person the
    # answer's sentence adds to the question, not Haftar, whom the question named
    prev = [turn("Who did Haftar meet in Moscow in 2017?", "Russia",
                 "Khalifa Hifter meets with Foreign Minister Sergei Lavrov in Moscow, Russia.")]
    assert resolve("What's his job?", prev).resolved == {"his": "Sergei Lavrov"}
    # a body written with an article is no "he" either
    prev = [turn("Who said the army has nothing to do with politics?", "United Nations",
                 '"The army has nothing to do with politics or with the United Nations," he said.')]
    assert resolve("What did he vow to protect?", prev).resolved == {}


def sentence_turn(question, evidence, highlight) -> Answer:
    """An earlier turn given a sentence answer: the sentence, its best span marked."""
    cit = Citation(doc="d", title="t", date=None, paragraph=0, start=0, end=len(evidence), quote=evidence)
    return Answer(question=question, answer=None, abstained=False, confidence=0.2, evidence=evidence,
                  citations=[cit], retrieved=[], elapsed_ms=1.0, grade="sentence", highlight=highlight,
                  sentence_confidence=0.6)


def test_a_sentence_answer_offers_its_marked_span_when_it_is_of_the_kind_asked():
    # the marked span is a town, as asked: "it" is that town, not the first name of the sentence
    prev = [sentence_turn("Which town did the rebels capture?",
                          "Rebels from Zintan captured the town of Gharyan on Wednesday.", "Gharyan")]
    assert resolve("How far is it from Tripoli?", prev).resolved == {"it": "Gharyan"}
    # the marked span is no person: "he" is the person the sentence adds, not Haftar, whom the
    # question already named
    prev = [sentence_turn("Who is Haftar's spokesman?",
                          "Haftar's spokesman, Ahmed Al-Mesmari, said LNA forces will give the militias a choice.",
                          "LNA")]
    assert resolve("What did he call the militias?", prev).resolved == {"he": "Ahmed Al-Mesmari"}


def test_they_after_where_a_group_came_from_is_the_group_from_there():
    prev = [turn("Where were the forces from that took back the base?", "Zawiya",
                 "Pro-government forces from the coastal town of Zawiya retook the base.")]
    assert resolve("How many of Haftar's men did they capture?", prev).resolved == {"they": "the forces from Zawiya"}
