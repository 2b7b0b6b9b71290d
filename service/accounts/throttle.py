"""Sign-in throttling: failed attempts counted per username and address, and per address.

Counters live in the rate limiter's storage (Redis when configured, so every API process
shares them). Callers pass the client address and a `LoginThrottle` (the HTTP layer builds it
from the limiter and the settings): this module never reads the request or the app.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from limits import parse_many
from limits.strategies import RateLimiter

from service.errors import TooManyAttempts

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoginThrottle:
    counters: RateLimiter  # the rate limiter's: its storage, with its fallback to memory
    failure_limits: str  # failed sign-ins per username and address (LOGIN_FAILURE_LIMITS)
    address_failure_limit: str  # failed sign-ins per address (LOGIN_ADDRESS_FAILURE_LIMIT)


def start_login_attempt(throttle: LoginThrottle, username: str, address: str) -> None:
    """Count a sign-in attempt for this username from this address, or refuse it while locked.

    Every attempt is counted before the password is checked, each counter in one atomic
    step, so N parallel guesses never get past a limit. A success clears the username's
    count and gives its address slot back: the per-address limit counts failures only, so
    a class behind one NAT can sign in.
    """
    for item, identity in [*_pair_limits(throttle, username, address), *_address_limits(throttle, address)]:
        if not _counter_call(throttle, "hit", item, identity, default=True):
            _refuse(throttle, item, identity)


def finish_login_attempt(throttle: LoginThrottle, username: str, address: str, succeeded: bool) -> None:
    if not succeeded:
        return  # both counts stand
    for item, identity in _pair_limits(throttle, username, address):
        _counter_call(throttle, "clear", item, identity, default=None)
    for item, identity in _address_limits(throttle, address):
        # Fixed windows: a hit of -1 is a plain decrement.
        _counter_call(throttle, "hit", item, identity, default=True, cost=-1)


def cancel_login_attempt(throttle: LoginThrottle, username: str, address: str) -> None:
    """Take back an attempt that never reached the password check (the store was unreachable): the
    platform's failure counts against nobody."""
    for item, identity in [*_pair_limits(throttle, username, address), *_address_limits(throttle, address)]:
        _counter_call(throttle, "hit", item, identity, default=True, cost=-1)


def _refuse(throttle: LoginThrottle, item, identity) -> None:
    reset_at, _ = throttle.counters.get_window_stats(item, *identity)
    retry_after = max(1, int(reset_at - time.time()) + 1)
    raise TooManyAttempts(f"too many failed sign-ins; try again in {retry_after} s", retry_after=retry_after)


def _counter_call(throttle: LoginThrottle, method: str, item, identity, default, **options):
    # A counter store that just went away must not turn sign-in into a 500: the
    # limiter notices and falls back to memory on its next check.
    try:
        return getattr(throttle.counters, method)(item, *identity, **options)
    except Exception:  # noqa: BLE001
        log.warning("rate-limit storage unavailable for the login throttle", exc_info=True)
        return default


def _pair_limits(throttle: LoginThrottle, username: str, address: str):
    for item in parse_many(throttle.failure_limits):
        yield item, ("login-attempt", username.lower(), address)


def _address_limits(throttle: LoginThrottle, address: str):
    for item in parse_many(throttle.address_failure_limit):
        yield item, ("login-failure-address", address)
