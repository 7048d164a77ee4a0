"""A follow-up whose reference stands for something the brief does not hold is answered about
no one else (``Question.unheld_referent``)."""

from askbrief.answer import read


def test_she_after_an_off_topic_question_is_not_answered_about_someone_else(seeds_assistant):
    a = seeds_assistant
    first = a.ask("Who wrote the Harry Potter books?")
    assert first.abstained
    ans = a.ask("When did she visit Tripoli?", context=[first])
    # was "October 2014" (0.38), quoted from "Ban Ki-moon visited in October 2014."
    assert ans.abstained and ans.answer is None and ans.evidence is None
    assert ans.resolved == {} and ans.unresolved == {"she": "Who wrote the Harry Potter books?"}


def test_a_reference_left_open_about_what_the_brief_holds_is_still_asked_as_typed(seeds_assistant):
    # "Who was the first UN secretary-general ...?" names what the brief holds: the answer not
    # given is someone the brief may name, so the follow-up is still answered as typed
    idx = seeds_assistant.index
    q = read("When did he go there?", idx, unresolved={"he": "Who was the first UN secretary-general to visit Libya?"})
    assert q.unheld_referent == ""
    q = read("When did he go there?", idx, unresolved={"he": "Who is the mayor of Naples?"})
    assert q.unheld_referent == "he"
    # "Turkish" is no word of the brief, but the adjective of Turkey, which it holds
    q = read("What did he say?", idx, unresolved={"he": "Which Turkish official commented on the escalation?"})
    assert q.unheld_referent == ""
    # "it" and "there" left open are asked as typed
    q = read("How far is it from Gharyan?", idx, unresolved={"it": "What's the best pizza place in Naples?"})
    assert q.unheld_referent == ""
