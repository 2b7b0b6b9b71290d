"""The teacher's page: the class's challenges, the form that makes one, and the forms that change each.

A refused form comes back filled in as it was sent, with the reason and, for an answer key, each
problem found in it; files must be chosen again, as browsers never fill a file field.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_jwt_extended import current_user
from marshmallow import ValidationError
from werkzeug.datastructures import FileStorage, MultiDict

from scoring import METRICS
from service.challenges.authoring import (
    MAX_DESCRIPTION_CHARS,
    MAX_TITLE_CHARS,
    ChallengeDraft,
    Upload,
    create_challenge,
    edit_challenge,
)
from service.challenges.reveal import set_deadline, set_revealed
from service.errors import InvalidInput, ServiceError
from service.http.challenge_schemas import ChallengeCreateSchema
from service.http.context import settings
from service.http.problems import flatten_messages
from service.store.models import Challenge, Role, Tenant
from service.store.tenancy import get_visible_by_id, own_or_named_tenant
from service.web.content import class_summary, tenants
from service.web.pages import STAFF, TEACHERS, bp
from service.web.session import page

DEADLINE_FORMAT = "give the deadline as a date and time, e.g. 2025-06-30 23:59 (UTC)"
# The metric menu by what the key's target holds, as the form groups it.
TARGET_KINDS = (("binary", "Target 0/1"), ("labels", "Target: class labels"), ("numeric", "Target: numbers"))


@bp.get("/teacher")
@page(*STAFF)
def teacher():
    if current_user.role is Role.ADMIN and not request.args.get("tenant"):
        return render_template("web/pick_class.html", tenants=tenants(), target="web.teacher")
    return _class_page(own_or_named_tenant(current_user, request.args.get("tenant") or None))


@bp.post("/teacher/challenges")
@page(*TEACHERS)
def new_challenge():
    tenant = own_or_named_tenant(current_user, request.args.get("tenant") or None)
    try:
        made = create_challenge(tenant, _draft(request.form, request.files), settings().max_answer_key_bytes)
    except ServiceError as error:  # the domain left nothing half-made in the session
        return _class_page(tenant, error.status, refusal=_refusal("new", error), sent=request.form)
    flash(f"Challenge {made.slug} made: students can upload to it now.")
    return redirect(url_for("web.teacher", tenant=_operator_tenant(tenant), _anchor=f"challenge-{made.id}"))


@bp.post("/teacher/challenges/<int:challenge_id>")
@page(*TEACHERS)
def challenge_settings(challenge_id: int):
    challenge = get_visible_by_id(Challenge, challenge_id, current_user)
    tenant = challenge.tenant
    action = request.form.get("action")
    try:
        _apply(challenge, action)
    except ServiceError as error:
        return _class_page(tenant, error.status, refusal=_refusal(challenge_id, error), sent=request.form)
    flash(f"{challenge.title}: {_done(challenge, action)}")
    return redirect(
        url_for("web.teacher", tenant=_operator_tenant(tenant), _anchor=f"challenge-{challenge_id}")
    )


def _apply(challenge: Challenge, action: str | None) -> None:
    form = request.form
    if action in ("reveal", "hide"):
        set_revealed(challenge, action == "reveal")
    elif action == "deadline":
        deadline = _settings(form, "deadline")["deadline"]
        if deadline is None:
            raise InvalidInput(DEADLINE_FORMAT)
        set_deadline(challenge, deadline)
    elif action == "clear-deadline":
        set_deadline(challenge, None)
    elif action == "edit":
        changes = {"title": form.get("title", "").strip(), "description": _description(form),
                   **_settings(form, "daily_quota")}  # fmt: skip
        edit_challenge(challenge, changes, _uploads(request.files.getlist("files")))
    elif action == "feedback":
        edit_challenge(challenge, _settings(form, "score_precision", "leaderboard_mode", "ladder_alpha"))
    elif action in ("close", "open"):
        edit_challenge(challenge, {"closed": action == "close"})
    elif action == "remove-file":
        edit_challenge(challenge, {"remove_files": [form.get("file", "")]})
    else:
        raise InvalidInput(f"unknown action {action!r}")


def _done(challenge: Challenge, action: str) -> str:
    """What a saved form changed, in the teacher's words."""
    return {
        "reveal": "private scores revealed to students.",
        "hide": "private scores hidden from students again.",
        "deadline": f"deadline set to {challenge.deadline:%Y-%m-%d %H:%M} UTC." if challenge.deadline else "",
        "clear-deadline": "deadline removed.",
        "edit": "title, description, quota and files saved.",
        "feedback": f"students now see {challenge.score_precision} decimals, on the {challenge.leaderboard_mode} leaderboard"
        + (
            f" (Ladder budget {challenge.ladder_alpha:g})." if challenge.leaderboard_mode == "ladder" else "."
        ),
        "close": "closed to uploads.",
        "open": "open for uploads again.",
        "remove-file": f"file {request.form.get('file', '')} removed.",
    }[action]


def _class_page(tenant: Tenant, status: int = 200, refusal: dict | None = None, sent=None):
    page_html = render_template(
        "web/teacher.html", operator_tenant=_operator_tenant(tenant), refusal=refusal, sent=sent or {},
        max_title=MAX_TITLE_CHARS, max_description=MAX_DESCRIPTION_CHARS,
        may_edit=current_user.role in TEACHERS,
        metric_groups=[(label, [m for m in METRICS.values() if m.target == kind]) for kind, label in TARGET_KINDS],
        **class_summary(tenant),
    )  # fmt: skip
    return page_html, status


def _operator_tenant(tenant: Tenant) -> str | None:
    """The operator's pages name the class they act on; a teacher's need not."""
    return tenant.slug if current_user.role is Role.ADMIN else None


def _refusal(form: str | int, error: ServiceError) -> dict:
    problems = error.extra.get("problems") or []
    return {
        "form": form,
        "message": error.detail,
        "problems": problems,
        "more": max(0, (error.extra.get("total_problems") or 0) - len(problems)),
    }


def _draft(form: MultiDict, files: MultiDict) -> ChallengeDraft:
    key = files.get("answer_key")
    if key is None or not key.filename:
        raise InvalidInput("answer key: choose the CSV file of the answer key")
    return ChallengeDraft(
        slug=form.get("slug", "").strip(),
        title=form.get("title", "").strip(),
        metric=form.get("metric", ""),
        answer_key=Upload(key.filename, key.read()),
        description=_description(form),
        prediction_column=form.get("prediction_column", "").strip() or None,
        target_column=form.get("target_column", "").strip() or None,
        files=_uploads(files.getlist("files")),
        **_settings(form, "public_fraction", "seed", "deadline", "daily_quota"),
    )


def _description(form: MultiDict) -> str | None:
    text = form.get("description", "").replace("\r\n", "\n")  # browsers send a textarea's lines with CRLF
    return text if text.strip() else None


def _settings(form: MultiDict, *names: str) -> dict:
    """The form's fields `names` read by the API's schema: its ranges, its defaults (for a field
    left empty) and its messages, so a page and the API accept and refuse the same values."""
    sent = {name: form[name].strip() for name in names if form.get(name, "").strip()}
    try:
        return ChallengeCreateSchema(only=names).load(sent)
    except ValidationError as error:
        raise InvalidInput("; ".join(flatten_messages(error.messages))) from None


def _uploads(files: list[FileStorage]) -> tuple[Upload, ...]:
    """The chosen files; a file field left empty sends a part without a name, which is skipped."""
    return tuple(Upload(each.filename, each.read()) for each in files if each.filename)
