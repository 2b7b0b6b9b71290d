"""A student's score history: their finished submissions, per challenge, oldest first."""

from __future__ import annotations

from sqlalchemy import select

from scoring import metric_named
from service.extensions import db
from service.results.feedback import seen_by
from service.store.models import Challenge, Submission, SubmissionStatus, User


def score_history(user: User) -> list[dict]:
    """The user's own finished submissions, grouped by challenge, oldest first."""
    finished = db.session.scalars(
        select(Submission)
        .where(Submission.user_id == user.id, Submission.status == SubmissionStatus.FINISHED)
        .order_by(Submission.created_at, Submission.id)
    ).all()
    history: dict[str, dict] = {}
    for seen in seen_by(user, finished):
        slug, public = seen.challenge.slug, seen.public_score
        entry = history.setdefault(slug, {"challenge": slug, "scores": [], "best_public_score": None})
        entry["scores"].append({
            "job_id": seen.job.id,
            "submitted_at": seen.job.created_at,
            "public_score": public,
            "private_score": seen.private_score,
            "late": seen.job.late,
        })  # fmt: skip
        if public is not None and not seen.job.late:
            entry["best_public_score"] = _better(seen.challenge, public, entry["best_public_score"])
    return list(history.values())


def _better(challenge: Challenge, score: float, best: float | None) -> float:
    """The better of `score` and `best`, by the challenge's metric."""
    if best is None:
        return score
    better = max if metric_named(challenge.metric).greater_is_better else min
    return better(best, score)
