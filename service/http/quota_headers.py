"""X-Quota-* headers on /jobs answers: how many submissions the signed-in student has left today."""

from __future__ import annotations

from flask import request
from flask_jwt_extended import get_current_user, verify_jwt_in_request
from flask_jwt_extended.exceptions import JWTExtendedException
from jwt.exceptions import PyJWTError

from service.challenges.lookup import challenge_for
from service.errors import NotFound
from service.grading.quotas import quota_headers, quota_status


def with_quota_headers(response):
    """Add the signed-in student's quota for the requested challenge, when there is one to tell."""
    try:
        user = get_current_user()  # verified already by the route
    except RuntimeError:  # refused before the route ran (a rate limit): verify here
        try:
            verify_jwt_in_request(optional=True)
        except (JWTExtendedException, PyJWTError):
            return response  # a refused token has no quota to tell
        user = get_current_user()
    if user is None or user.tenant_id is None:
        return response
    slug = request.form.get("challenge") or request.args.get("challenge")
    try:
        response.headers.update(quota_headers(quota_status(user, challenge_for(user, slug))))
    except NotFound:
        pass  # an unknown challenge: the answer already says so
    return response
