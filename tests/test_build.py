"""The build's fast paths against the plain definitions: whatever the batches and the
processes, the index on disk is the one ``tokenize`` and ``Postings.of_tokens`` define."""

import os
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from askbrief import building, cache, counting, parallel, variants
from askbrief.corpus import load_brief
from askbrief.counting import BatchCounter, count_terms
from askbrief.index import Index
from askbrief.text import WORD_RE, tokenize

from helpers import SEEDS

HARD = [
    "Haftar's forces took Gharyan\tand 1,500.5 km of road; O’Neil’s men (U.S.-led) didn't.",
    "António\u00a0Guterres\u2028met Mu\u0301ammar\u3000Qaddafi\x1cand the __init__ of 3.14,15.",
    "",
    "— «» ... ' ’ , .",
    "The the THE, the. Ça ira! İstanbul ǅemal ﬁnance ²³ 10,000,000 e.g. i.e. x_y _z",
    "a'b 'quoted' ‘curly’ rock’n’roll 1990s. 19.2°E. 45,-3 ,5 .5 5. 5,",
]


def _entries(counted, names):
    terms, chunks, tf, lengths = counted
    return sorted(zip(chunks.tolist(), [names[t] for t in terms.tolist()], tf.tolist())), lengths.tolist()


def test_no_word_crosses_whitespace_so_a_text_cut_at_whitespace_has_the_same_words():
    """What ``BatchCounter`` rests on: ``str.split`` cuts only where no word can go on."""
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()]
    assert len(spaces) > 20 and all(WORD_RE.findall(f"a'{c}1.{c}b") == ["a", "1", "b"] for c in spaces)
    for text in HARD:
        assert WORD_RE.findall(text) == [w for tok in text.split() for w in WORD_RE.findall(tok)]


@pytest.mark.parametrize("terms_known", [False, True], ids=["first batch", "terms kept from one before"])
def test_a_batch_counts_the_terms_and_words_of_tokenize_on_hard_text(terms_known):
    counting.forget_terms()
    if terms_known:  # a worker's later batch: the words' terms kept, the batch's term ids its own
        BatchCounter().count(HARD[::-1] + ["Sarraj zzz"])
    counter = BatchCounter()
    got = [counter.count(HARD[:3]), counter.count(HARD[3:]), counter.count(HARD)]
    names = list(counter.terms)
    for counted, part in zip(got, (HARD[:3], HARD[3:], HARD)):
        lookup: dict[str, int] = {}
        want = count_terms([tokenize(t) for t in part], lookup)
        assert _entries(counted, names) == _entries(want, list(lookup))
    words, n = counter.word_counts()
    want = Counter(w for _ in range(2) for t in HARD for w in WORD_RE.findall(t) if not w[0].isdigit())
    assert dict(zip(words, n.tolist())) == want
    assert "zzz" not in names


def _built(monkeypatch, where: Path, batch: int, forked: bool) -> Path:
    monkeypatch.setenv("ASKBRIEF_CACHE_DIR", str(where))
    monkeypatch.setattr(building, "BATCH", batch)
    monkeypatch.setattr(building, "PARALLEL_MIN", 1 if forked else 10**9)
    monkeypatch.setattr(variants, "PARALLEL_MIN", 1 if forked else 10**9)
    cache.refresh([SEEDS], term_map=variants.term_map)
    (index,) = (where / "index").glob("index-*")
    return index


def test_the_index_on_disk_is_the_same_bytes_whatever_the_batches_and_processes(monkeypatch, tmp_path):
    if parallel._context() is None:
        pytest.skip("one core, or threads running: the build stays in this process")
    one = _built(monkeypatch, tmp_path / "one", 64, forked=False)
    many = _built(monkeypatch, tmp_path / "many", 1, forked=True)  # a batch per file, two processes
    files = sorted(os.listdir(one))
    assert files == sorted(os.listdir(many)) and "words.npy" in files
    for name in files:
        assert (one / name).read_bytes() == (many / name).read_bytes(), name


def test_the_built_index_equals_the_in_memory_reference(monkeypatch, tmp_path):
    """Postings, chunk lengths, words and name variants of a cold build against the plain
    definitions on the bundled brief (names and their variants, numbers, non-ASCII)."""
    _built(monkeypatch, tmp_path / "c", 1, forked=parallel._context() is not None)
    index, _ = cache.load_index([SEEDS])
    fresh = load_brief([SEEDS])
    memory = Index(fresh)
    assert list(index.brief.chunks) == fresh.chunks
    assert list(index.postings.vocab) == list(memory.postings.vocab)
    for name in ("ptr", "lo", "run_at", "run_hi", "tf", "doc_len"):
        assert np.array_equal(getattr(index.postings, name), getattr(memory.postings, name)), name
    words = list(index.brief.word_counts())
    assert [w for w, _ in words] == sorted(w for w, _ in words)
    assert dict(words) == Counter(w for c in fresh.chunks for w in WORD_RE.findall(c.text) if not w[0].isdigit())
    groups = variants.groups_of(index.brief)
    assert groups == variants.groups_of(fresh)
    assert {"Haftar", "Hifter"} <= next(set(g) for g in groups if "Haftar" in g)


def test_ids_of_looks_up_every_key_in_order_and_fails_on_an_unknown_one():
    table = {w: i for i, w in enumerate(["Haftar", "took", "Gharyan", ""])}
    for keys in ([], ["took"], ["Gharyan", "took", "Gharyan", "", "Haftar"]):
        got = counting.ids_of(table, keys)
        assert got.dtype == np.int64 and got.tolist() == [table[k] for k in keys]
    with pytest.raises(KeyError):
        counting.ids_of(table, ["took", "Tripoli"])


def _frozen(_item) -> int:
    import gc

    return gc.get_freeze_count()


@pytest.mark.skipif(parallel._context() is None, reason="no forked workers here")
def test_forked_workers_inherit_the_parents_objects_frozen_for_the_collector():
    """A worker's full collection must not touch (and so copy) every page of a large parent:
    the parent's objects are frozen while the pool runs, and thawed after."""
    import gc

    parent = [{"word": str(i)} for i in range(10_000)]  # tracked objects the workers inherit
    counts = list(parallel.pmap(_frozen, range(4)))
    assert all(n >= len(parent) for n in counts)
    assert gc.get_freeze_count() == 0
