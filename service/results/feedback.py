"""What a student is shown of the hidden key: every score a measurement of it, so each is rounded to
the challenge's precision; in Ladder mode a job that did not move the leaderboard shows no score and
reads the same as every other such job; nothing per row (a curve) of a hidden part before the
reveal. Staff always see exact scores and the Ladder's figures."""

from __future__ import annotations

import numpy as np

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


def public_score_for(submission: Submission, viewer: User) -> float | None:
    """The job's public score as `viewer` may see it; in Ladder mode a student sees it only once it
    moved their leaderboard score (else each upload would measure the key again)."""
    challenge = submission.challenge
    if not sees_exact_scores(viewer) and hides_unmoved(submission):
        return None
    return shown(challenge, viewer, submission.public_score)


def private_score_for(submission: Submission, viewer: User) -> float | None:
    if not submission.challenge.private_visible_to(viewer):
        return None
    return shown(submission.challenge, viewer, submission.private_score)


def sees_rows_of(submission: Submission, viewer: User) -> bool:
    """Whether `viewer` may see anything per row (a ROC curve) of the submission's scoring: staff
    always; a student once private scores are revealed, when the challenge's labels stop mattering.
    Before that, a curve's steps tell which rows are Public and their labels."""
    return sees_exact_scores(viewer) or submission.challenge.private_revealed


def hides_unmoved(submission: Submission) -> bool:
    """In Ladder mode, a ranked job that did not move its student's score (late ones never rank)."""
    return submission.challenge.leaderboard_mode == LADDER and submission.ladder_moved is False


# A student reads one of two sentences: anything that varied with the file (a p-value, the score it
# did not beat) would measure the hidden key again.
MOVED = "this submission set your public leaderboard score"
NOT_MOVED = "not significantly better than the submission that holds your leaderboard score, which stays"


def ladder_note(submission: Submission, viewer: User) -> dict | None:
    """Whether the job moved its student's leaderboard score; staff also see the test's figures.
    None outside Ladder mode."""
    if submission.challenge.leaderboard_mode != LADDER or submission.ladder_moved is None:
        return None
    note = {"moved": submission.ladder_moved, "message": MOVED if submission.ladder_moved else NOT_MOVED}
    if sees_exact_scores(viewer):
        note["p_value"] = submission.ladder_p_value
        note["statistic"] = submission.ladder_statistic
        note["compared_with"] = submission.ladder_compared_id
    return note
