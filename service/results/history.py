"""A student's score history: their finished submissions, per challenge, oldest first."""

from __future__ import annotations

from sqlalchemy import select

from service.extensions import db
from service.store.models import Submission, SubmissionStatus, User


def score_history(user: User) -> list[dict]:
    """The user's own finished submissions, grouped by challenge, oldest first."""
    finished = db.session.scalars(
        select(Submission)
        .where(Submission.user_id == user.id, Submission.status == SubmissionStatus.FINISHED)
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
            "private_score": submission.private_score if submission.challenge.private_visible_to(user) else None,
        })  # fmt: skip
        if submission.public_score is not None:
            entry["best_public_score"] = max(entry["best_public_score"] or 0.0, submission.public_score)
    return list(history.values())
