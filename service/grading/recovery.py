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
    for submission_id, state in queue.job_states(list(candidates)).items():
        if state is None:
            log.warning("submission %s had no job in the queue: enqueued again", submission_id)
            queue.enqueue(submission_id)
            requeued.append(submission_id)
        elif state in ("failed", "stopped", "canceled"):
            # rq gave up on it and the failure callback could not close it (the store was down):
            # it is closed now, with the reason the callback wrote down in Redis.
            reason, platform_fault = queue.failure_reason(submission_id)
            lifecycle.fail(submission_id, reason, platform_fault=platform_fault)
    return requeued


def sweep_lost_submissions(queue, settings) -> list[int] | None:
    """`requeue_lost_submissions` as the workers and the API processes run it, over and over.

    Whoever claims the sweep first sweeps; the others skip it, so that a fleet of processes
    sweeps about once per WORKER_MAINTENANCE_SECONDS instead of each one in turn (a duplicate
    enqueue is harmless, but each sweep reads every open submission and asks Redis about it).
    The claim lives in Redis: a Redis restarted empty has none, so the first process back
    sweeps at once. None when another process swept a moment ago.
    """
    if not queue.claim_sweep(max(1, settings.worker_maintenance_seconds - 1)):
        return None
    return requeue_lost_submissions(queue, settings.requeue_after_seconds)
