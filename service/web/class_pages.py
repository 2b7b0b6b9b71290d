"""Classes on the web: the signed-in person's classes, making one, switching, joining by invite link."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_jwt_extended import current_user, get_jwt
from flask_limiter.util import get_remote_address

import service.accounts.classes as classes
from service.accounts.sign_in import change_own_password, issue_tokens, switch_class
from service.errors import ServiceError
from service.http.class_schemas import join_url
from service.http.rate_limits import limiter, login_throttle, setting
from service.http.routes.join import join_with_throttle
from service.store.models import Role
from service.web.content import tenants
from service.web.pages import bp
from service.web.session import (
    error_page,
    new_signin_token,
    page,
    signed_in_user,
    signin_token_matches,
    start_session,
)


@bp.get("/classes")
@page()
def class_list():
    return _classes_page()


@bp.post("/classes")
@page()
def new_class():
    slug, title = request.form.get("slug", "").strip(), request.form.get("title", "").strip() or None
    try:
        teacher = classes.create_class(current_user.person, slug, title)
    except ServiceError as error:
        return _classes_page(error.detail, request.form), error.status
    tokens = switch_class(current_user, get_jwt(), teacher.tenant.slug)
    flash(f"Class {teacher.tenant.slug} made; you are now working in it. Send students its invite link.")
    return start_session(redirect(url_for("web.class_list")), tokens["access_token"])


@bp.post("/classes/with-teacher")
@page(Role.ADMIN)
def new_class_with_teacher():
    form = request.form
    try:
        teacher, password = classes.open_class_for_teacher(
            form.get("slug", "").strip(),
            form.get("title", "").strip() or None,
            form.get("teacher", "").strip(),
        )
    except ServiceError as error:
        return _classes_page(error.detail, form), error.status
    made = {"class": teacher.tenant.slug, "teacher": teacher.username, "password": password}
    return _classes_page(made=made)


@bp.post("/account/password")
@page()
def change_password():
    try:
        tokens = change_own_password(
            current_user, request.form.get("current_password", ""), request.form.get("new_password", ""),
            get_remote_address(), login_throttle(),
        )  # fmt: skip
    except ServiceError as error:
        return _classes_page(error.detail), error.status
    flash("Your password is changed; your other sign-ins have ended.")
    return start_session(redirect(url_for("web.class_list")), tokens["access_token"])


@bp.post("/classes/switch")
@page()
def switch():
    try:
        tokens = switch_class(current_user, get_jwt(), request.form.get("class", ""))
    except ServiceError as error:
        return _classes_page(error.detail), error.status
    flash(f"You are now working in {tokens['class']}.")
    return start_session(redirect(url_for("web.home")), tokens["access_token"])


def _classes_page(message: str | None = None, sent=None, made: dict | None = None) -> str:
    memberships = classes.memberships_of(current_user.person)
    operator = current_user.role is Role.ADMIN
    return render_template(
        "web/classes.html", memberships=memberships, may_create=classes.may_create_classes(current_user.person),
        message=message, sent=sent or {}, join_url=join_url, operator=operator, made=made,
        all_classes=tenants() if operator else [],
    )  # fmt: skip


@bp.route("/join/<code>", methods=["GET", "POST"])
@limiter.limit(setting("login_rate_limit"), key_func=get_remote_address)
def join(code: str):
    user = signed_in_user()
    try:
        tenant = classes.class_of_join_code(code)
    except ServiceError as error:
        return error_page(error.status, error.detail)
    if request.method == "GET":
        return _join_form(tenant, user)
    if user is None and not signin_token_matches():
        return _join_form(tenant, user, "The form expired. Please try again.", 400)
    account = {"listed_name": request.form.get("listed_name") or None}
    if user is None:
        account |= {
            "username": request.form.get("username", "").strip(),
            "password": request.form.get("password", ""),
        }
    try:
        member = join_with_throttle(
            code, get_remote_address(), person=user.person if user else None, **account
        )
    except ServiceError as error:
        return _join_form(tenant, user, error.detail, error.status)
    tokens = issue_tokens(member, None) if user is None else switch_class(user, get_jwt(), tenant.slug)
    flash(f"Welcome to {tenant.name}: you joined as {member.username}.")
    return start_session(redirect(url_for("web.home")), tokens["access_token"])


def _join_form(tenant, user, message: str | None = None, status: int = 200):
    response = make_response("", status)
    token = None if user is not None else new_signin_token(response, request.path)
    response.set_data(render_template(
        "web/join.html", tenant=tenant, signed_in=user, message=message, token=token,
        sent=request.form if request.method == "POST" else {},
    ))  # fmt: skip
    return response
