"""The one state machine of a submission; every transition is one conditional UPDATE.

    queued -> started -> finished    scored; counts against the daily quota
                      -> rejected    not a valid submission: problems listed; its slot is given back
                      -> failed      the platform failed (worker lost, timeout, store error); slot given back

A transition names the states it may start from, so a duplicate job or a late retry finds
nothing to update and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import update

from service.extensions import db
from service.grading.quotas import refund_slot
from service.results.standings import record_finished
from service.store.models import Submission, SubmissionStatus, utcnow

# Once a submission is finished, rejected or failed its record is final.
OPEN_STATES = (SubmissionStatus.QUEUED, SubmissionStatus.STARTED)
# Closing states that give the quota slot back: the student is not charged for them.
REFUNDED_STATES = (SubmissionStatus.REJECTED, SubmissionStatus.FAILED)
STARTED_PROGRESS = 0.1


def start(submission_id: int) -> bool:
    """queued/started -> started (a retry starts again); False when it is already closed."""
    return _transition(
        submission_id,
        OPEN_STATES,
        status=SubmissionStatus.STARTED,
        started_at=utcnow(),
        attempts=Submission.attempts + 1,
        progress=STARTED_PROGRESS,
    )


def report_progress(submission_id: int, progress: float) -> None:
    """Record how far an open submission's grading has come."""
    _transition(submission_id, OPEN_STATES, progress=progress)


def finish(
    submission_id: int,
    public_score: float | None,
    private_score: float | None,
    findings: dict | None = None,
    then: Callable[[], None] | None = None,
) -> bool:
    """Scored: `findings` are more of its columns (the Ladder's test...); `then` runs in the same
    transaction, only if this call closed it."""
    return _close(submission_id, SubmissionStatus.FINISHED, then, public_score=public_score,
                  private_score=private_score, **(findings or {}))  # fmt: skip


def reject(submission_id: int, problems: list[dict], reason: str) -> bool:
    """The file is not a valid submission: its problems are kept for the student to fix."""
    return _close(submission_id, SubmissionStatus.REJECTED, problems=problems, error=reason)


def fail(submission_id: int, reason: str) -> bool:
    """The platform could not grade it; the student may send the same file again."""
    return _close(submission_id, SubmissionStatus.FAILED, error=reason)


def _close(
    submission_id: int, status: SubmissionStatus, then: Callable[[], None] | None = None, **values
) -> bool:
    closed = _transition(submission_id, OPEN_STATES, commit=False, status=status, finished_at=utcnow(),
                         progress=1.0, **values)  # fmt: skip
    if closed and status in REFUNDED_STATES:
        refund_slot(submission_id)  # in the same transaction as the closing update
    if closed and status is SubmissionStatus.FINISHED:
        record_finished(submission_id)  # the student's standing moves with the same commit
    if closed and then is not None:
        then()
    db.session.commit()
    return closed


def _transition(submission_id: int, from_states, commit: bool = True, **values) -> bool:
    changed = db.session.execute(
        update(Submission)
        .where(Submission.id == submission_id, Submission.status.in_(from_states))
        .values(**values)
    ).rowcount
    if commit:
        db.session.commit()
    return bool(changed)
