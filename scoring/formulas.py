"""The metrics' arithmetic: each scores one part's rows with plain NumPy, matching scikit-learn.

Callers hand over clean arrays (see `Metric.target` and `Metric.prediction`), so nothing here
validates. Every metric is NaN on no rows, and where it has no meaning (see each function).
What each metric is made of (which function scores it, its per-row loss...) is declared in
`metrics.py`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .key_parts import KeyParts, Parts, Split, dot

NAN = float("nan")


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """ROC AUC of `scores` for binary `labels` (1 = positive); NaN when a class is absent."""
    scores = np.asarray(scores, dtype=np.float64)
    is_positive = np.asarray(labels) == 1
    return _auc_of_sorted(np.sort(scores), np.sort(scores[is_positive]))


def roc_auc_split(parts: KeyParts, scores: np.ndarray) -> Parts:
    """ROC AUC over all rows, over the Public rows, and over the Private ones.

    Each part is sorted once; the whole is their merge, which timsort (numpy's stable
    sort for floats) does in linear time because it finds the two sorted runs.
    """
    scores = np.asarray(scores, dtype=np.float64)
    (first, second), (first_pos, second_pos) = (
        [np.sort(scores.take(rows)) for rows in part_rows] for part_rows in (parts.rows, parts.positive_rows)
    )
    merged = np.sort(np.concatenate([first, second]), kind="stable")
    merged_pos = np.sort(np.concatenate([first_pos, second_pos]), kind="stable")
    return (
        _auc_of_sorted(merged, merged_pos),
        _auc_of_sorted(first, first_pos),
        _auc_of_sorted(second, second_pos),
    )


def _auc_of_sorted(sorted_scores: np.ndarray, sorted_positive_scores: np.ndarray) -> float:
    """Mann-Whitney U: the rank sum of the positives among all scores.

    Only the scores are sorted (no argsort) and the few positives are located by binary
    search, which is faster than sklearn's curve-based computation; the arithmetic stays
    in exact integers until the final division.
    """
    n_pos = len(sorted_positive_scores)
    n_neg = len(sorted_scores) - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    # Rows [below, up_to) share a positive's score: its average 1-based rank is
    # (below + 1 + up_to) / 2, so twice the rank is an integer.
    below = np.searchsorted(sorted_scores, sorted_positive_scores, side="left")
    up_to = np.searchsorted(sorted_scores, sorted_positive_scores, side="right")
    twice_rank_sum = int(below.sum(dtype=np.int64) + up_to.sum(dtype=np.int64)) + n_pos
    twice_u = twice_rank_sum - n_pos * (n_pos + 1)
    return twice_u / (2 * n_pos * n_neg)


# sklearn clips probabilities to [eps, 1 - eps] with eps the machine epsilon of the input's
# dtype (2.2e-16 for float64), after turning p into the pair (1 - p, p): a confidently wrong
# row costs -log(eps) = 36.04 rather than infinity, and a perfect row costs 2.2e-16, not 0.
_EPS = float(np.finfo(np.float64).eps)


def log_loss(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean negative log of the probability given to each row's true label (sklearn's `log_loss`)."""
    if len(y_true) == 0:
        return NAN
    return float(log_loss_rows(y_true, y_pred).mean())


# Per-row losses, lower is better: the metrics below are means of them (or roots of those means);
# the Ladder's paired test compares them row by row.
def log_loss_rows(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    given_to_truth = np.where(y_true == 1, y_pred, 1.0 - y_pred)
    np.clip(given_to_truth, _EPS, 1.0 - _EPS, out=given_to_truth)
    return np.negative(np.log(given_to_truth, out=given_to_truth), out=given_to_truth)


def squared_error(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    error = y_pred - y_true
    with np.errstate(over="ignore"):  # an error beyond 1e154 squares to inf, as sklearn's does
        return np.multiply(error, error, out=error)


def absolute_error(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    error = y_pred - y_true
    return np.abs(error, out=error)


def squared_log_error(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    return squared_error(np.log1p(y_true), np.log1p(y_pred))


def misses(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    return (y_true != y_pred).astype(np.float64)


def hits(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    return (y_true == y_pred).astype(np.float64)


def mean_of_rows(per_row: Callable, finish: Callable[[float], float] = float) -> Split:
    """All three parts of a metric that is (a function of) the mean of a per-row value, in one pass
    over the rows (see `KeyParts.sums`)."""

    def split(parts: KeyParts, y_pred: np.ndarray) -> Parts:
        sums = parts.sums(per_row(parts.targets, y_pred))
        return tuple(finish(part / count) if count else NAN for part, count in zip(sums, parts.counts))

    return split


def brier(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean squared gap between the probability and the 0/1 label (sklearn's `brier_score_loss`)."""
    return _mean_square(y_pred - y_true)


def average_precision(y_true: np.ndarray, y_score: np.ndarray) -> float:
    """Precision averaged over the recall steps, one threshold per distinct score; NaN unless both
    classes are present (sklearn would give 0.0 with no positives and 1.0 with no negatives).

    Like `roc_auc`, it sorts the scores and the positives' scores instead of an argsort (faster):
    at a positive score s, the rows scoring >= s and the positives scoring >= s are binary searches.
    """
    is_positive = y_true == 1
    positives = np.sort(y_score[is_positive])
    n_pos = len(positives)
    if n_pos == 0 or n_pos == len(y_true):
        return NAN
    ranked = np.sort(y_score)
    # Each distinct positive score is a threshold where recall steps up by its positives' share.
    first = np.flatnonzero(np.concatenate(([True], positives[1:] != positives[:-1])))
    steps = np.diff(first, append=n_pos)
    true_at_or_above = n_pos - first
    rows_at_or_above = len(ranked) - np.searchsorted(ranked, positives[first], side="left")
    return dot(steps.astype(np.float64), true_at_or_above / rows_at_or_above) / n_pos


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Share of rows whose predicted class code is the true one (sklearn's `accuracy_score`)."""
    if len(y_true) == 0:
        return NAN
    return np.count_nonzero(y_true == y_pred) / len(y_true)


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Unweighted mean F1 over the classes present in this part's truth or predictions
    (sklearn's `f1_score(average="macro")`)."""
    return macro_f1_of(_class_tally(y_true, y_pred))


def macro_f1_of(tally: ClassTally) -> float:
    # A present class always has a true or a predicted row, so its F1 = 2 tp / (true + predicted)
    # never divides by zero: `zero_division` never applies.
    true_count, pred_count, hits = tally
    if not true_count.any():
        return NAN
    either = true_count + pred_count
    present = either > 0
    return float(np.mean(2.0 * hits[present] / either[present]))


def mcc(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Matthews correlation, multiclass form (sklearn's `matthews_corrcoef`); 0.0 when the truth
    or the predictions are a single class, as sklearn returns when the denominator is zero."""
    return mcc_of(_class_tally(y_true, y_pred))


def mcc_of(tally: ClassTally) -> float:
    true_count, pred_count, hits = tally
    n = int(true_count.sum())
    if n == 0:
        return NAN
    # Exact integers while n**2 fits in int64 (n up to 3e9); floats only for the final ratio.
    cov_true_pred = int(hits.sum()) * n - int(np.dot(true_count, pred_count))
    cov_pred_pred = n * n - int(np.dot(pred_count, pred_count))
    cov_true_true = n * n - int(np.dot(true_count, true_count))
    if cov_pred_pred == 0 or cov_true_true == 0:
        return 0.0
    return cov_true_pred / (math.sqrt(cov_pred_pred) * math.sqrt(cov_true_true))


ClassTally = tuple[np.ndarray, np.ndarray, np.ndarray]  # per class code: true rows, predicted, both


def _class_tally(y_true: np.ndarray, y_pred: np.ndarray) -> ClassTally:
    """Rows per class code in the truth, in the predictions and in both, as long as the largest code."""
    k = int(max(y_true.max(), y_pred.max())) + 1 if len(y_true) else 0
    hits = np.bincount(y_true[y_true == y_pred], minlength=k)
    return np.bincount(y_true, minlength=k), np.bincount(y_pred, minlength=k), hits


def tallied(of: Callable[[ClassTally], float]) -> Split:
    """All three parts of a metric of the class tally, counted once: each row's class code is
    offset by its part (Private first, then Public) and counted in one `bincount` per tally."""

    def split(parts: KeyParts, y_pred: np.ndarray) -> Parts:
        y_true = parts.targets
        k = int(max(y_true.max(), y_pred.max())) + 1
        offset = parts.public.astype(np.int64) * k  # Private rows count in [0, k), Public in [k, 2k)
        true_code, pred_code = y_true + offset, y_pred + offset
        counts = [
            np.bincount(codes, minlength=2 * k).reshape(2, k)
            for codes in (true_code, pred_code, true_code[y_true == y_pred])
        ]
        everything = tuple(count.sum(axis=0) for count in counts)
        return of(everything), of(tuple(c[1] for c in counts)), of(tuple(c[0] for c in counts))

    return split


def rmse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Root mean squared error (sklearn's `root_meansquared_error`)."""
    return math.sqrt(_mean_square(y_pred - y_true))


def mae(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean absolute error (sklearn's `meanabsolute_error`)."""
    if len(y_true) == 0:
        return NAN
    return float(np.abs(y_pred - y_true).mean())


def r2(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Coefficient of determination (sklearn's `r2_score`); NaN below two rows, and for a constant
    target 1.0 if every prediction is exact, else 0.0 (sklearn's `force_finite`)."""
    if len(y_true) < 2:
        return NAN
    error = y_true - y_pred
    residual = dot(error, error)
    spread = y_true - y_true.mean()
    total = dot(spread, spread)
    # The mean of a constant column can be an ulp off (0.1 three times averages to
    # 0.10000000000000002), which would leave a tiny `total` and an r2 near -1e33; an exact
    # test for a constant target keeps the force_finite rule.
    return _r2_of(residual, total, bool(y_true.min() == y_true.max()), len(y_true))


def r2_split(parts: KeyParts, y_pred: np.ndarray) -> Parts:
    """R² of all three parts in one pass over the predictions: the targets' spread is the key's own."""
    residuals = parts.sums(squared_error(parts.targets, y_pred))
    return tuple(
        _r2_of(residual, total, constant, count)
        for residual, (total, constant), count in zip(residuals, parts.target_spreads, parts.counts)
    )


def _r2_of(residual: float, total: float, constant: bool, count: int) -> float:
    if count < 2:
        return NAN
    if total == 0.0 or constant:  # see `r2`
        return 1.0 if residual == 0.0 else 0.0
    return 1.0 - residual / total


def rmsle(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Root mean squared error of log(1 + value) (sklearn's `root_meansquared_log_error`)."""
    return math.sqrt(_mean_square(np.log1p(y_pred) - np.log1p(y_true)))


def _mean_square(error: np.ndarray) -> float:
    """Mean of the squared errors in one pass (a dot product needs no squared copy); NaN on none."""
    if len(error) == 0:
        return NAN
    return dot(error, error) / len(error)
