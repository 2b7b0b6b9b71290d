"""Scoring a submission file: the one function every entry point calls."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .answer_key import AnswerKey
from .strict import Submission
from .submission import parse_submission


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
    rows = submission.key_rows
    # A valid submission names every key row once: its predictions put in key order meet the key's
    # own arrays, one scatter instead of a gather of the targets and of the Public marks.
    in_key_order = np.empty_like(submission.predictions)
    in_key_order[rows] = submission.predictions
    everything, public, private = key.metric.score_split(key.parts, in_key_order)
    return ScoreResult(
        score=_finite_or_none(everything),
        public_score=_finite_or_none(public),
        private_score=_finite_or_none(private),
        rows=len(rows),
        metric=key.metric.name,
    )


def _finite_or_none(value: float) -> float | None:
    # A part with one class (or no rows) has no AUC; say so rather than send NaN.
    return None if value != value else float(value)
