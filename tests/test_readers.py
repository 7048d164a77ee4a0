"""Documents people have: PDF, HTML, Word, EPUB, e-mail, Markdown and reStructuredText.

The fixtures in tests/data/formats are real files written by real writers (reportlab,
python-docx, the standard library's email; see make_fixtures.py and LICENSE.md). For each
format a real question is asked; the answer, its citation (document, file, page) and the
quote, verbatim in the text askbrief extracted and cached, are checked.
"""

import json
import shutil
import subprocess
import sys

import pytest

import askbrief
from askbrief.corpus import load_brief
from askbrief.readers import read
from askbrief.render import render_text

from helpers import DATA, ROOT, assert_verbatim, one_shot_imports

FORMATS = DATA / "formats"
FIXTURES = ("report.pdf", "locked.pdf", "scan.pdf", "news.html", "memo.docx", "history.epub", "pilot.eml")


@pytest.fixture
def brief_dir(tmp_path):
    root = tmp_path / "brief"
    root.mkdir()
    for name in FIXTURES:
        shutil.copy(FORMATS / name, root / name)
    return root


def extracted(name: str):
    return read(FORMATS / name, (FORMATS / name).read_bytes(), [])


def cli(*args, env=None, timeout=120):
    import os

    return subprocess.run([sys.executable, "-m", "askbrief", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout, env={**os.environ, **(env or {})})


@pytest.mark.parametrize("question, answer, doc, page", [
    ("Who delivered the harbour crane?", "Norrland Heavy Lift", "report", 2),
    ("What did the dredging of the outer channel cost?", "2.7 million euros", "report", 3),
    ("Who built the crane?", "Kessel Maschinenbau", "news", None),
    ("Who is the harbour master?", "Jonas Weir", "news", None),
    ("When will the terminal reopen?", "April 2024", "memo", None),
    ("When did the new passenger hall finish?", "March 2024", "memo", None),  # a table row
    ("Who founded the Port of Calloway?", "Elias Brand", "history", None),
    ("When did a storm destroy the old lighthouse?", "1893", "history", None),  # chapter 2
    ("Who quoted 42,000 euros for the repair?", "Kessler Marine", "pilot", None),  # the quoted reply
])
def test_a_question_on_each_format_is_answered_and_cited_with_file_and_page(brief_dir, question, answer, doc, page):
    assistant = askbrief.load([brief_dir])  # through the cache: the texts below are the cached ones
    ans = assistant.ask(question)
    assert ans.answer == answer
    c = ans.citations[0]
    suffix = {"report": ".pdf", "news": ".html", "memo": ".docx", "history": ".epub", "pilot": ".eml"}[doc]
    assert (c.doc, c.path, c.page) == (doc, str(brief_dir / f"{doc}{suffix}"), page)
    assert c.quote in assistant.brief.document(doc).text
    assert_verbatim(ans, assistant.brief)
    where = f"{doc}{suffix}" + (f" p. {page}" if page else "") + f" ¶{c.paragraph}"
    assert f"[1] {where} · " in render_text(ans)
    again = askbrief.load([brief_dir]).brief.document(doc)  # read back from the cache
    assert again.pages == assistant.brief.document(doc).pages and again.format == assistant.brief.document(doc).format


def test_pdf_drops_running_headers_and_page_numbers_joins_hyphens_and_keeps_columns():
    ex = extracted("report.pdf")
    assert ex.title == "Port of Calloway Annual Report 2023"
    assert "Annual Report 2023\n" not in ex.text.replace("Port of Calloway Annual Report 2023\n", "")
    assert "Port of Calloway | Annual Report 2023" not in ex.text and "Page 2 of 3" not in ex.text
    assert "whose transmission gears" in ex.text and "trans-" not in ex.text
    paragraphs = ex.text.split("\n\n")
    assert paragraphs[6].startswith("Dredging") and paragraphs[6].endswith("at any tide.")  # left column whole
    assert paragraphs[7].startswith("Revenue from harbour dues")
    assert len(ex.pages) == 3 and ex.text[ex.pages[1]:].startswith("Equipment")
    assert ex.text[ex.pages[2]:].startswith("Dredging")


def test_encrypted_and_scanned_pdfs_are_skipped_with_their_reason_and_the_rest_is_read(brief_dir):
    r = cli("index", "--json", "--corpus", str(brief_dir))
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["formats"] == {"docx": 1, "eml": 1, "epub": 1, "html": 1, "pdf": 1}
    assert out["skipped"] == [
        {"path": str(brief_dir / "locked.pdf"), "reason": "encrypted PDF (needs a password)"},
        {"path": str(brief_dir / "scan.pdf"), "reason": "PDF without a text layer (scanned pages?)"}]
    assert out["documents"] == 5 and out["files"]["new"] == 5
    (brief_dir / "notes.xlsx").write_bytes(b"PK\x03\x04")
    (brief_dir / "broken.docx").write_bytes(b"not a zip")
    r = cli("index", "--corpus", str(brief_dir))
    lines = r.stdout.splitlines()
    assert r.returncode == 0 and "read: 5 files (1 docx, 1 eml, 1 epub, 1 html, 1 pdf)" in lines
    assert "skipped: 4 files" in lines
    assert f"  {brief_dir / 'notes.xlsx'}: unsupported file type" in lines
    assert f"  {brief_dir / 'broken.docx'}: damaged or not a Word file (not a zip archive)" in lines


def test_html_reads_the_article_not_the_navigation_banner_or_footer():
    ex = extracted("news.html")
    assert (ex.title, ex.date) == ("New crane arrives at the Port of Calloway", "2023-03-15")
    assert "unloaded on Tuesday at the western quay" in ex.text
    for boilerplate in ("cookies", "Business", "Related stories", "Ferry terminal to close", "Share on",
                        "inbox", "All rights reserved", "About us", "gtag", "Search"):
        assert boilerplate not in ex.text, boilerplate


WEB = sorted((FORMATS / "web").glob("*.html"))


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


@pytest.mark.parametrize("page", WEB, ids=[p.stem for p in WEB])
def test_web_page_article_kept_and_the_page_around_it_dropped(page):
    """Saved pages in the shapes of real sites (tests/data/formats/web, written by someone who
    had not seen the reader): div soup with no <article>, paragraphs wrapped in blocks of their
    own, a story body whose class says "subscriber", a paywall and a gallery inside the
    article, a table layout with <br> paragraphs. Every paragraph of the article is read; of
    the menus, banners, captions, comments and footers, at most one snippet a page gets in."""
    gold = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    ex = read(page, page.read_bytes(), [])
    text = _folded(ex.text)
    assert [p for p in gold["article"] if _folded(p) not in text] == []
    assert len([s for s in gold["boilerplate"] if _folded(s) in text]) <= 1
    if gold["date"] and page.stem != "oldschool_tables":  # that page shows its date in prose only
        assert ex.date == gold["date"]


def test_docx_headings_paragraphs_and_table_rows():
    ex = extracted("memo.docx")
    assert (ex.title, ex.date) == ("Ferry terminal works", "2023-06-02")
    assert ex.text.split("\n\n") == [
        "Ferry terminal works",
        "The ferry terminal closed on 1 June 2023 for rebuilding. The works are carried out by Baltic "
        "Quay Builders under a contract worth 18 million euros.",
        "Schedule", "The terminal is expected to reopen in April 2024.",
        "Phase: Demolition; Finish: August 2023", "Phase: New passenger hall; Finish: March 2024"]


def test_epub_chapters_in_reading_order():
    ex = extracted("history.epub")
    assert (ex.title, ex.date) == ("A Short History of Calloway Harbour", "2021-09-15")
    assert ex.text.split("\n\n")[0::2] == ["The Founding", "The Great Storm"]  # spine order, not the zip's


def test_eml_subject_date_and_the_quoted_reply_once_without_marks():
    ex = extracted("pilot.eml")
    assert (ex.title, ex.date) == ("Re: Pilot boat repairs", "2023-10-05")
    assert ">" not in ex.text
    assert ex.text.count("The pilot boat Marlin needs a new propeller shaft.") == 1
    assert "I have booked the slipway for 16 October" in ex.text


def test_markdown_is_quoted_as_a_reader_sees_it(tmp_path):
    (tmp_path / "gharyan.md").write_text(
        "# Advance on Tripoli\n date 2019-04-04\n\n"
        "**Haftar's forces** took [Gharyan](https://example.org/gharyan) on Thursday,\n"
        "after skirmishes with forces allied to *Fayez al-Serraj*.\n\n"
        "| town | distance from Tripoli |\n| --- | --- |\n| Gharyan | 80 km |\n| Tarhuna | 65 km |\n\n"
        "```\nraw code line\n```\n", encoding="utf-8")
    assistant = askbrief.load([tmp_path])
    doc = assistant.brief.document("gharyan")
    assert (doc.title, doc.date, doc.format) == ("Advance on Tripoli", "2019-04-04", "markdown")
    assert doc.text.split("\n\n") == [
        "Advance on Tripoli",
        "Haftar's forces took Gharyan on Thursday,\nafter skirmishes with forces allied to Fayez al-Serraj.",
        "town: Gharyan; distance from Tripoli: 80 km", "town: Tarhuna; distance from Tripoli: 65 km",
        "raw code line"]
    ans = assistant.ask("Who took Gharyan?")
    assert ans.answer == "Haftar's forces" and "**" not in ans.citations[0].quote
    assert_verbatim(ans, assistant.brief)
    ans = assistant.ask("How far is Tarhuna from Tripoli?")
    assert ans.answer == "65 km"


def test_restructuredtext_heading_underlines_are_not_text(tmp_path):
    (tmp_path / "notes.rst").write_text(
        "Libya notes\n===========\n\n:date: 2019-04-05\n\nThe advance\n-----------\n\n"
        "Forces loyal to **Khalifa Haftar** took `Gharyan <https://example.org>`_ on Thursday.\n\n"
        ".. a comment that is not text\n\n.. note::\n\n   Gharyan lies 80 km south of Tripoli.\n",
        encoding="utf-8")
    doc = load_brief([tmp_path]).document("notes")
    assert (doc.title, doc.date, doc.format) == ("Libya notes", "2019-04-05", "rst")
    assert doc.text.split("\n\n") == ["Libya notes", "The advance",
                                      "Forces loyal to Khalifa Haftar took Gharyan on Thursday.",
                                      "Gharyan lies 80 km south of Tripoli."]


# --- show, and what the one-shot path imports --------------------------------------------

def test_show_prints_the_extracted_text_of_a_cited_paragraph(brief_dir):
    r = cli("show", "report.pdf", "¶4", "--corpus", str(brief_dir))
    assert r.returncode == 0, r.stderr
    head, blank, where, *text = r.stdout.splitlines()
    assert head == f"{brief_dir / 'report.pdf'} · Port of Calloway Annual Report 2023 · " \
        f"{extracted('report.pdf').date} · pdf, 3 pages"
    assert blank == "" and where == "¶4 p. 2" and text[0].startswith("The new harbour crane was delivered by Norrland Heavy Lift")
    r = cli("show", "report", "--json", "--corpus", str(brief_dir))
    out = json.loads(r.stdout)
    assert [p["page"] for p in out["paragraphs"]] == [1, 1, 1, 2, 2, 2, 3, 3]
    r = cli("show", "nothing.pdf", "--corpus", str(brief_dir))
    assert r.returncode == 1 and r.stderr.count("\n") == 1 and "no document nothing.pdf" in r.stderr
    r = cli("show", "report.pdf", "¶99", "--corpus", str(brief_dir))
    assert r.returncode == 2 and "has paragraphs ¶0 to ¶7, not ¶99" in r.stderr
    r = cli("paths", "--json")
    assert set(json.loads(r.stdout)) == {"config", "history", "cache", "seeds"}


def test_one_shot_ask_on_a_warm_cache_imports_no_format_library(brief_dir):
    assert cli("index", "--corpus", str(brief_dir)).returncode == 0
    r = one_shot_imports(["ask", "--no-history", "--corpus", str(brief_dir), "Who delivered the harbour crane?"],
                         {"pypdfium2", "markdown_it", "textual", "rich", "askbrief.readers"})
    assert r.returncode == 0, r.stderr
    assert "Norrland Heavy Lift" in r.stdout
    assert r.stdout.rstrip().endswith("[]"), r.stdout[-300:]


def test_loading_reports_progress_and_the_bar_shows_files_and_chunks(brief_dir, monkeypatch):
    import io

    from askbrief.cli.common import Progress

    calls = []
    askbrief.load([brief_dir], progress=lambda *a: calls.append(a))
    brief = askbrief.load([brief_dir]).brief
    assert calls[0] == (0, 7, 0) and calls[-1] == (7, 7, len(brief.chunks)) and len(brief.chunks) == 29
    assert [done for done, _, _ in calls] == list(range(8))
    calls.clear()
    askbrief.load([brief_dir], progress=lambda *a: calls.append(a))
    assert calls == []  # nothing to read: no bar

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stderr", Terminal())
    bar = Progress(0, delay=0.0, unit="files")
    bar.files(3, 7, 120)
    bar.files(7, 7, 250)
    bar.close()
    shown = sys.stderr.getvalue()
    assert "3/7 files, 120 chunks" in shown and "7/7 files, 250 chunks, 0 s left" in shown
    assert shown.endswith("\r")  # the line is wiped once done


def test_json_and_the_chat_sources_pane_carry_the_file_and_page(brief_dir):
    r = cli("ask", "--json", "--no-history", "--corpus", str(brief_dir), "Who delivered the harbour crane?")
    assert r.returncode == 0, r.stderr
    c = json.loads(r.stdout)["citations"][0]
    assert (c["doc"], c["path"], c["page"], c["paragraph"]) == ("report", str(brief_dir / "report.pdf"), 2, 4)
    pytest.importorskip("rich")
    from askbrief.models import Citation
    from askbrief.tui.richtext import source_header

    header = source_header(0, Citation.model_validate(c)).plain
    assert header.endswith("report.pdf p. 2 ¶4") and "Port of Calloway Annual Report 2023" in header


def test_files_of_other_types_are_named_when_the_brief_is_read_not_on_every_question(brief_dir):
    (brief_dir / "budget.xlsx").write_bytes(b"PK\x03\x04")
    first = cli("ask", "--no-history", "--corpus", str(brief_dir), "Who built the crane?")
    assert first.returncode == 0 and "Kessel Maschinenbau" in first.stdout
    assert f"warning: skipped {brief_dir / 'budget.xlsx'}: unsupported file type" in first.stderr
    assert "encrypted PDF" in first.stderr
    again = cli("ask", "--no-history", "--corpus", str(brief_dir), "Who built the crane?")
    assert "budget.xlsx" not in again.stderr and "encrypted PDF" in again.stderr  # a PDF that gives no text still warns
