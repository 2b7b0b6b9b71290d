"""The ROC curve of a set of scores, small enough to draw in a browser."""

from __future__ import annotations

import numpy as np

MAX_CURVE_POINTS = 200


def roc_curve_points(
    labels: np.ndarray, scores: np.ndarray, max_points: int | None = MAX_CURVE_POINTS
) -> tuple[np.ndarray, np.ndarray]:
    """False and true positive rates at every distinct threshold, from (0, 0) to (1, 1).

    With `max_points`, at most that many points of the exact curve are kept, spread
    evenly along its length, so a steep start and a long flat tail are both drawn.
    Raises ValueError when `labels` lack a class (the curve does not exist).
    """
    scores = np.asarray(scores, dtype=np.float64)
    is_positive = np.asarray(labels) == 1
    n_pos = int(is_positive.sum())
    n_neg = len(scores) - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("a ROC curve needs both positive and negative labels")
    order = np.argsort(-scores, kind="stable")
    sorted_scores, sorted_positive = scores[order], is_positive[order]
    # A threshold between two distinct scores; tied scores move the curve in one step.
    last_of_each_score = np.r_[np.flatnonzero(np.diff(sorted_scores)), len(scores) - 1]
    true_positives = np.cumsum(sorted_positive)[last_of_each_score]
    false_positives = last_of_each_score + 1 - true_positives
    fpr = np.r_[0.0, false_positives / n_neg]
    tpr = np.r_[0.0, true_positives / n_pos]
    if max_points is None or len(fpr) <= max_points:
        return fpr, tpr
    return _spread_along_the_curve(fpr, tpr, max_points)


def _spread_along_the_curve(
    fpr: np.ndarray, tpr: np.ndarray, max_points: int
) -> tuple[np.ndarray, np.ndarray]:
    # Both rates only grow, so |dx| + |dy| measures the curve's length; it totals 2.
    travelled = np.r_[0.0, np.cumsum(np.diff(fpr) + np.diff(tpr))]
    targets = np.linspace(0.0, travelled[-1], max_points)
    kept = np.unique(np.searchsorted(travelled, targets, side="left").clip(0, len(fpr) - 1))
    kept = np.unique(np.r_[0, kept, len(fpr) - 1])
    return fpr[kept], tpr[kept]
