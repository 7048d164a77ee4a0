"""'"...," he said.': a "who" answered by the person a sentence's "he" or "she" stands for,
quoted where the brief writes the name (``Names.speakers``, ``features._speakers``)."""

from askbrief.answer.names import Names
from askbrief.answer.spans import parse_chunk
from askbrief.models import Settings

from helpers import brief_of


def _verbatim(ans, brief):
    for c in ans.citations:
        assert brief.paragraph(c.doc, c.paragraph)[c.start:c.end] == c.quote
    assert ans.answer_quote in ans.evidence == ans.citations[0].quote


def test_a_quotation_that_goes_on_is_said_by_the_he_before_it(seeds_assistant):
    # '"There is no military solution," he said. "Only intra-Libyan dialogue can solve Libyan
    # problems."': the second sentence names no one; its speaker is the first one's "he", who
    # is Guterres of the paragraph before ("Earlier, on Twitter, Guterres said he is ...")
    idx = seeds_assistant.index
    chunk = next(i for i, c in enumerate(idx.brief.chunks)
                 if c.text.startswith('"There is no military solution," he said.') and c.doc.startswith("001"))
    first, second = parse_chunk(idx.brief.chunks[chunk].text)
    (k, name, at_chunk, at), = Names.of(idx).speakers(chunk, second, first)
    assert first.words[k + len(first.words)][2] == "he" and name == "Guterres"
    assert idx.brief.chunks[at_chunk].text[at:].startswith("Guterres said he is")
    assert Names.of(idx).speakers(chunk, second) == []  # without the sentence before, no one


def test_who_is_answered_by_the_person_he_said_stands_for(seeds_assistant):
    # was an abstention (0.005): the sentences holding the question name no one
    ans = seeds_assistant.ask("Who tweeted that only intra-Libyan dialogue can solve Libyan problems?")
    assert ans.grade == "short" and ans.answer == "Guterres"
    # quoted where the name is written, then the paragraph that says what he said
    assert ans.citations[0].quote.startswith("Earlier, on Twitter, Guterres said he is")
    assert ans.citations[1].quote == '"There is no military solution," he said. "Only intra-Libyan dialogue can solve Libyan problems."'
    _verbatim(ans, seeds_assistant.brief)


def test_he_said_three_paragraphs_after_the_name(seeds_assistant):
    # "Haftar's spokesman, Ahmed Al-Mesmari, said ..." then two paragraphs of "he said"
    ans = seeds_assistant.ask("Who said there will be no dialogue with the militias?")
    assert ans.grade == "short" and ans.answer == "Ahmed Al-Mesmari"
    assert ans.citations[0].quote.startswith("Haftar's spokesman, Ahmed Al-Mesmari, said")
    assert ans.citations[1].quote.startswith("He said there will be no dialogue with the militias")
    _verbatim(ans, seeds_assistant.brief)


_QUARRY = {
    "a.txt": "Quarry plan\ndate 2023-05-02\n\nThe county council met on Tuesday to discuss the quarry. "
             "Maria Okafor, who chairs it, spoke first. \"The quarry will close by 2030,\" she said.\n\n"
             "Residents cheered the decision.\n",
}


def test_she_said_in_the_same_paragraph_is_quoted_from_the_name(tmp_path):
    a = brief_of(tmp_path, _QUARRY)
    ans = a.ask("Who said the quarry will close by 2030?", settings=Settings(min_confidence=0.0))
    assert ans.answer == "Maria Okafor"
    # one quote from the name to what she said: the name and the statement cited together
    assert ans.citations[0].quote == ("Maria Okafor, who chairs it, spoke first. \"The quarry will close by "
                                      "2030,\" she said.")
    _verbatim(ans, a.brief)


def test_a_name_in_the_sentence_is_its_own_candidate(tmp_path):
    # "Okafor said she ...": the name answers where it stands; "she" adds no second candidate
    from askbrief.answer import read
    from askbrief.answer.features import extract
    from askbrief.retrieve import search

    a = brief_of(tmp_path, {"a.txt": "Quarry\n\nCouncillor Maria Okafor said she expects the quarry to close by 2030.\n"})
    q = read("Who expects the quarry to close by 2030?", a.index)
    ex = extract(q, a.index, search(a.index, q.search_terms, 20), Settings())
    assert any(c.span.text == "Councillor Maria Okafor" for c in ex.candidates)
    assert not any(c.written or c.pronoun for c in ex.candidates)


def test_the_name_and_its_he_said_are_one_source_not_two_agreeing(seeds_assistant):
    # two citations of one article: the text output must not claim two sources agree
    from askbrief.render import render_text
    ans = seeds_assistant.ask("Who tweeted that only intra-Libyan dialogue can solve Libyan problems?")
    assert len(ans.citations) == 2 and len({c.doc for c in ans.citations}) == 1
    assert render_text(ans).splitlines()[0].startswith("Guterres  (1 source, confidence ")
