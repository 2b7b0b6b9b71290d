"""Standings: each student's count of finished submissions and best public one, per challenge,
updated in the transaction that finishes a job (ties go to the earlier submission, as on Kaggle).
Best follows the challenge's metric: the highest score, or the lowest where lower is better, at the
precision students are shown (`score_precision`): which submission holds the score is visible to
its student, so a difference beyond the shown decimals must not move it. A late submission never
stands."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import and_, bindparam, select, update

from service.extensions import db
from service.results.feedback import LADDER
from service.results.ranking import best_by_rule
from service.store.built_once import built_once, dialect_name, table_of
from service.store.models import Challenge, Standing, Submission, SubmissionStatus
from service.store.upserts import upsert_returning


def record_finished(submission_id: int) -> None:
    """Count a just-finished submission in its student's standing, and make it their best if it is.

    The first statement makes or counts up the standing and holds its row, so jobs of one student
    finishing at once (in any order) leave the same standing as one after the other.
    """
    finished = db.session.get(Submission, submission_id)
    if finished.late:
        return
    owner = {"user_id": finished.user_id, "challenge_id": finished.challenge_id}
    # The holder as this transaction found it: no other job of the student changes it before the commit.
    holder_id = db.session.execute(_count_one_more(dialect_name()), {**owner, "entries": 1}).scalar()
    if finished.public_score is None:
        return
    if finished.challenge.leaderboard_mode == LADDER:
        _ladder_step(finished)
        return
    holder = db.session.get(Submission, holder_id) if holder_id is not None else None
    contenders = [finished] if holder is None else [holder, finished]
    if best_by_rule(finished.challenge, contenders) is finished:
        db.session.execute(_hold_best(), {"owner_id": finished.user_id, "owner_challenge_id": finished.challenge_id,
                                          "best_public_id": finished.id})  # fmt: skip


@built_once
def _count_one_more(dialect: str):
    """Make the student's standing, or count one more entry in it; answers its holder (best_public_id)."""
    standings = table_of(Standing)
    return upsert_returning(
        Standing, dialect, {"entries": standings.c.entries + 1}, standings.c.best_public_id
    )


@built_once
def _hold_best():
    standings = table_of(Standing)
    return update(standings).where(
        standings.c.user_id == bindparam("owner_id"),
        standings.c.challenge_id == bindparam("owner_challenge_id"),
    )


def _ladder_step(finished: Submission) -> None:
    """Ladder mode: the submission holds the score only when its test said it moved it; and only if
    the holder it was tested against still holds it (another job may have moved it meanwhile)."""
    if not finished.ladder_moved:
        return
    owner = and_(Standing.user_id == finished.user_id, Standing.challenge_id == finished.challenge_id)
    tested_against = (
        Standing.best_public_id.is_(None)
        if finished.ladder_compared_id is None
        else Standing.best_public_id == finished.ladder_compared_id
    )
    moved = db.session.execute(
        update(Standing).where(owner, tested_against).values(best_public_id=finished.id)
    ).rowcount
    if not moved:
        db.session.execute(update(Submission).where(Submission.id == finished.id).values(ladder_moved=False))


def rebuild_standings(challenge: Challenge) -> None:
    """Each student's best public submission again, from their history (leaving Ladder mode, or
    showing scores at another precision)."""
    scored = db.session.execute(
        select(Submission.id, Submission.user_id, Submission.public_score, Submission.created_at).where(
            Submission.challenge_id == challenge.id,
            Submission.status == SubmissionStatus.FINISHED,
            Submission.late.is_(False),
            Submission.public_score.is_not(None),
        )
    ).all()
    history: dict[int, list] = defaultdict(list)
    for row in scored:
        history[row.user_id].append(row)
    best = {user_id: best_by_rule(challenge, rows).id for user_id, rows in history.items()}
    students = db.session.scalars(select(Standing.user_id).where(Standing.challenge_id == challenge.id)).all()
    db.session.execute(
        update(Standing),
        [{"user_id": user_id, "challenge_id": challenge.id,
          "best_public_id": best.get(user_id)} for user_id in students],
    )  # fmt: skip
