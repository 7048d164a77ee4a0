"""The word-vector table: what it adds to the wheel, and what opening it costs a one-shot run.

Run by hand (pytest does not collect it):

    python tests/benchmarks/bench_meaning.py            # 7 fresh processes of each
    python tests/benchmarks/bench_meaning.py --runs 15

Prints the table's size on disk and deflated (as a wheel stores it; aim <= ~10 MB), and, each in
a fresh process (numpy and ``askbrief.text`` imported first: the one-shot path has them anyway),
the time to import ``askbrief.meaning``, then to open the table and look up 20 words (aim: a few
ms), side by side with loading wordllama itself and embedding the same words (when it is
installed: ``pip install -e '.[vectors]'``); then what the soft match of one question against 50
sentences costs in a warm process.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

WORDS = ("captured taking chief secretary general resigned stronghold militia forces advance "
         "capital fighting government troops offensive town kilometres border spokesman ceasefire").split()

TABLE = """
import json, time
import numpy, askbrief.text  # on the one-shot path anyway
t0 = time.perf_counter()
from askbrief import meaning
t1 = time.perf_counter()
wv = meaning.word_vectors()
found = sum(wv.vector(w) is not None for w in {words!r})
t2 = time.perf_counter()
print(json.dumps({{"import": t1 - t0, "open+lookup": t2 - t1, "found": found}}))
"""

PEER = """
import json, os, time
import numpy, askbrief.text
t0 = time.perf_counter()
import wordllama
from wordllama import WordLlama
t1 = time.perf_counter()
wl = WordLlama.load(cache_dir=os.path.dirname(wordllama.__file__), disable_download=True)
wl.embed({words!r})
t2 = time.perf_counter()
print(json.dumps({{"import": t1 - t0, "open+lookup": t2 - t1, "found": {n}}}))
"""


def sizes() -> tuple[int, int]:
    from askbrief import meaning

    files = [meaning.DATA_DIR / meaning.WORDS_FILE, meaning.DATA_DIR / meaning.VECTORS_FILE]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for f in files:
            z.write(f, f.name)
    return sum(f.stat().st_size for f in files), len(buf.getvalue())


def runs(code: str, n: int) -> dict[str, float] | None:
    out = []
    for _ in range(n):
        p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
        if p.returncode:
            return None
        out.append(json.loads(p.stdout))
    return {k: statistics.median(r[k] for r in out) for k in out[0]}


def soft_match_cost(n_sentences: int = 50) -> tuple[float, float]:
    """Median ms to soft-match one seed question against 50 sentences of the brief, in a warm
    process (the table open, its rows remembered as after the first question): sentence by
    sentence (``soft_match``) and all at once (``soft_scores``)."""
    from askbrief import load, meaning
    from askbrief.text import WORD_RE, sentence_spans, term

    assistant = load([str(ROOT / "seeds")], use_cache=False)
    index = assistant.index
    texts = [c.text[s:e] for c in index.brief.chunks for s, e in sentence_spans(c.text)]
    sentence_words = [WORD_RE.findall(t) for t in texts[:n_sentences]]
    questions = ["On which social network did Guterres voice his worry?",
                 "In which city did Hifter meet Russia's top diplomat?",
                 "Whose forces captured the town of Gharyan?"]

    def key(w):
        return index.map_term(term(w))

    one, batch = [], []
    for _ in range(5):
        for q in questions:
            qw = WORD_RE.findall(q)
            t0 = time.perf_counter()
            for sw in sentence_words:
                meaning.soft_match(qw, sw, index.idf, key=key)
            t1 = time.perf_counter()
            meaning.soft_scores(qw, sentence_words, index.idf, key=key)
            t2 = time.perf_counter()
            one.append(t1 - t0)
            batch.append(t2 - t1)
    return statistics.median(one) * 1000, statistics.median(batch) * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    disk, deflated = sizes()
    print(f"table: {disk / 1e6:.2f} MB on disk, {deflated / 1e6:.2f} MB deflated (in the wheel)")
    print(f"{'':28}{'import (ms)':>12}{'open + 20 lookups (ms)':>24}{'found':>7}")
    for label, code in (("askbrief.meaning table", TABLE.format(words=WORDS)),
                        ("wordllama (peer)", PEER.format(words=WORDS, n=len(WORDS)))):
        r = runs(code, args.runs)
        if r is None:
            print(f"{label:28}{'not installed':>12}")
            continue
        print(f"{label:28}{r['import'] * 1000:12.1f}{r['open+lookup'] * 1000:24.1f}{r['found']:7.0f}")
    one, batch = soft_match_cost()
    print(f"soft match of a question against 50 sentences, warm: {one:.1f} ms one by one "
          f"(soft_match), {batch:.1f} ms at once (soft_scores)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
