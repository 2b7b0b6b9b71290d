"""Submissions with chosen scores and times, written straight to the store for ranking tests."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from service.extensions import db
from service.grading import lifecycle
from service.store.models import Challenge, Submission, User

START = datetime(2025, 3, 1, 9, 0)


def add_scored(
    app,
    username: str,
    public: float | None,
    private: float | None,
    minute: int = 0,
    status: str = "finished",
    filename: str = "predictions.csv",
    selected: bool = False,
    late: bool = False,
) -> int:
    """A submission of `username` made `minute` minutes after START; answers its id."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        challenge = db.session.scalar(
            select(Challenge).where(Challenge.tenant_id == user.tenant_id).order_by(Challenge.id)
        )
        submission = Submission(
            tenant_id=user.tenant_id, user_id=user.id, challenge_id=challenge.id, filename=filename,
            content=b"", sha256=f"{username}-{minute}-{public}", size_bytes=0,
            created_at=START + timedelta(minutes=minute), final_selected=selected, late=late,
        )  # fmt: skip
        db.session.add(submission)
        db.session.commit()
        # Closed as a job closes it, so whatever the service keeps up to date with it is.
        close = {
            "finished": lambda: lifecycle.finish(submission.id, public, private),
            "rejected": lambda: lifecycle.reject(submission.id, [{"line": 2, "message": "bad"}], "bad file"),
            "failed": lambda: lifecycle.fail(submission.id, "the worker was lost"),
        }
        if status != "queued":
            close[status]()
        return submission.id


def challenge_id(app, tenant: str = "class-a") -> int:
    from service.store.models import Tenant

    with app.app_context():
        return db.session.scalar(
            select(Challenge.id).join(Tenant).where(Tenant.slug == tenant).order_by(Challenge.id)
        )


def standing_of(app, username: str) -> tuple[int, int | None]:
    """(entries, best public job id) of `username`'s standing on their class's first challenge."""
    from service.store.models import Standing

    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        row = db.session.scalar(select(Standing).where(Standing.user_id == user.id))
        return (row.entries, row.best_public_id) if row else (0, None)


def change_challenge(app, tenant: str = "class-a", **columns) -> None:
    """Set columns of the class's first challenge (its metric, leaderboard mode, precision...)."""
    with app.app_context():
        challenge = db.session.get(Challenge, challenge_id(app, tenant))
        for name, value in columns.items():
            setattr(challenge, name, value)
        db.session.commit()
