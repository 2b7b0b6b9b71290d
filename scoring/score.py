"""Scoring a submission file, in two steps: `parse_submission` reads it against the key (or raises
`SubmissionError`), then `score_parsed` scores what it read. `score_submission` does both, for the
callers that need nothing in between (`/submit`, the tests, the benchmarks); the worker calls the two
steps itself, because it keeps what was read for the integrity trace."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .answer_key import AnswerKey
from .reading.strict import Submission
from .submission import parse_submission

_LARGEST = float(np.finfo(np.float64).max)


@dataclass(frozen=True)
class ScoreResult:
    """The key's metric over all answer-key rows, and over its Public and Private rows."""

    score: float | None
    public_score: float | None
    private_score: float | None
    rows: int
    metric: str


def score_submission(data: bytes, key: AnswerKey, on_parsed: Callable[[], None] | None = None) -> ScoreResult:
    """Validate the CSV bytes against the answer key and score them with the key's metric.

    Raises `SubmissionError` (or its `NotTextError`) with the problems found. `on_parsed`
    is called between validation (most of the time) and scoring, to report progress.
    """
    submission = parse_submission(data, key)
    if on_parsed is not None:
        on_parsed()
    return score_parsed(submission, key)


def score_parsed(submission: Submission, key: AnswerKey) -> ScoreResult:
    """Score a submission already validated against `key`."""
    return score_in_key_order(submission.in_key_order(len(key)), key)


def score_in_key_order(predictions: np.ndarray, key: AnswerKey) -> ScoreResult:
    """Score a valid submission's predictions put in the key's row order: they meet the key's own
    arrays, one scatter (`Submission.in_key_order`) instead of a gather of the targets and of the
    Public marks."""
    everything, public, private = key.metric.score_split(key.parts, predictions)
    return ScoreResult(
        score=_finite_or_none(everything, key),
        public_score=_finite_or_none(public, key),
        private_score=_finite_or_none(private, key),
        rows=len(predictions),
        metric=key.metric.name,
    )


def _finite_or_none(value: float, key: AnswerKey) -> float | None:
    """A score, or None where the metric has no value (a part with one class has no AUC); nothing
    non-finite is ever scored, stored or sent.

    `parse_submission` refuses every file whose numeric metric could overflow. Were one to slip
    through, its part scores the worst finite value rather than being refused here: a refusal that
    followed a part's score would tell which rows the part holds."""
    if value != value and key.metric.target != "numeric":
        return None
    if not math.isfinite(value):
        return -_LARGEST if key.metric.greater_is_better else _LARGEST
    return float(value)
