"""The index cache and the postings search: incremental, repairable, pickle-free, and
scored exactly like rank_bm25 (the oracle)."""

import json
import os
import pickle
import stat
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import askbrief
from askbrief import cache
from askbrief.corpus import load_brief
from askbrief.index import EMPTY, Index, LuceneBM25
from askbrief.retrieve import search, top_k
from askbrief.text import tokenize

from helpers import SEEDS

FILES = {
    "alpha.txt": "date 2019-04-01\n\nAlpha report\n\nThe mayor of Zorvik is Helena Brandt.\nShe was "
                 "elected in 2015.\n\nZorvik lies on the river Quell.\n",
    "beta.txt": "Beta report\n\nThe river Quell flows through Marsden and Tolby.\n",
    "notes/gamma.md": "# Gamma\n\nThe capital of Ostrava province is Tellin.\n",
}


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")


@pytest.fixture
def brief_dir(tmp_path):
    root = tmp_path / "brief"
    write(root, FILES)
    return root


def index_dir() -> Path:
    return Path(os.environ["ASKBRIEF_CACHE_DIR"]) / "index"


def top_doc(index, question: str) -> str:
    hits = search(index, tokenize(question), 5)
    return index.brief.chunks[hits[0].chunk].doc


def counts(report):
    return report.new, report.updated, report.unchanged, report.removed


class Spy:
    """Counts calls of a function the cache module uses (reading files, tokenizing)."""

    def __init__(self, monkeypatch, name):
        self.calls = []
        real = getattr(cache, name)

        def spy(*args, **kw):
            self.calls.append(args[0])
            return real(*args, **kw)

        monkeypatch.setattr(cache, name, spy)


# --- loading and refreshing --------------------------------------------------------

def test_cached_brief_and_index_equal_the_in_memory_ones():
    index, report = cache.load_index([SEEDS])
    assert counts(report) == (5, 0, 0, 0) and report.warnings == []
    again, report = cache.load_index([SEEDS])
    assert counts(report) == (0, 0, 5, 0) and report.warnings == []
    fresh = load_brief([SEEDS])
    assert [d.model_dump() for d in again.brief.documents] == [d.model_dump() for d in fresh.documents]
    assert len(again.brief.chunks) == len(fresh.chunks) == len(again)
    assert list(again.brief.chunks) == fresh.chunks
    assert again.brief.chunks[-1] == fresh.chunks[-1] and again.brief.chunks[2:4] == fresh.chunks[2:4]
    assert again.brief.fingerprint == fresh.fingerprint  # from the stored hashes
    memory = Index(fresh)
    assert list(again.tokens) == list(memory.tokens)
    for q in ["Who took Gharyan?", "When did Bouteflika resign?", "Haftar spokesman"]:
        assert search(again, tokenize(q), 20) == search(memory, tokenize(q), 20)
        assert again.idf(tokenize(q)[0]) == memory.idf(tokenize(q)[0])


def test_load_uses_the_cache_and_answers_like_an_in_memory_brief():
    a = askbrief.load([str(SEEDS)])
    b = askbrief.load([str(SEEDS)])
    c = askbrief.Assistant(load_brief([SEEDS]))
    assert list(index_dir().glob("index-*.npz"))
    for q in ["Who took Gharyan?", "When did Bouteflika resign?"]:
        ab, bb, cb = (x.ask(q).model_dump(exclude={"elapsed_ms"}) for x in (a, b, c))
        assert ab == bb == cb
    assert askbrief.load([str(SEEDS)], use_cache=False).brief.warnings == []


def test_added_changed_and_removed_files_are_picked_up(brief_dir, monkeypatch):
    index, report = cache.load_index([brief_dir])
    assert counts(report) == (3, 0, 0, 0) and report.documents == 3
    assert top_doc(index, "Who is the mayor of Zorvik?") == "alpha"

    (brief_dir / "beta.txt").unlink()
    (brief_dir / "alpha.txt").write_text("Alpha report\n\nThe mayor of Zorvik is Ivo Petrak now.\n")
    write(brief_dir, {"delta.txt": "Delta\n\nThe Quell bridge at Marsden reopened in May.\n"})
    reads, toks = Spy(monkeypatch, "read_document"), Spy(monkeypatch, "tokenize")
    index, report = cache.load_index([brief_dir])
    assert counts(report) == (1, 1, 1, 1)
    assert sorted(Path(p).name for p in reads.calls) == ["alpha.txt", "delta.txt"]  # gamma not read
    assert len(toks.calls) == 4  # the chunks of alpha (2) and delta (2) only
    assert [d.id for d in index.brief.documents] == ["alpha", "delta", "notes/gamma"]
    assert "petrak" in index and "helena" not in index and "tolbi" not in index
    assert top_doc(index, "bridge over the Quell at Marsden") == "delta"
    assert index.brief.chunks[1].text == "The mayor of Zorvik is Ivo Petrak now."

    ans = askbrief.load([str(brief_dir)]).ask("Who is the mayor of Zorvik?")
    assert ans.retrieved[0].doc == "alpha"
    assert all("Helena" not in c.quote for c in ans.citations)


def test_an_unchanged_brief_is_not_listed_or_read_again(brief_dir, monkeypatch):
    cache.load_index([brief_dir])
    calls = {"discover": Spy(monkeypatch, "discover"), "read_document": Spy(monkeypatch, "read_document"),
             "tokenize": Spy(monkeypatch, "tokenize")}
    index, report = cache.load_index([brief_dir])
    assert counts(report) == (0, 0, 3, 0) and all(s.calls == [] for s in calls.values())
    assert top_doc(index, "Who is the mayor of Zorvik?") == "alpha"


def test_files_added_in_subfolders_are_found(brief_dir):
    cache.load_index([brief_dir])
    write(brief_dir, {"notes/epsilon.md": "# Epsilon\n\nTellin has a harbour.\n"})
    _, report = cache.load_index([brief_dir])
    assert counts(report) == (1, 0, 3, 0)
    (brief_dir / "new" / "deeper").mkdir(parents=True)
    _, report = cache.load_index([brief_dir])
    assert counts(report) == (0, 0, 4, 0)
    write(brief_dir, {"new/deeper/zeta.txt": "Zeta\n\nMarsden votes in June.\n"})
    index, report = cache.load_index([brief_dir])
    assert counts(report) == (1, 0, 4, 0) and "new/deeper/zeta" in [d.id for d in index.brief.documents]
    (brief_dir / "notes" / "epsilon.md").unlink()
    _, report = cache.load_index([brief_dir])
    assert counts(report) == (0, 0, 4, 1)


def test_a_missing_source_is_still_a_usage_error(brief_dir, tmp_path):
    note = tmp_path / "note.md"
    note.write_text("Note\n\nA line about Zorvik.\n")
    cache.load_index([brief_dir, note])
    note.unlink()
    with pytest.raises(askbrief.UsageError):
        cache.load_index([brief_dir, note])


def test_a_touched_file_is_read_but_not_tokenized_again(brief_dir, monkeypatch):
    cache.load_index([brief_dir])
    p = brief_dir / "beta.txt"
    os.utime(p, ns=(p.stat().st_atime_ns, p.stat().st_mtime_ns + 10**9))
    toks = Spy(monkeypatch, "tokenize")
    index, report = cache.load_index([brief_dir])
    assert counts(report) == (0, 0, 3, 0) and toks.calls == []
    reads = Spy(monkeypatch, "read_document")
    cache.load_index([brief_dir])
    assert reads.calls == []  # the new mtime was recorded


def test_the_same_text_under_a_new_name_reuses_its_terms(brief_dir, monkeypatch):
    cache.load_index([brief_dir])
    (brief_dir / "beta.txt").rename(brief_dir / "beta2.txt")
    toks = Spy(monkeypatch, "tokenize")
    index, report = cache.load_index([brief_dir])
    assert counts(report) == (1, 0, 2, 1) and toks.calls == []
    assert [d.id for d in index.brief.documents] == ["alpha", "beta2", "notes/gamma"]
    assert index.brief.chunks[-3].doc == "beta2" and index.brief.chunks[-3].text == "The river Quell flows through Marsden and Tolby."


def test_skipped_files_warn_every_time_and_are_picked_up_when_fixed(brief_dir):
    (brief_dir / "empty.md").write_text("\n\n   \n")
    (brief_dir / "blob.txt").write_bytes(b"\0\1\2binary")
    _, report = cache.load_index([brief_dir])
    assert len(report.warnings) == 2
    _, report = cache.load_index([brief_dir])
    assert len(report.warnings) == 2 and report.documents == 3
    (brief_dir / "blob.txt").write_text("Blob\n\nNow it has words about Zorvik.\n")
    _, report = cache.load_index([brief_dir])
    assert report.documents == 4 and len(report.warnings) == 1 and report.new == 1


def test_no_documents_is_a_corpus_error(tmp_path):
    (tmp_path / "a.txt").write_text("  \n")
    with pytest.raises(askbrief.CorpusError):
        cache.load_index([tmp_path])


# --- damage, foreign versions, pickle ----------------------------------------------

def _truncate(p: Path):
    data = p.read_bytes()
    p.write_bytes(data[: len(data) // 2])


def _garbage(p: Path):
    p.write_bytes(os.urandom(300))


def _foreign(p: Path):
    if p.suffix == ".json":
        obj = json.loads(p.read_text())
        obj["format"] = 999
        p.write_text(json.dumps(obj))
    else:
        with np.load(p, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        meta = json.loads(arrays["meta"].tobytes())
        meta["format"] = 999
        arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
        with open(p, "wb") as f:
            np.savez(f, **arrays)


def _object_array(p: Path):
    with np.load(p, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["spans"] = np.array([{"a": 1}, None], dtype=object)  # would need pickle to load
    with open(p, "wb") as f:
        np.savez(f, **arrays)


@pytest.mark.parametrize("damage", [_truncate, _garbage, _foreign, _object_array])
@pytest.mark.parametrize("which", ["index-*.npz", "brief-*.json"])
def test_a_damaged_or_foreign_cache_is_rebuilt_with_one_warning(brief_dir, damage, which, monkeypatch):
    if damage is _object_array and which.endswith(".json"):
        pytest.skip("only for arrays")
    cache.load_index([brief_dir])
    (target,) = index_dir().glob(which)
    damage(target)

    def no_pickle(*a, **k):
        raise AssertionError("pickle used while loading the cache")

    monkeypatch.setattr(pickle, "loads", no_pickle)
    monkeypatch.setattr(pickle, "load", no_pickle)
    index, report = cache.load_index([brief_dir])
    assert len(report.warnings) == 1 and "index cache" in report.warnings[0]
    assert "rebuilt" in report.warnings[0] and "\n" not in report.warnings[0]
    assert report.warnings == index.brief.warnings
    assert top_doc(index, "Who is the mayor of Zorvik?") == "alpha"
    _, report = cache.load_index([brief_dir])  # repaired
    assert report.warnings == [] and counts(report) == (0, 0, 3, 0)


def test_the_cli_prints_the_cache_warning_once(brief_dir):
    env = dict(os.environ)
    subprocess.run([sys.executable, "-m", "askbrief", "index", "--corpus", str(brief_dir)], env=env,
                   check=True, capture_output=True, timeout=60)
    _garbage(next(index_dir().glob("index-*.npz")))
    r = subprocess.run([sys.executable, "-m", "askbrief", "Who is the mayor of Zorvik?", "--corpus",
                        str(brief_dir)], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0
    assert r.stderr.count("warning: index cache") == 1 and len(r.stderr.splitlines()) == 1


def test_cache_files_are_json_or_plain_arrays_and_load_without_pickle(brief_dir, monkeypatch):
    cache.load_index([brief_dir], term_map={"quell": "quel"})
    names = sorted(p.name for p in index_dir().iterdir())
    assert names and all(n.startswith(("brief-", "index-", "post-", "map-")) for n in names)
    assert any(n.startswith("post-") for n in names)
    for p in index_dir().iterdir():
        if p.suffix == ".json":
            json.loads(p.read_text(encoding="utf-8"))
        else:
            assert p.suffix == ".npz" and zipfile.is_zipfile(p)
            with np.load(p, allow_pickle=False) as z:
                for k in z.files:
                    assert z[k].dtype.kind in "iu", (p.name, k, z[k].dtype)

    def no_pickle(*a, **k):
        raise AssertionError("pickle used while loading the cache")

    for name in ("load", "loads", "Unpickler"):
        monkeypatch.setattr(pickle, name, no_pickle)
    index, report = cache.load_index([brief_dir], term_map={"quell": "quel"})
    assert report.warnings == [] and report.unchanged == 3 and "quel" in index.postings.vocab


# --- where and how files are written ------------------------------------------------

def test_permissions_are_owner_only(brief_dir):
    cache.load_index([brief_dir])
    d = index_dir()
    assert stat.S_IMODE(d.stat().st_mode) == 0o700
    assert stat.S_IMODE(d.parent.stat().st_mode) == 0o700
    files = list(d.iterdir())
    assert len(files) == 2
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f


def test_an_unusable_cache_location_still_answers(brief_dir, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    monkeypatch.setenv("ASKBRIEF_CACHE_DIR", str(blocker / "cache"))
    index, report = cache.load_index([brief_dir])
    assert len(report.warnings) == 1 and "index cache" in report.warnings[0]
    assert report.cache is None and top_doc(index, "Who is the mayor of Zorvik?") == "alpha"


def test_a_cache_that_cannot_be_written_still_answers(brief_dir, monkeypatch):
    cache.load_index([brief_dir])
    write(brief_dir, {"delta.txt": "Delta\n\nThe Quell bridge at Marsden reopened in May.\n"})
    d = index_dir()
    before = sorted(p.name for p in d.iterdir())

    def refuse(*a, **k):  # a read-only directory (chmod would not stop root, and paths.py
        raise PermissionError(13, "Permission denied")  # gives its owner write access back)

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    index, report = cache.load_index([brief_dir])
    assert len(report.warnings) == 1 and "cannot write the index cache" in report.warnings[0]
    assert report.new == 1 and report.cache is None
    assert top_doc(index, "bridge over the Quell at Marsden") == "delta"
    assert sorted(p.name for p in d.iterdir()) == before
    index, report = cache.load_index([brief_dir])  # still answers, still one warning
    assert len(report.warnings) == 1 and top_doc(index, "Who is the mayor of Zorvik?") == "alpha"


def test_an_interrupted_write_leaves_no_file_under_a_real_name(brief_dir, monkeypatch):
    def crash(f, **arrays):
        f.write(b"PK\x03\x04 half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache.np, "savez", crash)
    index, report = cache.load_index([brief_dir])
    assert len(report.warnings) == 1 and "No space left" in report.warnings[0]
    assert list(index_dir().iterdir()) == []
    assert top_doc(index, "Who is the mayor of Zorvik?") == "alpha"


# --- the command --------------------------------------------------------------------

def test_index_command_prints_counts(brief_dir):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "askbrief", "index", *args], capture_output=True,
                              text=True, timeout=60, env=dict(os.environ))

    r = run("--corpus", str(brief_dir))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[:2] == ["files: 3 new, 0 updated, 0 unchanged, 0 removed",
                                         "documents: 3, chunks: 7"]
    (brief_dir / "beta.txt").unlink()
    r = run("--corpus", str(brief_dir))
    assert r.stdout.splitlines()[0] == "files: 0 new, 0 updated, 2 unchanged, 1 removed"
    assert r.stdout.splitlines()[2].startswith("cache: ") and r.stderr == ""
    r = run("--corpus", str(brief_dir / "missing"))
    assert r.returncode == 2 and "not found" in r.stderr


# --- the postings search against rank_bm25 -------------------------------------------

WORDS = [f"w{i}" for i in range(12)]
chunks_st = st.lists(st.lists(st.sampled_from(WORDS), max_size=12), min_size=1, max_size=40)


def oracle_top(bm, terms, k):
    scores = bm.get_scores(terms)
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    return [(i, scores[i]) for i in order[:k] if scores[i] > 0]


@settings(max_examples=150, deadline=None)
@given(chunks=chunks_st, query=st.lists(st.sampled_from(WORDS + ["zz"]), min_size=1, max_size=6),
       k=st.integers(1, 12), fold=st.booleans())
def test_postings_scores_equal_rank_bm25_full_scoring(chunks, query, k, fold):
    term_map = {"w1": "w0", "w2": "w0", "w5": "w4"} if fold else {}
    index = Index(SimpleNamespace(chunks=chunks), tokens=chunks, term_map=term_map)
    bm = LuceneBM25([t or [EMPTY] for t in index.tokens])
    terms = [t for t in dict.fromkeys(index.map_terms(query)) if t in index]
    assert np.array_equal(index.get_scores(terms), bm.get_scores(terms))  # float for float
    hits = search(index, query, k)
    assert [(h.chunk, h.score) for h in hits] == oracle_top(bm, terms, k)
    for t in set(query):
        assert index.idf(t) == bm.idf.get(index.map_term(t), 0.0)


def test_postings_top_k_equals_oracle_on_the_seeds():
    index = Index(load_brief([SEEDS]))
    bm = index.bm25
    rng = np.random.default_rng(7)
    vocab = index.postings.vocab
    for _ in range(200):
        terms = list(dict.fromkeys(rng.choice(vocab, size=rng.integers(1, 8)).tolist()))
        hits = search(index, terms, 20)
        assert [(h.chunk, h.score) for h in hits] == oracle_top(bm, terms, 20)


def test_top_k_breaks_ties_by_chunk_order():
    ids = np.array([5, 1, 9, 3, 7], dtype=np.int32)
    scores = np.array([1.0, 2.0, 1.0, 1.0, 2.0])
    assert top_k(ids, scores, 3) == ([1, 7, 3], [2.0, 2.0, 1.0])
    assert top_k(ids, scores, 10)[0] == [1, 7, 3, 5, 9]


def test_term_map_folds_variants_in_chunks_and_questions():
    chunks = [["hifter", "forc", "took"], ["haftar", "spokesman"], ["gharyan"], []]
    index = Index(SimpleNamespace(chunks=chunks), tokens=chunks, term_map={"hifter": "haftar"})
    assert index.tokens[0] == ["haftar", "forc", "took"] and index.tokens[3] == []
    assert index.idf("hifter") == index.idf("haftar") > 0 and index.df("hifter") == 2
    assert {h.chunk for h in search(index, ["hifter"], 5)} == {0, 1}
    assert index.raw.chunk(0)[0] == "hifter"  # raw terms are what the cache keeps


def test_term_map_may_be_computed_from_the_brief_once(brief_dir):
    calls = []

    def variants(brief):
        calls.append(len(brief.chunks))
        return {"marsden": "zorvik"}

    index, _ = cache.load_index([brief_dir], term_map=variants)
    assert calls == [7]
    assert index.df("marsden") == index.df("zorvik") == 3 and index.term_map == {"marsden": "zorvik"}
    index, report = cache.load_index([brief_dir], term_map=variants)
    assert calls == [7] and report.warnings == []  # the map came from the cache
    assert index.term_map == {"marsden": "zorvik"} and index.df("marsden") == 3
    write(brief_dir, {"delta.txt": "Delta\n\nThe Quell bridge at Marsden reopened in May.\n"})
    index, _ = cache.load_index([brief_dir], term_map=variants)
    assert calls == [7, 9] and index.df("zorvik") == 4
    assert len(list(index_dir().glob("map-*.json"))) == 1  # the old brief's map was collected
