"""The pages: sign-in, challenges, upload and job status, my submissions, leaderboard.

The teacher's page and its forms are in `teacher_pages.py`, on the same blueprint.
"""

from __future__ import annotations

import re
from datetime import datetime

from flask import Blueprint, flash, g, make_response, redirect, render_template, request, url_for
from flask_jwt_extended import current_user, get_jwt, unset_jwt_cookies
from flask_limiter.util import get_remote_address
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from scoring import Metric, metric_named
from service.accounts.classes import memberships_of
from service.accounts.sign_in import sign_in, sign_out
from service.challenges.lookup import (
    own_class_challenge_by_slug,
    tenant_challenge_by_slug,
    visible_challenge,
)
from service.errors import ServiceError
from service.grading.submissions import get_visible_submission
from service.http.context import now, settings, viewer
from service.http.rate_limits import limiter, login_throttle, setting
from service.results.feedback import format_score, seen_by
from service.results.finals import select_finals
from service.results.leaderboard import leaderboard
from service.store.models import MAX_ID, Challenge, Role
from service.store.tenancy import own_or_named_tenant
from service.web.content import (
    challenge_facts,
    class_challenges,
    markdown_html,
    my_challenges,
    my_submissions_page,
    newest_open_challenge,
    tenants,
    uploads_left,
)
from service.web.session import (
    SIGNIN_CSRF_COOKIE,
    new_signin_token,
    page,
    safe_next,
    signin_token_matches,
    start_session,
)

bp = Blueprint(
    "web", __name__, url_prefix="/web", template_folder="templates", static_folder="static",
    static_url_path="/static",
)  # fmt: skip
STAFF = (Role.TEACHER, Role.ASSISTANT, Role.ADMIN)
TEACHERS = (Role.TEACHER, Role.ADMIN)  # may change a challenge
# No inline script or style anywhere, so the policy can forbid both.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


@bp.after_request
def _security_headers(response):
    response.headers.update(SECURITY_HEADERS)
    if response.mimetype == "text/html":
        response.headers["Cache-Control"] = "no-store"  # pages show private data; no back-button leaks
    return response


@bp.context_processor
def _page_context() -> dict:
    user = g.get("web_user")
    if user is None:
        return {"user": None, "csrf_token": g.get("web_csrf_token"), "nav": [], "memberships": []}
    nav = [("web.challenge_list", "Challenges"), ("web.leaderboard_page", "Leaderboard")]
    if user.role is Role.STUDENT:
        nav[1:1] = [("web.upload", "Upload"), ("web.submissions", "My submissions")]
    if user.role.staff and user.role is not Role.ADMIN:
        nav += [
            ("web.teacher", "Class"),
            ("web.roster_page", "Roster"),
            ("web.class_submissions_page", "Submissions"),
        ]
    elif user.role is Role.ADMIN:
        nav.append(("web.teacher", "Class"))
    nav.append(("web.class_list", "Classes"))
    memberships = memberships_of(user.person) if user.tenant is not None else []
    return {"user": user, "csrf_token": g.get("web_csrf_token"), "nav": nav, "memberships": memberships}


@bp.app_template_filter("score")
@pass_context
def _score(context: Context, value: float | None) -> str:
    """A score as the viewer sees it: a student's is already rounded to the challenge's decimals;
    staff see exact scores, written in at most 6 significant digits with the exact value on hover.
    The viewer is the page's `user` (a dict lookup; `g` is a proxy, 10 ms on a 500-row leaderboard)."""
    user = context.get("user") or g.get("web_user")
    if value is None or user is None or not user.role.staff:
        return format_score(value)
    return _six_significant_digits(value)


@bp.app_template_filter("sig6")
def _six_significant_digits(value: float | None) -> str:
    if value is None:
        return "—"
    # Both are a float's digits, nothing to escape: an f-string costs a fifth of Markup.format.
    return Markup(f'<span class="exact" title="{format_score(value)}">{value:.6g}</span>')


@bp.app_template_filter("signed_score")
@pass_context
def _signed_score(context: Context, value: float | None) -> str:
    return _score(context, value) if value is None or value < 0 else Markup("+") + _score(context, value)


@bp.app_template_filter("utc")
def _utc(value: datetime | None) -> str:
    return "—" if value is None else f"{value:%Y-%m-%d %H:%M:%S} UTC"


@bp.app_template_filter("metric")
def _metric(challenge: Challenge) -> Metric:
    return metric_named(challenge.metric)


@bp.app_template_filter("header")
def _header(challenge: Challenge) -> str:
    """The header line a submission to the challenge starts with."""
    return f"Id,{challenge.prediction_column or 'Probability'}"


@bp.app_template_filter("markdown")
def _markdown(text: str | None) -> Markup:
    return markdown_html(text)


@bp.app_template_filter("size")
def _size(size_bytes: int) -> str:
    if size_bytes < 1000:
        return f"{size_bytes} bytes"
    return f"{size_bytes / 1000:.1f} kB" if size_bytes < 1_000_000 else f"{size_bytes / 1_000_000:.1f} MB"


@bp.get("/")
@page()
def home():
    if current_user.role in STAFF:
        return redirect(url_for("web.teacher"))
    newest = newest_open_challenge(current_user)
    return redirect(url_for("web.upload", challenge=newest.slug if newest else None))


@bp.route("/signin", methods=["GET", "POST"])
@limiter.limit(setting("login_rate_limit"), key_func=get_remote_address, methods=["POST"])
def signin():
    if request.method == "GET":
        return _signin_form()
    if not signin_token_matches():
        return _signin_form("The sign-in form expired. Please try again.", 400)
    try:
        tokens = sign_in(
            request.form.get("username", "").strip(),
            request.form.get("password", ""),
            get_remote_address(),
            login_throttle(),
            request.form.get("class", "").strip() or None,
        )
    except ServiceError as error:
        wait = {} if error.retry_after is None else {"Retry-After": str(error.retry_after)}
        return _signin_form(error.detail, error.status, wait)
    response = start_session(redirect(safe_next(request.form.get("next"))), tokens["access_token"])
    response.delete_cookie(SIGNIN_CSRF_COOKIE, path=url_for("web.signin"))
    return response


def _signin_form(message: str | None = None, status: int = 200, headers: dict | None = None):
    response = make_response("", status)
    token = new_signin_token(response)
    response.set_data(
        render_template(
            "web/signin.html",
            message=message,
            token=token,
            next=request.values.get("next", ""),
            class_slug=request.values.get("class", ""),  # a class's own sign-in link: /web/signin?class=SLUG
        )  # fmt: skip
    )
    response.headers.update(headers or {})
    return response


@bp.post("/signout")
@page()
def signout():
    sign_out(get_jwt())
    flash("You are signed out.")
    response = redirect(url_for("web.signin"))
    unset_jwt_cookies(response)
    return response


@bp.get("/challenges")
@page()
def challenge_list():
    return render_template("web/challenges.html", challenges=my_challenges(current_user))


@bp.get("/challenges/<int:challenge_id>")
@bp.get("/challenges/<string:slug>")
@page()
def challenge_page(challenge_id: int | None = None, slug: str | None = None):
    shown = visible_challenge(current_user, challenge_id, slug)  # another class's: not found
    operator_tenant = shown.tenant.slug if current_user.role is Role.ADMIN else None
    return render_template(
        "web/challenge.html", operator_tenant=operator_tenant, **challenge_facts(shown, current_user)
    )


@bp.get("/upload")
@page()
def upload():
    challenges = my_challenges(current_user)
    chosen = request.args.get("challenge") or None
    chosen = next((c for c in challenges if c.slug == chosen), challenges[0] if challenges else None)
    left = uploads_left(current_user, challenges, now(), settings().daily_submission_quota)
    return render_template("web/upload.html", challenges=challenges, chosen=chosen, left=left)


@bp.get("/jobs/<int:job_id>")
@page()
def job(job_id: int):
    seen = seen_by(viewer(), [get_visible_submission(job_id, current_user)])[0]
    return render_template(
        "web/job.html", job=seen.job, metric=metric_named(seen.challenge.metric), resent="resent" in request.args,
        public_score=seen.public_score, private_score=seen.private_score, ladder=seen.leaderboard,
    )  # fmt: skip


@bp.get("/submissions")
@page()
def submissions():
    challenge = own_class_challenge_by_slug(current_user, request.args.get("challenge") or None)
    return _submissions_page(challenge, saved=request.args.get("saved") == "1")


@bp.post("/final-submissions")
@page()
def choose_finals():
    challenge = own_class_challenge_by_slug(current_user, request.form.get("challenge") or None)
    chosen = [int(v) for v in request.form.getlist("job_ids") if JOB_ID.fullmatch(v) and int(v) <= MAX_ID]
    try:
        select_finals(current_user, challenge, chosen)
    except ServiceError as error:
        return _submissions_page(challenge, message=error.detail), error.status
    return redirect(url_for("web.submissions", challenge=challenge.slug, saved=1))


def _submissions_page(challenge: Challenge, saved: bool = False, message: str | None = None) -> str:
    return render_template(
        "web/submissions.html", challenges=my_challenges(current_user), saved=saved, message=message,
        **my_submissions_page(current_user, challenge),
    )  # fmt: skip


LEADERBOARD_ROWS_PER_PAGE = 100


@bp.get("/leaderboard")
@page()
def leaderboard_page():
    """Both tables a page of LEADERBOARD_ROWS_PER_PAGE ranks at a time (?page=): two tables of 500 rows
    cost more to render than any other page; the notice above them still ranks the viewer among all."""

    def content(challenge: Challenge) -> dict:
        board = leaderboard(challenge, viewer())
        rows = max(len(board["public"]), len(board["private"] or []))
        pages = max(1, -(-rows // LEADERBOARD_ROWS_PER_PAGE))
        shown_page = min(page_asked(request.args), pages)
        first = (shown_page - 1) * LEADERBOARD_ROWS_PER_PAGE
        ranks = slice(first, first + LEADERBOARD_ROWS_PER_PAGE)
        return {"board": board, "public_rows": board["public"][ranks], "private_rows": (board["private"] or [])[ranks],
                "page": shown_page, "pages": pages, "ranked": rows,
                "ranks_shown": (first + 1, min(first + LEADERBOARD_ROWS_PER_PAGE, rows))}  # fmt: skip

    return class_challenge_page("web/leaderboard.html", "web.leaderboard_page", content)


def page_asked(args) -> int:
    """The page a listing's ?page= asks for; 1 for anything but a number (the listing clamps it)."""
    return max(1, int(args["page"])) if JOB_ID.fullmatch(args.get("page", "")) else 1


def class_challenge_page(template: str, endpoint: str, content) -> str:
    """A page about one challenge of a class (?tenant=&challenge=): the operator picks the class
    first; `content(challenge)` gives the template's own values."""
    if current_user.role is Role.ADMIN and not request.args.get("tenant"):
        return render_template("web/pick_class.html", tenants=tenants(), target=endpoint)
    tenant = own_or_named_tenant(current_user, request.args.get("tenant") or None)
    challenge = tenant_challenge_by_slug(tenant, request.args.get("challenge") or None)
    operator_tenant = tenant.slug if current_user.role is Role.ADMIN else None
    return render_template(
        template, tenant=tenant, challenge=challenge, challenges=class_challenges(tenant),
        operator_tenant=operator_tenant, **content(challenge),
    )  # fmt: skip


JOB_ID = re.compile(r"[0-9]{1,10}")  # ASCII digits; no more than MAX_ID is checked where it is read
