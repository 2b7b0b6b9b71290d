"""Ann's submissions that spent a slot of a day's quota, for the lifecycle to close as a worker does."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from service.extensions import db
from service.grading import quotas
from service.store.models import Challenge, Submission, User
from tests.routes.scored import START, add_scored

DAY = START.date()  # the day add_scored's submissions are sent


def at_noon(app, day: date) -> None:
    """Set the app's clock (the time its requests hand the quotas) to noon of `day`, UTC."""
    app.extensions["clock"] = lambda: datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def clock_and_default(app) -> tuple[datetime, int]:
    """What a request hands the quota functions: its time and the service's default quota."""
    return app.extensions["clock"](), app.config["SETTINGS"].daily_submission_quota


def ann_and_challenge() -> tuple[User, Challenge]:
    user = db.session.scalar(select(User).where(User.username == "ann"))
    return user, db.session.scalar(select(Challenge).where(Challenge.tenant_id == user.tenant_id))


def sent(app, minute: int = 0, file: str = "a file") -> int:
    """A queued submission of ann that spent one of today's slots; `file` stands for its bytes."""
    job = add_scored(app, "ann", None, None, minute=minute, status="queued")
    with app.app_context():
        submission = db.session.get(Submission, job)
        submission.sha256 = file
        submission.quota_day, _ = quotas.reserve_slot(*ann_and_challenge(), *clock_and_default(app))
        db.session.commit()
    return job


def used_today(app) -> int:
    with app.app_context():
        return quotas.quota_status(*ann_and_challenge(), *clock_and_default(app))["used"]
