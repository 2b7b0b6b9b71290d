"""What a student is shown of the hidden key: every score a measurement of it, so each is rounded to
the challenge's precision, and in Ladder mode a job that did not move the leaderboard shows no score.
Staff always see exact scores and the Ladder's figures."""

from __future__ import annotations

import numpy as np

from service.extensions import db
from service.store.models import Challenge, Role, Submission, User

EXACT, LADDER = "exact", "ladder"  # leaderboard modes
P_VALUE_DECIMALS = 2


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


def hides_unmoved(submission: Submission) -> bool:
    """In Ladder mode, a ranked job that did not move its student's score (late ones never rank)."""
    return submission.challenge.leaderboard_mode == LADDER and submission.ladder_moved is False


def ladder_note(submission: Submission, viewer: User) -> dict | None:
    """Whether the job moved its student's leaderboard score, and why not; None outside Ladder mode."""
    if submission.challenge.leaderboard_mode != LADDER or submission.ladder_moved is None:
        return None
    challenge = submission.challenge
    note = {"moved": submission.ladder_moved, "message": None, "p_value": None}
    if submission.ladder_p_value is not None:
        note["p_value"] = round(submission.ladder_p_value, P_VALUE_DECIMALS)
    if sees_exact_scores(viewer):
        note["p_value"] = submission.ladder_p_value
        note["statistic"] = submission.ladder_statistic
        note["compared_with"] = submission.ladder_compared_id
    if submission.ladder_moved:
        note["message"] = "this submission set your public leaderboard score"
        if submission.ladder_p_value is not None:
            note["message"] += f" (significantly better, p = {note['p_value']:.2g})"
    else:
        holder = db.session.get(Submission, submission.ladder_compared_id)
        held = shown(challenge, viewer, holder.public_score if holder is not None else None)
        note["message"] = (f"not significantly better than your {held}, p = {note['p_value']:.2f}: "
                           "your leaderboard score stays")  # fmt: skip
    return note
