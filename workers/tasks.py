"""The rq job functions. A job carries only a submission id; the store has the rest."""

from __future__ import annotations

from flask import Flask
from rq.timeouts import JobTimeoutException

from service import create_app
from service.grading import lifecycle
from service.grading.job import grade, is_platform_fault

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
    """rq's failure callback: once no retry is left, the submission is failed with a reason."""
    if job.retries_left:
        return  # rq runs it again
    with worker_app().app_context():
        if issubclass(exc_type, JobTimeoutException):
            reason = f"grading ran out of time ({job.timeout} s)"
        else:
            reason = f"grading failed on the server ({exc_type.__name__})"
        lifecycle.fail(job.args[0], reason, platform_fault=is_platform_fault(exc_type))
