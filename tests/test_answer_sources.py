"""A short answer's sources are found without working out the spans of sentences that cannot
state it (``select._sources`` skips a sentence whose terms run together, ``keys_within``, and
folded text hold no span's answer key): the skip must never drop a sentence that states it."""

import json

from helpers import DATA, SEEDS

from askbrief.answer.quantities import answer_key, keys_within
from askbrief.answer.spans import parse_chunk
from askbrief.text import fold


def _texts():
    for path in sorted(SEEDS.glob("*.txt")):
        yield path.read_text(encoding="utf-8")
    data = json.loads((DATA / "squad2-tune.json").read_text(encoding="utf-8"))["data"]
    for article in data[:12]:
        for para in article["paragraphs"]:
            yield para["context"]
    yield ("Al-Mesmari said 12 of the U.N. staff left Zawiya (the “old town”) at 5 p.m.; "
           "three weeks ago the £34m deal and the UN-backed government's 50% stake fell. "
           "Ban Ki-moon met Mr. Paul Grant in São Paulo, and the İstanbul office closed.")


def test_every_span_key_is_within_its_sentence_so_no_source_is_skipped():
    m = {"hifter": "haftar", "serraj": "sarraj", "un": "unit"}  # keys under a variants map too
    sentences = spans = 0
    for text in _texts():
        for s in parse_chunk(text):
            sentences += 1
            for mapping in ({}, m):
                run, folded = keys_within(s.words, mapping), fold(s.text)
                for sp in s.spans:
                    key = answer_key(sp.text, mapping)
                    assert key in run or key in folded, (s.text, sp.text, key)
                    spans += 1
    assert sentences > 300 and spans > 10_000


def test_a_sentence_without_the_key_is_skipped_and_one_with_it_is_not():
    (s,) = parse_chunk("The taking of Gharyan culminated a rapid thrust westwards by Haftar's forces.")
    run = keys_within(s.words, {})
    assert answer_key("Haftar's forces") in run
    assert answer_key("Fayez al Serraj") not in run and answer_key("Fayez al Serraj") not in fold(s.text)


def test_the_off_topic_test_is_asked_only_of_an_answer_it_would_give(seeds_assistant, monkeypatch):
    """An abstention needs no off-topic test (it abstains either way); an answer still does."""
    import importlib

    select_module = importlib.import_module("askbrief.answer.select")

    asked = []
    real = select_module.off_topic

    def spy(q, *args):
        asked.append(q.asked)
        return real(q, *args)

    monkeypatch.setattr(select_module, "off_topic", spy)
    unanswered = seeds_assistant.ask("What did Haftar eat for breakfast?")
    assert unanswered.abstained and asked == []
    answered = seeds_assistant.ask("Who took Gharyan?")
    assert answered.answer == "Haftar's forces" and asked == ["Who took Gharyan?"]
