"""Signing in to the pages: the access token in an HttpOnly cookie, CSRF tokens on every form.

State-changing requests signed in by the cookie carry the token's CSRF value (the
hidden `csrf_token` field, or the X-CSRF-TOKEN header from scripts), which
flask-jwt-extended compares with the token itself. The sign-in form, which comes
before any token, has its own double-submit cookie.
"""

from __future__ import annotations

import posixpath
import re
import secrets
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlsplit

from flask import Response, current_app, g, redirect, render_template, request, url_for
from flask_jwt_extended import (
    current_user,
    get_current_user,
    get_jwt,
    set_access_cookies,
    unset_jwt_cookies,
    verify_jwt_in_request,
)
from flask_jwt_extended.exceptions import CSRFError, JWTExtendedException
from jwt import PyJWTError

from service.store.models import Role

SIGNIN_CSRF_COOKIE = "signin_csrf"
# Never in a redirect target: control characters (CR/LF would split the Location header, which
# Werkzeug refuses with an error) and backslashes (which browsers read as slashes).
_UNSAFE_IN_TARGET = re.compile(r"[\x00-\x1f\x7f\\]")


def page(*roles: Role) -> Callable:
    """Page guard: the user signed in by cookie (of one of `roles`, if given), else the sign-in page.

    Domain errors become an HTML error page with their status (see `http.error_handlers`).
    """

    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            try:
                verify_jwt_in_request(locations=["cookies"])
            except CSRFError:
                return error_page(403, "This form has expired. Reload the page and try again.")
            except (JWTExtendedException, PyJWTError):
                return to_sign_in()
            g.web_csrf_token = get_jwt().get("csrf")
            g.web_user = get_current_user()
            if roles and current_user.role not in roles:
                return error_page(403, "This page is for teachers.")
            return view(*args, **kwargs)  # domain errors: an HTML page (http.error_handlers)

        return guarded

    return decorator


def error_page(status: int, message: str) -> tuple[str, int]:
    return render_template("web/error.html", status=status, message=message), status


def to_sign_in() -> Response:
    """Back to the sign-in page, then to this page; stale cookies are cleared on the way."""
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    response = redirect(url_for("web.signin", next=target))
    unset_jwt_cookies(response)
    return response


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a page of this site only, never another host.

    The target becomes the redirect's Location header: one with a control character or a
    backslash sends the user home instead.
    """
    parts = urlsplit(target or "")
    # normpath: "/web/../admin" must not pass for a page under /web/
    if (
        target
        and not _UNSAFE_IN_TARGET.search(target)
        and not parts.scheme
        and not parts.netloc
        and posixpath.normpath(parts.path).startswith("/web/")
    ):
        return target
    return url_for("web.home")


def new_signin_token(response: Response, path: str | None = None) -> str:
    """The CSRF token of a form sent before any sign-in (signing in, joining a class), kept in a
    cookie of that form's path only."""
    token = secrets.token_urlsafe(32)
    response.set_cookie(
        SIGNIN_CSRF_COOKIE, token, httponly=True, samesite="Strict", path=path or url_for("web.signin"),
        secure=current_app.config["JWT_COOKIE_SECURE"],
    )  # fmt: skip
    return token


def signed_in_user():
    """The user of a valid cookie on a page open to everyone (None when signed out), with the
    page's CSRF token for its forms."""
    try:
        verify_jwt_in_request(locations=["cookies"], optional=True)
    except (JWTExtendedException, PyJWTError):
        return None
    user = get_current_user()
    if user is not None:
        g.web_csrf_token, g.web_user = get_jwt().get("csrf"), user
    return user


def start_session(response: Response, access_token: str) -> Response:
    """Sign the browser in: the cookie lives as long as the token (flask-jwt-extended would give it a year)."""
    lifetime = current_app.config["JWT_ACCESS_TOKEN_EXPIRES"].total_seconds()
    set_access_cookies(response, access_token, max_age=int(lifetime))
    return response


def signin_token_matches() -> bool:
    sent, expected = request.form.get("csrf_token", ""), request.cookies.get(SIGNIN_CSRF_COOKIE, "")
    return bool(expected) and secrets.compare_digest(sent, expected)
