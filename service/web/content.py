"""What the pages show, gathered from the domain modules for the signed-in user."""

from __future__ import annotations

from datetime import datetime

from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy import func, select

from scoring import metric_named
from service.challenges.authoring import classes_of, part_rows
from service.challenges.lookup import challenges_visible_to
from service.extensions import db
from service.grading.quotas import quota_status
from service.grading.submissions import visible_submissions
from service.results.feedback import seen_by
from service.results.finals import final_selection
from service.store.models import Challenge, Role, Submission, SubmissionStatus, Tenant, User
from service.store.tenancy import belongs_to_tenant_id, select_of_tenant
from service.web.charts import score_chart

SHOWN_SUBMISSIONS = 200
# CommonMark (and GitHub's tables) with raw HTML off: tags in a description are shown as text, and javascript:, vbscript:
# and file: links are not made links. Images from other sites are blocked by the pages' policy.
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable("table")  # GitHub's tables too


def my_challenges(user: User) -> list[Challenge]:
    return challenges_visible_to(user)


def class_challenges(tenant: Tenant) -> list[Challenge]:
    """The class's challenges: the teacher's own first, newest first; the practice one last."""
    challenges = db.session.scalars(select_of_tenant(Challenge, tenant).order_by(Challenge.id.desc()))
    return sorted(challenges, key=lambda challenge: challenge.practice)


def newest_open_challenge(user: User) -> Challenge | None:
    """Where a student starts: the class's newest challenge open for uploads, the practice one only
    when the teacher has none open."""
    open_ones = [c for c in class_challenges(user.tenant) if not c.closed] if user.tenant else []
    return open_ones[0] if open_ones else None


def uploads_left(user: User, challenges: list[Challenge], moment: datetime, default_quota: int) -> dict:
    """What each challenge has left of the student's uploads today, and when used ones come back."""
    if user.role is not Role.STUDENT:
        return {}
    return {c.slug: quota_status(user, c, moment, default_quota) for c in challenges}


def markdown_html(text: str | None) -> Markup:
    """A teacher's Markdown as HTML that carries no markup of their own."""
    return Markup(_MARKDOWN.render(text or ""))  # the renderer has escaped every raw tag


def challenge_facts(challenge: Challenge, user: User) -> dict:
    """What a challenge's page shows: its metric and rows per part; `staff` adds the teacher's notes."""
    return {
        "challenge": challenge,
        "metric": metric_named(challenge.metric),
        "rows": part_rows(challenge),
        "classes": classes_of(challenge),
        "staff": user.role is not Role.STUDENT,
    }


def my_submissions_page(user: User, challenge: Challenge) -> dict:
    """The user's submissions of a challenge (newest first), their chart and final selection."""
    submissions = db.session.scalars(
        visible_submissions(user)
        .where(Submission.user_id == user.id, Submission.challenge_id == challenge.id)
        .order_by(Submission.created_at.desc(), Submission.id.desc())
        .limit(SHOWN_SUBMISSIONS)
    ).all()
    show_private = challenge.private_visible_to(user)
    # Scores as the user may see them (a student's rounded; in Ladder mode, only those that moved).
    scores = {s.job.id: (s.public_score, s.private_score) for s in seen_by(user, submissions, [challenge])}
    finished = [s for s in reversed(submissions) if s.status is SubmissionStatus.FINISHED]
    chart = score_chart([(s.created_at, *scores[s.id], s.late) for s in finished])
    return {
        "challenge": challenge,
        "metric": metric_named(challenge.metric),
        "submissions": submissions,
        "scores": scores,
        "show_private": show_private,
        "chart": chart,
        "selection": final_selection(user, challenge),
    }


def tenants() -> list[Tenant]:
    return list(db.session.scalars(select(Tenant).order_by(Tenant.slug)))


def class_summary(tenant: Tenant) -> dict:
    students = db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(belongs_to_tenant_id(User, tenant.id), User.role == Role.STUDENT)
    )
    submissions = db.session.scalar(
        select(func.count()).select_from(Submission).where(belongs_to_tenant_id(Submission, tenant.id))
    )
    return {
        "tenant": tenant,
        "students": students,
        "submissions": submissions,
        "challenges": class_challenges(tenant),
    }
