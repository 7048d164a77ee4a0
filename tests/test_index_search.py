"""The search's speed paths against rank_bm25: the weight table, the reused array of partial
scores, the two ways of finding the chunks still in the running."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from askbrief.index import Index, Postings, _reaching
from askbrief.retrieve import search

from bm25_oracle import LuceneBM25, folded_tokens, oracle_top


def _zipf_brief(rng, n_chunks: int, longest: int, vocab_size: int = 120):
    vocab = [f"t{i}" for i in range(vocab_size)]
    zipf = 1 / np.arange(1, len(vocab) + 1)
    chunks = [rng.choice(vocab, size=rng.integers(1, longest), p=zipf / zipf.sum()).tolist()
              for _ in range(n_chunks)]
    return vocab, chunks + [["t0", "t1"]] * 12  # ties at the top


def _check_searches(index, chunks, vocab, rng, questions: int) -> None:
    bm = LuceneBM25(folded_tokens(chunks, index.term_map))
    for _ in range(questions):
        query = list(dict.fromkeys(rng.choice(vocab, size=rng.integers(1, 7)).tolist()))
        terms = [t for t in dict.fromkeys(index.map_terms(query)) if t in index]
        for k in (1, 5, 20):
            assert [(h.chunk, h.score) for h in search(index, query, k)] == oracle_top(bm, terms, k)


def test_weights_are_looked_up_in_a_table_and_the_top_k_stays_rank_bm25s(monkeypatch):
    """With chunk lengths and frequencies in a byte, a search never evaluates the BM25
    expression: each weight is the table's float for its (tf, length), and the top k is still
    rank_bm25's, chunks, floats and ties, folded names included."""
    rng = np.random.default_rng(21)
    vocab, chunks = _zipf_brief(rng, 2000, 60)
    index = Index(SimpleNamespace(chunks=chunks), tokens=chunks, term_map={"t119": "t118", "t3": "t2"})
    assert index.postings.doc_len.dtype == np.uint8

    def computed(*_a):
        raise AssertionError("the BM25 expression evaluated during a search")

    monkeypatch.setattr(Postings, "weights", computed)
    _check_searches(index, chunks, vocab, rng, 150)


def test_long_chunks_and_frequencies_past_a_byte_are_computed_and_stay_exact():
    """A chunk of more than 255 terms (lengths kept in two bytes) or a term repeated 300 times
    has no place in the table: those weights are computed, with the same floats."""
    rng = np.random.default_rng(4)
    vocab, chunks = _zipf_brief(rng, 600, 30, 60)
    chunks += [["t5"] * 300 + ["t1", "t7"], ["t6"] * 200 + ["t5"] * 100, rng.choice(vocab, size=400).tolist()]
    index = Index(SimpleNamespace(chunks=chunks), tokens=chunks, term_map={"t6": "t5"})
    assert index.postings.doc_len.dtype == np.uint16 and index.postings.weight_table() is None
    assert index._postings("t5").tf.max() == 300
    _check_searches(index, chunks, vocab, rng, 80)


def test_the_array_of_partial_scores_is_reused_and_left_zeroed():
    """One array of a chunk's partial scores serves every search of a process, zeroed where
    a search wrote: question after question, each top k is rank_bm25's."""
    rng = np.random.default_rng(8)
    vocab, chunks = _zipf_brief(rng, 3000, 40)
    index = Index(SimpleNamespace(chunks=chunks), tokens=chunks)
    _check_searches(index, chunks, vocab, rng, 100)
    assert len(index._spare) == 1 and not index._spare[0].any()


def test_chunks_in_the_running_are_found_alike_among_the_postings_read_or_by_a_scan():
    rng = np.random.default_rng(2)
    for total in (100, 2000):  # a few postings read: gathered; many: the array scanned
        partial = np.zeros(10_000)
        read = [np.unique(rng.integers(0, 10_000, size=total // 2)).astype(np.int32) for _ in range(2)]
        for d in read:
            partial[d] += rng.random(len(d))
        cut = float(np.median(partial[read[0]]))
        got = _reaching(partial, read, cut)
        assert got.dtype == np.int32 and got.tolist() == np.flatnonzero(partial >= cut).tolist()
        assert len(got) and (total < 1000) == (64 * sum(map(len, read)) < len(partial))


def test_frequencies_read_at_a_few_positions_are_those_of_the_whole_list():
    """A long list only looked up reads its frequencies where it is looked up: the same
    numbers as decoding it whole, those of 15 or more (kept aside) included."""
    from askbrief.index import Freqs

    rng = np.random.default_rng(6)
    tf = rng.choice([1, 2, 3, 14, 15, 16, 40, 300], size=5001, p=[.4, .2, .1, .1, .05, .05, .05, .05])
    packed = Freqs.pack(tf)
    for a, b in ((0, 5001), (17, 3000), (4000, 4001)):
        at = np.sort(rng.choice(b - a, size=min(50, b - a), replace=False))
        assert packed.at(at + a).tolist() == packed[a:b][at].tolist() == tf[a:b][at].tolist()


def test_lookups_never_make_numpy_copy_a_postings_array(monkeypatch):
    """A binary search whose keys are of another type than the array (a Python int, a tuple
    of them) copies the whole array first: finding a term's postings at a million chunks
    took 0.3 ms so. Every search of the postings' arrays passes keys of the array's type
    (the build is not checked here)."""
    import askbrief.index as ix

    real, mixed = np.searchsorted, []

    def checked(a, v, *args, **kw):
        if np.asarray(v).dtype != a.dtype:
            mixed.append((a.dtype, np.asarray(v).dtype))
        return real(a, v, *args, **kw)

    rng = np.random.default_rng(9)
    vocab, chunks = _zipf_brief(rng, 800, 30)
    index = Index(SimpleNamespace(chunks=chunks), tokens=chunks, term_map={"t9": "t8"})
    monkeypatch.setattr(ix.np, "searchsorted", checked)
    p = index.postings
    assert p.run_at.dtype == np.int32
    for j in range(len(p.vocab)):
        p.entries(j).docs, p.chunks_at(int(p.ptr[j]), int(p.ptr[j + 1]))
    _check_searches(index, chunks, vocab, rng, 30)
    assert not mixed
