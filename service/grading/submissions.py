"""Accepting a queued submission and showing it to the people allowed to see it."""

from __future__ import annotations

import hashlib
import logging

from flask import request
from flask_jwt_extended import current_user, get_current_user, verify_jwt_in_request
from flask_jwt_extended.exceptions import JWTExtendedException
from jwt.exceptions import PyJWTError
from redis.exceptions import RedisError
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError

from service.errors import NotFound, ServiceError
from service.extensions import db
from service.store.models import Challenge, Role, Submission, SubmissionStatus, User
from service.grading.queue import grading_queue
from service.grading.quotas import quota_headers, quota_status, reserve_slot
from scoring import require_text
from service.store.tenancy import scoped

log = logging.getLogger(__name__)


class IdempotencyConflict(ServiceError):
    status, title = 422, "Idempotency key reused"


def challenge_for(user: User, slug: str | None) -> Challenge:
    """The named challenge of the user's tenant, or its default one."""
    query = scoped(Challenge).order_by(Challenge.id)
    if slug is not None:
        query = query.where(Challenge.slug == slug)
    # `scoped` lets the operator see every tenant; a submission goes to the user's own.
    challenge = db.session.scalar(query.where(Challenge.tenant_id == user.tenant_id))
    if challenge is None:
        raise NotFound(f"no challenge {slug!r} in your class")
    return challenge


def accept_submission(
    user: User, challenge: Challenge, filename: str, content: bytes, idempotency_key: str | None
) -> tuple[Submission, bool]:
    """Store the upload as a queued submission, then enqueue its id.

    Answers (submission, created). A retry with the same idempotency key answers the
    first submission; the same key with another file is refused.
    """
    require_text(content)  # the cheap check; the worker reports every other problem
    digest = hashlib.sha256(content).hexdigest()
    if idempotency_key is not None:
        earlier = _by_idempotency_key(user, idempotency_key)
        if earlier is not None:
            return _same_file_or_refuse(earlier, digest), False
    resent = _earlier_result_of_same_file(user, challenge, digest)
    if resent is not None:
        return resent, False  # the same file again: its result, and no slot spent
    quota_day = reserve_slot(user, challenge)
    submission = Submission(
        tenant_id=user.tenant_id, user_id=user.id, challenge_id=challenge.id, filename=filename[:255],
        content=content, sha256=digest, size_bytes=len(content), idempotency_key=idempotency_key,
        quota_day=quota_day,
    )  # fmt: skip
    db.session.add(submission)
    try:
        db.session.commit()  # a row before a job: a lost message can be re-enqueued from the store
    except IntegrityError:
        db.session.rollback()
        if idempotency_key is None:
            raise
        # The same key raced in from a parallel retry: answer the submission that won.
        return _same_file_or_refuse(_by_idempotency_key(user, idempotency_key), digest), False
    try:
        grading_queue().enqueue(submission.id)
    except RedisError:
        # Accepted all the same: the row is stored, and workers' maintenance (or
        # `flask jobs requeue`) enqueues open submissions that Redis does not have.
        log.warning("Redis unreachable: submission %s stays queued in the store", submission.id)
    return submission, True


def _earlier_result_of_same_file(user: User, challenge: Challenge, digest: str) -> Submission | None:
    """An earlier submission of these exact bytes, unless the platform failed it (then it is regraded)."""
    platform_failure = (Submission.status == SubmissionStatus.FAILED) & Submission.problems.is_(None)
    return db.session.scalar(
        select(Submission)
        .where(
            Submission.user_id == user.id,
            Submission.challenge_id == challenge.id,
            Submission.sha256 == digest,
        )
        .where(~platform_failure)
        .order_by(Submission.id)
    )


def _by_idempotency_key(user: User, key: str) -> Submission | None:
    return db.session.scalar(
        select(Submission).where(Submission.user_id == user.id, Submission.idempotency_key == key)
    )


def _same_file_or_refuse(earlier: Submission, digest: str) -> Submission:
    if earlier.sha256 != digest:
        raise IdempotencyConflict("this Idempotency-Key was used for a different file; use a new key")
    return earlier


def with_quota_headers(response):
    """Add the signed-in student's quota for the requested challenge, when there is one to tell."""
    try:
        user = get_current_user()  # verified already by the route
    except RuntimeError:  # refused before the route ran (a rate limit): verify here
        try:
            verify_jwt_in_request(optional=True)
        except (JWTExtendedException, PyJWTError):
            return response  # a refused token has no quota to tell
        user = get_current_user()
    if user is None or user.tenant_id is None:
        return response
    slug = request.form.get("challenge") or request.args.get("challenge")
    try:
        response.headers.update(quota_headers(quota_status(user, challenge_for(user, slug))))
    except NotFound:
        pass  # an unknown challenge: the answer already says so
    return response


def visible_submissions() -> Select:
    """Submissions the signed-in user may read: their own (students), their tenant's (teachers)."""
    query = scoped(Submission)
    if current_user.role is Role.STUDENT:
        query = query.where(Submission.user_id == current_user.id)
    return query


def get_visible_submission(submission_id: int) -> Submission:
    submission = db.session.scalar(visible_submissions().where(Submission.id == submission_id))
    if submission is None:
        raise NotFound(f"no job {submission_id}")
    return submission


def may_see_private_score(submission: Submission) -> bool:
    return submission.challenge.private_visible_to(current_user)


def score_history() -> list[dict]:
    """The signed-in user's finished submissions, grouped by challenge, oldest first."""
    finished = db.session.scalars(
        visible_submissions()
        .where(Submission.user_id == current_user.id, Submission.status == SubmissionStatus.FINISHED)
        .order_by(Submission.created_at, Submission.id)
    ).all()
    history: dict[str, dict] = {}
    for submission in finished:
        entry = history.setdefault(
            submission.challenge.slug,
            {"challenge": submission.challenge.slug, "scores": [], "best_public_score": None},
        )
        entry["scores"].append({
            "job_id": submission.id,
            "submitted_at": submission.created_at,
            "public_score": submission.public_score,
            "private_score": submission.private_score if may_see_private_score(submission) else None,
        })  # fmt: skip
        if submission.public_score is not None:
            entry["best_public_score"] = max(entry["best_public_score"] or 0.0, submission.public_score)
    return list(history.values())
