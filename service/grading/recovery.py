"""Reconciling open submissions with the queue: the store is the system of record."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from service.extensions import db
from service.grading import lifecycle
from service.store.models import Submission, utcnow

log = logging.getLogger(__name__)


def requeue_lost_submissions(queue, older_than_seconds: int) -> list[int]:
    """Enqueue again the open submissions whose job Redis lost; fail those whose job died for good.

    A submission whose job Redis no longer has (Redis restarted empty) is enqueued again;
    one whose job failed for good without closing it (a killed worker) is marked failed.
    """
    cutoff = utcnow() - timedelta(seconds=older_than_seconds)
    candidates = db.session.scalars(
        select(Submission.id).where(
            Submission.status.in_(lifecycle.OPEN_STATES), Submission.created_at < cutoff
        )
    ).all()
    requeued = []
    for submission_id in candidates:
        state = queue.job_state(submission_id)
        if state is None:
            log.warning("submission %s had no job in the queue: enqueued again", submission_id)
            queue.enqueue(submission_id)
            requeued.append(submission_id)
        elif state in ("failed", "stopped", "canceled"):
            lifecycle.fail(submission_id, "the worker grading it was lost; the submission was not counted")
    return requeued
