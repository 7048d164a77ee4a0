"""The shipped weights and the one confidence function that training shares."""

import json
import math

import numpy as np
import pytest

from askbrief.answer import model
from askbrief.answer.features import FEATURES


def test_weights_load():
    data = json.loads(model.WEIGHTS_PATH.read_text(encoding="utf-8"))
    assert set(data["rank"]) <= set(FEATURES)
    assert set(data["conf"]) <= set(model.CONF_FEATURES)
    shipped = model.load_model()
    assert 0.0 < shipped.threshold < 1.0
    assert shipped.rank.shape == (len(FEATURES),)
    assert data["meta"]["command"] == "python -m training.fit"


def test_training_scores_confidence_as_the_answer_does(seeds_assistant):
    # one function from the confidence features to the confidence: what select reports is what
    # training fits the threshold on, the coverage gate included
    from training import fit

    shipped = model.load_model()
    x = np.zeros(len(model.CONF_FEATURES))
    x[model.CONF_FEATURES.index("bias")] = 1.0
    x[model.CONF_FEATURES.index("missing_share_m")] = 0.75  # a quarter held: gated
    high = x.copy()
    high[model.CONF_FEATURES.index("missing_share_m")] = 0.1
    X = np.vstack([x, high, np.zeros_like(x)])
    got = fit.confidences(X, shipped.conf)
    logistic = [1.0 / (1.0 + math.exp(-float(row @ shipped.conf))) for row in (x, high)]
    assert got[0] == shipped.confidence(x) == pytest.approx(logistic[0] * 0.25)
    assert got[1] == shipped.confidence(high) == pytest.approx(logistic[1])
    assert got[2] == 0.0  # a question without candidates


def test_the_coverage_gate_counts_what_the_sentence_holds_by_meaning():
    # a freely worded question's sentence holds its words by meaning ("quit" for "resigned"):
    # the gate scales the confidence down only when what it holds neither exactly nor by
    # meaning is over half the question, however little it holds word for word
    shipped = model.load_model()
    x = np.zeros(len(model.CONF_FEATURES))
    x[model.CONF_FEATURES.index("bias")] = 1.0
    x[model.CONF_FEATURES.index("sent_cov")] = 0.25
    held = x.copy()
    held[model.CONF_FEATURES.index("missing_share_m")] = 0.3  # the rest held by meaning
    short = x.copy()
    short[model.CONF_FEATURES.index("missing_share_m")] = 0.6
    logistic = [1.0 / (1.0 + math.exp(-float(row @ shipped.conf))) for row in (held, short)]
    assert shipped.confidence(held) == pytest.approx(logistic[0])
    assert shipped.confidence(short) == pytest.approx(logistic[1] * 0.4)


def test_the_sentence_model_reads_the_mass_of_the_whole_sentence(tmp_path):
    # two people in the answering sentence split the ranker's mass between them: the sentence
    # holds all of it, however little either span holds, and leads every other sentence
    from askbrief.answer import read
    from askbrief.answer.features import extract
    from askbrief.models import Settings
    from askbrief.retrieve import search

    from helpers import brief_of

    a = brief_of(tmp_path, {"a.txt": "Omar Hadi and Sami Adel signed the harbour treaty in Tunis. "
                                     "Rain fell on the harbour all week, said Nabil Karim.\n"})
    q = read("Who signed the harbour treaty?", a.index)
    ex = extract(q, a.index, search(a.index, q.search_terms, 20), Settings())
    w = model.load_model().rank
    r = model.rank(ex, w)
    x = dict(zip(model.SENT_FEATURES, r.sent_x))
    assert list(r.sent_x[: len(model.CONF_FEATURES)]) == list(r.conf_x)
    top = ex.candidates[r.best[r.order[0]]]
    s = ex.X @ w
    p = np.exp(s - s.max()) / np.exp(s - s.max()).sum()
    same = [c.row for c in ex.candidates if c.sentence.start == top.sentence.start and c.chunk == top.chunk]
    assert len(same) >= 2 and math.isclose(x["s_mass"], float(p[same].sum()))
    assert x["s_mass"] > r.prob[r.order[0]] and x["s_mass_rank"] == 1.0
    assert x["s_margin"] > 0.0 and math.isclose(x["s_top_share"], float(p[top.row]) / x["s_mass"])
