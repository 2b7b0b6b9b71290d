"""Rate limits: their configuration and their 429 answers (the sign-in throttle is accounts.throttle).

Who a request counts against is `identity.signed_in_user_or_address`.

Counters live in the limiter's storage: Redis when configured (shared by every API
process), this process's memory otherwise or while Redis is unreachable.
"""

from __future__ import annotations

import time

from flask import Flask, Response
from flask_limiter import Limiter, RateLimitExceeded
from werkzeug.middleware.proxy_fix import ProxyFix

from service.accounts.throttle import LoginThrottle
from service.config import Settings
from service.http import context
from service.http.identity import signed_in_user_or_address
from service.http.problems import problem

# Signed-in requests count against their user, others against the client address. The
# default limit is read per request, so each app (and test) has its own setting.
limiter = Limiter(
    key_func=signed_in_user_or_address,
    default_limits=[lambda: context.settings().default_rate_limit],
)


def init_limits(app: Flask, settings: Settings) -> None:
    if settings.trusted_proxies:
        # Only addresses appended by our own proxies count: a client-sent
        # X-Forwarded-For cannot pick the address its requests are counted against.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies)
    app.config.update(
        RATELIMIT_STORAGE_URI=settings.limiter_storage_uri,
        RATELIMIT_STORAGE_OPTIONS={"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
        if settings.limiter_storage_uri.startswith("redis")
        else {},
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        RATELIMIT_HEADERS_ENABLED=True,
        # flask-limiter would put its window's Retry-After on every answer, overriding a
        # shorter one of ours; Retry-After is set on 429 answers only (below).
        RATELIMIT_HEADER_RETRY_AFTER="X-RateLimit-Retry-After",
    )
    limiter.init_app(app)


def rate_limited(error: RateLimitExceeded) -> Response:
    """429 with the Retry-After of the exceeded window."""
    window = limiter.current_limit
    retry_after = max(1, int(window.reset_at - time.time())) if window else 60
    response = problem(
        429, "Too Many Requests", f"rate limit of {error.description} exceeded; retry in {retry_after} s"
    )
    response.headers["Retry-After"] = str(retry_after)
    return response


def setting(name: str):
    """A limit string read from the settings at request time, for `limiter.limit`."""
    return lambda: getattr(context.settings(), name)


def login_throttle() -> LoginThrottle:
    """The sign-in throttle's counters (the limiter's storage) and limits (the settings)."""
    limits = context.settings()
    return LoginThrottle(limiter.limiter, limits.login_failure_limits, limits.login_address_failure_limit)
