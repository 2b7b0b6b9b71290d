"""X-Quota-* headers on /jobs answers: how many submissions the signed-in student has left today."""

from __future__ import annotations

from flask import g, request
from flask_jwt_extended import get_current_user, verify_jwt_in_request
from flask_jwt_extended.exceptions import JWTExtendedException
from jwt.exceptions import PyJWTError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from service.challenges.lookup import own_class_challenge_by_slug
from service.errors import NotFound
from service.extensions import db
from service.grading.quotas import quota_status, utc_text
from service.http.context import now, settings
from service.store.models import User


def with_quota_headers(response):
    """Add the signed-in student's quota for the requested challenge, when there is one to tell.

    An after_request hook: it runs on every answer, refusals included, so it must never raise; an
    unreachable store leaves the answer (a 503 already) without them.
    """
    try:
        return _with_quota_headers(response)
    except (OperationalError, InterfaceError):
        db.session.rollback()
        return response


def remember_quota(status: dict) -> None:
    """The quota as the request left it, known already (an upload just spent a slot)."""
    g.quota_status = status


def _with_quota_headers(response):
    if "quota_status" in g and response.status_code < 300:
        response.headers.update(quota_headers(g.quota_status))
        return response
    user = _signed_in_user()
    if user is None or user.tenant_id is None:
        return response
    slug = _requested_challenge(response)
    if slug is not None and "\x00" in slug:
        return response  # names no challenge; PostgreSQL would refuse even to look it up
    try:
        status = quota_status(
            user, own_class_challenge_by_slug(user, slug), now(), settings().daily_submission_quota
        )
    except NotFound:
        return response  # an unknown challenge: the answer already says so
    response.headers.update(quota_headers(status))
    return response


def _signed_in_user() -> User | None:
    """The user of the request's valid token, or None (no token, a refused one, an OPTIONS request)."""
    try:
        return get_current_user()  # verified already by the route
    except RuntimeError:  # the route did not run (a rate limit, an oversized body), or was exempt (OPTIONS)
        pass
    try:
        verify_jwt_in_request(optional=True)  # does nothing on OPTIONS: no token is looked at
        return get_current_user()
    except (JWTExtendedException, PyJWTError, RuntimeError):
        return None  # a refused token, or none verified: no quota to tell


def _requested_challenge(response) -> str | None:
    """The challenge named by the form or the query; a body the service refused names none.

    The form is read only when it can be: after a 413 the parser already gave up on the body,
    and reading it again would raise again (RequestEntityTooLarge) and turn the answer into a 500.
    """
    slug = None
    if response.status_code != RequestEntityTooLarge.code:
        try:
            slug = request.form.get("challenge")
        except HTTPException:  # too large, too many parts: refused by the parser
            slug = None
    return slug or request.args.get("challenge")


def quota_headers(status: dict) -> dict[str, str]:
    return {
        "X-Quota-Limit": str(status["limit"]),
        "X-Quota-Remaining": str(status["remaining"]),
        "X-Quota-Reset": utc_text(status["resets_at"]),
    }
