"""The off-topic test (issue 21): a question whose subject the brief does not hold abstains,
whatever the answer's confidence, and the test leaves answerable questions alone."""

import numpy as np
import pytest

from askbrief.answer import model, read, topic
from askbrief.models import Settings
from askbrief.retrieve import search

from helpers import assert_verbatim, brief_of

OFF = Settings(min_confidence=0.0, min_sentence_confidence=0.0)  # no threshold: only the test abstains


def _read(assistant, question, settings=Settings()):
    q = read(question, assistant.index)
    return q, search(assistant.index, q.search_terms, settings.top_k)


def test_a_name_the_brief_holds_only_apart_from_the_question_abstains(tmp_path):
    # the brief names Egypt, and says what a capital is, but never in one sentence
    a = brief_of(tmp_path, {
        "a.txt": "Haftar enjoys the backing of Egypt and the United Arab Emirates.\n",
        "b.txt": "Tripoli is the capital of Libya and its largest city.\n",
        "c.txt": "Rain fell on the coast all week.\n"})
    q, hits = _read(a, "What is the capital of Egypt?")
    assert topic.name_alone(q, a.index, hits)
    ans = a.ask("What is the capital of Egypt?", settings=OFF)
    assert ans.grade == "none" and ans.abstained and ans.answer is None
    assert ans.citations  # the closest passages
    q, hits = _read(a, "What is the capital of Libya?")  # Libya is named with it
    assert not topic.name_alone(q, a.index, hits)
    assert not a.ask("What is the capital of Libya?", settings=OFF).abstained


def test_a_name_held_with_the_question_by_meaning_is_on_topic(tmp_path):
    # "quit" holds "resigned": the sentence naming Omar Hadi holds the rest of the question
    a = brief_of(tmp_path, {"a.txt": "Omar Hadi quit the council on Tuesday.\n",
                            "b.txt": "Rain fell on the coast all week.\n"})
    q, hits = _read(a, "When did Omar Hadi resign?")
    assert not topic.name_alone(q, a.index, hits)
    assert topic.unheld(q, a.index, hits) == 0.0
    assert a.ask("When did Omar Hadi resign?", settings=OFF).answer == "Tuesday"


def test_a_demonym_names_its_country_and_back(tmp_path):
    # the passage naming "Libyan" is about an army; the one about the dictator says "Libya's"
    a = brief_of(tmp_path, {
        "a.txt": "The Libyan army marched on the capital.\n",
        "b.txt": "Libya's dictator Muammar Gaddafi was overthrown in 2011.\n",
        "c.txt": "Rain fell on the coast all week.\n"})
    q, hits = _read(a, "Who was the Libyan dictator overthrown in 2011?")
    assert not topic.name_alone(q, a.index, hits)
    assert a.ask("Who was the Libyan dictator overthrown in 2011?", settings=OFF).answer == "Muammar Gaddafi"
    (tmp_path / "back").mkdir()  # the country asked about, its demonym in the passage that answers
    a = brief_of(tmp_path / "back", {"a.txt": "The Libyan army is commanded by Khalifa Haftar.\n",
                                     "b.txt": "Rain fell across Libya all week.\n"})
    q, hits = _read(a, "Who commands the army of Libya?")
    assert not topic.name_alone(q, a.index, hits)


def test_what_no_passage_holds_is_the_questions_share_held_neither_way(tmp_path):
    a = brief_of(tmp_path, {"a.txt": "Haftar's forces took Gharyan on Thursday.\n",
                            "b.txt": "Rain fell on the coast all week.\n"})
    q, hits = _read(a, "Who won the 2018 FIFA World Cup?")
    missing = sum(q.weights[t] for t in q.own if t in {"win", "2018", "fifa", "world", "cup"})
    assert topic.unheld(q, a.index, hits) == pytest.approx(missing / q.total)
    assert topic.unheld(q, a.index, hits) > 0.8
    q, hits = _read(a, "Who captured Gharyan?")  # "took" holds "captured"
    assert topic.unheld(q, a.index, hits) == 0.0


def test_the_cut_lets_at_most_one_in_a_hundred_answerable_questions_of_each_set_abstain():
    shares = np.array([0.0] * 98 + [0.30, 0.62] + [0.0] * 9 + [0.45] + [0.9, 0.95])
    answerable = np.array([True] * 110 + [False] * 2)
    sets = np.array(["squad"] * 100 + ["free"] * 12)
    # squad: 2 of 100 at 0.30 and above, 1 at 0.62; free: its 1 of 10 answerable at 0.45
    assert topic.unheld_cut(shares, answerable, sets) == 0.46
    assert topic.unheld_cut(shares[:100], answerable[:100], sets[:100]) == 0.31  # squad alone


def test_the_shipped_test_catches_off_topic_seed_questions_and_no_answerable_one(seeds_assistant):
    shipped = model.load_model()
    assert shipped.off_topic_cut is not None
    for question in ("Who won the 2018 FIFA World Cup?", "At what temperature does water boil at sea level?",
                     "What is the capital of Egypt?", "Who is the president of France?"):
        q, hits = _read(seeds_assistant, question)
        assert topic.off_topic(q, seeds_assistant.index, hits, shipped.off_topic_cut), question
        assert seeds_assistant.ask(question, settings=OFF).abstained, question
    for question in ("Who took Gharyan?", "How far is Gharyan from Tripoli?", "Who captured Gharyan?",
                     "When did Bouteflika resign?", "Who is Haftar's spokesman?",
                     "Who was the Libyan dictator overthrown in 2011?"):
        q, hits = _read(seeds_assistant, question)
        assert not topic.off_topic(q, seeds_assistant.index, hits, shipped.off_topic_cut), question


def test_the_libyan_dictator_is_answered_from_the_seed_brief(seeds_assistant):
    # a first turn of followups-seeds.jsonl: three articles name him, as "Libya's" dictator
    ans = seeds_assistant.ask("Who was the Libyan dictator overthrown in 2011?")
    assert not ans.abstained
    assert any(n in (ans.answer or ans.evidence) for n in ("Gaddafi", "Gadhafi")), ans
    assert_verbatim(ans, seeds_assistant.brief)


def test_the_cut_travels_with_the_weights():
    shipped = model.load_model()
    again = model.Model.from_json(shipped.to_json())
    assert again.off_topic_cut == shipped.off_topic_cut
    assert "off_topic_cut" not in model.Model(shipped.rank, shipped.conf, 0.3).to_json()


def test_a_follow_up_about_the_answer_to_an_off_topic_question_abstains(seeds_assistant):
    # followups-referents fr-null-rowling-libya: "she" stands for an answer the brief does not
    # hold, so "visit Tripoli" must not find Ban Ki-moon's visit ("October 2014")
    first = seeds_assistant.ask("Who wrote the Harry Potter books?")
    assert first.abstained
    ans = seeds_assistant.ask("When did she visit Tripoli?", context=[first])
    assert ans.unresolved == {"she": "Who wrote the Harry Potter books?"}
    assert ans.grade == "none" and ans.abstained and ans.answer is None and ans.evidence is None
    shipped = model.load_model()
    q = read("When did she visit Tripoli?", seeds_assistant.index, unresolved=ans.unresolved)
    assert topic.referent_off_topic(q, seeds_assistant.index, Settings().top_k, shipped.off_topic_cut)
    # an earlier question the brief holds but did not answer leaves its follow-up to the confidence
    first = seeds_assistant.ask("Who tweeted that only intra-Libyan dialogue can solve Libyan problems?")
    q = read("What did he call for in that tweet?", seeds_assistant.index,
             unresolved={"he": first.question})
    assert not topic.referent_off_topic(q, seeds_assistant.index, Settings().top_k, model.load_model().off_topic_cut)
