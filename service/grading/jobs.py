"""Grading against a challenge's answer key: at once for /submit, or as a queued job."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import IO

from flask import current_app
from sqlalchemy import select, update

from service.extensions import db
from service.store.models import Challenge, Submission, SubmissionStatus, utcnow
from service.grading.quotas import refund_slot
from scoring import (
    AnswerKey,
    AnswerKeyError,
    ScoreResult,
    SubmissionError,
    load_answer_key,
    score_submission,
)

log = logging.getLogger(__name__)
# Once a submission is finished or failed its record is final: no job may write it again.
OPEN_STATES = (SubmissionStatus.QUEUED, SubmissionStatus.STARTED)
# Files this large (about 200,000 rows) report progress half-way; small ones finish first.
LONG_FILE_BYTES = 5_000_000


def default_answer_key() -> AnswerKey:
    """The answer key of the default challenge, read once per process (again if the file changes)."""
    return load_answer_key(current_app.config["SETTINGS"].answer_key_path)


def answer_key_of(challenge: Challenge) -> AnswerKey:
    return load_answer_key(challenge.answer_key_path or current_app.config["SETTINGS"].answer_key_path)


def grade_upload(stream: IO[bytes]) -> ScoreResult:
    """Score an uploaded CSV now; raises `SubmissionError` for a bad file."""
    return score_submission(stream.read(), default_answer_key())


def run_grading(submission_id: int) -> None:
    """Grade a stored submission and record the outcome; a no-op once it is finished or failed."""
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.status not in OPEN_STATES:
        return
    submission.status, submission.started_at = SubmissionStatus.STARTED, utcnow()
    submission.attempts += 1
    submission.progress = 0.1
    db.session.commit()
    key = answer_key_of(submission.challenge)
    on_parsed = None
    if submission.size_bytes >= LONG_FILE_BYTES:
        on_parsed = lambda: _set_progress(submission_id, 0.7)  # noqa: E731 - validation is most of the work
    try:
        result = score_submission(submission.content, key, on_parsed=on_parsed)
    except SubmissionError as error:
        _close(submission_id, SubmissionStatus.FAILED, problems=[p.as_dict() for p in error.problems],
               error=f"{error.title}: {error.detail}")  # fmt: skip
        return
    _close(
        submission_id,
        SubmissionStatus.FINISHED,
        public_score=result.public_auc,
        private_score=result.private_auc,
    )


def fail_submission(submission_id: int, reason: str) -> None:
    """Mark a submission failed for a platform reason, unless it was already closed."""
    _close(submission_id, SubmissionStatus.FAILED, error=reason)


def _set_progress(submission_id: int, progress: float) -> None:
    db.session.execute(update(Submission).where(Submission.id == submission_id).values(progress=progress))
    db.session.commit()


def _close(submission_id: int, status: SubmissionStatus, **values) -> bool:
    """Close an open submission in one conditional UPDATE, so a duplicate run can never score twice."""
    closed = db.session.execute(
        update(Submission)
        .where(Submission.id == submission_id, Submission.status.in_(OPEN_STATES))
        .values(status=status, finished_at=utcnow(), progress=1.0, **values)
    ).rowcount
    if closed and status is SubmissionStatus.FAILED:
        refund_slot(submission_id)  # an invalid file or a platform failure costs no slot
    db.session.commit()
    return bool(closed)


def requeue_lost_submissions(queue, older_than_seconds: int) -> list[int]:
    """Reconcile open submissions with the queue; the store is the system of record.

    A submission whose job Redis no longer has (Redis restarted empty) is enqueued again;
    one whose job failed for good without closing it (a killed worker) is marked failed.
    """
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    candidates = db.session.scalars(
        select(Submission.id).where(Submission.status.in_(OPEN_STATES), Submission.created_at < cutoff)
    ).all()
    requeued = []
    for submission_id in candidates:
        state = queue.job_state(submission_id)
        if state is None:
            log.warning("submission %s had no job in the queue: enqueued again", submission_id)
            queue.enqueue(submission_id)
            requeued.append(submission_id)
        elif state in ("failed", "stopped", "canceled"):
            fail_submission(submission_id, "the worker grading it was lost; the submission was not counted")
    return requeued


def preload_answer_keys() -> None:
    """Load every challenge's answer key now, so that jobs do not read them again."""
    for challenge in db.session.scalars(select(Challenge)):
        try:
            answer_key_of(challenge)
        except AnswerKeyError as exc:
            log.error("challenge %s cannot be graded: %s", challenge.slug, exc)
