import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score

from scoring import roc_auc
from scoring.metrics import roc_auc_split

finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
# Few distinct values make many ties, the case where rank-based AUCs go wrong.
tied = st.sampled_from([-1.0, -0.0, 0.0, 0.25, 0.5, 1.0, 1e300])


@st.composite
def labelled_scores(draw, values=finite):
    n = draw(st.integers(min_value=2, max_value=300))
    labels = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n).filter(lambda y: 0 < sum(y) < n))
    scores = draw(st.lists(values, min_size=n, max_size=n))
    return np.array(labels), np.array(scores, dtype=np.float64)


@settings(max_examples=300, deadline=None)
@given(labelled_scores())
def test_auc_equals_sklearn_on_any_finite_scores(case):
    labels, scores = case
    assert abs(roc_auc(labels, scores) - roc_auc_score(labels, scores)) <= 1e-9


@settings(max_examples=300, deadline=None)
@given(labelled_scores(values=tied))
def test_auc_averages_ties_as_sklearn_does(case):
    labels, scores = case
    assert abs(roc_auc(labels, scores) - roc_auc_score(labels, scores)) <= 1e-9


def test_auc_on_a_large_random_input_equals_sklearn():
    rng = np.random.default_rng(7)
    labels = (rng.random(200_000) < 0.07).astype(np.int8)
    scores = np.round(rng.random(200_000) + labels * 0.2, 3)  # rounding makes ties
    assert abs(roc_auc(labels, scores) - roc_auc_score(labels, scores)) <= 1e-9


def test_perfect_and_reversed_rankings():
    labels = np.array([0, 0, 1, 1])
    assert roc_auc(labels, np.array([0.1, 0.2, 0.8, 0.9])) == 1.0
    assert roc_auc(labels, np.array([0.9, 0.8, 0.2, 0.1])) == 0.0
    assert roc_auc(labels, np.array([0.5, 0.5, 0.5, 0.5])) == 0.5


def test_auc_is_nan_when_one_class_is_absent():
    assert math.isnan(roc_auc(np.array([1, 1, 1]), np.array([0.1, 0.2, 0.3])))


@settings(max_examples=200, deadline=None)
@given(labelled_scores(values=tied | finite), st.data())
def test_split_aucs_equal_sklearn_on_each_part(case, data):
    labels, scores = case
    in_first = np.array(data.draw(st.lists(st.booleans(), min_size=len(labels), max_size=len(labels))))
    everything, first, second = roc_auc_split(labels, scores, in_first)
    assert abs(everything - roc_auc_score(labels, scores)) <= 1e-9
    for mask, value in ((in_first, first), (~in_first, second)):
        part = labels[mask]
        if 0 < part.sum() < len(part):
            assert abs(value - roc_auc_score(part, scores[mask])) <= 1e-9
        else:
            assert math.isnan(value)
