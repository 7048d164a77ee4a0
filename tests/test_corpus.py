"""Files -> documents -> chunks: ids, titles, dates, and exact spans."""

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import askbrief
from askbrief.corpus import MAX_CHUNK_CHARS, load_brief
from askbrief.errors import CorpusError, UsageError
from askbrief.text import fold, tokenize

import pytest

from helpers import SEEDS, assert_verbatim


def test_seed_documents_ids_dates_titles():
    brief = load_brief([SEEDS])
    ids = [d.id for d in brief.documents]
    assert ids == ["000_875f73b95e6a8453", "001_1f37c06d38456ad0", "002_fbb4ad618a715ec0",
                   "003_7eef6b76f0fb92a0", "004_5c14d97df4b0d61b"]
    dates = {d.id[:3]: d.date for d in brief.documents}
    assert dates == {"000": "2019-04-04", "001": "2019-04-04", "002": "2019-04-05", "003": None, "004": None}
    assert brief.document("001_1f37c06d38456ad0").title == \
        "Libyan commander Khalifa Haftar orders troops to advance on Tripoli"
    first = [c for c in brief.chunks if c.doc == "000_875f73b95e6a8453"][0]
    assert first.paragraph == 0 and first.text.startswith("Libyan army commander Khalifa Haftar")


def test_paragraphs_hard_wraps_and_long_paragraphs(tmp_path):
    long_para = " ".join(f"Sentence number {i} talks about Tripoli and Gharyan." for i in range(80))
    (tmp_path / "a.md").write_text("# The Title\n\nfirst line\nwrapped line\n\n  \n\n" + long_para + "\n",
                                   encoding="utf-8")
    brief = load_brief([tmp_path])
    doc = brief.documents[0]
    assert (doc.id, doc.title, doc.date) == ("a", "The Title", None)
    chunks = brief.chunks
    assert [c.paragraph for c in chunks[:2]] == [0, 1]
    assert chunks[1].text == "first line\nwrapped line"
    long_parts = [c for c in chunks if c.paragraph == 2]
    assert len(long_parts) > 1 and all(len(c.text) <= MAX_CHUNK_CHARS for c in long_parts)
    assert all(c.text.endswith(".") for c in long_parts)  # cut at sentence ends
    assert " ".join(c.text for c in long_parts) == long_para
    # a citation names a paragraph: the brief gives its whole text, however many chunks it is
    assert brief.paragraph_keys() == [("a", 0), ("a", 1), ("a", 2)]
    assert brief.paragraph("a", 2) == long_para and brief.paragraph("a", 1) == "first line\nwrapped line"
    assert brief.paragraph("a", 3) is None and brief.paragraph("b", 0) is None


def test_document_ids_relative_paths_and_duplicates(tmp_path):
    (tmp_path / "x" / "sub").mkdir(parents=True)
    (tmp_path / "x" / "sub" / "note.txt").write_text("Hello there.", encoding="utf-8")
    (tmp_path / "x" / "skip.pdf").write_text("not read", encoding="utf-8")
    (tmp_path / "note.md").write_text("Another.", encoding="utf-8")
    brief = load_brief([tmp_path / "x", tmp_path / "note.md"])
    assert [d.id for d in brief.documents] == ["sub/note", "note"]


def test_missing_path_and_empty_dir(tmp_path):
    with pytest.raises(UsageError, match="not found"):
        load_brief([tmp_path / "nope"])
    with pytest.raises(CorpusError, match=str(tmp_path)):
        load_brief([tmp_path])


def test_text_analysis_folds_accents_quotes_and_stems():
    assert tokenize("António Guterres’ forces") == tokenize("Antonio Guterres' force")
    assert tokenize("Haftar’s forces took Gharyan") == ["haftar", "forc", "take", "gharyan"]
    assert tokenize("taken") == tokenize("taking") == ["take"]
    assert fold("ＡＢＣ Ünïcode") == "abc unicode"
    assert tokenize("what is it?") == []


_para = st.text(alphabet=string.ascii_letters + "  .,'’é\t" + "ä?!\"[]", min_size=1, max_size=300) \
    .map(lambda s: s.strip()).filter(lambda s: s.strip() != "")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paras=st.lists(_para, min_size=1, max_size=8),
       seps=st.lists(st.sampled_from(["\n\n", "\n \n", "\r\n\r\n", "\n\n\n", "\n\t\n"]), min_size=8, max_size=8),
       dated=st.booleans())
def test_every_chunk_is_the_file_text_at_its_span(tmp_path, paras, seps, dated):
    body = "".join(p + seps[i % len(seps)] for i, p in enumerate(paras))
    text = (" date 2020-01-02 " if dated else "") + body
    path = tmp_path / "doc.txt"
    path.write_bytes(text.encode("utf-8"))
    brief = load_brief([path])
    doc = brief.documents[0]
    assert doc.text == text
    assert doc.date == ("2020-01-02" if dated else None)
    for c in brief.chunks:
        assert doc.text[c.start:c.end] == c.text
        assert c.para_start <= c.start < c.end <= c.para_end
        assert c.text == c.text.strip()
    assert len({c.paragraph for c in brief.chunks}) == len([p for p in paras if p.strip()])
    assistant = askbrief.Assistant(brief)
    for question in ("Who is it?", paras[0][:40] + "?"):
        try:
            ans = assistant.ask(question)
        except UsageError:
            continue
        assert_verbatim(ans, brief)


# --- the corpus defects of issue 17, each failing on the code before it ----------------

def test_a_line_ending_in_spaces_does_not_split_its_paragraph(tmp_path):
    (tmp_path / "a.txt").write_text("Title\n\nHaftar's forces took Gharyan  \non Thursday morning.\n",
                                    encoding="utf-8")
    brief = load_brief([tmp_path])
    assert [c.text for c in brief.chunks] == ["Title", "Haftar's forces took Gharyan  \non Thursday morning."]


def test_a_date_line_under_a_heading_is_the_date(tmp_path):
    (tmp_path / "a.txt").write_text("# Gharyan falls\n date 2019-04-04\n\nHaftar's forces took Gharyan.\n",
                                    encoding="utf-8")
    brief = load_brief([tmp_path])
    doc = brief.documents[0]
    assert (doc.title, doc.date) == ("Gharyan falls", "2019-04-04")
    assert [c.text for c in brief.chunks] == ["# Gharyan falls", "Haftar's forces took Gharyan."]


def test_files_with_one_name_in_two_folders_keep_ids_a_reader_can_trace(tmp_path):
    for folder, text in (("2019", "Haftar took Gharyan."), ("2020", "Haftar left Gharyan.")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "report.txt").write_text(text, encoding="utf-8")
    (tmp_path / "2019" / "report.md").write_text("Serraj stayed in Tripoli.", encoding="utf-8")
    brief = load_brief([tmp_path / "2019", tmp_path / "2020"])
    assert [d.id for d in brief.documents] == ["report.md", "2019/report.txt", "2020/report.txt"]
    assert [d.path for d in brief.documents] == [str(tmp_path / "2019" / "report.md"),
                                                 str(tmp_path / "2019" / "report.txt"),
                                                 str(tmp_path / "2020" / "report.txt")]


def test_windows_1252_text_keeps_its_apostrophes(tmp_path):
    (tmp_path / "a.txt").write_bytes("Haftar’s forces took Gharyan – a town 80 km south.".encode("cp1252"))
    brief = load_brief([tmp_path])
    assert brief.documents[0].text == "Haftar’s forces took Gharyan – a town 80 km south."
    assert any("read as Windows-1252" in w for w in brief.warnings)
