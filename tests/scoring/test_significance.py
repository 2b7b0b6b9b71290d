import math
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats
from sklearn.metrics import roc_auc_score

from scoring.metrics import METRICS
from scoring.significance import LEVEL_SPREAD, Comparison, compare, delong, ladder_level, loss_per_row

ROC_AUC, RMSE = METRICS["roc_auc"], METRICS["rmse"]
T_TEST_METRICS = [name for name, metric in METRICS.items() if metric.row_loss is not None]
# Few distinct values make many ties, where midranks matter.
tied = st.sampled_from([-1.0, 0.0, 0.25, 0.5, 1.0])
spread_out = st.floats(-1e6, 1e6, allow_nan=False)


def close(a: float, b: float, tolerance: float = 1e-9) -> bool:
    return math.isclose(a, b, rel_tol=tolerance, abs_tol=tolerance)


def slow_delong(labels, new_scores, old_scores):
    """The definition, O(m n): psi(x, y) = 1 if x > y, 0.5 if equal, else 0, for every positive x
    and negative y; V10 and V01 are its row and column means. Returns (aucs, S, z)."""
    components = []
    for scores in (new_scores, old_scores):
        x, y = scores[labels == 1][:, None], scores[labels == 0][None, :]
        psi = (x > y) + 0.5 * (x == y)
        components.append((psi.mean(axis=1), psi.mean(axis=0)))
    v10 = np.stack([c[0] for c in components])
    v01 = np.stack([c[1] for c in components])
    m, n = v10.shape[1], v01.shape[1]
    covariance = np.cov(v10) / m + np.cov(v01) / n
    aucs = v10.mean(axis=1)
    variance = covariance[0, 0] + covariance[1, 1] - 2 * covariance[0, 1]
    return aucs, covariance, variance


@st.composite
def two_scorings(draw, values):
    n = draw(st.integers(min_value=4, max_value=80))
    labels = draw(st.lists(st.integers(0, 1), min_size=n, max_size=n).filter(lambda y: 2 <= sum(y) <= n - 2))
    new, old = (draw(st.lists(values, min_size=n, max_size=n)) for _ in range(2))
    return np.array(labels), np.array(new, dtype=np.float64), np.array(old, dtype=np.float64)


@settings(max_examples=100, deadline=None)
@given(st.one_of(two_scorings(tied), two_scorings(spread_out)))
def test_fast_delong_equals_the_definition_and_sklearn(case):
    labels, new, old = case
    fast = delong(labels, new, old)
    aucs, covariance, variance = slow_delong(labels, new, old)
    assert fast.aucs[0] == pytest.approx(roc_auc_score(labels, new), abs=1e-12)
    assert fast.aucs[1] == pytest.approx(roc_auc_score(labels, old), abs=1e-12)
    np.testing.assert_allclose(fast.aucs, aucs, rtol=0, atol=1e-12)
    np.testing.assert_allclose(fast.covariance, covariance, rtol=0, atol=1e-12)
    assert close(fast.variance, variance)
    result = compare(ROC_AUC, labels, new, old)
    assert (result.new_score, result.old_score) == (
        ROC_AUC.compute(labels, new),
        ROC_AUC.compute(labels, old),
    )
    if variance > 1e-6:  # far above the rounding left by the covariance formula's cancellation
        z = (aucs[0] - aucs[1]) / math.sqrt(variance)
        assert close(result.statistic, z) and close(result.p_value, stats.norm.sf(z))


@st.composite
def paired_case(draw):
    """A metric other than roc_auc, its targets and two submissions' predictions."""
    name = draw(st.sampled_from(T_TEST_METRICS))
    metric = METRICS[name]
    n = draw(st.integers(min_value=2, max_value=60))
    if metric.target == "binary":
        truth = st.integers(0, 1)
        guess = st.floats(0.0, 1.0)
    elif metric.target == "labels":
        truth = guess = st.integers(0, 3)
    else:  # within the declared range (rmsle's logarithms need values above -1)
        low = metric.prediction_range[0] if metric.prediction_range else -1e3
        truth = guess = st.floats(max(low, -1e3), 1e3)
    y, new, old = (np.array(draw(st.lists(s, min_size=n, max_size=n))) for s in (truth, guess, guess))
    return metric, y, new, old


@settings(max_examples=100, deadline=None)
@given(paired_case())
def test_paired_t_equals_scipy_ttest_rel(case):
    metric, y, new, old = case
    loss_new, loss_old = loss_per_row(metric, y, new), loss_per_row(metric, y, old)
    gain = loss_old - loss_new
    assume(gain.min() != gain.max())  # scipy gives NaN or a rounding-sized t on constant gains
    result = compare(metric, y, new, old)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # scipy's catastrophic cancellation notice
        expected = stats.ttest_rel(loss_new, loss_old, alternative="less")
    assert result.test == "paired_t"
    assert close(result.statistic, -expected.statistic) and close(result.p_value, expected.pvalue)
    assert (result.new_score, result.old_score) == (metric.compute(y, new), metric.compute(y, old))


@pytest.mark.parametrize("name", ["log_loss", "brier", "accuracy", "mae", "rmse", "rmsle", "r2"])
def test_each_loss_is_what_the_metric_averages(name):
    metric = METRICS[name]
    rng = np.random.default_rng(1)
    if metric.target == "binary":
        y, pred = rng.integers(0, 2, 200), rng.random(200)
    elif metric.target == "labels":
        y, pred = rng.integers(0, 3, 200), rng.integers(0, 3, 200)
    else:
        y, pred = rng.random(200) * 10, rng.random(200) * 10
    mean_loss = loss_per_row(metric, y, pred).mean()
    expected = {
        "rmse": math.sqrt(mean_loss),
        "rmsle": math.sqrt(mean_loss),
        "r2": 1 - mean_loss * len(y) / np.square(y - y.mean()).sum(),
        "accuracy": 1 - mean_loss,
    }.get(name, mean_loss)
    assert metric.compute(y, pred) == pytest.approx(expected, rel=1e-12)


def test_every_metric_has_a_test():
    # No per-row loss means DeLong's test, which compares ROC AUCs only.
    assert [name for name in METRICS if name not in T_TEST_METRICS] == ["roc_auc"]
    for name in T_TEST_METRICS:
        assert loss_per_row(METRICS[name], np.array([0, 1]), np.array([0, 1])).shape == (2,)
    with pytest.raises(ValueError):
        loss_per_row(ROC_AUC, np.array([0, 1]), np.array([0.2, 0.8]))


def no_move(result: Comparison) -> bool:
    return result.p_value == 1.0 and result.statistic == 0.0 and not result.significant(0.05)


@pytest.mark.parametrize("name", list(METRICS))
def test_an_identical_submission_never_moves(name):
    metric = METRICS[name]
    rng = np.random.default_rng(2)
    y = rng.integers(0, 2, 100)
    pred = y if metric.prediction == "label" else rng.random(100)
    assert no_move(compare(metric, y, pred, pred.copy()))
    assert no_move(compare(metric, y, pred, pred))


def test_zero_variance_cases_give_a_number():
    y = np.array([0, 0, 1, 1, 1])
    ones = np.ones(5)
    # The same ranking in other numbers: equal AUCs, no variance.
    assert no_move(compare(ROC_AUC, y, np.array([1.0, 2, 3, 4, 5]), np.array([-9.0, -8, 0, 7, 8])))
    assert no_move(compare(ROC_AUC, y, ones, ones * 0.5))  # every row tied
    assert no_move(
        compare(ROC_AUC, np.array([0, 1, 1, 1]), np.arange(4.0), np.arange(4.0)[::-1])
    )  # one negative
    assert no_move(compare(RMSE, y.astype(float), ones, ones))
    assert no_move(compare(RMSE, np.array([1.0]), np.array([1.0]), np.array([5.0])))  # one row
    # Worse by the same amount on every row: certain, but no move.
    worse = compare(RMSE, np.zeros(5), ones * 2, ones)
    assert worse.p_value == 1.0 and worse.statistic == -math.inf and not worse.significant(0.05)
    # Better by the same amount on every row, or a perfect ranking against a reversed one: certain.
    better = compare(RMSE, np.zeros(5), ones, ones * 2)
    assert better.p_value == 0.0 and better.statistic == math.inf and better.significant(0.05)
    perfect = compare(ROC_AUC, y, y.astype(float), -y.astype(float))
    assert perfect.p_value == 0.0 and perfect.significant(0.05)


def noisy_cases(rows: int = 5000, changed: int = 5, seed: int = 0):
    """Labels; a clearly better model; a holder; the holder with a few rows redrawn from its own noise."""
    rng = np.random.default_rng(seed)
    y = (rng.random(rows) < 0.3).astype(int)
    good, holder = y + rng.normal(0, 0.5, rows), y + rng.normal(0, 2.0, rows)
    tweaked = holder.copy()
    rows_changed = rng.choice(rows, changed, replace=False)
    tweaked[rows_changed] = y[rows_changed] + rng.normal(0, 2.0, changed)
    return y, good, holder, tweaked


@pytest.mark.parametrize("metric", [ROC_AUC, RMSE], ids=lambda m: m.name)
def test_a_clearly_better_model_moves_and_a_tweaked_copy_does_not(metric):
    y, good, holder, tweaked = noisy_cases()
    truth = y if metric is ROC_AUC else y.astype(float)
    better = compare(metric, truth, good, holder)
    assert better.significant(0.05) and better.p_value < 1e-12
    assert not compare(metric, truth, holder, good).significant(0.05)
    assert compare(metric, truth, tweaked, holder).p_value > 0.2


@pytest.mark.parametrize("metric", [ROC_AUC, RMSE], ids=lambda m: m.name)
def test_tweaked_copies_move_about_as_often_as_alpha(metric):
    """A redraw of a handful of rows is as good as the holder: over many draws, p < 0.05 about
    5 % of the time (a single draw's p is a draw from about a uniform)."""
    moves = 0
    for seed in range(200):
        y, _, holder, tweaked = noisy_cases(rows=2000, seed=seed)
        truth = y if metric is ROC_AUC else y.astype(float)
        moves += compare(metric, truth, tweaked, holder).significant(0.05)
    assert moves <= 20


def test_ladder_levels_add_up_to_alpha_over_any_history_and_shrink():
    alpha = 0.05
    levels = [ladder_level(alpha, j) for j in range(1, 1_000_001)]
    assert math.fsum(levels) <= alpha
    assert math.fsum(levels) == pytest.approx(
        alpha * (1 - LEVEL_SPREAD / (1_000_000 + LEVEL_SPREAD)), rel=1e-12
    )
    assert all(a > b for a, b in zip(levels, levels[1:]))
    # Evenly at first: the 50th test still runs at about a quarter of the first one's level.
    assert levels[49] > levels[0] / 4
    with pytest.raises(ValueError):
        ladder_level(alpha, 0)


@pytest.mark.parametrize(
    "new, old, statistic, p_value",
    [(0.1, 0.3, math.inf, 0.0), (0.3, 0.1, -math.inf, 1.0), (0.2, 0.2, 0.0, 1.0)],
    ids=["better on every row", "worse on every row", "the same"],
)
def test_a_gain_equal_on_every_row_has_no_spread_even_where_its_variance_has_a_residue(
    new, old, statistic, p_value
):
    """On 7 rows the same gain of 0.08 has a computed variance of about 2e-34, not 0: a t-test on it
    would answer a finite statistic, where no spread means certainty."""
    y = np.zeros(7)
    gain = loss_per_row(RMSE, y, np.full(7, old)) - loss_per_row(RMSE, y, np.full(7, new))
    assert gain.min() == gain.max() and (new == old or np.var(gain, ddof=1) > 0.0)
    result = compare(RMSE, y, np.full(7, new), np.full(7, old))
    assert (result.statistic, result.p_value) == (statistic, p_value)
