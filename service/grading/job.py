"""The grading job: score a stored submission against its challenge's key and record the outcome."""

from __future__ import annotations

from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from scoring import ScoreResult, SubmissionError, parse_submission, score_submission
from scoring.score import score_in_key_order
from service.challenges.answer_keys import answer_key_of, default_answer_key
from service.extensions import db
from service.grading import lifecycle
from service.integrity.trace import findings_of, keep_trace
from service.store.models import Submission
from service.store.uploads import read_upload

# Files this large (about 200,000 rows) report progress half-way; small ones finish first.
LONG_FILE_BYTES = 5_000_000
# What a rejected job stores must fit its columns on every database (VARCHAR(n) on PostgreSQL).
ERROR_CHARS = Submission.__table__.c.error.type.length


def grade_practice_upload(stream: IO[bytes]) -> ScoreResult:
    """Score an upload now against the open practice key (/submit); raises `SubmissionError`."""
    return score_submission(stream.read(), default_answer_key())


def grade(submission_id: int) -> None:
    """Grade a stored submission and record its scores or problems; a no-op once it is closed."""
    if not lifecycle.start(submission_id):
        return
    # The row and its challenge in one read; its file on its own (in binary on PostgreSQL).
    submission = db.session.scalars(
        select(Submission).where(Submission.id == submission_id).options(joinedload(Submission.challenge))
    ).one()
    key = answer_key_of(submission.challenge)
    on_parsed = None
    if submission.size_bytes >= LONG_FILE_BYTES:
        # Validation is most of the work: say so once it is done.
        on_parsed = lambda: lifecycle.report_progress(submission_id, 0.7)  # noqa: E731
    try:
        parsed = parse_submission(read_upload(submission_id), key)
        if on_parsed is not None:
            on_parsed()
        predictions = parsed.in_key_order(len(key))  # scored, compared and kept in this order
        result = score_in_key_order(predictions, key)
    except SubmissionError as error:
        # At most MAX_LISTED_PROBLEMS problems, each message bounded (scoring.errors): the JSON is small.
        problems = [p.as_dict() for p in error.problems]
        lifecycle.reject(submission_id, problems, fit(f"{error.title}: {error.detail}", ERROR_CHARS))
        return
    findings = findings_of(submission, key, predictions, result.public_score)
    lifecycle.finish(submission_id, result.public_score, result.private_score, findings.columns(),
                     then=lambda: keep_trace(submission, key, predictions))  # fmt: skip


def fit(text: str, size: int) -> str:
    """`text` cut to at most `size` characters, with an ellipsis when cut."""
    return text if len(text) <= size else text[: size - 1] + "…"
