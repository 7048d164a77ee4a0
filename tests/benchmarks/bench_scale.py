"""Scale benchmark: index build, cache load, question latency and memory at 10k and 100k chunks.

Run by hand (pytest does not collect it):

    python tests/benchmarks/bench_scale.py                      # 10k and 100k paragraphs
    python tests/benchmarks/bench_scale.py --sizes 10000 --questions 100

Each brief is synthetic but made of real text: seeded random articles whose paragraphs are
sentences of tests/data/squad2-tune.json (SQuAD 2.0, CC BY-SA 4.0), with a title and a date,
about ten paragraphs to a file. The questions are that file's questions. Every measurement of
askbrief runs in a fresh subprocess (so peak RSS is askbrief's own), and plain rank-bm25 full
scoring (``get_scores``) of the same question terms is timed in the same process right after,
so the ratio between the two survives a noisy machine. The postings search is also checked
against that oracle: the same top 20 for every question.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SQUAD = ROOT / "tests" / "data" / "squad2-tune.json"
TOP_K = 20


# --- the synthetic brief ---------------------------------------------------------------

def squad() -> tuple[list[str], list[str]]:
    from askbrief.text import sentence_spans

    data = json.loads(SQUAD.read_text(encoding="utf-8"))["data"]
    sentences, questions = [], []
    for article in data:
        for para in article["paragraphs"]:
            ctx = para["context"]
            sentences += [" ".join(ctx[s:e].split()) for s, e in sentence_spans(ctx)]
            questions += [q["question"] for q in para["qas"]]
    return [s for s in sentences if len(s) > 20], questions


def make_brief(root: Path, paragraphs: int, seed: int) -> int:
    """Write articles under root until they hold ``paragraphs`` paragraphs (titles count)."""
    marker = root / ".made"
    if marker.exists() and marker.read_text() == f"{paragraphs} {seed}":
        return sum(1 for _ in root.rglob("*.txt"))
    shutil.rmtree(root, ignore_errors=True)
    sentences, _ = squad()
    rng = random.Random(seed)
    n = files = 0
    while n < paragraphs:
        k = min(rng.randint(4, 16), paragraphs - n - 1) if paragraphs - n > 1 else 0
        title = " ".join(rng.choice(sentences).split()[:8]).rstrip(",;:")
        paras = [" ".join(rng.sample(sentences, rng.randint(1, 4))) for _ in range(k)]
        date = f"{rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        path = root / f"{files // 1000:03d}" / f"article_{files:06d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"date {date}\n\n{title}\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
        n += 1 + k
        files += 1
    marker.write_text(f"{paragraphs} {seed}")
    return files


# --- measurements (each in a fresh process) ---------------------------------------------

def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_build(brief: str, questions: list[str]) -> dict:
    """Cold build, warm reload, per-question latency, then plain rank-bm25 on the same terms."""
    from askbrief import Assistant, Settings
    from askbrief.cache import load_index
    from askbrief.index import EMPTY, LuceneBM25
    from askbrief.retrieve import search
    from askbrief.text import tokenize

    try:  # what askbrief.load() does: name variants folded, the map cached with the index
        from askbrief.variants import term_map
    except ImportError:
        term_map = None
    out = {}
    t = time.perf_counter()
    index, report = load_index([brief], term_map=term_map)
    out["build_s"] = time.perf_counter() - t
    out["files"], out["chunks"] = report.documents, report.chunks
    out["terms"], out["postings"] = len(index.postings.vocab), int(len(index.postings.docs))
    out["cache_mb"] = sum(f.stat().st_size for f in Path(os.environ["ASKBRIEF_CACHE_DIR"]).rglob("*")
                          if f.is_file()) / 2**20
    del index
    t = time.perf_counter()
    index, report = load_index([brief], term_map=term_map)
    out["reload_s"] = time.perf_counter() - t
    out["variants"] = len(index.term_map)
    assert report.unchanged == report.documents, report

    qterms = [[t for t in dict.fromkeys(index.map_terms(tokenize(q))) if t in index] for q in questions]
    search(index, qterms[0], TOP_K)  # first-call imports out of the way
    lat = []
    for terms in qterms:
        t = time.perf_counter()
        search(index, terms, TOP_K)
        lat.append((time.perf_counter() - t) * 1000)
    out["search_ms"] = lat
    assistant = Assistant(index.brief, Settings(), index=index)
    lat, errors = [], []
    for q in questions:
        t = time.perf_counter()
        try:
            assistant.ask(q)
        except Exception as e:  # the answerer's bug is reported, not a reason to stop timing
            errors.append(f"{q!r}: {type(e).__name__}: {e}")
            continue
        lat.append((time.perf_counter() - t) * 1000)
    out["ask_ms"], out["ask_errors"] = lat, errors
    out["rss_mb"] = rss_mb()

    t = time.perf_counter()
    bm = LuceneBM25([toks or [EMPTY] for toks in index.tokens])
    out["oracle_build_s"] = time.perf_counter() - t
    lat, same = [], 0
    import numpy as np

    for terms in qterms:
        t = time.perf_counter()
        scores = bm.get_scores(terms)
        lat.append((time.perf_counter() - t) * 1000)
        if terms:
            top = np.argsort(-scores, kind="stable")[:TOP_K]
            want = [(int(i), float(scores[i])) for i in top if scores[i] > 0]
        else:
            want = []
        same += want == [(h.chunk, h.score) for h in search(index, terms, TOP_K)]
    out["full_ms"] = lat
    out["oracle_same_top"] = same
    out["rss_with_oracle_mb"] = rss_mb()
    return out


def worker_load(brief: str) -> dict:
    """A fresh process that only loads the warm cache: what the one-shot command pays."""
    t = time.perf_counter()
    from askbrief.cache import load_index

    try:
        from askbrief.variants import term_map
    except ImportError:
        term_map = None
    t1 = time.perf_counter()
    index, report = load_index([brief], term_map=term_map)
    t2 = time.perf_counter()
    return {"import_s": t1 - t, "load_s": t2 - t1, "rss_mb": rss_mb(), "unchanged": report.unchanged}


def child_env(cache: Path) -> dict[str, str]:
    """The environment of a measured subprocess: its own cache, history kept out of the user's
    data directory, bytecode written (as an installed askbrief has it)."""
    env = dict(os.environ, ASKBRIEF_CACHE_DIR=str(cache), PYTHONPATH=str(ROOT),
               ASKBRIEF_DATA_DIR=str(cache.parent / "data"), PYTHONPYCACHEPREFIX=str(cache.parent / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_worker(kind: str, brief: Path, cache: Path, questions: list[str] | None = None) -> dict:
    env = child_env(cache)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(questions or [], f)
    try:
        r = subprocess.run([sys.executable, __file__, "--worker", kind, str(brief), f.name],
                           env=env, capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    if r.returncode:
        sys.exit(f"worker {kind} failed:\n{r.stderr}")
    return json.loads(r.stdout.splitlines()[-1])


def wall(cmd: list[str], env: dict, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - t)
    return times


# --- the report ---------------------------------------------------------------------

def bench_size(n: int, args, questions: list[str]) -> None:
    brief = args.workdir / f"brief-{n}"
    cache = args.workdir / f"cache-{n}"
    shutil.rmtree(cache, ignore_errors=True)
    t = time.perf_counter()
    files = make_brief(brief, n, args.seed)
    print(f"\n== {n:,} paragraphs: {files:,} files in {brief} (made in {time.perf_counter() - t:.1f} s)",
          flush=True)
    b = run_worker("build", brief, cache, questions)
    w = run_worker("load", brief, cache)
    env = child_env(cache)
    one = wall([sys.executable, "-m", "askbrief", questions[0], "--corpus", str(brief)], env, args.runs)
    s50, s95 = pct(b["search_ms"], 50), pct(b["search_ms"], 95)
    f50, f95 = pct(b["full_ms"], 50), pct(b["full_ms"], 95)
    a50, a95 = pct(b["ask_ms"], 50), pct(b["ask_ms"], 95)
    print(f"chunks {b['chunks']:,}  terms {b['terms']:,}  postings {b['postings']:,}  "
          f"name variants folded {b['variants']}  cache on disk {b['cache_mb']:.0f} MB")
    print(f"index build (cold cache)          {b['build_s']:8.2f} s   (incl. the name-variant scan)")
    print(f"cache load, same process          {b['reload_s']:8.3f} s")
    print(f"cache load, fresh process         {w['load_s']:8.3f} s   (+ {w['import_s']:.3f} s imports)")
    print(f"one-shot askbrief, warm cache     {statistics.median(one):8.3f} s   median of {args.runs} "
          f"(min {min(one):.3f})")
    print(f"retrieval, postings  p50/p95      {s50:8.1f} / {s95:.1f} ms   ({len(b['search_ms'])} questions)")
    print(f"retrieval, rank-bm25 full p50/p95 {f50:8.1f} / {f95:.1f} ms   ratio p50 {s50 / f50:.3f}, "
          f"p95 {s95 / f95:.3f}")
    print(f"ask (retrieve + answer) p50/p95   {a50:8.1f} / {a95:.1f} ms")
    if b["ask_errors"]:
        print(f"  {len(b['ask_errors'])} questions failed in ask(); first: {b['ask_errors'][0][:200]}")
    print(f"peak RSS: build+questions {b['rss_mb']:.0f} MB, warm load {w['rss_mb']:.0f} MB "
          f"(with the rank-bm25 oracle: {b['rss_with_oracle_mb']:.0f} MB)")
    print(f"top-{TOP_K} equal to rank-bm25 full scoring: {b['oracle_same_top']}/{len(b['full_ms'])} "
          f"questions (oracle built in {b['oracle_build_s']:.1f} s)")


def bench_startup(args) -> None:
    from askbrief.paths import seeds_dir
    from bench_startup import BASELINE, measure

    runs = measure("Who took Gharyan?", args.runs)
    b = statistics.median(w for w, _ in runs["baseline"])
    o = statistics.median(w for w, _ in runs["askbrief"])
    print(f"\n== start-up on the seeds ({seeds_dir()}), warm cache, median of {args.runs}")
    print(f"python -c '{BASELINE[-1]}'  {b:.3f} s")
    print(f"askbrief \"Who took Gharyan?\"                                 {o:.3f} s   ratio {o / b:.2f}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        kind, brief, qfile = sys.argv[2:5]
        questions = json.loads(Path(qfile).read_text())
        out = worker_build(brief, questions) if kind == "build" else worker_load(brief)
        print(json.dumps(out))
        return
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    p.add_argument("--questions", type=int, default=200, help="questions per size (from squad2-tune)")
    p.add_argument("--runs", type=int, default=7, help="runs of each one-shot command")
    p.add_argument("--seed", type=int, default=6)
    p.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "askbrief-bench")
    p.add_argument("--no-startup", action="store_true", help="skip the seeds start-up comparison")
    args = p.parse_args()
    sys.path.insert(0, str(ROOT))
    args.workdir.mkdir(parents=True, exist_ok=True)
    _, questions = squad()
    questions = random.Random(args.seed).sample(questions, min(args.questions, len(questions)))
    print(f"askbrief scale benchmark: python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"seed {args.seed}, top-{TOP_K}")
    if not args.no_startup:
        bench_startup(args)
    for n in args.sizes:
        bench_size(n, args, questions)


if __name__ == "__main__":
    main()
