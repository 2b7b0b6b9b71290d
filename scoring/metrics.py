"""The metric menu: each metric scores one part's rows with plain NumPy, matching scikit-learn.

Callers hand over clean arrays (see `Metric.target` and `Metric.prediction`), so nothing here
validates. Every metric is NaN on no rows, and where it has no meaning (see each function).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Parts = tuple[float, float, float]  # (all rows, public rows, private rows)
Split = Callable[[np.ndarray, np.ndarray, np.ndarray], Parts]
NAN = float("nan")


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float:
    """ROC AUC of `scores` for binary `labels` (1 = positive); NaN when a class is absent."""
    scores = np.asarray(scores, dtype=np.float64)
    is_positive = np.asarray(labels) == 1
    return _auc_of_sorted(np.sort(scores), np.sort(scores[is_positive]))


def roc_auc_split(labels: np.ndarray, scores: np.ndarray, in_first: np.ndarray) -> tuple[float, float, float]:
    """ROC AUC over all rows, over the rows where `in_first`, and over the others.

    Each part is sorted once; the whole is their merge, which timsort (numpy's stable
    sort for floats) does in linear time because it finds the two sorted runs.
    """
    scores = np.asarray(scores, dtype=np.float64)
    is_positive = np.asarray(labels) == 1
    parts = []
    for mask in (in_first, ~in_first):
        parts.append((np.sort(scores[mask]), np.sort(scores[mask & is_positive])))
    (first, first_pos), (second, second_pos) = parts
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
    return np.multiply(error, error, out=error)


def absolute_error(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    error = y_pred - y_true
    return np.abs(error, out=error)


def squared_log_error(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    return squared_error(np.log1p(y_true), np.log1p(y_pred))


def misses(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    return (y_true != y_pred).astype(np.float64)


def _hits(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    return (y_true == y_pred).astype(np.float64)


def _mean_of_rows(per_row: Callable, finish: Callable[[float], float] = float) -> Split:
    """All three parts of a metric that is (a function of) the mean of a per-row value, in one pass
    over the rows: each part's sum is a dot product with its mask, the whole's their sum."""

    def split(y_true: np.ndarray, y_pred: np.ndarray, public: np.ndarray) -> Parts:
        values = per_row(y_true, y_pred)
        rows, public_rows = len(values), int(np.count_nonzero(public))
        weights = public.astype(np.float64)
        in_public = float(np.dot(values, weights))
        # The Private sum is a sum of its own, not the total minus the Public one: that difference
        # cancels catastrophically when a few rows are huge.
        in_private = float(np.dot(values, np.subtract(1.0, weights, out=weights)))
        parts = ((in_public + in_private, rows), (in_public, public_rows), (in_private, rows - public_rows))
        return tuple(finish(part / count) if count else NAN for part, count in parts)

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
    return float(np.dot(steps, true_at_or_above / rows_at_or_above) / n_pos)


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Share of rows whose predicted class code is the true one (sklearn's `accuracy_score`)."""
    if len(y_true) == 0:
        return NAN
    return np.count_nonzero(y_true == y_pred) / len(y_true)


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Unweighted mean F1 over the classes present in this part's truth or predictions
    (sklearn's `f1_score(average="macro")`). A present class always has a true or a predicted
    row, so its F1 = 2 tp / (true + predicted) never divides by zero: `zero_division` never applies.
    """
    if len(y_true) == 0:
        return NAN
    true_count, pred_count = _class_counts(y_true, y_pred)
    hits = np.bincount(y_true[y_true == y_pred], minlength=len(true_count))
    either = true_count + pred_count
    present = either > 0
    return float(np.mean(2.0 * hits[present] / either[present]))


def mcc(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Matthews correlation, multiclass form (sklearn's `matthews_corrcoef`); 0.0 when the truth
    or the predictions are a single class, as sklearn returns when the denominator is zero."""
    n = len(y_true)
    if n == 0:
        return NAN
    true_count, pred_count = _class_counts(y_true, y_pred)
    # Exact integers while n**2 fits in int64 (n up to 3e9); floats only for the final ratio.
    correct = int(np.count_nonzero(y_true == y_pred))
    cov_true_pred = correct * n - int(np.dot(true_count, pred_count))
    cov_pred_pred = n * n - int(np.dot(pred_count, pred_count))
    cov_true_true = n * n - int(np.dot(true_count, true_count))
    if cov_pred_pred == 0 or cov_true_true == 0:
        return 0.0
    return cov_true_pred / (math.sqrt(cov_pred_pred) * math.sqrt(cov_true_true))


def _class_counts(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows per class code in the truth and in the predictions, both as long as the largest code."""
    k = int(max(y_true.max(), y_pred.max())) + 1
    return np.bincount(y_true, minlength=k), np.bincount(y_pred, minlength=k)


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
    residual = float(np.dot(error, error))
    spread = y_true - y_true.mean()
    total = float(np.dot(spread, spread))
    # The mean of a constant column can be an ulp off (0.1 three times averages to
    # 0.10000000000000002), which would leave a tiny `total` and an r2 near -1e33; an exact
    # test for a constant target keeps the force_finite rule.
    if total == 0.0 or y_true.min() == y_true.max():
        return 1.0 if residual == 0.0 else 0.0
    return 1.0 - residual / total


def rmsle(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Root mean squared error of log(1 + value) (sklearn's `root_meansquared_log_error`)."""
    return math.sqrt(_mean_square(np.log1p(y_pred) - np.log1p(y_true)))


def _mean_square(error: np.ndarray) -> float:
    """Mean of the squared errors in one pass (a dot product needs no squared copy); NaN on none."""
    if len(error) == 0:
        return NAN
    return float(np.dot(error, error)) / len(error)


@dataclass(frozen=True)
class Metric:
    """A scoring rule and what it reads: the key's targets and the submission's predictions."""

    name: str  # "roc_auc", ...: its key in METRICS
    title: str  # "ROC AUC", "log loss", ... for people
    greater_is_better: bool
    target: str  # "binary" (key target 0/1), "labels" (any class labels), "numeric"
    prediction: str  # "probability" (a number per row), "label" (a class label per row), "number"
    compute: Callable[[np.ndarray, np.ndarray], float]  # (y_true, y_pred) on one part's rows
    split: Split | None = None  # scores all three parts at once, faster than three `compute` calls

    def score_parts(self, y_true: np.ndarray, y_pred: np.ndarray, public: np.ndarray) -> Parts:
        """(all rows, rows where public, rows where not public); NaN where undefined on a part."""
        public = np.asarray(public, dtype=bool)
        if self.split is not None:
            return self.split(y_true, y_pred, public)
        # Each part's row numbers, then `take`: several times faster than boolean indexing
        # with a scattered mask.
        public_rows, private_rows = np.flatnonzero(public), np.flatnonzero(~public)
        return (
            self.compute(y_true, y_pred),
            self.compute(y_true.take(public_rows), y_pred.take(public_rows)),
            self.compute(y_true.take(private_rows), y_pred.take(private_rows)),
        )


METRICS: dict[str, Metric] = {
    metric.name: metric
    for metric in (
        Metric("roc_auc", "ROC AUC", True, "binary", "probability", roc_auc, split=roc_auc_split),
        Metric(
            "log_loss", "log loss", False, "binary", "probability", log_loss, _mean_of_rows(log_loss_rows)
        ),
        Metric("brier", "Brier score", False, "binary", "probability", brier, _mean_of_rows(squared_error)),
        Metric("average_precision", "average precision", True, "binary", "probability", average_precision),
        Metric("accuracy", "accuracy", True, "labels", "label", accuracy, _mean_of_rows(_hits)),
        Metric("macro_f1", "macro F1", True, "labels", "label", macro_f1),
        Metric("mcc", "Matthews correlation", True, "labels", "label", mcc),
        Metric("rmse", "RMSE", False, "numeric", "number", rmse, _mean_of_rows(squared_error, math.sqrt)),
        Metric("mae", "MAE", False, "numeric", "number", mae, _mean_of_rows(absolute_error)),
        Metric("r2", "R²", True, "numeric", "number", r2),
        Metric(
            "rmsle", "RMSLE", False, "numeric", "number", rmsle, _mean_of_rows(squared_log_error, math.sqrt)
        ),
    )
}


def metric_named(name: str) -> Metric:
    """The metric called `name`; ValueError listing the menu when there is none."""
    try:
        return METRICS[name]
    except KeyError:
        raise ValueError(f"unknown metric {name!r}; choose one of: {', '.join(METRICS)}") from None
