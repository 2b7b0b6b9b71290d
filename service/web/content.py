"""What the pages show, gathered from the domain modules for the signed-in user."""

from __future__ import annotations

from sqlalchemy import func, select

from service.challenges.lookup import visible_challenges
from service.extensions import db
from service.grading.submissions import visible_submissions
from service.results.finals import final_selection
from service.store.models import Challenge, Role, Submission, SubmissionStatus, Tenant, User
from service.store.tenancy import in_tenant, of_tenant
from service.web.charts import score_chart

SHOWN_SUBMISSIONS = 200


def my_challenges(user: User) -> list[Challenge]:
    return visible_challenges(user)


def my_submissions_page(user: User, challenge: Challenge) -> dict:
    """The user's submissions of a challenge (newest first), their chart and final selection."""
    submissions = db.session.scalars(
        visible_submissions(user)
        .where(Submission.user_id == user.id, Submission.challenge_id == challenge.id)
        .order_by(Submission.created_at.desc(), Submission.id.desc())
        .limit(SHOWN_SUBMISSIONS)
    ).all()
    show_private = challenge.private_visible_to(user)
    finished = [s for s in reversed(submissions) if s.status is SubmissionStatus.FINISHED]
    chart = score_chart(
        [(s.created_at, s.public_score, s.private_score if show_private else None) for s in finished]
    )
    return {
        "challenge": challenge,
        "submissions": submissions,
        "show_private": show_private,
        "chart": chart,
        "selection": final_selection(user, challenge),
    }


def private_score_shown(submission: Submission, viewer: User) -> float | None:
    return submission.private_score if submission.challenge.private_visible_to(viewer) else None


def tenants() -> list[Tenant]:
    return list(db.session.scalars(select(Tenant).order_by(Tenant.slug)))


def class_summary(tenant: Tenant) -> dict:
    students = db.session.scalar(
        select(func.count()).select_from(User).where(in_tenant(User, tenant.id), User.role == Role.STUDENT)
    )
    submissions = db.session.scalar(
        select(func.count()).select_from(Submission).where(in_tenant(Submission, tenant.id))
    )
    challenges = db.session.scalars(of_tenant(Challenge, tenant).order_by(Challenge.id))
    return {
        "tenant": tenant,
        "students": students,
        "submissions": submissions,
        "challenges": list(challenges),
    }
