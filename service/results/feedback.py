"""What a student is shown of the hidden key: every score a measurement of it, so each is rounded to
the challenge's precision; in Ladder mode a job that did not move the leaderboard shows no score and
reads the same as every other such job; nothing per row (a curve) of a hidden part before the
reveal. Staff always see exact scores and the Ladder's figures."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from service.extensions import db
from service.store.models import Challenge, Role, Submission, User

EXACT, LADDER = "exact", "ladder"  # leaderboard modes


def format_score(value: float | None) -> str:
    """A score for a page: as it is, in the fewest digits that give it back exactly (a student's is
    already rounded, so this never shows more digits than the challenge's precision)."""
    return "—" if value is None else np.format_float_positional(float(value), trim="-")


def sees_exact_scores(viewer: User) -> bool:
    return viewer.role is not Role.STUDENT


def shown(challenge: Challenge, viewer: User, value: float | None) -> float | None:
    """`value` as `viewer` may see it: exact for staff, else to the challenge's decimals."""
    if value is None or sees_exact_scores(viewer):
        return value
    return at_precision(challenge, value)


def at_precision(challenge: Challenge, value: float) -> float:
    """A score as students read it: rounded to the challenge's decimals."""
    return round(value, challenge.score_precision)


@dataclass(frozen=True)
class Seen:
    """A job as one viewer may see it: the job, its challenge, and its scores as they may read them."""

    job: Submission
    challenge: Challenge
    public_score: float | None
    private_score: float | None
    leaderboard: dict | None  # the Ladder's note; None outside Ladder mode


def seen_by(viewer: User, jobs: Sequence[Submission], challenges: Iterable[Challenge] = ()) -> list[Seen]:
    """What `viewer` may see of each of `jobs`, in their order: the one place that decides it.

    Everything it reads is on the jobs and their challenges; those not given are read in one query,
    so a page of jobs costs the same number of queries whatever its length."""
    known = {challenge.id: challenge for challenge in challenges}
    missing = {job.challenge_id for job in jobs} - known.keys()
    if missing:
        known |= {c.id: c for c in db.session.scalars(select(Challenge).where(Challenge.id.in_(missing)))}
    return [_seen(viewer, known[job.challenge_id], job) for job in jobs]


def _seen(viewer: User, challenge: Challenge, job: Submission) -> Seen:
    # In Ladder mode a student sees a public score only once it moved their leaderboard score (else
    # each upload would measure the key again).
    unmoved = challenge.leaderboard_mode == LADDER and job.ladder_moved is False
    public = None if unmoved and not sees_exact_scores(viewer) else shown(challenge, viewer, job.public_score)
    private = shown(challenge, viewer, job.private_score) if challenge.private_visible_to(viewer) else None
    return Seen(job, challenge, public, private, _ladder_note(viewer, challenge, job))


def sees_rows_of(challenge: Challenge, viewer: User) -> bool:
    """Whether `viewer` may see anything per row (a ROC curve) of the challenge's scoring: staff
    always; a student once private scores are revealed, when the challenge's labels stop mattering.
    Before that, a curve's steps tell which rows are Public and their labels."""
    return sees_exact_scores(viewer) or challenge.private_revealed


# A student reads one of two sentences: anything that varied with the file (a p-value, the score it
# did not beat) would measure the hidden key again.
MOVED = "this submission set your public leaderboard score"
NOT_MOVED = "not significantly better than the submission that holds your leaderboard score, which stays"


def _ladder_note(viewer: User, challenge: Challenge, job: Submission) -> dict | None:
    """Whether the job moved its student's leaderboard score; staff also see the test's figures."""
    if challenge.leaderboard_mode != LADDER or job.ladder_moved is None:
        return None
    note = {"moved": job.ladder_moved, "message": MOVED if job.ladder_moved else NOT_MOVED}
    if sees_exact_scores(viewer):
        note["p_value"] = job.ladder_p_value
        note["statistic"] = job.ladder_statistic
        note["compared_with"] = job.ladder_compared_id
    return note
