"""Standings: each student's count of finished submissions and best public one, per challenge,
updated in the transaction that finishes a job (ties go to the earlier submission, as on Kaggle).
Best follows the challenge's metric: the highest score, or the lowest where lower is better, at the
precision students are shown (`score_precision`): which submission holds the score is visible to
its student, so a difference beyond the shown decimals must not move it. A late submission never
stands."""

from __future__ import annotations

from sqlalchemy import Numeric, and_, cast, func, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import aliased

from scoring import metric_named
from service.extensions import db
from service.results.feedback import LADDER
from service.store.models import Challenge, Standing, Submission, SubmissionStatus


def record_finished(submission_id: int) -> None:
    """Count a just-finished submission in its student's standing, and make it their best if it is.

    Each step is one conditional statement, so jobs of one student finishing at once (in any
    order) leave the same standing as one after the other.
    """
    finished = db.session.get(Submission, submission_id)
    if finished.late:
        return
    key = {"user_id": finished.user_id, "challenge_id": finished.challenge_id}
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(Standing).values(**key, entries=0).on_conflict_do_nothing())
    owner = and_(Standing.user_id == finished.user_id, Standing.challenge_id == finished.challenge_id)
    db.session.execute(update(Standing).where(owner).values(entries=Standing.entries + 1))
    if finished.public_score is None:
        return
    if finished.challenge.leaderboard_mode == LADDER:
        _ladder_step(finished, owner)
        return
    best = aliased(Submission)
    precision = finished.challenge.score_precision
    current = select(best.public_score, best.created_at, best.id).where(best.id == Standing.best_public_id)
    current_score = current.with_only_columns(shown_score(best.public_score, precision)).scalar_subquery()
    new_score = shown_score(literal(finished.public_score), precision)
    if metric_named(finished.challenge.metric).greater_is_better:
        improved = current_score < new_score
    else:
        improved = current_score > new_score
    beaten = or_(
        Standing.best_public_id.is_(None),
        improved,
        and_(
            current_score == new_score,
            or_(
                current.with_only_columns(best.created_at).scalar_subquery() > finished.created_at,
                and_(
                    current.with_only_columns(best.created_at).scalar_subquery() == finished.created_at,
                    Standing.best_public_id > submission_id,
                ),
            ),
        ),
    )
    db.session.execute(update(Standing).where(owner, beaten).values(best_public_id=submission_id))


def _ladder_step(finished: Submission, owner) -> None:
    """Ladder mode: the submission holds the score only when its test said it moved it; and only if
    the holder it was tested against still holds it (another job may have moved it meanwhile)."""
    if not finished.ladder_moved:
        return
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


def shown_score(score, precision: int):
    """A score as SQL rounds it to `precision` decimals (PostgreSQL rounds numerics, not floats)."""
    return func.round(cast(score, Numeric), precision)


def rebuild_standings(challenge: Challenge) -> None:
    """Each student's best public submission again, from their history (leaving Ladder mode, or
    showing scores at another precision)."""
    greater = metric_named(challenge.metric).greater_is_better
    rounded = shown_score(Submission.public_score, challenge.score_precision)
    order = rounded.desc() if greater else rounded.asc()
    ranked = (
        select(
            Submission.user_id,
            Submission.id,
            func.row_number()
            .over(partition_by=Submission.user_id, order_by=(order, Submission.created_at, Submission.id))
            .label("place"),
        )  # fmt: skip
        .where(
            Submission.challenge_id == challenge.id,
            Submission.status == SubmissionStatus.FINISHED,
            Submission.late.is_(False),
            Submission.public_score.is_not(None),
        )
        .subquery()
    )
    best = select(ranked.c.id).where(ranked.c.user_id == Standing.user_id, ranked.c.place == 1)
    db.session.execute(
        update(Standing)
        .where(Standing.challenge_id == challenge.id)
        .values(best_public_id=best.scalar_subquery())
    )
