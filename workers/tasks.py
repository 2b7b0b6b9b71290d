"""The rq job functions. A job carries only a submission id; the store has the rest."""

from __future__ import annotations

import time

from flask import Flask

from service import create_app
from service.grading import lifecycle
from service.grading.job import grade
from service.grading.retries import failure_reason, is_platform_fault, is_store_outage

_app: Flask | None = None


def worker_app() -> Flask:
    """The app of this worker process, made once: its answer keys stay loaded between jobs."""
    global _app
    if _app is None:
        _app = create_app()
    return _app


def grade_submission(submission_id: int) -> None:
    """Grade submission `submission_id` and record its scores or problems."""
    with worker_app().app_context():
        grade(submission_id)


def on_failure(job, connection, exc_type, exc_value, traceback) -> None:
    """rq's failure callback, called on every failure before rq decides whether to retry.

    A store outage spends none of the job's JOB_RETRIES: it is given one more, so rq puts the job
    back in the queue, and the worker waits for the store before it takes a job
    (`workers.worker.GradingWorkerMixin.wait_for_the_store`). After STORE_RETRY_SECONDS of store
    failures it fails like any other fault once none is left. Its reason is written down in the
    job first: if the store is still down, the sweep closes the submission with the same reason
    once it is back (`service.grading.recovery`).
    """
    settings = worker_app().config["SETTINGS"]
    if is_store_outage(exc_type):
        since = job.meta.setdefault("store_unreachable_since", time.time())
        if time.time() - since < settings.store_retry_seconds:
            job.retries_left = (job.retries_left or 0) + 1  # rq reads it after this callback
            job.save_meta()
            return
        job.retries_left = 0
    if job.retries_left:
        return  # rq runs it again
    reason = failure_reason(exc_type, job.timeout, settings.store_retry_seconds)
    job.meta.update(reason=reason, platform_fault=is_platform_fault(exc_type))
    job.save_meta()
    with worker_app().app_context():
        lifecycle.fail(job.args[0], reason, platform_fault=is_platform_fault(exc_type))
