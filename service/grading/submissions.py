"""Accepting a queued submission and showing it to the people allowed to see it."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import NamedTuple

from redis.exceptions import RedisError
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.exc import IntegrityError

from scoring import require_text
from service.config import Settings
from service.errors import ChallengeClosed, IdempotencyConflict, InFlightLimit, NotFound, QuotaExceeded
from service.extensions import db
from service.grading import lifecycle
from service.grading.queue import grading_queue
from service.grading.quotas import reserve_slot
from service.store.built_once import built_once, table_of
from service.store.models import Challenge, Role, Submission, SubmissionStatus, User
from service.store.tenancy import select_visible_to
from service.store.uploads import content_to_insert, fill_streamed

log = logging.getLogger(__name__)
IN_FLIGHT_RETRY_SECONDS = 5  # a submission takes about a second to grade


class Accepted(NamedTuple):
    submission: Submission
    created: bool  # False: an earlier submission of the same file (or idempotency key), answered again
    quota: dict | None = None  # the quota as the new submission left it (quota_status's shape)


def accept_submission(
    user: User,
    challenge: Challenge,
    filename: str,
    content: bytes,
    idempotency_key: str | None,
    settings: Settings,
    clock: Callable[[], datetime],
) -> Accepted:
    """Store the upload as a queued submission, then enqueue its id: one transaction, this
    function's own (whatever refuses the upload rolls it back here).

    A retry with the same idempotency key answers the first submission; the same key with
    another file is refused.
    """
    if challenge.closed:
        raise ChallengeClosed(f"challenge {challenge.slug} is closed: the teacher takes no more uploads")
    require_text(content)  # the cheap check; the worker reports every other problem
    digest = hashlib.sha256(content).hexdigest()
    if idempotency_key is not None:
        earlier = _by_idempotency_key(user, idempotency_key)
        if earlier is not None:
            return Accepted(_same_file_or_refuse(earlier, digest), False)
    resent = _earlier_result_of_same_file(user, challenge, digest)
    if resent is not None:
        return Accepted(resent, False)  # the same file again: its result, and no slot spent
    try:
        quota_day, quota = reserve_slot(user, challenge, clock(), settings.daily_submission_quota)
        # After the slot: its row lock serialises this student's uploads.
        _refuse_past_the_in_flight_limit(user, settings.max_submissions_in_flight)
    except (QuotaExceeded, InFlightLimit):
        db.session.rollback()  # the slot just taken, if any, goes back with the transaction
        raise
    # Read under the slot's row lock: one student's uploads are stored in the order they are sent.
    received = clock().astimezone(UTC).replace(tzinfo=None)  # the store keeps naive UTC
    submission = Submission(  # its user and challenge objects, so that the answer reads no row after the commit
        tenant_id=user.tenant_id, user=user, challenge=challenge, filename=filename[:255],
        content=content_to_insert(content), sha256=digest, size_bytes=len(content), idempotency_key=idempotency_key,
        quota_day=quota_day, created_at=received, late=challenge.late_at(received),
    )  # fmt: skip
    db.session.add(submission)
    try:
        db.session.flush()
        fill_streamed(submission.id, content)
        _commit_keeping_what_was_read()  # a row before a job: a lost message can be re-enqueued from the store
    except IntegrityError:
        db.session.rollback()
        if idempotency_key is None:
            raise
        # The same key raced in from a parallel retry: answer the submission that won.
        return Accepted(_same_file_or_refuse(_by_idempotency_key(user, idempotency_key), digest), False)
    try:
        grading_queue().enqueue(submission.id)
    except RedisError:
        # Accepted all the same: the row is stored, and workers' maintenance (or
        # `flask jobs requeue`) enqueues open submissions that Redis does not have.
        log.warning("Redis unreachable: submission %s stays queued in the store", submission.id)
    return Accepted(submission, True, quota)


def _commit_keeping_what_was_read() -> None:
    """Commit without expiring the objects the request holds: the answer is written from the row just
    stored, its user and its challenge. Reading them back would cost queries, and a store lost
    right after the commit would turn an accepted upload's answer into a 503."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def _refuse_past_the_in_flight_limit(user: User, limit: int) -> None:
    """One student's uploads wait for their earlier ones: the queue stays shared fairly by the class."""
    in_flight = db.session.scalar(_in_flight(), {"student_id": user.id})
    if in_flight >= limit:
        raise InFlightLimit(
            f"you have {in_flight} submissions being graded; send the next one once one has finished",
            retry_after=IN_FLIGHT_RETRY_SECONDS,
        )


@built_once
def _in_flight():
    submissions = table_of(Submission)
    return (
        select(func.count())
        .select_from(submissions)
        .where(
            submissions.c.user_id == bindparam("student_id"), submissions.c.status.in_(lifecycle.OPEN_STATES)
        )
    )


def _earlier_result_of_same_file(user: User, challenge: Challenge, digest: str) -> Submission | None:
    """An earlier submission of these exact bytes, unless the platform failed it (then it is regraded)."""
    found = db.session.scalar(
        _same_file(), {"student_id": user.id, "for_challenge_id": challenge.id, "digest": digest}
    )
    return None if found is None else db.session.get(Submission, found)


@built_once
def _same_file():
    submissions = table_of(Submission)
    return (
        select(submissions.c.id)
        .where(
            submissions.c.user_id == bindparam("student_id"),
            submissions.c.challenge_id == bindparam("for_challenge_id"),
            submissions.c.sha256 == bindparam("digest"),
            submissions.c.status != SubmissionStatus.FAILED,
        )
        .order_by(submissions.c.id)
        .limit(1)
    )


def _by_idempotency_key(user: User, key: str) -> Submission | None:
    found = db.session.scalar(_with_idempotency_key(), {"student_id": user.id, "key": key})
    return None if found is None else db.session.get(Submission, found)


@built_once
def _with_idempotency_key():
    submissions = table_of(Submission)
    return select(submissions.c.id).where(
        submissions.c.user_id == bindparam("student_id"), submissions.c.idempotency_key == bindparam("key")
    )


def _same_file_or_refuse(earlier: Submission, digest: str) -> Submission:
    if earlier.sha256 != digest:
        raise IdempotencyConflict("this Idempotency-Key was used for a different file; use a new key")
    return earlier


def visible_submissions(user: User) -> Select:
    """Submissions the user may read: their own (students), their tenant's (teachers)."""
    query = select_visible_to(Submission, user)
    if user.role is Role.STUDENT:
        query = query.where(Submission.user_id == user.id)
    return query


def get_visible_submission(submission_id: int, user: User) -> Submission:
    submission = db.session.scalar(visible_submissions(user).where(Submission.id == submission_id))
    if submission is None:
        raise NotFound(f"no job {submission_id}")
    return submission
