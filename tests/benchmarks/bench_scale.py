"""Scale benchmark: index build, one-shot question, retrieval latency and memory, from 10k to
millions of paragraphs, with tantivy and bm25s side by side on the same paragraphs.

Run by hand (pytest does not collect it):

    python tests/benchmarks/bench_scale.py                         # 10k and 100k paragraphs
    python tests/benchmarks/bench_scale.py --sizes 1000000         # about 10 minutes
    python tests/benchmarks/bench_scale.py --sizes 10000 --no-peers --questions 100
    python tests/benchmarks/bench_scale.py --sizes 1000000 --reuse DIR   # one-shot, warm and the peers, on DIR/cache-1000000 (no build)

The briefs are synthetic but made of real text whose vocabulary grows as a news archive's does
(Heaps' law): articles of 4–16 paragraphs, each a run of 1–5 sentences of a SQuAD paragraph
(tests/data/squad2-*.json, CC BY-SA 4.0), with names, numbers and rare words varied. A
capitalised word inside a sentence is replaced, one time in three, by an invented name, a long
word one time in ten by an invented word, and most numbers by other numbers; the invented words
come from a Pitman–Yor process (discount 0.6), so new ones keep appearing at a falling rate, and
the term count per size is printed. The questions are SQuAD questions.

Every measurement runs in a fresh subprocess (its peak RSS is its own, from ``wait4``). The
peers (``pip install tantivy bm25s``: benchmark only, not askbrief's dependencies) are fed
askbrief's own analysed terms (stemmed, stopwords out) so every engine sees the same terms;
their build time is the engine's alone, after that analysis. Up to 200k paragraphs the
postings search is also checked against rank-bm25 (the oracle of the tests): the same top 20.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SQUAD = [ROOT / "tests" / "data" / "squad2-tune.json", ROOT / "tests" / "data" / "squad2-train.json"]
TOP_K = 20
ORACLE_MAX = 200_000


# --- the synthetic brief ---------------------------------------------------------------

def squad() -> tuple[list[list[str]], list[str]]:
    """Every SQuAD paragraph in the repository as its sentences, and the questions."""
    from askbrief.text import sentence_spans

    paragraphs, questions = [], []
    for path in SQUAD:
        if not path.exists():
            continue
        for article in json.loads(path.read_text(encoding="utf-8"))["data"]:
            for para in article["paragraphs"]:
                ctx = para["context"]
                paragraphs.append([" ".join(ctx[s:e].split()) for s, e in sentence_spans(ctx)])
                questions += [q["question"] for q in para["qas"]]
    return paragraphs, questions


_SYLLABLES = ("ka lo ver ran mi sa to bel dor quin zar ul fen ha ri mon tes gal vik ost ena bra "
              "chi pel nor wen dak im ser yu lak fro tam gi ces vo hul rin cas tro mar len").split()


class Invented:
    """Words drawn from a Pitman–Yor process: the k-th new word comes after about k^(1/d) draws,
    so the vocabulary grows like n^0.6, as in real text."""

    def __init__(self, rng: random.Random, capital: bool, discount: float = 0.6, theta: float = 50.0):
        self.rng, self.capital, self.d, self.theta = rng, capital, discount, theta
        self.words: list[str] = []
        self.draws: list[str] = []  # a reservoir of earlier draws: picking one is rich-get-richer
        self.n = 0

    def _new(self) -> str:
        r = self.rng
        w = "".join(r.choice(_SYLLABLES) for _ in range(r.randint(2, 4)))
        return w.capitalize() if self.capital else w

    def draw(self) -> str:
        k = len(self.words)
        if not self.draws or self.rng.random() < (self.theta + self.d * k) / (self.theta + self.n):
            w = self._new()
            self.words.append(w)
        else:
            w = self.rng.choice(self.draws)
        self.n += 1
        if len(self.draws) < 200_000:
            self.draws.append(w)
        else:
            self.draws[self.rng.randrange(len(self.draws))] = w
        return w


_VARY = re.compile(r"(?<=[a-z,;] )[A-Z][a-z]{2,}\b|\b\d[\d,]*(?:\.\d+)?\b|\b[a-z]{9,}\b")


class Writer:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.names, self.rare = Invented(self.rng, True), Invented(self.rng, False)

    def _vary(self, m: re.Match) -> str:
        w, r = m.group(), self.rng.random()
        if w[0].isupper():
            return self.names.draw() if r < 1 / 3 else w
        if w[0].isdigit():
            return str(self.rng.randint(2, 10 ** self.rng.randint(1, 6))) if r < 0.7 else w
        return self.rare.draw() if r < 0.1 else w

    def paragraph(self, paragraphs: list[list[str]]) -> str:
        sents = self.rng.choice(paragraphs)
        k = self.rng.randint(1, min(5, len(sents)))
        i = self.rng.randint(0, len(sents) - k)
        return _VARY.sub(self._vary, " ".join(sents[i:i + k]))


def make_brief(root: Path, paragraphs: int, seed: int) -> int:
    """Write articles under root until they hold ``paragraphs`` paragraphs (titles count),
    half of them in each of two processes (each with its own stream of invented words)."""
    marker = root / ".made"
    if marker.exists() and marker.read_text() == f"{paragraphs} {seed} v2":
        return sum(1 for _ in root.rglob("*.txt"))
    shutil.rmtree(root, ignore_errors=True)
    parts = [(root, paragraphs // 2, seed * 10 + 1, "a"), (root, paragraphs - paragraphs // 2, seed * 10 + 2, "b")]
    if paragraphs < 20_000:
        files = _write_part((root, paragraphs, seed, "a"))
    else:
        import multiprocessing

        with multiprocessing.get_context("fork").Pool(2) as pool:
            files = sum(pool.map(_write_part, parts))
    marker.write_text(f"{paragraphs} {seed} v2")
    return files


def _write_part(part) -> int:
    root, paragraphs, seed, prefix = part
    source, _ = squad()
    w = Writer(seed)
    rng = w.rng
    n = files = 0
    while n < paragraphs:
        k = min(rng.randint(4, 16), paragraphs - n - 1) if paragraphs - n > 1 else 0
        title = " ".join(w.paragraph(source).split()[:8]).rstrip(",;:")
        paras = [w.paragraph(source) for _ in range(k)]
        date = f"{rng.randint(2015, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        path = root / f"{prefix}{files // 1000:04d}" / f"article_{files:07d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"date {date}\n\n{title}\n\n" + "\n\n".join(paras) + "\n", encoding="utf-8")
        n += 1 + k
        files += 1
    return files


# --- measurements (each in a fresh process) ---------------------------------------------

def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))] if values else float("nan")


def dir_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the build's workers)."""
    import resource

    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def worker_build(brief: str, _questions: list[str]) -> dict:
    """``askbrief index``: a cold build, variants scan included (timed apart as well)."""
    from askbrief import variants
    from askbrief.cache import refresh

    scan = {}
    groups_of = variants.groups_of

    def timed_groups(b):
        t, c = time.perf_counter(), _cpu()
        try:
            return groups_of(b)
        finally:
            scan.update(scan_s=time.perf_counter() - t, scan_cpu_s=_cpu() - c)

    variants.groups_of = timed_groups  # what term_map calls: its cache key stays term_map's
    t = time.perf_counter()
    report = refresh([brief], term_map=variants.term_map)
    return {"build_s": time.perf_counter() - t, "files": report.documents, "chunks": report.chunks, **scan}


def worker_warm(brief: str, questions: list[str]) -> dict:
    """Retrieval and whole questions in one warm process, and the oracle check when small."""
    from askbrief import Assistant, Settings
    from askbrief.cache import load_index
    from askbrief.retrieve import search
    from askbrief.text import tokenize
    from askbrief.variants import term_map

    t = time.perf_counter()
    index, report = load_index([brief], term_map=term_map)
    out = {"open_s": time.perf_counter() - t, "checked": report.checked, "variants": len(index.term_map),
           "terms": len(index.postings.vocab), "postings": int(len(index.postings.lo))}
    qterms = [[t for t in dict.fromkeys(index.map_terms(tokenize(q))) if t in index] for q in questions]
    search(index, qterms[0], TOP_K)
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
    out["top"] = [[h.chunk for h in search(index, terms, TOP_K)] for terms in qterms]
    if len(index) <= ORACLE_MAX and os.environ.get("BENCH_ORACLE") != "0":
        sys.path.insert(0, str(ROOT / "tests"))
        from bm25_oracle import oracle_of, oracle_top

        bm = oracle_of(index)
        lat, same = [], 0
        for terms in qterms:
            t = time.perf_counter()
            want = oracle_top(bm, terms, TOP_K) if terms else []
            lat.append((time.perf_counter() - t) * 1000)
            same += want == [(h.chunk, h.score) for h in search(index, terms, TOP_K)]
        out["full_ms"], out["oracle_same_top"] = lat, same
    return out


def _analysed(brief: str, questions: list[str]):
    """askbrief's own terms of every chunk (what the peers index), and the time analysing
    them took; written once per size for the peers to share (one line of terms per chunk)."""
    from askbrief.cache import load_index
    from askbrief.text import tokenize
    from askbrief.variants import term_map

    saved = Path(os.environ["PEER_DIR"]) / "terms.txt"
    timing = saved.with_suffix(".s")
    if not timing.exists():
        index, _ = load_index([brief], term_map=term_map)
        m = index.map_terms
        t = time.perf_counter()
        saved.parent.mkdir(parents=True, exist_ok=True)
        with open(saved, "w", encoding="utf-8") as f:
            for text in _texts(index):
                f.write(" ".join(m(tokenize(text))) + "\n")
        timing.write_text(str(time.perf_counter() - t))
    with open(saved, encoding="utf-8") as f:
        chunks = [line.split() for line in f]
    return chunks, None, float(timing.read_text())


def _texts(index):
    return (c.text for c in index.brief.chunks)


def worker_tantivy_build(brief: str, questions: list[str]) -> dict:
    import tantivy

    chunks, _, analysis_s = _analysed(brief, questions)
    where = Path(os.environ["PEER_DIR"]) / "tantivy"
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    t = time.perf_counter()
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("body", tokenizer_name="whitespace", index_option="freq")
    sb.add_unsigned_field("cid", stored=True)
    schema = sb.build()
    ix = tantivy.Index(schema, path=str(where))
    writer = ix.writer(heap_size=300_000_000, num_threads=2)
    for i, toks in enumerate(chunks):
        writer.add_document(tantivy.Document(body=" ".join(toks) or "\x01", cid=i))
    writer.commit()
    writer.wait_merging_threads()
    return {"build_s": time.perf_counter() - t, "analysis_s": analysis_s, "mb": dir_mb(where)}


def worker_tantivy_texts(brief: str, questions: list[str]) -> dict:
    """The size of the same tantivy index with each chunk's text stored too (its document
    store, compressed), as askbrief keeps them to quote from: like against like."""
    import tantivy
    from askbrief.cache import load_index
    from askbrief.variants import term_map

    chunks, _, _ = _analysed(brief, questions)
    index, _ = load_index([brief], term_map=term_map)
    where = Path(os.environ["PEER_DIR"]) / "tantivy-texts"
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("body", tokenizer_name="whitespace", index_option="freq")
    sb.add_unsigned_field("cid", stored=True)
    sb.add_bytes_field("text", stored=True)
    ix = tantivy.Index(sb.build(), path=str(where))
    writer = ix.writer(heap_size=300_000_000, num_threads=2)
    for i, (toks, text) in enumerate(zip(chunks, _texts(index))):
        writer.add_document(tantivy.Document(body=" ".join(toks) or "\x01", cid=i,
                                             text=text.encode("utf-8", "surrogatepass")))
    writer.commit()
    writer.wait_merging_threads()
    mb = dir_mb(where)
    shutil.rmtree(where, ignore_errors=True)
    return {"mb": mb}


def worker_tantivy_query(_brief: str, qs: list[list[str]]) -> dict:
    """Open the index and run the questions (terms already analysed: a one-shot's work)."""
    t0 = time.perf_counter()
    import tantivy

    ix = tantivy.Index.open(str(Path(os.environ["PEER_DIR"]) / "tantivy"))
    searcher = ix.searcher()
    schema = ix.schema
    lat, top = [], []
    for terms in qs:
        t = time.perf_counter()
        hits = []
        if terms:
            q = tantivy.Query.boolean_query([(tantivy.Occur.Should, tantivy.Query.term_query(schema, "body", w))
                                             for w in terms])
            hits = searcher.search(q, TOP_K).hits
        lat.append((time.perf_counter() - t) * 1000)
        top.append([searcher.doc(addr)["cid"][0] for _, addr in hits])
        if len(lat) == 1:
            first_s = time.perf_counter() - t0
    return {"search_ms": lat[1:], "first_s": first_s, "top": top}


def worker_bm25s_build(brief: str, questions: list[str]) -> dict:
    import bm25s

    chunks, _, analysis_s = _analysed(brief, questions)
    where = Path(os.environ["PEER_DIR"]) / "bm25s"
    shutil.rmtree(where, ignore_errors=True)
    t = time.perf_counter()
    r = bm25s.BM25(method="lucene", k1=1.2, b=0.75)
    r.index([toks or ["\x01"] for toks in chunks], show_progress=False)
    r.save(str(where))
    return {"build_s": time.perf_counter() - t, "analysis_s": analysis_s, "mb": dir_mb(where)}


def worker_bm25s_query(_brief: str, qs: list[list[str]]) -> dict:
    t0 = time.perf_counter()
    import bm25s

    r = bm25s.BM25.load(str(Path(os.environ["PEER_DIR"]) / "bm25s"), mmap=True)
    vocab = r.vocab_dict
    lat = []
    for terms in qs:
        terms = [w for w in terms if w in vocab]
        t = time.perf_counter()
        if terms:
            r.retrieve([terms], k=TOP_K, show_progress=False, n_threads=1)
        lat.append((time.perf_counter() - t) * 1000)
        if len(lat) == 1:
            first_s = time.perf_counter() - t0
    return {"search_ms": lat[1:], "first_s": first_s}


WORKERS = {"build": worker_build, "warm": worker_warm, "tantivy_build": worker_tantivy_build,
           "tantivy_texts": worker_tantivy_texts,
           "tantivy_query": worker_tantivy_query, "bm25s_build": worker_bm25s_build,
           "bm25s_query": worker_bm25s_query}


def child_env(cache: Path, work: Path | None = None) -> dict[str, str]:
    """The environment of a measured subprocess: its own cache, history kept out of the user's
    data directory, bytecode written (as an installed askbrief has it); what it writes besides
    the cache goes to ``work`` (default: next to the cache)."""
    work = work or cache.parent
    env = dict(os.environ, ASKBRIEF_CACHE_DIR=str(cache), PYTHONPATH=str(ROOT), PEER_DIR=str(work / "peers"),
               ASKBRIEF_DATA_DIR=str(work / "data"), PYTHONPYCACHEPREFIX=str(work / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed(cmd: list[str], env: dict, stdout=subprocess.DEVNULL) -> tuple[float, float, str, float]:
    """(wall seconds, peak RSS in MB, stdout, CPU seconds of it and its children) of one
    process, from ``wait4``: CPU time moves less than wall time on a loaded machine."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status):
            sys.exit(f"{' '.join(cmd[:4])} failed:\n{err.read().decode()[-3000:]}")
        return wall, usage.ru_maxrss / 1024, out.read().decode(), usage.ru_utime + usage.ru_stime


def run_worker(kind: str, brief: Path, cache: Path, payload, work: Path | None = None) -> tuple[dict, float, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(payload, f)
    try:
        wall, rss, out, cpu = timed([sys.executable, __file__, "--worker", kind, str(brief), f.name],
                                    child_env(cache, work))
    finally:
        os.unlink(f.name)
    return {**json.loads(out.splitlines()[-1]), "cpu_s": cpu}, wall, rss


# --- the report ---------------------------------------------------------------------

def recall(top: list[list[int]], exact: list[list[int]], k: int) -> float:
    pairs = [(set(t[:k]), set(e[:k])) for t, e in zip(top, exact) if e]
    return 100 * sum(len(t & e) / len(e) for t, e in pairs) / max(len(pairs), 1)


def bench_size(n: int, args, questions: list[str]) -> None:
    brief = (args.briefs or args.workdir) / f"brief-{n}"
    if args.reuse:
        return bench_reused(n, brief, args.reuse / f"cache-{n}", args, questions)
    cache = args.workdir / f"cache-{n}"
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(args.workdir / "peers", ignore_errors=True)
    t = time.perf_counter()
    files = make_brief(brief, n, args.seed)
    print(f"\n== {n:,} paragraphs: {files:,} files in {brief} (made in {time.perf_counter() - t:.1f} s)", flush=True)
    load = os.getloadavg()[0]
    b, build_wall, build_rss = run_worker("build", brief, cache, [])
    if args.build_only:
        print(f"| {n:,} paragraphs ({b['files']:,} files, {b['chunks']:,} chunks) | cold build {build_wall:.1f} s "
              f"({b['cpu_s']:.1f} s of CPU; variant scan {b.get('scan_s', 0):.1f} s, {b.get('scan_cpu_s', 0):.1f} s of CPU) "
              f"| peak RSS {build_rss:.0f} MB | index {dir_mb(cache / 'index'):.0f} MB | load {load:.1f} → "
              f"{os.getloadavg()[0]:.1f} |", flush=True)
        return
    index_mb = dir_mb(cache / "index")
    (built,) = (cache / "index").glob("index-*")
    texts_mb = sum((built / f"{name}.npy").stat().st_size for name in ("text", "text_ptr", "text_blocks")) / 2**20
    postings_mb = sum((built / f"{name}.npy").stat().st_size
                      for name in ("post_lo", "post_run_at", "post_run_hi", "post_tf", "post_tf_at", "post_tf_big", "post_ptr", "post_ub",
                                   "post_bmax", "vocab", "vocab_ptr", "doc_len")) / 2**20
    env = child_env(cache)
    one = [timed([sys.executable, "-m", "askbrief", "ask", questions[0], "--corpus", str(brief), "--no-history"],
                 env) for _ in range(args.runs)]
    w, _, warm_rss = run_worker("warm", brief, cache, questions)
    print(f"chunks {b['chunks']:,}  terms {w['terms']:,}  postings {w['postings']:,}  "
          f"name variants folded {w['variants']}  freshness checked by: {w['checked']}")
    rows = {"cold build (s)": [f"{build_wall:.1f}"], "build peak RSS (MB)": [f"{build_rss:.0f}"],
            "index on disk (MB)": [f"{index_mb:.0f}"],
            "  without the texts (MB)": [f"{index_mb - texts_mb:.0f} (postings {postings_mb:.0f})"],
            **question_rows(f"{statistics.median(x[0] for x in one):.3f}", one, {}, w)}
    names = ["askbrief"]
    if not args.no_peers:
        names += peer_columns(brief, cache, args, questions, w, rows)
    print_table(n, names, rows, w)
    print(f"index opened in {w['open_s']:.3f} s in a warm process")
    if "full_ms" in w:
        print(f"top-{TOP_K} equal to rank-bm25 full scoring: {w['oracle_same_top']}/{len(w['full_ms'])} questions "
              f"(rank-bm25 p50/p95 {pct(w['full_ms'], 50):.1f} / {pct(w['full_ms'], 95):.1f} ms)")
    sys.stdout.flush()


def question_rows(one_shot: str, one: list, floors: dict[str, list[float]], w: dict) -> dict[str, list[str]]:
    """askbrief's rows of the question side: the one-shot (its cell given), its floors, retrieval
    and the whole question from the warm worker ``w``."""
    return {"one-shot ask, warm cache (s)": [one_shot],
            "one-shot RSS (MB)": [f"{statistics.median(x[1] for x in one):.0f}"],
            **{f"  floor: {name} (s)": [f"{statistics.median(t):.3f}"] for name, t in floors.items()},
            "retrieval p50 / p95 (ms)": [f"{pct(w['search_ms'], 50):.1f} / {pct(w['search_ms'], 95):.1f}"],
            "whole question p50 / p95 (ms)": [f"{pct(w['ask_ms'], 50):.1f} / {pct(w['ask_ms'], 95):.1f}"],
            "recall@1/5/20 vs exact (%)": ["100 (exact)"]}


def print_table(n: int, names: list[str], rows: dict[str, list[str]], w: dict) -> None:
    print("| " + f"{n:,} paragraphs | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for label, cells in rows.items():
        print(f"| {label} | " + " | ".join(cells) + " |")
    if w["ask_errors"]:
        print(f"  {len(w['ask_errors'])} questions failed in ask(); first: {w['ask_errors'][0][:200]}")
    sys.stdout.flush()


def peer_columns(brief: Path, cache: Path, args, questions: list[str], w: dict, rows: dict[str, list[str]],
                 work: Path | None = None) -> list[str]:
    """Build and query the peers (those installed) on askbrief's analysed terms of the brief in
    ``cache``, adding a cell to each row; the peers' names, in column order."""
    qs = _mapped(brief, cache, questions, work)
    names = []
    for peer in ("tantivy", "bm25s"):
        try:
            __import__(peer)
        except ImportError:
            print(f"({peer} not installed: pip install {peer})")
            continue
        pb, _, p_rss = run_worker(f"{peer}_build", brief, cache, questions, work)
        pq, _, p_q_rss = run_worker(f"{peer}_query", brief, cache, qs, work)
        first = [run_worker(f"{peer}_query", brief, cache, qs[:1], work) for _ in range(args.runs)]
        names.append(peer)
        rows["cold build (s)"].append(f"{pb['build_s']:.1f} (+{pb['analysis_s']:.0f} analysis)")
        rows["build peak RSS (MB)"].append(f"{p_rss:.0f}")
        with_texts = run_worker("tantivy_texts", brief, cache, questions, work)[0]["mb"] if peer == "tantivy" else None
        rows["index on disk (MB)"].append(f"{with_texts:.0f} (texts stored)" if with_texts else "–")
        rows["  without the texts (MB)"].append(f"{pb['mb']:.0f}")
        rows["one-shot ask, warm cache (s)"].append(f"{statistics.median(x[1] for x in first):.3f} (search only)")
        rows["one-shot RSS (MB)"].append(f"{statistics.median(x[2] for x in first):.0f}")
        rows["retrieval p50 / p95 (ms)"].append(f"{pct(pq['search_ms'], 50):.1f} / {pct(pq['search_ms'], 95):.1f}")
        rows["whole question p50 / p95 (ms)"].append("–")
        rows["recall@1/5/20 vs exact (%)"].append(
            " / ".join(f"{recall(pq['top'], w['top'], k):.1f}" for k in (1, 5, 20)) if "top" in pq else "–")
    return names


def _listing(cache: Path) -> list[tuple[str, int, int]]:
    return sorted((str(f), f.stat().st_size, f.stat().st_mtime_ns) for f in cache.rglob("*"))


# what a one-shot cannot go below, timed beside it (``--reuse``): the interpreter, NumPy (with one
# BLAS thread, as the command line imports it), and every module the one-shot imports
FLOORS = {"python -c pass": "pass", "import numpy": "import numpy",
          "the one-shot's imports": "import numpy, askbrief.cli.ask, askbrief.cli.common, askbrief.cache, "
                                    "askbrief.answer, askbrief.retrieve, askbrief.variants, askbrief.render"}


def bench_reused(n: int, brief: Path, cache: Path, args, questions: list[str]) -> None:
    """The one-shot question and the whole question in a warm process, on an index an earlier
    run built (``--reuse``), and the peers built and queried on the same brief (not with
    ``--no-peers``; their analysed terms are kept in ``WORKDIR/peers-N`` for the next run). The
    askbrief cache is only read (checked: a one-shot that found it stale would rebuild it, and
    that is reported)."""
    if not (brief / ".made").exists() or not list((cache / "index").glob("index-*")):
        sys.exit(f"--reuse: no brief at {brief} or no index in {cache}")
    before = _listing(cache)
    os.environ["BENCH_ORACLE"] = "0"  # the top 20 against rank-bm25 is the full run's check
    env = child_env(cache, args.workdir)
    ask = [sys.executable, "-m", "askbrief", "ask", questions[0], "--corpus", str(brief), "--no-history"]
    timed(ask, env)  # untimed: bytecode written, the index's pages in the OS's file cache
    load = os.getloadavg()[0]
    one, floors = [], {name: [] for name in FLOORS}
    for _ in range(args.runs):  # the floors alternate with the one-shot: the same minutes
        one.append(timed(ask, env))
        for name, code in FLOORS.items():
            floors[name].append(timed([sys.executable, "-c", code], {**env, "OPENBLAS_NUM_THREADS": "1"})[0])
    w, _, warm_rss = run_worker("warm", brief, cache, questions, args.workdir)
    if _listing(cache) != before:
        print(f"WARNING: the cache {cache} changed during the run (rebuilt?): the figures include a build")
    rows = question_rows(f"{statistics.median(x[0] for x in one):.3f} (CPU {statistics.median(x[3] for x in one):.3f}; "
                         f"runs {', '.join(f'{x[0]:.2f}' for x in one)})", one, floors, w)
    names = ["askbrief"]
    if not args.no_peers:
        peer_rows = {"cold build (s)": ["–"], "build peak RSS (MB)": ["–"], "index on disk (MB)": [f"{dir_mb(cache / 'index'):.0f}"],
                     "  without the texts (MB)": ["–"]}
        rows = {**peer_rows, **rows}
        names += peer_columns(brief, cache, args, questions, w, rows, args.workdir / f"peers-{n}")
    print(f"\n== {n:,} paragraphs, index reused from {cache} (load {load:.1f} -> {os.getloadavg()[0]:.1f})")
    print_table(n, names, rows, w)


def _mapped(brief: Path, cache: Path, questions: list[str], work: Path | None = None) -> list[list[str]]:
    """The questions' terms as askbrief searches them (variants folded)."""
    code = ("import json,sys; from askbrief.cache import load_index; from askbrief.text import tokenize; "
            "from askbrief.variants import term_map; ix,_=load_index([sys.argv[1]], term_map=term_map); "
            "qs=json.load(open(sys.argv[2])); "
            "print(json.dumps([list(dict.fromkeys(ix.map_terms(tokenize(q)))) for q in qs]))")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(questions, f)
    try:
        _, _, out, _ = timed([sys.executable, "-c", code, str(brief), f.name], child_env(cache, work))
    finally:
        os.unlink(f.name)
    return json.loads(out)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        kind, brief, qfile = sys.argv[2:5]
        print(json.dumps(WORKERS[kind](brief, json.loads(Path(qfile).read_text()))))
        return
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    p.add_argument("--questions", type=int, default=200, help="questions per size (SQuAD)")
    p.add_argument("--runs", type=int, default=5, help="runs of the one-shot command")
    p.add_argument("--seed", type=int, default=6)
    p.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "askbrief-bench")
    p.add_argument("--no-peers", action="store_true", help="askbrief only")
    p.add_argument("--build-only", action="store_true", help="askbrief's cold build only: time, peak RSS, size")
    p.add_argument("--briefs", type=Path, help="where the briefs are made or found (default: the workdir)")
    p.add_argument("--reuse", type=Path, metavar="DIR",
                   help="measure the one-shot and warm questions on DIR/cache-N, an index an earlier run "
                        "built for the same brief path (not rebuilt, not written), and the peers beside it")
    args = p.parse_args()
    sys.path.insert(0, str(ROOT))
    args.workdir.mkdir(parents=True, exist_ok=True)
    _, questions = squad()
    questions = random.Random(args.seed).sample(questions, min(args.questions, len(questions)))
    print(f"askbrief scale benchmark: python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"seed {args.seed}, top-{TOP_K}, {len(questions)} questions")
    for n in args.sizes:
        bench_size(n, args, questions)


if __name__ == "__main__":
    main()
