"""Rate limits: their configuration, their 429 answers, and the login throttle.

Who a request counts against is `identity.signed_in_user_or_address`.

Counters live in the limiter's storage: Redis when configured (shared by every API
process), this process's memory otherwise or while Redis is unreachable.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, current_app
from flask_limiter import RateLimitExceeded
from flask_limiter.util import get_remote_address
from limits import parse_many
from werkzeug.middleware.proxy_fix import ProxyFix

from service.config import Settings
from service.errors import ServiceError
from service.extensions import limiter
from service.http.problems import problem

log = logging.getLogger(__name__)


class TooManyAttempts(ServiceError):
    status, title = 429, "Too Many Requests"


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
    app.register_error_handler(RateLimitExceeded, _rate_limited)


def _rate_limited(error: RateLimitExceeded):
    window = limiter.current_limit
    retry_after = max(1, int(window.reset_at - time.time())) if window else 60
    response = problem(
        429, "Too Many Requests", f"rate limit of {error.description} exceeded; retry in {retry_after} s"
    )
    response.headers["Retry-After"] = str(retry_after)
    return response


def setting(name: str):
    """A limit string read from the settings at request time, for `limiter.limit`."""
    return lambda: getattr(current_app.config["SETTINGS"], name)


def start_login_attempt(username: str) -> None:
    """Count a sign-in attempt for this username from this address, or refuse it while locked.

    The attempt is counted before the password is checked, in one atomic step, so
    parallel guesses cannot slip past the limit; a success clears the count. The
    per-address limit counts failures only, so a class behind one NAT can sign in.
    """
    for item, identity in _pair_limits(username):
        if not _counter_call("hit", item, identity, default=True):
            _refuse(item, identity)
    for item, identity in _address_limits():
        if not _counter_call("test", item, identity, default=True):
            _refuse(item, identity)


def finish_login_attempt(username: str, succeeded: bool) -> None:
    if succeeded:
        for item, identity in _pair_limits(username):
            _counter_call("clear", item, identity, default=None)
    else:
        for item, identity in _address_limits():
            _counter_call("hit", item, identity, default=True)


def _refuse(item, identity) -> None:
    reset_at, _ = limiter.limiter.get_window_stats(item, *identity)
    retry_after = max(1, int(reset_at - time.time()) + 1)
    raise TooManyAttempts(
        f"too many failed sign-ins; try again in {retry_after} s", headers={"Retry-After": str(retry_after)}
    )


def _counter_call(method: str, item, identity, default):
    # A counter store that just went away must not turn sign-in into a 500: the
    # limiter notices and falls back to memory on its next check.
    try:
        return getattr(limiter.limiter, method)(item, *identity)
    except Exception:  # noqa: BLE001
        log.warning("rate-limit storage unavailable for the login throttle", exc_info=True)
        return default


def _pair_limits(username: str):
    address = get_remote_address()
    for item in parse_many(current_app.config["SETTINGS"].login_failure_limits):
        yield item, ("login-attempt", username.lower(), address)


def _address_limits():
    address = get_remote_address()
    for item in parse_many(current_app.config["SETTINGS"].login_address_failure_limit):
        yield item, ("login-failure-address", address)
