"""The index cache and the postings search: opened not loaded, incremental, repairable,
pickle-free, and scored exactly like rank_bm25 (the oracle, ``bm25_oracle.py``)."""

import json
from collections import Counter
import os
import pickle
import stat
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import askbrief
from askbrief import building, cache, cachedir
from askbrief.corpus import load_brief
from askbrief import store, variants
from askbrief.index import Index
from askbrief.retrieve import search, top_k
from askbrief.text import term, tokenize

from bm25_oracle import LuceneBM25, dense_scores, folded_tokens, oracle_of, oracle_top
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

    def __init__(self, monkeypatch, name, module=cache):
        self.calls = []
        real = getattr(module, name)

        def spy(*args, **kw):
            self.calls.append(args[0])
            return real(*args, **kw)

        monkeypatch.setattr(module, name, spy)


class Analysed:
    """Records every chunk text the build analyses into terms."""

    def __init__(self, monkeypatch):
        from askbrief.counting import BatchCounter

        self.calls = []
        real = BatchCounter.count

        def spy(counter, texts):
            self.calls.extend(texts)
            return real(counter, texts)

        monkeypatch.setattr(BatchCounter, "count", spy)


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
    opened, _ = cache.load_index([SEEDS])  # each passage read from its own bytes ("Haftar’s": not ASCII)
    assert [opened.brief.chunks[i] for i in reversed(range(len(fresh.chunks)))] == fresh.chunks[::-1]
    assert opened.brief.documents._made == {} and any(not c.text.isascii() for c in fresh.chunks)
    assert again.brief.fingerprint == fresh.fingerprint  # from the stored hashes
    keys = fresh.paragraph_keys()
    assert again.brief.paragraph_keys() == keys
    assert [again.brief.paragraph(*k) for k in keys] == [fresh.paragraph(*k) for k in keys]
    assert again.brief.paragraph("nowhere", 0) is None and again.brief.paragraph(keys[0][0], 999) is None
    memory = Index(fresh)
    a, m = again.postings, memory.postings
    assert list(a.vocab) == list(m.vocab) and a.total_len == m.total_len
    for name in ("ptr", "lo", "run_at", "run_hi", "tf", "doc_len"):
        assert np.array_equal(getattr(a, name), getattr(m, name)), name
    for q in ["Who took Gharyan?", "When did Bouteflika resign?", "Haftar spokesman"]:
        assert search(again, tokenize(q), 20) == search(memory, tokenize(q), 20)
        assert again.idf(tokenize(q)[0]) == memory.idf(tokenize(q)[0])


def test_texts_are_stored_in_compressed_blocks_and_read_back_exactly(monkeypatch):
    """The texts on disk are zlib blocks of ``TEXT_BLOCK`` bytes, smaller than the texts; every
    passage and document reads back as the in-memory brief's, also when it spans blocks (64-byte
    blocks here, so most do) or starts inside a multi-byte character's block; the bytes are those
    of compressing the blocks one after another, though two threads compress them."""
    fresh = load_brief([SEEDS])
    total = sum(len(doc.text.encode("utf-8")) for doc in fresh.documents)
    cache.load_index([SEEDS])
    (d,) = index_dir().glob("index-*")
    assert (d / "text.npy").stat().st_size < 0.6 * total  # 4,096-byte blocks
    monkeypatch.setattr(store, "TEXT_BLOCK", 64)
    monkeypatch.setattr(store, "THREADED_TEXT", 0)  # a brief this small is compressed in one thread
    index, _ = cache.load_index([SEEDS])  # another block size: rebuilt
    (d,) = index_dir().glob("index-*")
    blocks = np.load(d / "text_blocks.npy")
    assert len(blocks) == -(-total // 64) + 1 and json.loads((d / "meta.json").read_text())["text_block"] == 64
    texts = index.brief.documents._texts
    first = bytes(np.load(d / "text.npy")[blocks[0]:blocks[1]])
    assert zlib.decompress(first) == fresh.documents[0].text.encode("utf-8")[:64]
    plain = b"".join(doc.text.encode("utf-8") for doc in fresh.documents)  # compressed on two threads, in order:
    assert bytes(np.load(d / "text.npy")) == b"".join(zlib.compress(plain[a:a + 64], store.TEXT_LEVEL)
                                                      for a in range(0, total, 64))  # the bytes of one
    assert [index.brief.chunks[i] for i in reversed(range(len(fresh.chunks)))] == fresh.chunks[::-1]
    assert [doc.text for doc in index.brief.documents] == [doc.text for doc in fresh.documents]
    assert len(texts._made) <= texts.KEEP


def test_load_uses_the_cache_and_answers_like_an_in_memory_brief():
    a = askbrief.load([str(SEEDS)])
    b = askbrief.load([str(SEEDS)])
    c = askbrief.Assistant(load_brief([SEEDS]))
    assert list(index_dir().glob("index-*/post_lo.npy"))
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
    reads, toks = Spy(monkeypatch, "read_document", building), Analysed(monkeypatch)
    index, report = cache.load_index([brief_dir])
    assert counts(report) == (1, 1, 1, 1)
    assert sorted(reads.calls) == ["alpha", "delta"]  # gamma not read
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
    calls = {"discover": Spy(monkeypatch, "discover"), "read_document": Spy(monkeypatch, "read_document", building),
             "tokenize": Analysed(monkeypatch)}
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
    toks = Analysed(monkeypatch)
    index, report = cache.load_index([brief_dir])
    assert counts(report) == (0, 0, 3, 0) and toks.calls == []
    reads = Spy(monkeypatch, "read_document", building)
    cache.load_index([brief_dir])
    assert reads.calls == []  # the new mtime was recorded


def test_the_same_text_under_a_new_name_reuses_its_terms(brief_dir, monkeypatch):
    cache.load_index([brief_dir])
    (brief_dir / "beta.txt").rename(brief_dir / "beta2.txt")
    toks = Analysed(monkeypatch)
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
    obj = json.loads(p.read_text())
    obj["format"] = 999
    p.write_text(json.dumps(obj))


def _object_array(p: Path):
    np.save(p, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)  # would need pickle to load


DAMAGE = [(_truncate, "brief-*.json"), (_garbage, "brief-*.json"), (_foreign, "brief-*.json"),
          (_truncate, "files-*.json"), (_garbage, "files-*.json"), (_foreign, "files-*.json"),
          (_truncate, "index-*/meta.json"), (_garbage, "index-*/meta.json"), (_foreign, "index-*/meta.json"),
          (_truncate, "index-*/post_lo.npy"), (_garbage, "index-*/post_ptr.npy"),
          (_object_array, "index-*/spans.npy"), (_truncate, "index-*/text.npy"),
          (_object_array, "index-*/vocab.npy")]


@pytest.mark.parametrize(("damage", "which"), DAMAGE)
def test_a_damaged_or_foreign_cache_is_rebuilt_with_one_warning(brief_dir, damage, which, monkeypatch):
    cache.load_index([brief_dir])
    (target,) = index_dir().glob(which)
    damage(target)

    def no_pickle(*a, **k):
        raise AssertionError("pickle used while loading the cache")

    monkeypatch.setattr(pickle, "loads", no_pickle)
    monkeypatch.setattr(pickle, "load", no_pickle)
    index, report = cache.load_index([brief_dir])
    assert len(report.warnings) == 1 and "index cache" in report.warnings[0], report.warnings
    assert "rebuilt" in report.warnings[0] and "\n" not in report.warnings[0]
    assert report.warnings == index.brief.warnings
    assert top_doc(index, "Who is the mayor of Zorvik?") == "alpha"
    _, report = cache.load_index([brief_dir])  # repaired
    assert report.warnings == [] and counts(report) == (0, 0, 3, 0)


def test_the_cli_prints_the_cache_warning_once(brief_dir):
    env = dict(os.environ)
    subprocess.run([sys.executable, "-m", "askbrief", "index", "--corpus", str(brief_dir)], env=env,
                   check=True, capture_output=True, timeout=60)
    _garbage(next(index_dir().glob("index-*/meta.json")))
    r = subprocess.run([sys.executable, "-m", "askbrief", "Who is the mayor of Zorvik?", "--corpus",
                        str(brief_dir)], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0
    assert r.stderr.count("warning: index cache") == 1 and len(r.stderr.splitlines()) == 1


def test_cache_files_are_json_or_plain_arrays_and_load_without_pickle(brief_dir, monkeypatch):
    cache.load_index([brief_dir], term_map=lambda brief: {"quell": "quel"})
    names = sorted(p.name for p in index_dir().iterdir())
    assert names and all(n.startswith(("brief-", "files-", "index-", "map-")) for n in names), names
    (index,) = index_dir().glob("index-*")
    assert sorted(p.suffix for p in index.iterdir()) == [".json"] + [".npy"] * 25
    for p in index_dir().rglob("*"):
        if p.suffix == ".json":
            json.loads(p.read_text(encoding="utf-8"))
        elif p.suffix == ".npy":
            a = np.load(p, allow_pickle=False)
            assert a.dtype.kind in "iuf", (p.name, a.dtype)

    def no_pickle(*a, **k):
        raise AssertionError("pickle used while loading the cache")

    for name in ("load", "loads", "Unpickler"):
        monkeypatch.setattr(pickle, name, no_pickle)
    index, report = cache.load_index([brief_dir], term_map={"quell": "quel"})
    assert report.warnings == [] and report.unchanged == 3
    assert index.df("quel") == index.df("quell") == 2 and "quel" in index


# --- where and how files are written ------------------------------------------------

def test_permissions_are_owner_only(brief_dir):
    cache.load_index([brief_dir])
    d = index_dir()
    assert stat.S_IMODE(d.stat().st_mode) == 0o700
    assert stat.S_IMODE(d.parent.stat().st_mode) == 0o700
    files = list(d.rglob("*"))
    assert len(files) == 3 + 26
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == (0o700 if f.is_dir() else 0o600), f


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
    monkeypatch.setattr(tempfile, "mkdtemp", refuse)
    index, report = cache.load_index([brief_dir])
    assert len(report.warnings) == 1 and "cannot write the index cache" in report.warnings[0]
    assert report.new == 1 and report.cache is None
    assert top_doc(index, "bridge over the Quell at Marsden") == "delta"
    assert sorted(p.name for p in d.iterdir()) == before
    index, report = cache.load_index([brief_dir])  # still answers, still one warning
    assert len(report.warnings) == 1 and top_doc(index, "Who is the mayor of Zorvik?") == "alpha"


def test_an_interrupted_write_leaves_no_file_under_a_real_name(brief_dir, monkeypatch):
    def crash(f, arr, **kw):
        f.write(b"\x93NUMPY half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.np, "save", crash)
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


@settings(max_examples=150, deadline=None)
@given(chunks=chunks_st, query=st.lists(st.sampled_from(WORDS + ["zz"]), min_size=1, max_size=6),
       k=st.integers(1, 12), fold=st.booleans())
def test_postings_scores_equal_rank_bm25_full_scoring(chunks, query, k, fold):
    term_map = {"w1": "w0", "w2": "w0", "w5": "w4"} if fold else {}
    index = Index(SimpleNamespace(chunks=chunks), tokens=chunks, term_map=term_map)
    bm = LuceneBM25(folded_tokens(chunks, term_map))
    terms = [t for t in dict.fromkeys(index.map_terms(query)) if t in index]
    assert np.array_equal(dense_scores(index, terms), bm.get_scores(terms))  # float for float
    hits = search(index, query, k)
    assert [(h.chunk, h.score) for h in hits] == oracle_top(bm, terms, k)
    for t in set(query):
        assert index.idf(t) == bm.idf.get(index.map_term(t), 0.0)


def test_postings_top_k_equals_oracle_on_the_seeds():
    index, _ = cache.load_index([SEEDS], term_map=variants.term_map)
    assert isinstance(index.postings.lo.base, np.memmap) and index.term_map  # opened from disk, folded
    bm = oracle_of(index)
    rng = np.random.default_rng(7)
    vocab = list(bm.idf)
    for _ in range(200):
        terms = list(dict.fromkeys(rng.choice(vocab, size=rng.integers(1, 8)).tolist()))
        hits = search(index, terms, 20)
        assert [(h.chunk, h.score) for h in hits] == oracle_top(bm, terms, 20)


def test_pruned_search_reads_part_of_the_common_terms_and_equals_full_scoring(monkeypatch):
    """MaxScore: on a brief where common words hold most chunks, the top 20 is rank_bm25's
    (chunks, floats, ties) while far fewer chunks than hold a question term are scored."""
    rng = np.random.default_rng(11)
    vocab = [f"t{i}" for i in range(400)]
    zipf = 1 / np.arange(1, len(vocab) + 1)
    chunks = [rng.choice(vocab, size=rng.integers(3, 30), p=zipf / zipf.sum()).tolist() for _ in range(3000)]
    chunks += [["t0", "t1"]] * 30  # ties at the top for "t0 t1" questions
    index = Index(SimpleNamespace(chunks=chunks), tokens=chunks, term_map={"t399": "t398"})
    bm = LuceneBM25(folded_tokens(chunks, index.term_map))
    scored = []
    real = Index._exact
    monkeypatch.setattr(Index, "_exact", lambda self, found, ids: scored.append(len(ids)) or real(self, found, ids))
    unions = []
    for _ in range(300):
        query = list(dict.fromkeys(rng.choice(vocab, size=rng.integers(2, 7)).tolist()))
        terms = [t for t in dict.fromkeys(index.map_terms(query)) if t in index]
        for k in (1, 20):
            assert [(h.chunk, h.score) for h in search(index, query, k)] == oracle_top(bm, terms, k)
        unions.append(len(index.score(terms)[0]))
    assert search(index, ["t0", "t1"], 20) == search(index, ["t0", "t1"], 20) and len(scored) > 400
    assert sum(scored) / 2 < sum(unions) / 3  # scored twice a question (k = 1, 20), against the chunks holding a term


def test_chunk_numbers_are_low_bits_plus_runs_and_search_stays_exact(monkeypatch):
    """Chunk numbers are stored as their low bits (uint16) and, per term, the runs of their
    high part; with 3 low bits a small brief has many runs per term, and decoding (whole, the
    first n, any stretch) and the pruned search still give every chunk and rank_bm25's top k,
    floats and ties."""
    import askbrief.index as ix

    monkeypatch.setattr(ix, "LOW_BITS", 3)
    monkeypatch.setattr(ix, "LOW_MASK", 7)
    rng = np.random.default_rng(5)
    vocab = [f"t{i}" for i in range(60)]
    zipf = 1 / np.arange(1, len(vocab) + 1)
    chunks = [rng.choice(vocab, size=rng.integers(1, 12), p=zipf / zipf.sum()).tolist() for _ in range(700)]
    chunks += [["t0", "t1"]] * 12
    index = Index(SimpleNamespace(chunks=chunks), tokens=chunks, term_map={"t59": "t58"})
    p = index.postings
    assert p.lo.dtype == np.uint16 and p.lo.max() < 8 and len(p.run_at) > 4 * len(p.vocab)
    holding = {t: [i for i, c in enumerate(chunks) if t in c] for t in vocab}
    assert [list(p.entries(j).docs) for j in range(len(p.vocab))] == [holding[t] for t in p.vocab]
    for j in range(len(p.vocab)):
        pl = p.entries(j)
        assert list(pl.first(5)) == holding[p.vocab[j]][:5]
        assert p.chunks_at(int(p.ptr[j]) + 1, int(p.ptr[j + 1])).tolist() == holding[p.vocab[j]][1:]
    bm = LuceneBM25(folded_tokens(chunks, index.term_map))
    for _ in range(150):
        query = list(dict.fromkeys(rng.choice(vocab, size=rng.integers(2, 6)).tolist()))
        terms = [t for t in dict.fromkeys(index.map_terms(query)) if t in index]
        for k in (1, 20):
            assert [(h.chunk, h.score) for h in search(index, query, k)] == oracle_top(bm, terms, k)


def test_block_max_search_skips_blocks_and_equals_full_scoring(monkeypatch):
    """Block-max: with blocks of 4 postings, the search leaves blocks of the common terms it
    reads unscored (counted) where no chunk there can reach the top k, and the top k is still
    rank_bm25's, chunks, floats and ties."""
    import askbrief.index as ix

    monkeypatch.setattr(ix, "BLOCK", 4)
    rng = np.random.default_rng(3)
    vocab = [f"t{i}" for i in range(80)]
    zipf = 1 / np.arange(1, len(vocab) + 1) ** 0.8
    chunks = [rng.choice(vocab, size=rng.integers(2, 40), p=zipf / zipf.sum()).tolist() for _ in range(2500)]
    chunks += [["t0", "t1", "t2"]] * 25 + [["t3"] * 4] * 6  # ties at the top; a block of high weights
    index = Index(SimpleNamespace(chunks=chunks), tokens=chunks, term_map={"t79": "t78"})
    p = index.postings
    assert p.bmax.dtype == np.uint8 and len(p.bmax) == -(-len(p.lo) // 4)
    bm = LuceneBM25(folded_tokens(chunks, index.term_map))
    skipped, real = [], Index._live
    monkeypatch.setattr(Index, "_live", lambda self, *a: (lambda live: skipped.append(
        0 if live is None else int((~live).sum())) or live)(real(self, *a)))
    for _ in range(300):
        query = list(dict.fromkeys(rng.choice(vocab[:30], size=rng.integers(2, 7)).tolist()))
        terms = [t for t in dict.fromkeys(index.map_terms(query)) if t in index]
        for k in (1, 5, 20):
            assert [(h.chunk, h.score) for h in search(index, query, k)] == oracle_top(bm, terms, k)
    assert sum(x > 0 for x in skipped) > 150 and sum(skipped) > 50_000


def test_bounds_on_disk_are_the_largest_weights_rounded_up():
    """A block's bound is its largest weight in steps of (k1 + 1) / 255, rounded up to a byte;
    a term's, its largest weight rounded up to a float32: upper bounds, and the least such."""
    from askbrief.index import BLOCK_STEP

    index, _ = cache.load_index([SEEDS])
    (d,) = index_dir().glob("index-*")
    p = index.postings
    bmax, ub = np.load(d / "post_bmax.npy"), np.load(d / "post_ub.npy")
    w = p.weights(p.all_chunks(), p.tf[:])
    assert bmax.dtype == np.uint8 and len(bmax) == -(-len(w) // 128) > 10
    top = np.maximum.reduceat(w, np.arange(0, len(w), 128))
    assert (bmax * BLOCK_STEP >= top).all() and ((bmax - 1.0) * BLOCK_STEP < top).all()
    most = np.maximum.reduceat(w, p.ptr[:-1])
    assert ub.dtype == np.float32 and (ub >= most).all() and (np.nextafter(ub, np.float32(0)) < most).all()


def test_postings_on_disk_take_two_bytes_a_chunk_number():
    index, _ = cache.load_index([SEEDS])
    (d,) = index_dir().glob("index-*")
    lo = np.load(d / "post_lo.npy")
    assert lo.dtype == np.uint16 and len(lo) == index.postings.ptr[-1] and not (d / "post_docs.npy").exists()
    assert np.load(d / "post_run_at.npy").tolist() == index.postings.ptr[:-1].tolist()  # under 65,536 chunks: one run a term
    assert index.chunks_with("haftar").tolist() == [i for i, c in enumerate(index.brief.chunks)
                                                    if "haftar" in tokenize(c.text)]


def test_term_frequencies_take_half_a_byte_and_those_of_15_or_more_are_kept_aside():
    index, _ = cache.load_index([SEEDS])
    (d,) = index_dir().glob("index-*")
    p = index.postings
    nib, at, big = (np.load(d / f"{n}.npy") for n in ("post_tf", "post_tf_at", "post_tf_big"))
    assert nib.dtype == np.uint8 and len(nib) == (len(p.lo) + 1) // 2
    holding = [Counter(tokenize(c.text)) for c in index.brief.chunks]
    want = [holding[c][p.vocab[j]] for j in range(len(p.vocab)) for c in p.entries(j).docs.tolist()]
    assert p.tf[:].tolist() == want and at.tolist() == big.tolist() == []  # the seeds repeat a term 3 times at most
    chunks = [["w"] * 300, ["w", "x"] * 7, ["x"] * 15, ["y", "w"], ["x"] * 14]
    many = Index(SimpleNamespace(chunks=chunks), tokens=chunks)
    tf = many.postings.tf
    assert tf[:].tolist() == [300, 7, 1, 7, 15, 14, 1] and tf[:].dtype == np.uint16
    assert tf[1:6].dtype == np.uint8 and [tf[a:b].tolist() for a, b in ((3, 5), (4, 7), (0, 1))] == [[7, 15], [15, 14, 1], [300]]
    assert tf.big_at.tolist() == [0, 4] and len(tf.nib) == 4
    for index, toks in ((many, chunks), (Index(SimpleNamespace(chunks=chunks[1:]), tokens=chunks[1:]), chunks[1:])):
        assert np.array_equal(dense_scores(index, ["w", "x", "y"]), LuceneBM25(toks).get_scores(["w", "x", "y"]))


def test_offsets_take_four_bytes_and_chunk_lengths_one_unless_they_need_more():
    index, _ = cache.load_index([SEEDS])
    (d,) = index_dir().glob("index-*")
    dtypes = {n: np.load(d / f"{n}.npy").dtype for n in ("post_ptr", "post_run_at", "vocab_ptr", "doc_len")}
    assert dtypes == {"post_ptr": np.int32, "post_run_at": np.int32, "vocab_ptr": np.int32, "doc_len": np.uint8}
    assert index.postings.doc_len.tolist() == [max(len(tokenize(c.text)), 1) for c in index.brief.chunks]
    chunks = [["w", "x"] * 150, ["x"], []]
    long = Index(SimpleNamespace(chunks=chunks), tokens=chunks)
    assert long.postings.doc_len.dtype == np.uint16 and long.postings.doc_len.tolist() == [300, 1, 1]
    assert np.array_equal(dense_scores(long, ["w", "x"]), LuceneBM25(chunks).get_scores(["w", "x"]))


def test_top_k_breaks_ties_by_chunk_order():
    ids = np.array([5, 1, 9, 3, 7], dtype=np.int32)
    scores = np.array([1.0, 2.0, 1.0, 1.0, 2.0])
    assert top_k(ids, scores, 3) == ([1, 7, 3], [2.0, 2.0, 1.0])
    assert top_k(ids, scores, 10)[0] == [1, 7, 3, 5, 9]


def test_term_map_folds_variants_in_chunks_and_questions():
    chunks = [["hifter", "forc", "took"], ["haftar", "spokesman"], ["gharyan"], []]
    index = Index(SimpleNamespace(chunks=chunks), tokens=chunks, term_map={"hifter": "haftar"})
    assert index.idf("hifter") == index.idf("haftar") > 0 and index.df("hifter") == 2
    assert {h.chunk for h in search(index, ["hifter"], 5)} == {0, 1}
    assert list(index.chunks_with("haftar")) == [0, 1]
    assert "hifter" in list(index.postings.vocab)  # raw terms on disk: the map applies at lookup
    plain = index.with_map({})
    assert plain.df("hifter") == plain.df("haftar") == 1


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


# --- opened, not loaded ---------------------------------------------------------------

def test_a_large_brief_is_checked_by_its_folders_and_refreshed_by_the_index_command(brief_dir, monkeypatch):
    monkeypatch.setattr(cache, "STAT_FILES_MAX", 2)  # the brief's 3 files make it "large"
    cache.load_index([brief_dir])
    stats = []
    real_stat = os.stat

    def spy_stat(path, *a, **k):
        stats.append(str(path))
        return real_stat(path, *a, **k)

    monkeypatch.setattr(cache.os, "stat", spy_stat)
    parsed = Spy(monkeypatch, "parse_files", cachedir)
    index, report = cache.load_index([brief_dir])
    assert report.checked == "folders" and counts(report) == (0, 0, 3, 0)
    in_brief = {p for p in stats if p.startswith(str(brief_dir))}
    assert in_brief == {str(brief_dir), str(brief_dir / "notes")} and parsed.calls == []  # no file
    monkeypatch.setattr(cache.os, "stat", real_stat)

    alpha = brief_dir / "alpha.txt"  # edited in place: its folder's mtime does not move
    alpha.write_text(alpha.read_text().replace("Helena Brandt", "Ivo Petrak"))
    index, report = cache.load_index([brief_dir])
    assert report.checked == "folders" and "petrak" not in index
    report = cache.refresh([brief_dir])  # askbrief index checks every file
    assert counts(report) == (0, 1, 2, 0)
    index, _ = cache.load_index([brief_dir])
    assert "petrak" in index and "helena" not in index

    write(brief_dir, {"notes/delta.md": "# Delta\n\nThe Quell bridge at Marsden reopened in May.\n"})
    index, report = cache.load_index([brief_dir])  # a new file changes its folder's mtime
    assert counts(report) == (1, 0, 3, 0) and top_doc(index, "bridge over the Quell") == "notes/delta"


def test_a_small_brief_has_every_file_checked_on_each_question(brief_dir):
    cache.load_index([brief_dir])
    alpha = brief_dir / "alpha.txt"
    alpha.write_text(alpha.read_text().replace("Helena Brandt", "Ivo Petrak"))
    index, report = cache.load_index([brief_dir])
    assert counts(report) == (0, 1, 2, 0) and "petrak" in index


def test_a_question_reads_only_the_documents_it_needs(brief_dir, monkeypatch):
    write(brief_dir, {f"filler/{i:02d}.txt": f"Filler {i}\n\nThe harvest of field {i} was weighed in {1990 + i}.\n"
                      for i in range(40)})
    askbrief.load([str(brief_dir)])
    made = []
    real = store.LazyDocuments._make

    def spy(self, i):
        made.append(i)
        return real(self, i)

    monkeypatch.setattr(store.LazyDocuments, "_make", spy)
    assistant = askbrief.load([str(brief_dir)])
    assert made == [] and isinstance(assistant.index.postings.lo.base, np.memmap)
    ans = assistant.ask("Who is the mayor of Zorvik?")
    assert ans.answer == "Helena Brandt" and ans.citations[0].doc == "alpha"
    assert 1 <= len(set(made)) <= 3  # of 43: the texts of the passages it read, no others


def test_reading_on_both_cores_builds_the_same_index(monkeypatch):
    from askbrief import parallel

    if parallel._context() is None:
        pytest.skip("one core, or threads running: the build stays in this process")
    monkeypatch.setattr(building, "PARALLEL_MIN", 1)
    monkeypatch.setattr(building, "BATCH", 1)
    forked = []
    monkeypatch.setattr(parallel, "_context", lambda real=parallel._context: forked.append(1) or real())
    index, _ = cache.load_index([SEEDS])
    assert forked
    memory = Index(load_brief([SEEDS]))
    assert list(index.postings.vocab) == list(memory.postings.vocab)
    for name in ("ptr", "lo", "run_at", "run_hi", "tf", "doc_len"):
        assert np.array_equal(getattr(index.postings, name), getattr(memory.postings, name)), name
    assert list(index.brief.chunks) == load_brief([SEEDS]).chunks


def test_a_term_is_found_by_binary_search_whatever_its_script():
    from askbrief.strings import Strings, byte_order

    words = ["zorvik", "éclair", "東京", "a", "ab", "b", "1.5", "ǆ", "\U0001d400x", "ﬁ"]
    table = Strings.of([words[i] for i in byte_order(words)])
    assert sorted(table) == sorted(words) and len(table) == len(words)
    for w in words:
        assert table[table.find(w)] == w
    assert table.find("absent") == -1 and table.find("") == -1 and table.find("zz") == -1
    ids = ["e", "a", "f", "c", "d", "b"]  # a table in its own order, searched through its byte order
    order = np.array(byte_order(ids), dtype=np.int32)
    assert [Strings.of(ids).find(x, order) for x in "abcdefg"] == [1, 5, 3, 4, 0, 2, -1]


def test_documents_that_move_keep_their_postings_in_order(brief_dir, monkeypatch):
    cache.load_index([brief_dir])
    (brief_dir / "alpha.txt").rename(brief_dir / "zeta.txt")  # first document becomes the last
    write(brief_dir, {"beta.txt": "Beta report\n\nThe river Quell floods Marsden in spring.\n"})
    toks = Analysed(monkeypatch)
    index, report = cache.load_index([brief_dir])
    assert counts(report) == (1, 1, 1, 1) and len(toks.calls) == 2  # beta's two chunks only
    memory = Index(load_brief([brief_dir]))
    assert list(index.postings.vocab) == list(memory.postings.vocab)
    for name in ("ptr", "lo", "run_at", "run_hi", "tf", "doc_len"):
        assert np.array_equal(getattr(index.postings, name), getattr(memory.postings, name)), name
    assert top_doc(index, "Who is the mayor of Zorvik?") == "zeta"


# --- what the build counts for the name-variant scan ---------------------------------

def _word_counts(brief) -> dict[str, int]:
    from collections import Counter

    from askbrief.text import WORD_RE

    return dict(Counter(w for c in brief.chunks for w in WORD_RE.findall(c.text) if not w[0].isdigit()))


def test_the_variant_scan_of_a_cached_brief_reads_no_text_to_count_and_finds_the_same_groups(monkeypatch):
    index, _ = cache.load_index([SEEDS])
    assert dict(index.brief.word_counts()) == _word_counts(load_brief([SEEDS]))
    want = variants.groups_of(load_brief([SEEDS]))
    read = []
    real = variants._keyed
    monkeypatch.setattr(variants, "_keyed", lambda *a: read.append(a) or real(*a))
    monkeypatch.setattr(variants, "_slice", lambda *a: read.append(a) or [])
    groups = variants.groups_of(index.brief)
    assert groups == want
    assert {"Haftar", "Hifter"} <= next(set(g) for g in groups if "Haftar" in g)
    assert len(read) == 1 and read[0][2] is not None  # the context pass only, at chosen chunks
    assert len(read[0][2]) < len(index.brief.chunks)


def test_an_update_keeps_the_word_counts_and_postings_of_a_cold_build(brief_dir):
    same = FILES["beta.txt"]
    (brief_dir / "copy.txt").write_text(same, encoding="utf-8")
    cache.refresh([brief_dir])
    (brief_dir / "alpha.txt").unlink()  # lost
    (brief_dir / "beta3.txt").write_text(same, encoding="utf-8")  # a third copy of a known text
    (brief_dir / "delta.txt").write_text("Delta report\n\nHelena Brandt visited Tolby.\n", encoding="utf-8")
    index, report = cache.refresh_index([brief_dir])
    assert counts(report) == (2, 0, 3, 1)
    fresh = load_brief([brief_dir])
    assert dict(index.brief.word_counts()) == _word_counts(fresh)
    memory = Index(fresh)
    for name in ("ptr", "lo", "run_at", "run_hi", "tf", "doc_len"):
        assert np.array_equal(getattr(index.postings, name), getattr(memory.postings, name)), name


def test_words_are_analysed_once_per_batch_into_the_terms_of_tokenize():
    from askbrief.counting import BatchCounter, count_terms

    texts = ["Haftar's forces took the town.", "", "The forces of Haftar, 1,500 strong, took Gharyan.",
             "The the the."]
    counter = BatchCounter()
    got = counter.count(texts[:2]), counter.count(texts[2:])
    for (terms, chunks, tf, lengths), part in zip(got, (texts[:2], texts[2:])):
        lookup: dict[str, int] = {}
        want = count_terms([tokenize(t) for t in part], lookup)
        names = list(counter.terms)
        assert sorted(zip(chunks.tolist(), [names[t] for t in terms.tolist()], tf.tolist())) == sorted(
            zip(want[1].tolist(), [list(lookup)[t] for t in want[0].tolist()], want[2].tolist()))
        assert lengths.tolist() == want[3].tolist()
    words, n = counter.word_counts()
    assert dict(zip(words, n.tolist())) == {"Haftar's": 1, "forces": 2, "took": 2, "town": 1,
                                             "The": 2, "of": 1, "Haftar": 1, "strong": 1,
                                             "Gharyan": 1, "the": 3}


def test_the_chunks_holding_words_are_those_whose_terms_say_so_across_runs(monkeypatch):
    """``chunks_holding`` (what the variant scan reads) decodes the words' postings at once:
    with 3 low bits the seeds' postings have many runs, and the chunks found are exactly those
    whose tokens hold one of the words' terms."""
    import askbrief.index as ix

    monkeypatch.setattr(ix, "LOW_BITS", 3)
    monkeypatch.setattr(ix, "LOW_MASK", 7)
    index, _ = cache.load_index([SEEDS])
    brief = index.brief
    p = brief._stored.postings
    assert len(p.run_at) > 2 * len(p.vocab)  # many terms span several runs
    tokens = [set(tokenize(c.text)) for c in brief.chunks]
    words = sorted({w for w, _ in brief.word_counts()})
    for pick in (["Haftar"], ["Hifter", "Tripoli", "nobodyzz"], words[::7], words[-40:], []):
        terms = {term(w) for w in pick} - {""}
        assert brief.chunks_holding(pick).tolist() == [i for i, t in enumerate(tokens) if t & terms], pick
