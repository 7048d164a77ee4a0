"""Training (``python -m training.fit``): deterministic, and its threshold choice."""

import numpy as np

from askbrief.models import Settings
from training import fit


def test_training_is_deterministic():
    items = fit.load_items(Settings(), seeds=False, limit=12)
    w1, w2 = fit.fit_rank(items, epochs=15), fit.fit_rank(items, epochs=15)
    assert np.array_equal(w1, w2)
    X, y, _ = fit.conf_rows(items, w1)
    assert np.array_equal(fit.fit_conf(X, y), fit.fit_conf(X, y))


def test_threshold_is_chosen_on_the_smoothed_curve():
    # two unanswerables at low confidence; five right answers at 0.41-0.45; seven unanswerables
    # at 0.465-0.495; eleven right answers at 0.50-0.55. Overall F1 is 0.72 for every cut from
    # 0.16 to 0.41, dips to 0.52 at 0.46 and peaks at 0.80 for the one cut 0.50, then falls off
    # fast: the raw curve takes the spike, the smoothed one the plateau
    conf = np.array([0.10, 0.15, 0.41, 0.42, 0.43, 0.44, 0.45, 0.465, 0.47, 0.475, 0.48, 0.485,
                     0.49, 0.495, 0.50, *np.linspace(0.505, 0.55, 10)])
    answerable = np.array([False] * 2 + [True] * 5 + [False] * 7 + [True] * 11)
    f1 = answerable.astype(float)
    assert fit.best_threshold(conf, f1, answerable, window=0) == 0.50
    assert 0.16 <= fit.best_threshold(conf, f1, answerable) <= 0.41
