"""Scoring a submission file: the one function every entry point calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .answer_key import AnswerKey
from .metrics import roc_auc_split
from .submission import parse_submission

METRIC = "roc_auc"


@dataclass(frozen=True)
class ScoreResult:
    """ROC AUC over all answer-key rows, and over its Public and Private rows."""

    auc: float
    public_auc: float | None
    private_auc: float | None
    rows: int
    metric: str = METRIC


def score_submission(data: bytes, key: AnswerKey, on_parsed: Callable[[], None] | None = None) -> ScoreResult:
    """Validate the CSV bytes against the answer key and score them.

    Raises `SubmissionError` (or its `NotTextError`) with the problems found. `on_parsed`
    is called between validation (most of the time) and scoring, to report progress.
    """
    submission = parse_submission(data, key)
    if on_parsed is not None:
        on_parsed()
    labels = key.labels[submission.key_rows]
    public = key.public[submission.key_rows]
    auc, public_auc, private_auc = roc_auc_split(labels, submission.probabilities, public)
    return ScoreResult(
        auc=auc,
        public_auc=_finite_or_none(public_auc),
        private_auc=_finite_or_none(private_auc),
        rows=len(labels),
    )


def _finite_or_none(value: float) -> float | None:
    # A split with one class (or no rows) has no AUC; say so rather than send NaN.
    return None if value != value else value
