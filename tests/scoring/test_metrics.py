import math
import warnings

import numpy as np
import pytest
import sklearn
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn import metrics as skm
from sklearn.metrics import roc_auc_score

from scoring import roc_auc
from scoring.formulas import roc_auc_split
from scoring.key_parts import KeyParts
from scoring.metrics import METRICS, Metric, metric_named

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
    everything, first, second = roc_auc_split(KeyParts(labels, in_first), scores)
    assert abs(everything - roc_auc_score(labels, scores)) <= 1e-9
    for mask, value in ((in_first, first), (~in_first, second)):
        part = labels[mask]
        if 0 < part.sum() < len(part):
            assert abs(value - roc_auc_score(part, scores[mask])) <= 1e-9
        else:
            assert math.isnan(value)


# The menu against scikit-learn: each metric's compute, its parts, and its direction.

# sklearn's reference for each metric on one part's rows.
SKLEARN = {
    "roc_auc": skm.roc_auc_score,
    # A part may hold one class, which log_loss accepts only when told both labels.
    "log_loss": lambda t, p: skm.log_loss(t, p, labels=[0, 1]),
    "brier": lambda t, p: skm.brier_score_loss(t, p, pos_label=1),
    "average_precision": skm.average_precision_score,
    "accuracy": skm.accuracy_score,
    "macro_f1": lambda t, p: skm.f1_score(t, p, average="macro"),
    "mcc": skm.matthews_corrcoef,
    "rmse": skm.root_mean_squared_error,
    "mae": skm.mean_absolute_error,
    "r2": lambda t, p: _sklearn_r2(t, p),
    "rmsle": skm.root_mean_squared_log_error,
}
# Lower is better where sklearn's scorer is named neg_*.
SKLEARN_SCORER = {
    "roc_auc": "roc_auc",
    "log_loss": "neg_log_loss",
    "brier": "neg_brier_score",
    "average_precision": "average_precision",
    "accuracy": "accuracy",
    "macro_f1": "f1_macro",
    "mcc": "matthews_corrcoef",
    "rmse": "neg_root_mean_squared_error",
    "mae": "neg_mean_absolute_error",
    "r2": "r2",
    "rmsle": "neg_root_mean_squared_log_error",
}
RANKING = {"roc_auc", "average_precision"}  # undefined unless both classes are present


def _sklearn_r2(t, p):
    # sklearn's mean of a constant column can be an ulp off (0.1 three times), leaving a tiny
    # nonzero denominator that defeats its own force_finite rule (r2 near -1e33). Shifted to exact
    # zeros, the target's mean is exact and the rule applies: (p - t[0]) == 0 exactly when p == t.
    if len(t) and t.min() == t.max():
        return skm.r2_score(t - t[0], p - t[0])
    return skm.r2_score(t, p)


def sklearn_score(name, y_true, y_pred):
    """sklearn's value of the metric on these rows, NaN where the menu leaves it undefined."""
    if len(y_true) == 0 or (name in RANKING and len(np.unique(y_true)) < 2):
        return float("nan")
    # Skipping sklearn's parameter checks keeps the run short; the warnings are about single
    # classes and single rows, which these cases hold on purpose.
    with warnings.catch_warnings(), sklearn.config_context(skip_parameter_validation=True):
        warnings.simplefilter("ignore")
        return float(SKLEARN[name](y_true, y_pred))


def assert_matches_sklearn(name, ours, expected):
    if math.isnan(expected):
        assert math.isnan(ours), (name, ours)
    elif METRICS[name].target == "numeric":  # unbounded: compared to a relative tolerance
        assert math.isclose(ours, expected, rel_tol=1e-9, abs_tol=1e-9), (name, ours, expected)
    else:
        assert abs(ours - expected) <= 1e-9, (name, ours, expected)


EPS = float(np.finfo(np.float64).eps)
# Probabilities at and around the clip bounds, plus a few common values that make ties.
probabilities = st.floats(0.0, 1.0) | st.sampled_from(
    [0.0, 5e-324, 1e-17, EPS, 0.25, 0.5, 1 - EPS, 1 - EPS / 2, 1.0]
)
# Magnitudes stay below 1e6 so that squared errors cannot overflow in either implementation.
numbers = st.floats(-1e6, 1e6) | st.sampled_from([-2.5, 0.0, 0.1, 1.0, 3.0, 1e3])
non_negative = st.floats(0.0, 1e6) | st.sampled_from([0.0, 0.1, 1.0, 3.0, 1e3])


def column(dtype, n, elements):
    # Half of the arrays are mostly one repeated value (hypothesis's fill: many ties, cheap to draw),
    # half have every row drawn on its own (many distinct values).
    return arrays(dtype, n, elements=elements) | arrays(dtype, n, elements=elements, fill=st.nothing())


# The arrays a metric of each target reads: (y_true, y_pred).
DTYPES = {
    "binary": (np.int8, np.float64),
    "labels": (np.int64, np.int64),
    "numeric": (np.float64, np.float64),
}


def as_arrays(name, y_true, y_pred):
    true_dtype, pred_dtype = DTYPES[METRICS[name].target]
    return np.array(y_true, dtype=true_dtype), np.array(y_pred, dtype=pred_dtype)


@st.composite
def rows(draw, truth, prediction, dtypes=DTYPES["numeric"]):
    # Forty rows are plenty for ties and one-class parts, and keep this file's run short.
    n = draw(st.integers(min_value=1, max_value=40))
    return draw(column(dtypes[0], n, truth)), draw(column(dtypes[1], n, prediction))


def binary_rows(values):
    return rows(st.integers(0, 1), values, dtypes=DTYPES["binary"])


@st.composite
def label_rows(draw):
    # Up to 6 codes drawn independently for truth and predictions: some codes are missing from
    # a part, some appear only in the predictions, and sometimes a single class is present.
    codes = st.integers(0, draw(st.integers(0, 5)))
    return draw(rows(codes, codes, dtypes=DTYPES["labels"]))


CASES = {
    "roc_auc": binary_rows(tied | finite),
    "log_loss": binary_rows(probabilities),
    "brier": binary_rows(probabilities),
    "average_precision": binary_rows(tied | finite),
    "accuracy": label_rows(),
    "macro_f1": label_rows(),
    "mcc": label_rows(),
    "rmse": rows(numbers, numbers),
    "mae": rows(numbers, numbers),
    "r2": rows(numbers, numbers),
    "rmsle": rows(non_negative, non_negative),
}


@pytest.mark.parametrize("name", list(METRICS))
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_every_metric_equals_sklearn(name, data):
    """Ties and one-class parts (ROC AUC and average precision NaN there), probabilities at
    log loss's clip bounds, codes only in the predictions (macro F1), a single class (MCC 0.0),
    a constant target or a single row (R²): `CASES` draws them all."""
    y_true, y_pred = data.draw(CASES[name])
    assert_matches_sklearn(name, METRICS[name].compute(y_true, y_pred), sklearn_score(name, y_true, y_pred))


EDGE_CASES = [
    ("log_loss", [0, 1, 1], [0.0, 1.0, 1.0]),  # perfect: costs eps per row, not 0
    ("log_loss", [0, 1], [1.0, 0.0]),  # confidently wrong: -log(eps) per row, not infinity
    ("log_loss", [1], [0.3]),
    ("log_loss", [0, 1, 0], [0.5, 0.5, 0.5]),
    ("brier", [0, 1, 1], [0.0, 1.0, 1.0]),
    ("brier", [1], [0.3]),
    ("brier", [0, 0], [0.2, 0.2]),
    ("average_precision", [0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]),
    ("average_precision", [0, 1, 0, 1], [0.1, 0.9, 0.2, 0.8]),
    ("average_precision", [0, 1, 0, 1], [0.9, 0.1, 0.8, 0.2]),
    ("average_precision", [1, 1], [0.1, 0.2]),  # NaN here; sklearn says 1.0
    ("average_precision", [0, 0], [0.1, 0.2]),  # NaN here; sklearn says 0.0
    ("accuracy", [3], [3]),
    ("accuracy", [0, 1, 2], [1, 1, 1]),
    ("macro_f1", [2, 2, 2], [2, 2, 2]),  # one class present
    ("macro_f1", [0, 0, 0], [1, 1, 1]),  # the predicted class never occurs
    ("macro_f1", [0, 1, 2], [0, 1, 4]),  # a code only in the predictions counts as an F1 of 0
    ("macro_f1", [1], [0]),
    ("mcc", [1, 1, 1], [1, 1, 1]),  # zero denominator: 0.0
    ("mcc", [0, 1, 0], [1, 1, 1]),  # constant predictions: 0.0
    ("mcc", [0], [0]),
    ("mcc", [0, 1, 2, 1], [0, 1, 2, 1]),
    ("mcc", [0, 1], [1, 0]),
    ("rmse", [2.5], [1.0]),
    ("rmse", [1.0, 2.0], [1.0, 2.0]),
    ("mae", [2.5], [1.0]),
    ("mae", [1.0, 2.0, 6.0], [3.0, 3.0, 3.0]),
    ("r2", [1.0, 2.0, 6.0], [3.0, 3.0, 3.0]),  # predicting the mean: 0.0
    ("r2", [1.0, 2.0, 6.0], [1.0, 2.0, 6.0]),
    ("r2", [0.1, 0.1, 0.1], [0.1, 0.1, 0.1]),  # constant target, exact: 1.0
    ("r2", [5.0, 5.0], [4.0, 6.0]),  # constant target, not exact: 0.0
    ("r2", [2.0], [2.0]),  # one row: NaN, as sklearn
    ("rmsle", [0.0, 0.0], [0.0, 0.0]),
    ("rmsle", [0.0], [3.0]),
]


@pytest.mark.parametrize(("name", "y_true", "y_pred"), EDGE_CASES)
def test_edge_cases_equal_sklearn(name, y_true, y_pred):
    y_true, y_pred = as_arrays(name, y_true, y_pred)
    assert_matches_sklearn(name, METRICS[name].compute(y_true, y_pred), sklearn_score(name, y_true, y_pred))


def test_r2_of_a_constant_target_is_zero_where_sklearns_rounding_gives_minus_1e33():
    y_true, y_pred = np.full(3, 0.1), np.full(3, 0.6)
    assert METRICS["r2"].compute(y_true, y_pred) == 0.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert skm.r2_score(y_true, y_pred) < -1e30


def test_log_loss_bounds_come_from_float64_eps():
    log_loss = METRICS["log_loss"].compute
    assert log_loss(np.array([1], dtype=np.int8), np.array([0.0])) == pytest.approx(-math.log(EPS))
    assert log_loss(np.array([1], dtype=np.int8), np.array([1.0])) == pytest.approx(EPS)


@pytest.mark.parametrize("name", list(METRICS))
def test_every_metric_is_nan_on_no_rows(name):
    assert math.isnan(METRICS[name].compute(*as_arrays(name, [], [])))


@pytest.mark.parametrize("name", list(METRICS))
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_score_parts_equal_sklearn_on_all_public_and_private_rows(name, data):
    y_true, y_pred = data.draw(CASES[name])
    public = data.draw(arrays(np.bool_, len(y_true)))
    everything, public_score, private_score = METRICS[name].score_parts(y_true, y_pred, public)
    # All rows must agree with compute, which the tests above hold to sklearn.
    assert_matches_sklearn(name, everything, METRICS[name].compute(y_true, y_pred))
    for value, mask in ((public_score, public), (private_score, ~public)):
        assert_matches_sklearn(name, value, sklearn_score(name, y_true[mask], y_pred[mask]))


def _perfect_and_poor(target):
    if target == "binary":
        y = np.array([0, 1, 1, 0, 1, 0], dtype=np.int8)
        return y, y.astype(np.float64), 1.0 - y
    if target == "labels":
        y = np.array([0, 1, 2, 2, 1, 0])
        return y, y, (y + 1) % 3
    y = np.array([0.5, 1.0, 2.0, 3.5, 8.0, 13.0])
    return y, y, y[::-1]


@pytest.mark.parametrize("name", list(METRICS))
def test_direction_agrees_with_sklearn_and_ranks_a_perfect_prediction_first(name):
    metric = METRICS[name]
    assert SKLEARN_SCORER[name] in skm.get_scorer_names()
    assert metric.greater_is_better == (not SKLEARN_SCORER[name].startswith("neg_"))
    y_true, perfect, poor = _perfect_and_poor(metric.target)
    sign = 1 if metric.greater_is_better else -1
    assert sign * metric.compute(y_true, perfect) > sign * metric.compute(y_true, poor)
    assert sign * sklearn_score(name, y_true, perfect) > sign * sklearn_score(name, y_true, poor)


@pytest.mark.parametrize("name", list(METRICS))
def test_every_declared_metric_has_a_reference_here(name):
    tables = {"SKLEARN": SKLEARN, "SKLEARN_SCORER": SKLEARN_SCORER, "CASES": CASES}
    missing = [table for table, entries in tables.items() if name not in entries]
    assert not missing, f"{name} is declared in scoring/metrics.py but has no entry in {missing}"


def test_the_references_are_of_declared_metrics_in_the_menus_order():
    assert list(METRICS) == list(SKLEARN) == list(SKLEARN_SCORER) == list(CASES)
    assert all(key == metric.name and isinstance(metric, Metric) for key, metric in METRICS.items())


def test_a_declaration_the_readers_could_not_follow_is_refused():
    mae = METRICS["mae"]
    with pytest.raises(ValueError, match="metric 'x': target 'number' is not one of"):
        Metric(name="x", title="x", greater_is_better=False, target="number", prediction="number",
               compute=mae.compute, row_loss=mae.row_loss)  # fmt: skip
    log_loss = METRICS["log_loss"]
    with pytest.raises(ValueError, match="DeLong's test, which compares ROC AUCs"):
        Metric(name="x", title="x", greater_is_better=False, target="binary", prediction="probability",
               compute=log_loss.compute, row_loss=None)  # fmt: skip
    with pytest.raises(TypeError):  # keyword fields only
        Metric("x", "x", False, "numeric", "number", mae.compute, row_loss=mae.row_loss)


def test_metric_named_returns_the_menu_entry_or_lists_the_choices():
    assert metric_named("mcc") is METRICS["mcc"]
    with pytest.raises(ValueError, match=r"unknown metric 'auc'; choose one of: roc_auc, log_loss, .*rmsle$"):
        metric_named("auc")


@pytest.mark.parametrize("name", [name for name, metric in METRICS.items() if metric.error_power])
def test_a_part_keeps_its_score_when_a_row_of_the_other_part_overflows(name):
    y_true = np.arange(20.0)
    y_pred = y_true + 0.5
    y_pred[0] = 1e200  # its squared error overflows to inf
    public = np.arange(20) < 10
    everything, public_score, private_score = METRICS[name].score_parts(y_true, y_pred, public)
    assert_matches_sklearn(name, private_score, sklearn_score(name, y_true[~public], y_pred[~public]))
    assert not math.isnan(everything) and not math.isnan(public_score)
