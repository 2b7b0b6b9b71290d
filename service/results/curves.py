"""A finished submission's ROC curve, recomputed from its stored file and the answer key."""

from __future__ import annotations

from scoring import parse_submission
from scoring.curves import roc_curve_points
from service.challenges.answer_keys import answer_key_of
from service.errors import Conflict
from service.store.models import Submission, SubmissionStatus

DECIMALS = 5  # a browser draws a few hundred pixels: five decimals are plenty


def roc_of(submission: Submission, include_private: bool) -> dict:
    """The curve over the Public rows, and over the Private rows when `include_private`."""
    if submission.status is not SubmissionStatus.FINISHED:
        raise Conflict(
            f"job {submission.id} is {submission.status.value}; its curve exists once it has finished"
        )
    key = answer_key_of(submission.challenge)
    if key.metric.target != "binary":
        raise Conflict(f"{key.metric.title} is not a binary metric: its submissions have no ROC curve")
    parsed = parse_submission(submission.content, key)
    labels, public = key.targets[parsed.key_rows], key.public[parsed.key_rows]
    parts = [("public", public, submission.public_score)]
    if include_private:
        parts.append(("private", ~public, submission.private_score))
    curves = []
    for part, rows, auc in parts:
        if auc is None:  # one class only among these rows: no curve exists
            continue
        fpr, tpr = roc_curve_points(labels[rows], parsed.predictions[rows])
        curves.append(
            {
                "part": part,
                "auc": auc,
                "points": list(zip(fpr.round(DECIMALS).tolist(), tpr.round(DECIMALS).tolist())),
            }
        )
    return {"job_id": submission.id, "challenge": submission.challenge.slug, "curves": curves}
