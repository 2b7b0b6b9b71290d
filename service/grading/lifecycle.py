"""The one state machine of a submission; every transition is one conditional UPDATE.

    queued -> started -> finished    scored; counts against the daily quota
                      -> rejected    not a valid submission: problems listed; its slot is given back
                      -> failed      not graded (worker lost, timeout, store error); slot given back,
                                     unless the same file failed before (see `fail`)

A transition names the states it may start from, so a duplicate job or a late retry finds
nothing to update and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time

from sqlalchemy import bindparam, exists, or_, update

from service.extensions import db
from service.grading.quotas import refund_slot
from service.results.standings import record_finished
from service.store.built_once import built_once, table_of, update_loaded_row
from service.store.models import Submission, SubmissionStatus, utcnow

# Once a submission is finished, rejected or failed its record is final.
OPEN_STATES = (SubmissionStatus.QUEUED, SubmissionStatus.STARTED)
# Closing states that give the quota slot back: the student is not charged for them.
REFUNDED_STATES = (SubmissionStatus.REJECTED, SubmissionStatus.FAILED)
STARTED_PROGRESS = 0.1


def start(submission_id: int) -> bool:
    """queued/started -> started (a retry starts again); False when it is already closed."""
    started = db.session.execute(
        _start_statement(),
        {"submission_id": submission_id, "status": SubmissionStatus.STARTED, "started_at": utcnow(),
         "progress": STARTED_PROGRESS},
    ).rowcount  # fmt: skip
    db.session.commit()
    return bool(started)


def report_progress(submission_id: int, progress: float) -> None:
    """Record how far an open submission's grading has come."""
    _transition(submission_id, progress=progress)


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


def fail(submission_id: int, reason: str, platform_fault: bool = False) -> bool:
    """Not graded. A fault of the platform's own (Redis or the store unreachable) never costs the
    student a slot. Any other (out of time, grading raised, worker lost) may be the file's: it is
    forgiven once, and counts as a submission when the same file failed before or another of the
    student's files failed that way today, so that no heavy file is free to send again and again."""
    charged = not platform_fault and _failed_before(submission_id)
    if platform_fault:
        reason += "; not counted"
    elif charged:
        reason += "; this file, or another of yours today, failed before: this one counts as a submission"
    else:
        reason += "; not counted, but a next failure of this file, or of another today, will count"
    return _close(submission_id, SubmissionStatus.FAILED, refund=not charged, error=reason,
                  failure="platform" if platform_fault else "file")  # fmt: skip


def _failed_before(submission_id: int) -> bool:
    """Whether a failure that may have been the file's already struck this student on this
    challenge: with the same bytes, or today (UTC, by when the submissions came)."""
    this = db.session.get(Submission, submission_id)
    today = datetime.combine(this.created_at.date(), time.min)
    same_file_or_today = (
        exists()
        .where(
            Submission.user_id == this.user_id,
            Submission.challenge_id == this.challenge_id,
            Submission.status == SubmissionStatus.FAILED,
            Submission.failure == "file",
            Submission.id != submission_id,
            or_(Submission.sha256 == this.sha256, Submission.created_at >= today),
        )
        .select()
    )
    return bool(db.session.scalar(same_file_or_today))


def _close(
    submission_id: int,
    status: SubmissionStatus,
    then: Callable[[], None] | None = None,
    refund: bool = True,
    **values,
) -> bool:
    closed = _transition(submission_id, commit=False, status=status, finished_at=utcnow(),
                         progress=1.0, **values)  # fmt: skip
    if closed and refund and status in REFUNDED_STATES:
        refund_slot(submission_id)  # in the same transaction as the closing update
    if closed and status is SubmissionStatus.FINISHED:
        record_finished(submission_id)  # the student's standing moves with the same commit
    if closed and then is not None:
        then()
    db.session.commit()
    return closed


def _transition(submission_id: int, commit: bool = True, **values) -> bool:
    """An open submission takes `values`; False when it was closed already."""
    # The UPDATE sets the columns its parameters name, and would skip a name that is none.
    unknown = values.keys() - table_of(Submission).c.keys()
    if unknown:
        raise TypeError(f"not columns of submissions: {sorted(unknown)}")
    changed = db.session.execute(_update_if_open(), {"submission_id": submission_id, **values})
    if changed.rowcount:
        update_loaded_row(Submission, submission_id, values)
    if commit:
        db.session.commit()
    return bool(changed.rowcount)


@built_once
def _update_if_open():
    """UPDATE submissions SET (the columns given when it runs) WHERE id = :submission_id AND it is open."""
    submissions = table_of(Submission)
    return update(submissions).where(
        submissions.c.id == bindparam("submission_id"), submissions.c.status.in_(OPEN_STATES)
    )


@built_once
def _start_statement():
    # The one column whose new value comes from the row itself; the others are bound when it runs.
    return _update_if_open().values(attempts=table_of(Submission).c.attempts + 1)
