"""ROC AUC by ranks, with tied scores given their average rank (as sklearn does)."""

from __future__ import annotations

import numpy as np


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
