"""JWTs on requests: flask-jwt-extended's settings and callbacks, 401 answers, and role guards."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from functools import wraps

from flask import Flask, Response
from flask_jwt_extended import current_user, verify_jwt_in_request
from flask_jwt_extended.exceptions import CSRFError

from service.accounts.revocation import is_revoked, revoke_sign_in
from service.accounts.sign_in import jwt_secret, user_of_token
from service.config import Settings
from service.errors import Forbidden
from service.extensions import db, jwt
from service.http.problems import problem
from service.store.models import Role, User


def init_auth(app: Flask, settings: Settings) -> None:
    secret = jwt_secret(settings)
    app.config.update(
        JWT_SECRET_KEY=secret,
        # Flask's own session carries the pages' one-time notices ("Class gamma made") only; its key
        # is derived from the same secret, so that neither signs what the other would accept.
        SECRET_KEY=hmac.new(secret.encode(), b"page notices", hashlib.sha256).hexdigest(),
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.web_cookie_secure,
        JWT_ACCESS_TOKEN_EXPIRES=timedelta(minutes=settings.jwt_access_token_minutes),
        JWT_REFRESH_TOKEN_EXPIRES=timedelta(days=settings.jwt_refresh_token_days),
        # API clients send a bearer header (tried first, no CSRF token needed); the web pages
        # keep the access token in an HttpOnly cookie, and every state-changing request signed
        # in by that cookie must echo its CSRF token (header or form field): a double submit.
        JWT_TOKEN_LOCATION=["headers", "cookies"],
        JWT_COOKIE_CSRF_PROTECT=True,
        JWT_CSRF_CHECK_FORM=True,
        JWT_COOKIE_SECURE=settings.web_cookie_secure,
        JWT_COOKIE_SAMESITE="Lax",
        # Cookies set without a max_age end with the browser; the sign-in page gives them the token's
        # lifetime (flask-jwt-extended has no setting for it and would give a persistent one a year).
        JWT_SESSION_COOKIE=True,
    )
    jwt.init_app(app)


def roles_required(*roles: Role):
    """Route guard: a valid access token of a user holding one of `roles` (checked in the store)."""

    def decorator(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            verify_jwt_in_request()
            if current_user.role not in roles:
                raise Forbidden("your role may not use this route")
            return view(*args, **kwargs)

        return guarded

    return decorator


@jwt.user_lookup_loader
def _load_user(_header, payload) -> User | None:
    return user_of_token(payload)


@jwt.token_in_blocklist_loader
def _token_revoked(_header, payload) -> bool:
    if not is_revoked(payload):
        return False
    if payload.get("type") == "refresh":  # a used refresh token presented again: a copy is out there
        revoke_sign_in(payload.get("sid") or payload["jti"], payload["exp"])
        db.session.commit()
    return True


def csrf_refused(_error: CSRFError) -> Response:
    return problem(
        403,
        "Forbidden",
        "missing or wrong CSRF token: a request signed in by cookie sends the csrf_access_token "
        "cookie's value as the X-CSRF-TOKEN header (or the csrf_token form field)",
    )


def _unauthorized(detail: str):
    response = problem(401, "Unauthorized", detail)
    response.headers["WWW-Authenticate"] = 'Bearer realm="grader"'
    return response


# Every token failure is a 401 problem (flask-jwt-extended would answer 422 for some).
jwt.unauthorized_loader(
    lambda reason: _unauthorized("sign in first: send Authorization: Bearer <access token>")
)
jwt.invalid_token_loader(lambda reason: _unauthorized(f"invalid token: {reason}"))
jwt.expired_token_loader(lambda _h, _p: _unauthorized("the token has expired; refresh it or sign in again"))
jwt.revoked_token_loader(lambda _h, _p: _unauthorized("the token has been revoked; sign in again"))
jwt.user_lookup_error_loader(
    lambda _h, _p: _unauthorized(
        "this token no longer holds: the password was changed, or the account disabled or removed; sign in again"
    )
)
jwt.needs_fresh_token_loader(lambda _h, _p: _unauthorized("a fresh sign-in is needed"))
