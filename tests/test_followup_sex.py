""""she" and "he" agree with how the brief refers to a person: a "she" is someone the brief
calls "she" (or "Ms."), when one exists, never someone it calls "he"."""

from askbrief.mentions import sex

from helpers import assert_verbatim, brief_of

BRIDGE = {
    "a.txt": "Harbour bridge opens\n\nMayor Tom Reed opened the new harbour bridge on Monday with its chief "
             "engineer, Sara Malik. He thanked the workers who built it.\n\nMalik said the bridge took two "
             "years to build. She said it would carry 40,000 cars a day.\n",
    "b.txt": "Council budget\n\nThe council approved its budget for the coming year on Tuesday.\n",
}


def test_how_the_brief_refers_to_a_person():
    paragraphs = BRIDGE["a.txt"].split("\n\n")
    # "He thanked" follows the sentence Tom Reed begins, though Sara Malik is named nearer
    assert sex("Tom Reed", paragraphs) == "he" and sex("Sara Malik", paragraphs) == "she"
    lopez = ["Maria Lopez opened the plant on Monday. She said it would employ 200 people.",
             "Mario Lopez, the mayor, was not there. His office said he was ill.", "Ms. Lopez thanked them."]
    assert sex("Maria Lopez", lopez) == "she" and sex("Mario Lopez", lopez) == "he"
    assert sex("Dana Cole", ["Mr. Dana Cole spoke first."]) == "he"
    assert sex("Council", paragraphs) is None


def test_she_after_a_he_answer_is_the_woman_the_brief_names(tmp_path):
    a = brief_of(tmp_path, BRIDGE)
    first = a.ask("Who opened the new harbour bridge?")
    assert first.answer == "Mayor Tom Reed"
    # was "Mayor Tom Reed" (the answer to a "who"), and an abstention
    follow = a.ask("How many cars did she say it would carry?", context=[first])
    assert follow.resolved == {"she": "Sara Malik"}
    assert follow.answer == "40,000" and follow.evidence == "She said it would carry 40,000 cars a day."
    assert_verbatim(follow, a.brief)
    he = a.ask("Whom did he open it with?", context=[first])  # "he" keeps the answer
    assert he.resolved["he"] == "Mayor Tom Reed" and he.answer == "Sara Malik"
