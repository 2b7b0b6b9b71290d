"""A student's score history: their finished submissions, per challenge, oldest first."""

from __future__ import annotations

from sqlalchemy import select

from scoring import metric_named
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
            "late": submission.late,
        })  # fmt: skip
        if submission.public_score is not None and not submission.late:
            entry["best_public_score"] = _better(submission, entry["best_public_score"])
    return list(history.values())


def _better(submission, best: float | None) -> float:
    """The better of the submission's public score and `best`, by the challenge's metric."""
    if best is None:
        return submission.public_score
    better = max if metric_named(submission.challenge.metric).greater_is_better else min
    return better(best, submission.public_score)
