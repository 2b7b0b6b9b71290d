"""Daily submission quotas, counted in the SQL store in the transaction that accepts a submission.

Rules: each student has `limit` scored submissions per challenge and UTC day (the
challenge's quota, else the tenant's, else DAILY_SUBMISSION_QUOTA, plus any extra a
teacher granted for that day). A file found invalid, and a job that fails for a
platform reason, give their slot back.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import bindparam, func, select, update

from service.errors import InvalidInput, NotFound, QuotaExceeded
from service.extensions import db
from service.store.built_once import built_once, dialect_name, table_of
from service.store.models import Challenge, QuotaGrant, QuotaUsage, Submission, Tenant, User
from service.store.tenancy import select_of_tenant
from service.store.upserts import upsert_returning


def day_of(now: datetime) -> date:
    """The UTC day a quota counts in."""
    return now.astimezone(UTC).date()


def resets_at(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)


def daily_limit(user: User, challenge: Challenge, day: date, default_quota: int) -> int:
    base = next(q for q in (challenge.daily_quota, user.tenant.daily_quota, default_quota) if q is not None)
    extra = db.session.scalar(
        _extra_granted(), {"student_id": user.id, "for_challenge_id": challenge.id, "on_day": day}
    )
    return base + int(extra)


@built_once
def _extra_granted():
    grants = table_of(QuotaGrant)
    return select(func.coalesce(func.sum(grants.c.extra), 0)).where(
        grants.c.user_id == bindparam("student_id"),
        grants.c.challenge_id == bindparam("for_challenge_id"),
        grants.c.day == bindparam("on_day"),
    )


def used(user: User, challenge: Challenge, day: date) -> int:
    row = db.session.get(QuotaUsage, (user.id, challenge.id, day))
    return row.used if row else 0


def quota_status(user: User, challenge: Challenge, now: datetime, default_quota: int) -> dict:
    day = day_of(now)
    return _status(
        challenge, day, daily_limit(user, challenge, day, default_quota), used(user, challenge, day)
    )


def _status(challenge: Challenge, day: date, limit: int, spent: int) -> dict:
    return {
        "challenge": challenge.slug,
        "limit": limit,
        "used": spent,
        "remaining": max(0, limit - spent),
        "resets_at": resets_at(day),
    }


def reserve_slot(user: User, challenge: Challenge, now: datetime, default_quota: int) -> tuple[date, dict]:
    """Spend one of today's slots inside the caller's transaction, or raise QuotaExceeded (the
    caller rolls back). Answers the day the slot counts in and the quota as it now stands.

    One statement does the counting (the day's first slot makes the row, a later one counts up
    while under the limit): the database serialises concurrent uploads on the row, across API
    processes, so exactly `limit` of them succeed.
    """
    day = day_of(now)
    limit = daily_limit(user, challenge, day, default_quota)
    spent = None
    if limit > 0:
        spent = db.session.execute(
            _take_a_slot(dialect_name()),
            {"user_id": user.id, "challenge_id": challenge.id, "day": day, "used": 1, "limit": limit},
        ).scalar()
    if spent is None:
        reset = resets_at(day)
        raise QuotaExceeded(
            f"you have used your {limit} submissions for today; the quota resets at {utc_text(reset)}",
            retry_after=max(1, int((reset - now).total_seconds())),
            resets_at=utc_text(reset),
        )
    return day, _status(challenge, day, limit, spent)


@built_once
def _take_a_slot(dialect: str):
    """Make the day's row with one slot used, or use one more while under :limit; answers the slots used."""
    usage = table_of(QuotaUsage)
    return upsert_returning(
        QuotaUsage, dialect, {"used": usage.c.used + 1}, usage.c.used, where=usage.c.used < bindparam("limit")
    )


def refund_slot(submission_id: int) -> None:
    """Give back the slot a submission spent (inside the caller's transaction), once."""
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.quota_day is None:
        return
    db.session.execute(
        update(QuotaUsage)
        .where(
            QuotaUsage.user_id == submission.user_id,
            QuotaUsage.challenge_id == submission.challenge_id,
            QuotaUsage.day == submission.quota_day,
            QuotaUsage.used > 0,
        )
        .values(used=QuotaUsage.used - 1)
    )
    submission.quota_day = None


def grant_extra(
    granted_by: User, student: User, challenge: Challenge, extra: int, reason: str | None, now: datetime
) -> QuotaGrant:
    """Record extra submissions for `student` today: who granted them and when is kept."""
    if not 1 <= extra <= 100:
        raise InvalidInput("grant between 1 and 100 extra submissions")
    grant = QuotaGrant(
        tenant_id=student.tenant_id, user_id=student.id, challenge_id=challenge.id, day=day_of(now), extra=extra,
        reason=reason, granted_by_id=granted_by.id,
    )  # fmt: skip
    db.session.add(grant)
    db.session.commit()
    return grant


def class_quotas(tenant: Tenant, default: int) -> dict:
    """The quotas a teacher set: the class's, each challenge's, and what each comes to (`default`
    where neither is set)."""
    class_quota = tenant.daily_quota
    challenges = db.session.scalars(select_of_tenant(Challenge, tenant).order_by(Challenge.id))
    return {
        "daily_quota": class_quota,
        "default": default,
        "challenges": [
            {"challenge": c.slug, "daily_quota": c.daily_quota,
             "effective": next(q for q in (c.daily_quota, class_quota, default) if q is not None)}
            for c in challenges
        ],
    }  # fmt: skip


def set_daily_quota(tenant: Tenant, challenge_slug: str | None, daily_quota: int | None) -> dict:
    """The daily quota of a whole class, or of one of its challenges (None: back to the default)."""
    if challenge_slug is None:
        tenant.daily_quota = daily_quota
    else:
        challenge = db.session.scalar(
            select_of_tenant(Challenge, tenant).where(Challenge.slug == challenge_slug)
        )
        if challenge is None:
            raise NotFound(f"no challenge {challenge_slug!r} in {tenant.slug}")
        challenge.daily_quota = daily_quota
    db.session.commit()
    return {"challenge": challenge_slug, "daily_quota": daily_quota}


def utc_text(moment: datetime) -> str:
    """As every time the API writes: ISO 8601 in UTC with a Z."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"
