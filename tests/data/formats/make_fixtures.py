"""Writes the format fixtures of tests/test_readers.py with real writers (run once; the files
are shipped): ``pip install reportlab python-docx`` then ``python tests/data/formats/make_fixtures.py``.

The texts are invented for these tests (the Port of Calloway does not exist); see LICENSE.md.
"""

from __future__ import annotations

import io
import zipfile
from email.message import EmailMessage
from email.utils import format_datetime
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent


def report_pdf(path: Path, encrypt: str | None = None) -> None:
    """Three pages, a running header and page numbers, a word hyphenated at a line end, and
    a page in two columns."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    c = Canvas(str(path), pagesize=A4, invariant=0 if encrypt is None else 1, encrypt=encrypt)
    c.setTitle("Port of Calloway Annual Report 2023")
    c.setAuthor("Port of Calloway Authority")
    c.setCreator("reportlab")
    width, height = A4
    pages = [
        [["Port of Calloway Annual Report 2023"],
         ["The Port of Calloway handled 4.2 million tonnes of cargo in 2023, the most in its",
          "history. Container traffic grew by 12 per cent, while bulk grain exports fell after",
          "a poor harvest in the eastern provinces."],
         ["The harbour board met eleven times during the year and approved a new five-year",
          "investment plan for the western quays."]],
        [["Equipment"],
         ["The new harbour crane was delivered by Norrland Heavy Lift on 14 March 2023, after",
          "a four-week sea voyage from Gdansk. Its installation on the western quay took",
          "nineteen days and was finished ahead of the spring season. The crane can lift",
          "containers of up to 65 tonnes and replaces two cranes built in 1987, whose trans-",
          "mission gears had failed repeatedly."],
         ["Two new tugboats, the Ardent and the Resolve, entered service in September."]],
    ]
    for number, paragraphs in enumerate(pages, 1):
        _page_frame(c, number, width, height)
        y = height - 110
        for lines in paragraphs:
            c.setFont("Helvetica-Bold" if len(lines) == 1 and len(lines[0]) < 40 else "Helvetica", 11)
            for line in lines:
                c.drawString(72, y, line)
                y -= 15
            y -= 12
        c.showPage()
    # page 3: two columns, the left one read first
    _page_frame(c, 3, width, height)
    left = ["Dredging of the outer channel cost",
            "2.7 million euros and deepened it to",
            "14 metres, so that ships of the Panamax",
            "class can now berth at any tide."]
    right = ["Revenue from harbour dues rose to",
             "31 million euros. The board expects",
             "a further rise in 2024 when the ferry",
             "terminal reopens."]
    c.setFont("Helvetica", 11)
    for x, lines in ((72, left), (320, right)):
        y = height - 110
        for line in lines:
            c.drawString(x, y, line)
            y -= 15
    c.showPage()
    c.save()


def _page_frame(c, number: int, width: float, height: float) -> None:
    c.setFont("Helvetica", 9)
    c.drawString(72, height - 50, "Port of Calloway | Annual Report 2023")
    c.drawCentredString(width / 2, 40, f"Page {number} of 3")


def scan_pdf(path: Path) -> None:
    """A page that is only a picture of text: no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    img = Image.new("L", (400, 120), 255)
    draw = ImageDraw.Draw(img)
    draw.text((10, 40), "Minutes of the harbour board, 3 May 2023", fill=0)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    buf.seek(0)
    c = Canvas(str(path), pagesize=A4, invariant=1)
    c.drawImage(ImageReader(buf), 72, 600, width=400, height=120)
    c.showPage()
    c.save()


def memo_docx(path: Path) -> None:
    """A heading, paragraphs and a table."""
    import docx

    d = docx.Document()
    d.core_properties.title = "Ferry terminal works"
    d.core_properties.created = datetime(2023, 6, 2, 9, 0, tzinfo=timezone.utc)
    d.add_heading("Ferry terminal works", level=1)
    d.add_paragraph("The ferry terminal closed on 1 June 2023 for rebuilding. The works are "
                    "carried out by Baltic Quay Builders under a contract worth 18 million euros.")
    d.add_heading("Schedule", level=2)
    d.add_paragraph("The terminal is expected to reopen in April 2024.")
    table = d.add_table(rows=3, cols=2)
    for row, (a, b) in zip(table.rows, [("Phase", "Finish"), ("Demolition", "August 2023"),
                                        ("New passenger hall", "March 2024")]):
        row.cells[0].text, row.cells[1].text = a, b
    d.save(str(path))


def book_epub(path: Path) -> None:
    """Two chapters; the spine lists the second file first in the archive, first in reading order."""
    ch1 = ("<?xml version='1.0' encoding='utf-8'?><html xmlns='http://www.w3.org/1999/xhtml'><head>"
           "<title>Chapter 1</title></head><body><h1>The Founding</h1><p>The Port of Calloway was "
           "founded in 1791 by the merchant Elias Brand, who built the first stone pier.</p></body></html>")
    ch2 = ("<?xml version='1.0' encoding='utf-8'?><html xmlns='http://www.w3.org/1999/xhtml'><head>"
           "<title>Chapter 2</title></head><body><h1>The Great Storm</h1><p>In 1893 a storm destroyed "
           "the old lighthouse, which was rebuilt in granite two years later.</p></body></html>")
    opf = """<?xml version='1.0' encoding='utf-8'?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="id">calloway-history</dc:identifier>
    <dc:title>A Short History of Calloway Harbour</dc:title>
    <dc:date>2021-09-15</dc:date>
    <dc:language>en</dc:language>
  </metadata>
  <manifest>
    <item id="c2" href="text/storm.xhtml" media-type="application/xhtml+xml"/>
    <item id="c1" href="text/founding.xhtml" media-type="application/xhtml+xml"/>
  </manifest>
  <spine><itemref idref="c1"/><itemref idref="c2"/></spine>
</package>"""
    container = """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>"""
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype", (2021, 9, 15, 0, 0, 0)), "application/epub+zip")
        for name, data in (("META-INF/container.xml", container), ("OEBPS/content.opf", opf),
                           ("OEBPS/text/storm.xhtml", ch2), ("OEBPS/text/founding.xhtml", ch1)):
            z.writestr(zipfile.ZipInfo(name, (2021, 9, 15, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)


def thread_eml(path: Path) -> None:
    """A reply that quotes the message it answers."""
    m = EmailMessage()
    m["From"] = "Ana Ortiz <ana@calloway-port.example>"
    m["To"] = "Tom Reyes <tom@calloway-port.example>"
    m["Subject"] = "Re: Pilot boat repairs"
    m["Date"] = format_datetime(datetime(2023, 10, 5, 14, 30, tzinfo=timezone.utc))
    m.set_content(
        "Tom,\n\n"
        "Thanks. I have booked the slipway for 16 October, so the pilot boat will be out\n"
        "of service for two weeks.\n\n"
        "Ana\n\n"
        "On 4 Oct 2023, at 09:12, Tom Reyes wrote:\n"
        "> Ana,\n"
        ">\n"
        "> The pilot boat Marlin needs a new propeller shaft. Kessler Marine quoted\n"
        "> 42,000 euros for the repair.\n"
        ">\n"
        "> Tom\n")
    path.write_bytes(bytes(m))


if __name__ == "__main__":
    report_pdf(HERE / "report.pdf")
    report_pdf(HERE / "locked.pdf", encrypt="harbour")
    scan_pdf(HERE / "scan.pdf")
    memo_docx(HERE / "memo.docx")
    book_epub(HERE / "history.epub")
    thread_eml(HERE / "pilot.eml")
