"""The class's people on the web: the roster and its actions, the invite link, and every submission.

For staff (teachers and assistants); a teacher also manages the invite link. A new or reset password
is shown once, on the page that answers the action, and never kept.
"""

from __future__ import annotations

from datetime import datetime

from flask import Response, flash, redirect, render_template, request, url_for
from flask_jwt_extended import current_user
from sqlalchemy import select

import service.accounts.classes as classes
import service.accounts.users as accounts
from service.challenges.lookup import challenges_visible_to
from service.errors import InvalidInput, ServiceError
from service.extensions import db
from service.grading.submissions import get_visible_submission
from service.http.class_schemas import join_url
from service.http.context import now
from service.results.class_overview import SubmissionFilter, class_submissions, roster
from service.store.models import Role, Submission, SubmissionStatus, User
from service.store.tenancy import get_visible_by_id
from service.web.pages import JOB_ID, bp, page_asked
from service.web.session import page

CLASS_STAFF = (Role.TEACHER, Role.ASSISTANT)


@bp.get("/roster")
@page(*CLASS_STAFF)
def roster_page():
    return _roster_page()


@bp.post("/roster/members")
@page(*CLASS_STAFF)
def add_member():
    form = request.form
    try:
        member, generated = accounts.enrol_user(
            form.get("username", "").strip(), form.get("password") or None, current_user.tenant, Role.STUDENT,
            form.get("email", "").strip() or None,
        )  # fmt: skip
    except ServiceError as error:
        return _roster_page(error.detail, error.status, sent=form)
    shown = [(member.username, generated)] if generated else []
    return _roster_page(notice=f"{member.username} added to the class.", passwords=shown)


@bp.post("/roster/staff")
@page(Role.TEACHER)
def add_staff():
    form = request.form
    try:
        member = classes.add_staff(
            current_user, form.get("username", "").strip(), Role(form.get("role", "assistant")),
            form.get("from_class", "").strip() or None,
        )  # fmt: skip
    except (ServiceError, ValueError) as error:
        return _roster_page(
            getattr(error, "detail", "role: teacher or assistant"), getattr(error, "status", 400)
        )
    flash(f"{member.username} is now {member.role.value} of this class.")
    return redirect(url_for("web.roster_page"))


@bp.post("/roster/import")
@page(*CLASS_STAFF)
def import_roster():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _roster_page("Choose a CSV file of username,email[,password] rows.", 400)
    try:
        entries = accounts.import_roster(upload.read(), current_user.tenant)
    except ServiceError as error:
        problems = error.extra.get("problems") or [error.detail]
        return _roster_page("Nothing was imported: fix these and send the file again.", error.status,
                            problems=problems)  # fmt: skip
    shown = [(entry.username, entry.generated_password) for entry in entries if entry.generated_password]
    return _roster_page(notice=f"{len(entries)} students imported.", passwords=shown)


@bp.post("/roster/<int:user_id>")
@page(*CLASS_STAFF)
def member_action(user_id: int):
    member = get_visible_by_id(User, user_id, current_user)
    action = request.form.get("action")
    try:
        if action == "reset-password":
            password = accounts.reset_password(member, by=current_user)
            return _roster_page(
                notice=f"{member.username}'s password was reset.", passwords=[(member.username, password)]
            )
        done = {
            "disable": accounts.disable_user,
            "enable": accounts.enable_user,
            "remove": accounts.remove_member,
        }
        if action not in done:
            raise InvalidInput("unknown action")
        done[action](member, by=current_user)
    except ServiceError as error:
        return _roster_page(error.detail, error.status)
    verb = {
        "disable": "disabled",
        "enable": "enabled again",
        "remove": "removed from the class (their submissions stay)",
    }
    flash(f"{member.username} {verb[action]}.")
    return redirect(url_for("web.roster_page"))


@bp.post("/roster/join-link")
@page(Role.TEACHER)
def join_link():
    tenant, action = current_user.tenant, request.form.get("action")
    try:
        if action == "off":
            classes.turn_off_join_link(tenant)
            flash("The invite link is off: nobody can join by it.")
        elif action == "new":
            expires = request.form.get("expires_at", "").strip()
            expires_at = _utc_minute(expires) if expires else None
            classes.replace_join_link(tenant, expires_at, request.form.get("listed_only") == "on")
            flash("A new invite link is ready; the old one no longer works.")
        elif action == "names":
            names = [line for line in request.form.get("names", "").splitlines() if line.strip()]
            listed = classes.set_invited_names(tenant, names)
            flash(f"{len(listed)} names listed for the invite link.")
        else:
            raise InvalidInput("unknown action")
    except ServiceError as error:
        return _roster_page(error.detail, error.status)
    return redirect(url_for("web.roster_page", _anchor="invite"))


def _utc_minute(text: str) -> datetime:
    try:
        return datetime.strptime(text, "%Y-%m-%dT%H:%M")
    except ValueError:
        raise InvalidInput("give the expiry as a date and time, e.g. 2026-06-30T23:59 (UTC)") from None


def _roster_page(message: str | None = None, status: int = 200, sent=None, problems=None,
                 notice: str | None = None, passwords=None) -> tuple[str, int]:  # fmt: skip
    tenant = current_user.tenant
    return render_template(
        "web/roster.html", tenant=tenant, shown=roster(tenant, now().date(), page_asked(request.args)),
        challenges=challenges_visible_to(current_user), message=message, sent=sent or {},
        problems=problems or [], notice=notice, passwords=passwords or [],
        join_url=join_url(tenant.join_code), invited=classes.invited_names(tenant),
        teacher=current_user.role is Role.TEACHER,
    ), status  # fmt: skip


@bp.get("/class-submissions")
@page(*CLASS_STAFF)
def class_submissions_page():
    tenant = current_user.tenant
    args = request.args
    challenges = challenges_visible_to(current_user)
    # Id and name only, for the filter's list: 500 members as ORM objects cost more than the page.
    students = db.session.execute(
        select(User.id, User.username).where(User.tenant_id == tenant.id).order_by(User.username)
    ).all()
    chosen = SubmissionFilter(
        student_id=_id_in(args.get("student"), {m.id for m in students}),
        challenge_id=_id_in(args.get("challenge"), {c.id for c in challenges}),
        status=next((status for status in SubmissionStatus if status.value == args.get("status")), None),
        late={"yes": True, "no": False}.get(args.get("late", "")),
    )
    shown = class_submissions(tenant, chosen, page_asked(args))
    return render_template(
        "web/class_submissions.html", shown=shown, chosen=chosen, students=students, challenges=challenges,
        statuses=list(SubmissionStatus), args=args,
    )  # fmt: skip


def _id_in(value: str | None, allowed: set[int]) -> int | None:
    """A filter's id, when it names one of `allowed` (a stale or foreign id filters nothing)."""
    return int(value) if value and JOB_ID.fullmatch(value) and int(value) in allowed else None


@bp.get("/jobs/<int:job_id>/file")
@page()
def submitted_file(job_id: int) -> Response:
    """The file as it was submitted: to its student, and to their class's staff."""
    submission: Submission = get_visible_submission(job_id, current_user)
    response = Response(submission.content, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="job-{submission.id}.csv"'
    return response
