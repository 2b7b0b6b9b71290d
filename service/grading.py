"""Grading an uploaded file against the configured answer key."""

from __future__ import annotations

from typing import IO

from flask import current_app

from .scoring import AnswerKey, ScoreResult, load_answer_key, score_submission


def default_answer_key() -> AnswerKey:
    """The answer key of the default challenge, read once per process."""
    return load_answer_key(current_app.config["SETTINGS"].answer_key_path)


def grade_upload(stream: IO[bytes]) -> ScoreResult:
    """Score an uploaded CSV now; raises `SubmissionError` for a bad file."""
    return score_submission(stream.read(), default_answer_key())
