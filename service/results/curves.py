"""A finished submission's ROC curve, recomputed from its stored file and the answer key."""

from __future__ import annotations

from scoring import parse_submission
from scoring.curves import roc_curve_points
from service.challenges.answer_keys import answer_key_of
from service.errors import Conflict
from service.results.feedback import seen_by, sees_exact_scores, sees_rows_of
from service.store.models import Submission, SubmissionStatus, User

DECIMALS = 5  # a browser draws a few hundred pixels: five decimals are plenty
WITHHELD = (
    "Your ROC curve is shown once your teacher reveals the private scores: its steps, row by row, "
    "would tell which rows are scored and their hidden labels."
)


def roc_of(submission: Submission, viewer: User) -> dict:
    """The curve over the Public rows, and over the Private rows when `viewer` may see them; for a
    student, nothing before the reveal (`withheld` says why), no curve of a score they are not shown
    (Ladder mode), and points at their precision."""
    if submission.status is not SubmissionStatus.FINISHED:
        raise Conflict(
            f"job {submission.id} is {submission.status.value}; its curve exists once it has finished"
        )
    key = answer_key_of(submission.challenge)
    if key.metric.target != "binary":
        raise Conflict(f"{key.metric.title} is not a binary metric: its submissions have no ROC curve")
    answer = {"job_id": submission.id, "challenge": submission.challenge.slug, "curves": [], "withheld": None}
    if not sees_rows_of(submission.challenge, viewer):
        return answer | {"withheld": WITHHELD}
    parsed = parse_submission(submission.content, key)
    labels, public = key.targets[parsed.key_rows], key.public[parsed.key_rows]
    seen = seen_by(viewer, [submission], [submission.challenge])[0]
    parts = [("public", public, seen.public_score)]
    if submission.challenge.private_visible_to(viewer):
        parts.append(("private", ~public, seen.private_score))
    # A student's curve carries no more digits than their scores: its area would tell them.
    decimals = DECIMALS if sees_exact_scores(viewer) else min(DECIMALS, submission.challenge.score_precision)
    curves = []
    for part, rows, auc in parts:
        if auc is None:  # one class only among these rows: no curve exists
            continue
        fpr, tpr = roc_curve_points(labels[rows], parsed.predictions[rows])
        curves.append(
            {
                "part": part,
                "auc": auc,
                "points": list(zip(fpr.round(decimals).tolist(), tpr.round(decimals).tolist())),
            }
        )
    return answer | {"curves": curves}
