"""A student's score history: their finished submissions, per challenge, oldest first."""

from __future__ import annotations

from sqlalchemy import select

from scoring import metric_named
from service.extensions import db
from service.results.feedback import private_score_for, public_score_for
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
        public = public_score_for(submission, user)
        entry["scores"].append({
            "job_id": submission.id,
            "submitted_at": submission.created_at,
            "public_score": public,
            "private_score": private_score_for(submission, user),
            "late": submission.late,
        })  # fmt: skip
        if public is not None and not submission.late:
            entry["best_public_score"] = _better(submission, public, entry["best_public_score"])
    return list(history.values())


def _better(submission, score: float, best: float | None) -> float:
    """The better of `score` and `best`, by the challenge's metric."""
    if best is None:
        return score
    better = max if metric_named(submission.challenge.metric).greater_is_better else min
    return better(best, score)
