"""What a finished submission leaves behind for leaderboard integrity, worked out once, when it is
graded: the Ladder's test against the submission that holds its student's score, how many rows it
changed from the student's previous submission, and the compact trace of its predictions. The
predictions of a student's latest finished submission and of their score holder are kept in key
order (`KeptPredictions`), so a job never parses an earlier file again."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import bindparam, delete, func, insert, select

from scoring import AnswerKey, parse_submission
from scoring.signature import trace_in_key_order
from scoring.significance import compare, ladder_level
from service.extensions import db
from service.results.feedback import LADDER
from service.store.built_once import built_once, table_of
from service.store.models import (
    KeptPredictions,
    PredictionSignature,
    SignatureBand,
    Standing,
    Submission,
    SubmissionStatus,
)
from service.store.uploads import read_upload


@dataclass
class Findings:
    """The columns a finished submission gets beside its scores (None: nothing to say)."""

    ladder_moved: bool | None = None
    ladder_p_value: float | None = None
    ladder_statistic: float | None = None
    ladder_compared_id: int | None = None
    previous_id: int | None = None
    changed_rows: int | None = None

    def columns(self) -> dict:
        return dict(self.__dict__)


def findings_of(
    submission: Submission, key: AnswerKey, predictions: np.ndarray, public_score: float | None
) -> Findings:
    """The Ladder's test (Ladder mode, ranked jobs) and the rows changed from the previous job."""
    found = Findings()
    previous = db.session.execute(_previous_with_its_kept_predictions(), _owner_params(submission)).first()
    if previous is not None:
        earlier = _predictions_of(previous.id, key, previous)
        if earlier is not None:
            found.previous_id = previous.id
            found.changed_rows = int(np.count_nonzero(earlier != predictions))
    challenge = submission.challenge
    if challenge.leaderboard_mode == LADDER and not submission.late and public_score is not None:
        _ladder(submission, key, predictions, found)
    return found


def keep_trace(submission: Submission, key: AnswerKey, predictions: np.ndarray) -> None:
    """Store the submission's trace and its bands, and keep its predictions (in key order) if a later
    job will want them (in the transaction that finishes it, after its standing moved)."""
    # Once a submission: this runs only in the transaction that closes it (`lifecycle.finish`).
    trace = trace_in_key_order(key, predictions)
    owner = {"challenge_id": submission.challenge_id, "user_id": submission.user_id}
    db.session.execute(
        _insert_into(PredictionSignature), {"submission_id": submission.id, "ranks": trace.values, **owner}
    )
    if trace.bands:
        db.session.execute(_insert_into(SignatureBand), [{"submission_id": submission.id, "band": band, "hash": value,
                                                          **owner} for band, value in enumerate(trace.bands)])  # fmt: skip
    _keep_predictions(submission, predictions, owner)


def _keep_predictions(submission: Submission, predictions: np.ndarray, owner: dict) -> None:
    """Keep the predictions of the student's latest finished submission and of their score holder;
    drop any other's they kept (at most two a student and challenge stay). This one's are written
    first, and dropped again in the rare case that a later upload finished before it."""
    db.session.execute(_insert_into(KeptPredictions), {"submission_id": submission.id, "dtype": predictions.dtype.str,
                                                       "values": predictions.tobytes(), **owner})  # fmt: skip
    db.session.execute(_drop_other_kept_predictions(), _owner_params(submission))


@built_once
def _insert_into(model: type):
    return insert(table_of(model))


def _owner_params(submission: Submission) -> dict:
    """The parameters of the statements below that name the submission and its student's others."""
    return {"this_id": submission.id, "this_created_at": submission.created_at,
            "owner_id": submission.user_id, "owner_challenge_id": submission.challenge_id}  # fmt: skip


@built_once
def _drop_other_kept_predictions():
    """Keep the predictions of the student's latest finished submission and of their score holder only."""
    submissions, standings, kept = table_of(Submission), table_of(Standing), table_of(KeptPredictions)
    latest_finished = (
        select(submissions.c.id)
        .where(
            submissions.c.user_id == bindparam("owner_id"),
            submissions.c.challenge_id == bindparam("owner_challenge_id"),
            submissions.c.status == SubmissionStatus.FINISHED,
        )
        .order_by(submissions.c.created_at.desc(), submissions.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    holder = select(standings.c.best_public_id).where(
        standings.c.user_id == bindparam("owner_id"),
        standings.c.challenge_id == bindparam("owner_challenge_id"),
        standings.c.best_public_id.is_not(None),
    )
    return delete(kept).where(
        kept.c.user_id == bindparam("owner_id"),
        kept.c.challenge_id == bindparam("owner_challenge_id"),
        kept.c.submission_id != latest_finished,
        kept.c.submission_id.not_in(holder),
    )


def _ladder(submission: Submission, key: AnswerKey, predictions: np.ndarray, found: Findings) -> None:
    """Parameter-free Ladder (Blum and Hardt): the score moves only for a significant improvement,
    each test at its share of the student's whole budget (`ladder_level`)."""
    standing = db.session.get(Standing, (submission.user_id, submission.challenge_id))
    holder_id = standing.best_public_id if standing is not None else None
    holder = db.session.get(Submission, holder_id) if holder_id is not None else None
    if holder is None:  # the first ranked submission sets the score
        found.ladder_moved = True
        return
    found.ladder_compared_id = holder.id
    held = _predictions_of(holder.id, key)
    if held is None:  # accepted under older rules, it no longer reads: nothing to test against
        found.ladder_moved = False
        return
    comparison = compare(key.metric, key.targets[key.public], predictions[key.public], held[key.public])
    # An earlier upload that finished after a later one may find a holder with no earlier upload.
    level = ladder_level(submission.challenge.ladder_alpha, max(1, _earlier_ranked(submission)))
    found.ladder_moved = comparison.significant(level)
    found.ladder_p_value = comparison.p_value
    # No spread at all gives an infinite statistic: the p-value says it all, and JSON has no infinity.
    found.ladder_statistic = comparison.statistic if np.isfinite(comparison.statistic) else None


def _earlier_ranked(submission: Submission) -> int:
    """The student's earlier uploads to the challenge that may be ranked (on time, not refused): the
    number of this test in the student's history. An earlier upload still queued counts too, so
    that uploads graded out of order do not share a number."""
    refused = (SubmissionStatus.REJECTED, SubmissionStatus.FAILED)
    return db.session.scalar(
        select(func.count())
        .select_from(Submission)
        .where(
            Submission.user_id == submission.user_id,
            Submission.challenge_id == submission.challenge_id,
            Submission.id < submission.id,
            Submission.late.is_(False),
            Submission.status.not_in(refused),
        )
    )


@built_once
def _previous_with_its_kept_predictions():
    """The student's finished submission before this one (by when it came), with its kept predictions
    if it has them: one read."""
    submissions, kept = table_of(Submission), table_of(KeptPredictions)
    return (
        select(submissions.c.id, kept.c.dtype, kept.c["values"])
        .outerjoin(kept, kept.c.submission_id == submissions.c.id)
        .where(
            submissions.c.user_id == bindparam("owner_id"),
            submissions.c.challenge_id == bindparam("owner_challenge_id"),
            submissions.c.status == SubmissionStatus.FINISHED,
            submissions.c.created_at <= bindparam("this_created_at"),
            submissions.c.id != bindparam("this_id"),
        )
        .order_by(submissions.c.created_at.desc(), submissions.c.id.desc())
        .limit(1)
    )


def _predictions_of(submission_id: int, key: AnswerKey, kept=None) -> np.ndarray | None:
    """An earlier finished submission's predictions in key order: kept when it finished (`kept`, if
    already read, has its `dtype` and `values`), or else (it finished before they were kept, or is
    no longer the latest or the holder) read from its file, which was valid then."""
    if kept is None:
        kept = db.session.get(KeptPredictions, submission_id)
    if (
        kept is not None
        and kept.values is not None
        and len(kept.values) == len(key) * np.dtype(kept.dtype).itemsize
    ):
        return np.frombuffer(kept.values, dtype=kept.dtype)
    try:
        return parse_submission(read_upload(submission_id), key).in_key_order(len(key))
    except ValueError:
        return None
