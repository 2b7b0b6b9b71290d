"""What a class's staff see of its people: the roster with each member's activity, and every
submission of the class, filtered and paged. Staff see exact scores: nothing here is rounded."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from service.extensions import db
from service.store.models import Challenge, Role, Standing, Submission, SubmissionStatus, Tenant, User

SUBMISSIONS_PER_PAGE = 50
MEMBERS_PER_PAGE = 100


@dataclass
class RosterRow:
    member: User
    submissions_today: int = 0
    submissions: int = 0
    late: int = 0
    last_upload: datetime | None = None
    best_public: dict[str, float] = field(default_factory=dict)  # by challenge slug

    @property
    def status(self) -> str:
        return "removed" if self.member.removed_at else "disabled" if self.member.disabled else "active"


@dataclass(frozen=True)
class RosterPage:
    rows: list[RosterRow]
    total: int
    page: int
    pages: int


def roster(tenant: Tenant, today: date, page: int = 1) -> RosterPage:
    """A page of the class's members, staff first, with their uploads (today: the UTC day) and best
    public score per challenge; removed members last, their submissions kept. A page, because a
    class of 500 made a half-megabyte page that cost the server 50 ms to write."""
    members_query = select(User).where(User.tenant_id == tenant.id)
    total = db.session.scalar(select(func.count()).select_from(User).where(User.tenant_id == tenant.id))
    pages = max(1, -(-total // MEMBERS_PER_PAGE))
    page = min(max(1, page), pages)
    members = db.session.scalars(
        members_query
        .order_by(User.removed_at.is_not(None), User.role != Role.TEACHER, User.role != Role.ASSISTANT, User.username)
        .limit(MEMBERS_PER_PAGE).offset((page - 1) * MEMBERS_PER_PAGE)
    ).all()  # fmt: skip
    rows = {member.id: RosterRow(member) for member in members}
    day_start = datetime.combine(today, time())
    counts = db.session.execute(
        select(
            Submission.user_id,
            func.count(),
            func.count().filter(Submission.created_at >= day_start),
            func.count().filter(Submission.late.is_(True)),
            func.max(Submission.created_at),
        )
        .where(Submission.tenant_id == tenant.id, Submission.user_id.in_(rows))
        .group_by(Submission.user_id)
    )
    for user_id, count, today_count, late, last in counts:
        row = rows[user_id]
        row.submissions, row.submissions_today, row.late, row.last_upload = count, today_count, late, last
    best = db.session.execute(
        select(Standing.user_id, Challenge.slug, Submission.public_score)
        .join(Challenge, Challenge.id == Standing.challenge_id)
        .join(Submission, Submission.id == Standing.best_public_id)
        .where(Challenge.tenant_id == tenant.id, Standing.user_id.in_(rows))
    )
    for user_id, slug, score in best:
        rows[user_id].best_public[slug] = score
    return RosterPage(list(rows.values()), total, page, pages)


@dataclass(frozen=True)
class SubmissionFilter:
    student_id: int | None = None
    challenge_id: int | None = None
    status: SubmissionStatus | None = None
    late: bool | None = None


@dataclass(frozen=True)
class SubmissionPage:
    submissions: list[Submission]
    total: int
    page: int
    pages: int


def class_submissions(tenant: Tenant, chosen: SubmissionFilter, page: int = 1) -> SubmissionPage:
    """The class's submissions, newest first, as `chosen` filters them, a page at a time."""
    query = select(Submission).where(Submission.tenant_id == tenant.id)
    if chosen.student_id is not None:
        query = query.where(Submission.user_id == chosen.student_id)
    if chosen.challenge_id is not None:
        query = query.where(Submission.challenge_id == chosen.challenge_id)
    if chosen.status is not None:
        query = query.where(Submission.status == chosen.status)
    if chosen.late is not None:
        query = query.where(Submission.late.is_(chosen.late))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // SUBMISSIONS_PER_PAGE))
    page = min(max(1, page), pages)
    shown = db.session.scalars(
        query.options(joinedload(Submission.user), joinedload(Submission.challenge))
        .order_by(Submission.created_at.desc(), Submission.id.desc())
        .limit(SUBMISSIONS_PER_PAGE)
        .offset((page - 1) * SUBMISSIONS_PER_PAGE)
    ).all()
    return SubmissionPage(list(shown), total, page, pages)
