"""Sentence boundaries: a full stop ends a sentence unless it ends an abbreviation, and
only a whole word can be one ("1990s." and "19.2°E." end in none)."""

import pytest

import askbrief
from askbrief.text import sentence_spans


def sentences(text):
    return [text[a:b] for a, b in sentence_spans(text)]


@pytest.mark.parametrize("first, second", [
    ("House prices fell sharply in the 1990s.", "Newly built homes sell within weeks."),
    ("The vessel was anchored at 34.1°N 19.2°E.", "This put her two days from the harbour."),
    ("The council meeting opened at 5 p.m.", "The mayor spoke first."),
    ("The talks were held at the U.N.", "He left the next day."),
    ("Work began on Plan B.", "It failed."),
    ("The firm was sold to Grant & Co.", "In May it closed."),
    ("Asked whether he would stay, he said no.", "The talks ended."),
])
def test_a_sentence_ends_after_a_word_that_is_no_abbreviation_here(first, second):
    assert sentences(f"{first} {second}") == [first, second]


@pytest.mark.parametrize("sentence", [
    "The U.N. envoy met J. Smith in Tripoli.",
    "The ferry was opened by Mr. Paul Grant on Friday.",
    "Dr. Amal Haddad of St. Mary's hospital met Gen. Omar Said and Prof. Lena Ortiz.",
    "Lt.-Gen. Ali and J. A. Smith signed it at 5 p.m. Tuesday.",
    "The minister moved to No. 10 Downing Street, e.g. The Times reported.",
    "U.S. President Donald Trump spoke to Khalifa Haftar.",
    "Reguier de la Plancha (d. 1560) and Jacques Lefevre (c. 1455–1536) wrote of it.",
])
def test_titles_initials_and_acronyms_stay_inside_their_sentence(sentence):
    assert sentences(sentence) == [sentence]


def test_the_supporting_sentence_of_an_answer_stops_at_the_boundary(tmp_path):
    (tmp_path / "town.txt").write_text(
         " date 2021-06-10 Portmere\n\n"
        "House prices in Portmere fell sharply in the 1990s. Newly built homes on the quay now "
        "sell within weeks.\n\nThe council meeting opened at 5 p.m. The mayor, Mr. Paul Grant, "
        "spoke first about the new ferry.\n", encoding="utf-8")
    assistant = askbrief.load([str(tmp_path)], use_cache=False)
    ans = assistant.ask("When did house prices in Portmere fall?")
    assert ans.answer == "1990s"
    assert ans.evidence == "House prices in Portmere fell sharply in the 1990s."
    assert ans.citations[0].quote == ans.evidence
    ans = assistant.ask("Who spoke first about the new ferry?")
    assert ans.evidence == "The mayor, Mr. Paul Grant, spoke first about the new ferry."


def test_fold_lowercases_ascii_as_the_full_normalization_does():
    """``fold`` takes a shortcut for ASCII: every printable ASCII character folds as NFKC,
    the quote table, accent stripping and casefolding would fold it."""
    import unicodedata

    from askbrief.text import _QUOTES, fold

    def slow(text):
        text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
        text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
        return unicodedata.normalize("NFC", text).casefold()

    ascii_text = "".join(map(chr, range(128)))
    assert fold(ascii_text) == slow(ascii_text)
    for word in ["Haftar's", "GADDAFI", "É", "Ǆemal", "ﬁnance", "“Tripoli”", "İstanbul"]:
        assert fold(word) == slow(word)
