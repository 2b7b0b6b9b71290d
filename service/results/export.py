"""Every score of a class, for the teacher's spreadsheet or learning-management system.

Two shapes: one row per submission, or a gradebook with one row per student and
challenge (best public score, final submissions and the private score that counts).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from service.challenges.lookup import tenant_challenge_by_slug
from service.extensions import db
from service.results.leaderboard import (
    best_public,
    final_private,
    final_submissions,
    rankable_submissions,
)
from service.results.spreadsheet import ROWS_PER_CHUNK, csv_chunks, json_chunks
from service.store.models import Challenge, Role, Submission, SubmissionStatus, Tenant, User
from service.store.tenancy import belongs_to_tenant_id, select_of_tenant

SUBMISSION_COLUMNS = (
    "job_id", "student", "email", "challenge", "submitted_at", "finished_at", "status",
    "public_score", "private_score", "final", "late", "filename",
)  # fmt: skip
GRADEBOOK_COLUMNS = (
    "student", "email", "challenge", "submissions", "best_public_score", "best_public_job_id",
    "final_job_ids", "final_private_score", "last_submitted_at",
)  # fmt: skip
FORMATS = {"csv": ("text/csv", csv_chunks), "json": ("application/json", json_chunks)}


@dataclass
class Export:
    """An export ready to send: its suggested file name, media type and content in chunks."""

    filename: str
    mimetype: str
    chunks: Iterator[bytes]


def export_scores(
    tenant: Tenant,
    fmt: str = "csv",
    gradebook: bool = False,
    challenge_slug: str | None = None,
    practice: bool = False,
) -> Export:
    """The tenant's scores as CSV or JSON; `challenge_slug` limits them to one challenge. The
    gradebook leaves the practice challenge out unless `practice` (or its slug) asks for it: its
    key is public, so its scores grade nothing."""
    mimetype, write = FORMATS[fmt]
    challenge = tenant_challenge_by_slug(tenant, challenge_slug) if challenge_slug else None
    kind = "gradebook" if gradebook else "scores"
    columns = GRADEBOOK_COLUMNS if gradebook else SUBMISSION_COLUMNS
    rows = gradebook_rows(tenant, challenge, practice) if gradebook else submission_rows(tenant, challenge)
    name = "-".join(part for part in (kind, tenant.slug, challenge_slug, date.today().isoformat()) if part)
    return Export(f"{name}.{fmt}", mimetype, write(columns, rows))


def submission_rows(tenant: Tenant, challenge: Challenge | None = None) -> Iterator[dict]:
    """One row per submission of the tenant, oldest first; the files themselves are never loaded."""
    challenge_id = challenge.id if challenge else None
    finals = {
        s.job_id
        for chosen in final_submissions(rankable_submissions(tenant.id, challenge_id)).values()
        for s in chosen
    }
    query = (
        select(
            Submission.id,
            User.username,
            User.email,
            Challenge.slug,
            Submission.created_at,
            Submission.finished_at,
            Submission.status,
            Submission.public_score,
            Submission.private_score,
            Submission.late,
            Submission.filename,
        )  # fmt: skip
        .join(User, User.id == Submission.user_id)
        .join(Challenge, Challenge.id == Submission.challenge_id)
        .where(belongs_to_tenant_id(Submission, tenant.id))
        .order_by(Submission.created_at, Submission.id)
        .execution_options(yield_per=ROWS_PER_CHUNK)
    )
    if challenge_id is not None:
        query = query.where(Submission.challenge_id == challenge_id)
    for (
        job_id,
        student,
        email,
        slug,
        submitted,
        finished,
        status,
        public,
        private,
        late,
        filename,
    ) in db.session.execute(query):
        yield {
            "job_id": job_id, "student": student, "email": email, "challenge": slug, "submitted_at": submitted,
            "finished_at": finished, "status": status.value, "public_score": public, "private_score": private,
            "final": job_id in finals, "late": late, "filename": filename,
        }  # fmt: skip


def gradebook_rows(
    tenant: Tenant, challenge: Challenge | None = None, practice: bool = False
) -> Iterator[dict]:
    """One row per student and challenge, students without a submission included; `submissions`
    counts the scored ones (a rejected file or a platform failure earns nothing)."""
    challenges = (
        [challenge] if challenge else [c for c in _challenges_of(tenant) if practice or not c.practice]
    )
    challenge_ids = [c.id for c in challenges]
    entries = rankable_submissions(tenant.id, challenge.id if challenge else None)
    best, finals = best_public(entries), final_submissions(entries)
    # The challenges are the tenant's own, so their submissions are too: no tenant condition, and the
    # (challenge, status, student, time) index answers alone, without reading a submission's row.
    activity = (
        {
            (user_id, challenge_id): (count, last)
            for user_id, challenge_id, count, last in db.session.execute(
                select(
                    Submission.user_id, Submission.challenge_id, func.count(), func.max(Submission.created_at)
                )
                .where(
                    Submission.challenge_id.in_(challenge_ids), Submission.status == SubmissionStatus.FINISHED
                )
                .group_by(Submission.user_id, Submission.challenge_id)
            )
        }
        if challenge_ids
        else {}
    )
    students = db.session.execute(
        select(User.id, User.username, User.email)
        .where(belongs_to_tenant_id(User, tenant.id), User.role == Role.STUDENT)
        .order_by(User.username)
    ).all()
    for user_id, username, email in students:
        for each in challenges:
            owner = (user_id, each.id)
            top, chosen = best.get(owner), finals.get(owner, [])
            counted = final_private(each, chosen)
            count, last = activity.get(owner, (0, None))
            yield {
                "student": username, "email": email, "challenge": each.slug, "submissions": count,
                "best_public_score": top.public_score if top else None,
                "best_public_job_id": top.job_id if top else None,
                "final_job_ids": [s.job_id for s in chosen],
                "final_private_score": counted.private_score if counted else None,
                "last_submitted_at": last,
            }  # fmt: skip


def _challenges_of(tenant: Tenant) -> list[Challenge]:
    return list(db.session.scalars(select_of_tenant(Challenge, tenant).order_by(Challenge.id)))
