"""PDF reading speed: a folder of 100 PDFs indexed, in pages per second, beside its peers.

Run by hand (pytest does not collect it; needs reportlab to write the PDFs, ``pip install
reportlab``; pypdf and pdfminer.six are measured when installed):

    python tests/benchmarks/bench_formats.py                 # 100 PDFs of 10 pages
    python tests/benchmarks/bench_formats.py --files 20 --pages 5

The PDFs are written with reportlab from sentences of tests/data/squad2-tune.json (SQuAD 2.0,
CC BY-SA 4.0), with a running header and page numbers, like reports are. Printed: askbrief's
PDF reader alone (text layer + layout: headers, hyphens, paragraphs), the whole cold index
build of the folder (reading, chunking, tokenizing, the name-variant scan), and plain text
extraction by pypdfium2 (no layout), pypdf and pdfminer.six (on a tenth of the files: it is
slow) over the same files. Rows are printed as they are measured.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SQUAD = ROOT / "tests" / "data" / "squad2-tune.json"


def sentences() -> list[str]:
    data = json.loads(SQUAD.read_text(encoding="utf-8"))
    out = []
    for article in data["data"]:
        for para in article["paragraphs"]:
            out += [s.strip() + "." for s in para["context"].split(". ") if len(s) > 30]
    return out


def write_pdfs(folder: Path, files: int, pages: int) -> None:
    import textwrap

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    rng = random.Random(17)
    pool = sentences()
    width, height = A4
    for n in range(files):
        c = Canvas(str(folder / f"report{n:03d}.pdf"), pagesize=A4, invariant=1)
        for page in range(1, pages + 1):
            c.setFont("Helvetica", 9)
            c.drawString(72, height - 50, f"Synthetic report {n} | benchmark")
            c.drawCentredString(width / 2, 40, f"Page {page} of {pages}")
            c.setFont("Helvetica", 10)
            y = height - 90
            while y > 110:
                para = " ".join(rng.sample(pool, 3))
                for line in textwrap.wrap(para, 95):
                    if y < 90:
                        break
                    c.drawString(72, y, line)
                    y -= 13
                y -= 10
            c.showPage()
        c.save()


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--pages", type=int, default=10)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pdfs"
        folder.mkdir()
        t = timed(lambda: write_pdfs(folder, args.files, args.pages))
        files = sorted(folder.glob("*.pdf"))
        total_pages = args.files * args.pages
        mb = sum(f.stat().st_size for f in files) / 2**20
        print(f"{args.files} PDFs, {total_pages} pages, {mb:.1f} MB (written in {t:.1f} s)")
        print(f"{'':66} {'seconds':>8} {'pages/s':>8}", flush=True)

        def row(name: str, secs: float, pages: int = total_pages) -> None:
            print(f"{name:66} {secs:8.2f} {pages / secs:8.0f}", flush=True)

        import pypdfium2  # noqa: F401  (imports are not reading)

        from askbrief.readers import read

        row("askbrief PDF reader (pypdfium2 + layout)",
            timed(lambda: [read(f, f.read_bytes(), []) for f in files]))
        os.environ["ASKBRIEF_CACHE_DIR"] = str(Path(tmp) / "cache")
        os.environ["ASKBRIEF_DATA_DIR"] = str(Path(tmp) / "data")
        from askbrief.cache import load_index
        from askbrief.variants import term_map

        result = {}
        row("askbrief index, cold cache (read + chunk + tokenize + variants)",
            timed(lambda: result.update(r=load_index([folder], term_map=term_map)[1])))
        print(f"index: {result['r'].documents} documents, {result['r'].chunks} chunks")

        def pdfium_plain():
            import pypdfium2 as pdfium

            for f in files:
                pdf = pdfium.PdfDocument(f.read_bytes())
                for page in pdf:
                    page.get_textpage().get_text_range()
                pdf.close()

        row("pypdfium2 get_text_range, no layout", timed(pdfium_plain))
        try:
            import pypdf

            row("pypdf extract_text", timed(
                lambda: [[p.extract_text() for p in pypdf.PdfReader(str(f)).pages] for f in files]))
        except ImportError:
            print("pypdf not installed: not measured")
        try:
            from pdfminer.high_level import extract_text

            few = files[:10]  # pure Python and slow: a tenth of the files is enough for a rate
            row(f"pdfminer.six extract_text ({len(few)} of the files)",
                timed(lambda: [extract_text(str(f)) for f in few]), len(few) * args.pages)
        except ImportError:
            print("pdfminer.six not installed: not measured")


if __name__ == "__main__":
    sys.exit(main())
