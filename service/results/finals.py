"""A student's final submissions: the ones the private leaderboard ranks (at most two)."""

from __future__ import annotations

from sqlalchemy import select, update

from service.errors import Conflict, NotFound, NotSelectable
from service.extensions import db
from service.results.leaderboard import MAX_FINAL_SUBMISSIONS, final_submissions, rankable_submissions
from service.store.models import Challenge, Submission, SubmissionStatus, User


def final_selection(user: User, challenge: Challenge) -> dict:
    """Which of the user's submissions count as final, and whether they chose them."""
    entries = rankable_submissions(challenge.tenant_id, challenge.id, user_id=user.id)
    finals = final_submissions(entries).get((user.id, challenge.id), [])
    return {
        "challenge": challenge.slug,
        "job_ids": [s.job_id for s in finals],
        "chosen_by": "student" if any(s.final_selected for s in entries) else "default",
        "locked": finals_locked(challenge),
        "max_selected": MAX_FINAL_SUBMISSIONS,
    }


def finals_locked(challenge: Challenge) -> bool:
    """Once private scores have been shown (even if hidden again), the finals are fixed."""
    return challenge.private_revealed or challenge.finals_locked_at is not None


def select_finals(user: User, challenge: Challenge, job_ids: list[int]) -> dict:
    """Replace the user's selection with `job_ids` (none: back to the best public one)."""
    if finals_locked(challenge):
        # As on Kaggle: once the private leaderboard is out, choosing would be hindsight.
        raise Conflict("the private leaderboard is revealed; final submissions can no longer change")
    chosen = list(dict.fromkeys(job_ids))
    if len(chosen) > MAX_FINAL_SUBMISSIONS:
        raise NotSelectable(f"select at most {MAX_FINAL_SUBMISSIONS} final submissions, not {len(chosen)}")
    found = db.session.scalars(
        select(Submission).where(
            Submission.id.in_(chosen), Submission.user_id == user.id, Submission.challenge_id == challenge.id
        )
    ).all()
    missing = sorted(set(chosen) - {s.id for s in found})
    if missing:
        raise NotFound(f"no job {missing[0]} of yours in challenge {challenge.slug}")
    unscored = sorted(s.id for s in found if s.status is not SubmissionStatus.FINISHED)
    if unscored:
        raise NotSelectable(f"job {unscored[0]} has no score; only graded submissions can be final")
    late = sorted(s.id for s in found if s.late)
    if late:
        raise NotSelectable(f"job {late[0]} came after the deadline; a late submission cannot be final")
    mine = (Submission.user_id == user.id, Submission.challenge_id == challenge.id)
    db.session.execute(update(Submission).where(*mine).values(final_selected=False))
    if chosen:
        db.session.execute(
            update(Submission).where(*mine, Submission.id.in_(chosen)).values(final_selected=True)
        )
    db.session.commit()
    return final_selection(user, challenge)
