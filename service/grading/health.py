"""What /health reports: can the service grade, does the store answer, and is Redis there."""

from __future__ import annotations

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import InterfaceError, OperationalError

from scoring import AnswerKeyError
from service.challenges.answer_keys import default_answer_key
from service.extensions import db


def service_health() -> dict:
    """`status` is `ok`, `degraded` (Redis unreachable: still answering) or `unavailable` (cannot grade)."""
    report: dict = {"status": "ok"}
    try:
        report["answer_key"] = {"loaded": True, "rows": len(default_answer_key())}
    except AnswerKeyError as exc:
        # The path is for the operator's log, not for anonymous clients.
        current_app.logger.error("cannot grade: %s", exc)
        report["status"] = "unavailable"
        report["answer_key"] = {"loaded": False}
    try:
        db.session.execute(text("SELECT 1"))
        report["store"] = "ok"
    except (OperationalError, InterfaceError):
        db.session.rollback()
        report["status"], report["store"] = "unavailable", "unreachable: nothing can be read or sent"
    redis = current_app.extensions.get("redis")
    if redis is not None:
        try:
            redis.ping()
            report["redis"] = "ok"
        except RedisError:
            # The API keeps answering: rate limits fall back to this process's memory.
            report["redis"] = "unreachable: rate limits are per process, queued jobs wait"
            if report["status"] == "ok":
                report["status"] = "degraded"
    return report
