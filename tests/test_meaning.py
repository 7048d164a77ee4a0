"""Matching by meaning: the shipped word-vector table and the soft match of unmatched words."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from askbrief import AskbriefError, meaning
from askbrief.corpus import Brief, load_brief
from askbrief.index import Index
from askbrief.models import Chunk
from askbrief.text import WORD_RE, sentence_spans, term, tokenize
from askbrief.variants import term_map

from helpers import ROOT, SEEDS

words = WORD_RE.findall  # surface words, as the engine splits them


def _table(tmp_path, rows: dict[str, tuple[float, ...]]):
    ws = sorted(rows)
    np.save(tmp_path / meaning.WORDS_FILE, np.array([w.encode() for w in ws], dtype="S12"))
    np.save(tmp_path / meaning.VECTORS_FILE, np.array([rows[w] for w in ws], dtype=np.int8))
    return meaning.WordVectors(tmp_path)


def test_captured_is_closer_to_taking_than_to_unrelated_words():
    s = meaning.similarity
    assert s("captured", "taking") > s("captured", "kitchen") + 0.15
    assert s("captured", "taking") > s("captured", "weather") + 0.15
    assert s("Captured", "TAKING") == pytest.approx(s("captured", "taking"))
    assert s("captured", "captured") == pytest.approx(1.0, abs=1e-3)
    assert s("captured", "xqzvvw") == 0.0  # a word the table lacks relates to nothing


def test_shipped_table_is_sorted_unique_and_matches_its_vectors():
    wv = meaning.word_vectors()
    ws = np.load(meaning.DATA_DIR / meaning.WORDS_FILE)
    assert ws.dtype.kind == "S" and len(ws) == len(wv) > 5000
    assert (ws[1:] > ws[:-1]).all()  # strictly sorted: searchsorted finds the one row
    assert wv.table.dtype == np.int8 and wv.table.shape == (len(ws), wv.dims)
    assert wv.row("taking") is not None and wv.row("Taking") is None  # rows are lowercase


def test_unknown_inflections_fall_back_to_a_stem_the_table_has(tmp_path):
    wv = _table(tmp_path, {"stop": (100, 0), "city": (0, 100), "take": (60, 80), "taking": (80, 60)})
    assert wv.vector("stopped") == pytest.approx(np.array([1.0, 0.0]))
    assert wv.vector("cities") == pytest.approx(np.array([0.0, 1.0]))
    assert wv.vector("Taking") == pytest.approx(np.array([0.8, 0.6]))  # its own row first
    assert wv.vector("takes") == pytest.approx(np.array([0.6, 0.8]))
    assert wv.vector("Stop's") == pytest.approx(np.array([1.0, 0.0]))
    assert wv.vector("sto") is None and wv.vector("Gharyan") is None
    plain = meaning.WordVectors(tmp_path, inflections=False)
    assert plain.vector("stopped") is None and plain.vector("stop") is not None


def test_a_missing_or_damaged_table_is_an_error_for_people(tmp_path):
    with pytest.raises(AskbriefError, match=r"cannot read the word vectors in .*: No such file.*reinstall askbrief"):
        meaning.WordVectors(tmp_path)
    _table(tmp_path, {"stop": (1, 0)})
    np.save(tmp_path / meaning.VECTORS_FILE, np.zeros((2, 2), dtype=np.int8))
    with pytest.raises(AskbriefError, match="are damaged; reinstall askbrief"):
        meaning.WordVectors(tmp_path)
    (tmp_path / meaning.WORDS_FILE).write_bytes(b"not numpy")
    with pytest.raises(AskbriefError, match="cannot read the word vectors"):
        meaning.WordVectors(tmp_path)


def test_soft_match_adds_idf_times_cosine_for_words_without_an_exact_partner(tmp_path):
    wv = _table(tmp_path, {"capture": (100, 0), "take": (80, 60), "kitchen": (0, 100)})
    idf = {term("captured"): 2.0, term("Gharyan"): 5.0}.get
    q = words("Who captured Gharyan?")
    s = words("The taking of Gharyan ended the push.")
    # "Gharyan" has its exact partner (BM25's part); "captured" ~ "taking" at cosine 0.8
    assert meaning.partners(q, s, idf, vectors=wv) == [(2.0, pytest.approx(0.8))]
    assert meaning.soft_match(q, s, idf, 0.35, vectors=wv) == pytest.approx(1.6)
    assert meaning.soft_match(q, s, idf, 0.85, vectors=wv) == 0.0
    assert meaning.soft_match(q, words("A kitchen in Gharyan."), idf, 0.35, vectors=wv) == 0.0
    assert meaning.soft_match(q, words("Who captured it?"), idf, 0.35, vectors=wv) == 0.0


def test_soft_scores_of_sentences_with_nothing_to_match_are_zero(tmp_path):
    wv = _table(tmp_path, {"capture": (100, 0), "take": (80, 60)})
    idf = {term("captured"): 2.0}.get
    q = words("Who captured Gharyan?")
    sentences = [words("The taking of Gharyan."), [], words("Gharyan fell."), words("It was captured.")]
    assert list(meaning.soft_scores(q, sentences, idf, 0.35, vectors=wv)) == pytest.approx([1.6, 0, 0, 0])
    assert list(meaning.soft_scores(words("Who is he?"), sentences, idf, vectors=wv)) == [0, 0, 0, 0]
    assert list(meaning.soft_scores(q, [], idf, vectors=wv)) == []


def _sentence_index(brief: Brief) -> tuple[list[str], Index]:
    texts = [c.text[s:e] for c in brief.chunks for s, e in sentence_spans(c.text)]
    chunks = [Chunk(doc="s", paragraph=i, start=0, end=len(t), para_start=0, para_end=len(t), text=t)
              for i, t in enumerate(texts)]
    return texts, Index(Brief(documents=brief.documents, chunks=chunks), term_map=term_map(brief))


@pytest.mark.parametrize("question, gold", [
    ("On which social network did Guterres voice his worry?", "Twitter"),  # worry ~ concerned
    ("In which city did Hifter meet Russia's top diplomat?", "Moscow"),  # diplomat ~ Foreign Minister
])
def test_soft_match_lifts_the_sentence_that_answers_a_paraphrased_question(question, gold):
    """Freely worded training questions (seeds-free-train.jsonl), not in the article's words:
    BM25 alone prefers another sentence of the brief; with the soft match the best sentence
    holds the answer."""
    texts, index = _sentence_index(load_brief([str(SEEDS)]))
    ids, scores = index.score(tokenize(question))
    bm25 = np.zeros(len(texts))
    bm25[ids] = scores

    def key(w):
        return index.map_term(term(w))

    soft = np.array([meaning.soft_match(words(question), words(t), index.idf, key=key) for t in texts])
    assert meaning.soft_scores(words(question), [words(t) for t in texts], index.idf, key=key) \
        == pytest.approx(soft)
    right = {i for i, t in enumerate(texts) if gold in t}
    assert right and int(np.argmax(bm25)) not in right
    assert int(np.argmax(bm25 + soft)) in right


def test_the_table_opens_offline_without_wordllama_and_only_when_used():
    code = (
        "import sys\n"
        "for m in ('wordllama', 'tokenizers', 'huggingface_hub', 'safetensors'):\n"
        "    sys.modules[m] = None  # importing any of them now fails\n"
        "import askbrief, askbrief.meaning as m\n"
        "assert m.word_vectors.cache_info().currsize == 0, 'opened at import'\n"
        "x = m.similarity('captured', 'taking')\n"
        "assert m.word_vectors.cache_info().currsize == 1 and m.word_vectors() is m.word_vectors()\n"
        "assert not [k for k, v in sys.modules.items() if v and k.split('.')[0] in ('wordllama', 'tokenizers', 'torch')]\n"
        "print(round(x, 3))\n"
    )
    env = {"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert float(out.stdout) == pytest.approx(meaning.similarity("captured", "taking"), abs=1e-3)


def test_importing_askbrief_does_not_import_the_meaning_module():
    out = subprocess.run([sys.executable, "-c", "import sys, askbrief; print('askbrief.meaning' in sys.modules)"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.strip() == "False", out.stderr
