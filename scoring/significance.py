"""Is a new submission significantly better than the one holding the score? One-sided paired tests.

For the Ladder leaderboard (Blum and Hardt, 2015): the public score moves only when the new
submission beats the holder's on the same rows by a one-sided paired test at a level alpha.
ROC AUC uses DeLong's test for correlated AUCs (Sun and Xu's fast form); every other metric
uses a paired t-test on the per-row losses its declaration names (`loss_per_row`).

A student's tests share one budget: the j-th test of a student's history runs at
`ladder_level(alpha, j)`, levels that add up to alpha over any number of tests. By Bonferroni's
inequality, the chance that files no better than the one holding the score ever move it, over the
student's whole history, is at most alpha (a fixed level per test would let 700 probes move it
again and again). The budget is spread evenly at first and thinly later (`LEVEL_SPREAD`): an honest
model that beats the holder clearly still moves it at a student's 50th upload.

Rules where a test has nothing to measure, so that no p-value is ever NaN:
- zero variance of the difference: p = 0.0 (statistic +inf) when the new submission is better
  on every row alike (or, for DeLong, its AUC is higher), else p = 1.0 (statistic 0.0 when
  equal, -inf when worse): a difference with no spread is certain, and no difference is no move;
- too few rows to estimate a variance (under two rows, or under two of either class for
  DeLong), or losses too large to average: p = 1.0 and statistic 0.0, no move.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy.special import ndtr, stdtr  # the normal's and Student's t's CDFs: scipy.stats' sf, lighter to load

from .metrics import Metric

# alpha * K / ((j + K - 1)(j + K)) telescopes to alpha: the first K tests spend half the budget
# (each about alpha / K to alpha / 4K), the next 2K a quarter, and so on.
LEVEL_SPREAD = 100


def ladder_level(alpha: float, test: int) -> float:
    """The level of a student's `test`-th Ladder test (1 for the test of their second ranked
    submission); summed over test = 1, 2, ... the levels give exactly `alpha`."""
    if test < 1:
        raise ValueError(f"tests are counted from 1, not {test}")
    return alpha * LEVEL_SPREAD / ((test + LEVEL_SPREAD - 1) * (test + LEVEL_SPREAD))


@dataclass(frozen=True)
class Comparison:
    """A one-sided paired test of a new submission against the holder, on the same rows."""

    test: str  # "delong" or "paired_t"
    statistic: float  # z for DeLong, t for the t-test; positive when the new submission is better
    p_value: float  # chance of a difference at least this large for the new one, were they equally good
    new_score: float  # the metric of the new submission on these rows
    old_score: float  # the metric of the holder on these rows
    greater_is_better: bool  # the metric's direction, to tell which score is better

    def significant(self, alpha: float) -> bool:
        """True when p < alpha and the new submission's score is better than the holder's."""
        if self.greater_is_better:
            better = self.new_score > self.old_score
        else:
            better = self.new_score < self.old_score
        return bool(self.p_value < alpha and better)


def loss_per_row(metric: Metric, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """Each row's loss (float64, lower is better) for the paired t-test of `metric`, as its
    declaration says (`Metric.row_loss`); ValueError for roc_auc, compared by DeLong's test."""
    if metric.row_loss is None:
        raise ValueError(f"no per-row loss for the metric {metric.name!r}")
    return np.asarray(metric.row_loss(np.asarray(y_true), np.asarray(y_pred)), dtype=np.float64)


class DeLong(NamedTuple):
    """DeLong's estimates for two scorings of the same rows (index 0 the new one, 1 the old)."""

    aucs: np.ndarray  # (2,) ROC AUCs, exactly as `scoring.formulas.roc_auc` computes them
    covariance: np.ndarray  # (2, 2) S = S10 / m + S01 / n
    variance: float  # of auc_new - auc_old: S[0, 0] + S[1, 1] - 2 S[0, 1], never negative


def _twice_placements(is_positive: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Per row, twice its placement count: for a positive, the negatives scored below it plus half
    those tied with it; for a negative, the positives scored above it plus half those tied.

    Sun and Xu's V10 is (Tz - Tx) / n, with Tz a positive's midrank among all rows and Tx its
    midrank among the positives; that difference is exactly the count above, so one sort of all
    rows and a pass over its tie groups give both V10 and V01, with no per-class sorts. Counts
    stay integers (twice, to keep the halves exact) so identical rankings give identical values.
    """
    order = np.argsort(scores)
    ranked = scores[order]
    positive = is_positive[order]
    starts = np.flatnonzero(np.concatenate(([True], ranked[1:] != ranked[:-1])))
    bounds = np.append(starts, len(ranked))
    # Positives and negatives before each tie group, and inside it.
    pos_before = np.concatenate(([0], np.cumsum(positive)))[bounds]
    neg_before = bounds - pos_before
    pos_in, neg_in = np.diff(pos_before), np.diff(neg_before)
    twice_neg_below = 2 * neg_before[:-1] + neg_in
    twice_pos_above = 2 * (pos_before[-1] - pos_before[1:]) + pos_in
    sizes = np.diff(bounds)
    sorted_counts = np.where(positive, np.repeat(twice_neg_below, sizes), np.repeat(twice_pos_above, sizes))
    counts = np.empty_like(sorted_counts)
    counts[order] = sorted_counts
    return counts


def delong(y_true: np.ndarray, new_scores: np.ndarray, old_scores: np.ndarray) -> DeLong:
    """DeLong's AUCs and covariance for two scorings of the same rows, in O(N log N).

    Needs at least two rows of each class (y_true 1 = positive); the variance of the difference
    comes from the differences of the components, which is the same quantity as the covariance
    formula but exactly 0.0 for identical rankings rather than a rounding residue.
    """
    is_positive = np.asarray(y_true) == 1
    m = int(np.count_nonzero(is_positive))
    n = len(is_positive) - m
    counts = [
        _twice_placements(is_positive, np.asarray(s, dtype=np.float64)) for s in (new_scores, old_scores)
    ]
    twice_v10 = np.stack([c[is_positive] for c in counts])  # 2n V10, one row per scoring
    twice_v01 = np.stack([c[~is_positive] for c in counts])  # 2m V01
    aucs = np.array([int(row.sum(dtype=np.int64)) / (2 * m * n) for row in twice_v10])
    s10, s01 = np.cov(twice_v10 / (2 * n)), np.cov(twice_v01 / (2 * m))
    variance = (
        float(np.var((twice_v10[0] - twice_v10[1]) / (2 * n), ddof=1)) / m
        + float(np.var((twice_v01[0] - twice_v01[1]) / (2 * m), ddof=1)) / n
    )
    return DeLong(aucs, s10 / m + s01 / n, variance)


def _one_sided(mean_gain: float, standard_error: float, tail) -> tuple[float, float]:
    """(statistic, p) for a mean gain of the new submission, with the zero-variance rules above."""
    if standard_error > 0.0:
        statistic = mean_gain / standard_error
        return statistic, float(tail(statistic))
    if mean_gain > 0.0:
        return math.inf, 0.0
    return (0.0 if mean_gain == 0.0 else -math.inf), 1.0


def compare(metric: Metric, y_true: np.ndarray, new_pred: np.ndarray, old_pred: np.ndarray) -> Comparison:
    """Test one-sidedly whether `new_pred` beats `old_pred` on these rows under `metric`:
    DeLong's test for roc_auc (no `row_loss`), else a paired t-test on `loss_per_row` (as scipy's
    `ttest_rel(loss_new, loss_old, alternative="less")`, with the statistic's sign flipped)."""
    y_true = np.asarray(y_true)
    new_pred, old_pred = np.asarray(new_pred), np.asarray(old_pred)
    if metric.row_loss is None:
        return _compare_auc(metric, y_true, new_pred, old_pred)
    gain = loss_per_row(metric, y_true, old_pred) - loss_per_row(metric, y_true, new_pred)
    new_score, old_score = metric.compute(y_true, new_pred), metric.compute(y_true, old_pred)
    rows = len(gain)
    mean_gain = float(gain.mean()) if rows else 0.0
    if rows < 2 or not math.isfinite(mean_gain) or not np.isfinite(gain).all():
        return Comparison("paired_t", 0.0, 1.0, new_score, old_score, metric.greater_is_better)
    # A gain that is the same on every row has no spread, though its computed deviations from
    # the mean could be rounding residues; test that exactly.
    spread = 0.0 if gain.min() == gain.max() else float(np.var(gain, ddof=1))
    statistic, p_value = _one_sided(mean_gain, math.sqrt(spread / rows), lambda t: stdtr(rows - 1, -t))
    return Comparison("paired_t", statistic, p_value, new_score, old_score, metric.greater_is_better)


def _compare_auc(
    metric: Metric, y_true: np.ndarray, new_pred: np.ndarray, old_pred: np.ndarray
) -> Comparison:
    positives = int(np.count_nonzero(y_true == 1))
    if min(positives, len(y_true) - positives) < 2:
        scores = metric.compute(y_true, new_pred), metric.compute(y_true, old_pred)
        return Comparison("delong", 0.0, 1.0, *scores, metric.greater_is_better)
    result = delong(y_true, new_pred, old_pred)
    new_auc, old_auc = float(result.aucs[0]), float(result.aucs[1])
    statistic, p_value = _one_sided(new_auc - old_auc, math.sqrt(result.variance), lambda z: ndtr(-z))
    return Comparison("delong", statistic, p_value, new_auc, old_auc, metric.greater_is_better)
