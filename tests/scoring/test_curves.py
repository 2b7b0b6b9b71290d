"""roc_curve_points against sklearn's roc_curve."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score, roc_curve

from scoring.curves import roc_curve_points


@st.composite
def labelled_scores(draw):
    n = draw(st.integers(min_value=2, max_value=300))
    labels = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n).filter(lambda y: 0 < sum(y) < n))
    values = st.sampled_from([0.0, 0.1, 0.5, 0.9, 1.0]) | st.floats(-1e6, 1e6, allow_nan=False)
    scores = draw(st.lists(values, min_size=n, max_size=n))
    return np.array(labels), np.array(scores, dtype=np.float64)


@settings(max_examples=200, deadline=None)
@given(labelled_scores())
def test_the_full_curve_equals_sklearns_with_every_threshold(case):
    labels, scores = case
    fpr, tpr = roc_curve_points(labels, scores, max_points=None)
    expected_fpr, expected_tpr, _ = roc_curve(labels, scores, drop_intermediate=False)
    np.testing.assert_allclose(fpr, expected_fpr, atol=1e-12)
    np.testing.assert_allclose(tpr, expected_tpr, atol=1e-12)


def test_a_large_curve_is_cut_to_200_points_of_the_exact_curve():
    rng = np.random.default_rng(3)
    labels = (rng.random(20_000) < 0.1).astype(int)
    scores = labels * 0.8 + rng.random(len(labels))
    full_fpr, full_tpr = roc_curve_points(labels, scores, max_points=None)
    fpr, tpr = roc_curve_points(labels, scores)
    assert len(full_fpr) > 10_000 and len(fpr) <= 200
    assert (fpr[0], tpr[0], fpr[-1], tpr[-1]) == (0.0, 0.0, 1.0, 1.0)
    exact = set(zip(full_fpr.tolist(), full_tpr.tolist()))
    assert all(point in exact for point in zip(fpr.tolist(), tpr.tolist()))
    assert np.all(np.diff(fpr) >= 0) and np.all(np.diff(tpr) >= 0)
    # Drawn as straight segments, the short curve keeps the area under it.
    assert abs(np.trapezoid(tpr, fpr) - roc_auc_score(labels, scores)) < 0.005
    # Points are spread along the curve: no long jump is left undrawn.
    assert np.max(np.diff(fpr) + np.diff(tpr)) < 0.05


def test_a_curve_needs_both_classes():
    with pytest.raises(ValueError, match="both"):
        roc_curve_points(np.zeros(5), np.arange(5.0))
