"""Revoked (signed-out) tokens and sign-ins: in Redis when there is one, so every API process sees them.

While Redis is unreachable a revocation goes to the SQL store instead, and every check
also reads the store, so a token revoked during an outage never comes back to life.

A sign-in is the family of tokens one password check started: its id (`sid`) is in each of them,
and refreshing passes it on. Revoking the sign-in ends every token of the family at once, which
is how a logout of a refresh token ends the access tokens it minted, and how a refresh token used
twice (stolen, then replayed) ends the thief's tokens and the owner's alike (RFC 9700, 4.14.2).
Spent refresh tokens and ended sign-ins are kept in the store only: a Redis that restarts empty
must not bring a stolen refresh token back, and a unique row makes "first use wins" atomic.

These functions write in the caller's transaction; the operation that calls them commits.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import bindparam, delete, func, select

from service.extensions import db
from service.store.built_once import built_once, table_of
from service.store.models import RevokedToken, utcnow
from service.store.upserts import insert_ignoring_conflicts, store_insert

log = logging.getLogger(__name__)


def revoke(jti: str, expires_at: int) -> None:
    """Remember `jti` until its token would have expired anyway."""
    redis = current_app.extensions.get("redis")
    if redis is not None:
        seconds_left = max(1, int(expires_at - datetime.now(UTC).timestamp()))
        try:
            redis.set(_key(jti), 1, ex=seconds_left)
            return
        except RedisError:
            log.warning("Redis unreachable: the revocation is kept in the store")
    _keep(jti, expires_at, merge=True)


def use_once(jti: str, expires_at: int) -> bool:
    """Revoke `jti` and answer True, unless it was already revoked (False): of two requests that
    present one refresh token at once, on any API process, exactly one gets True."""
    return _keep(jti, expires_at, merge=False)


def revoke_sign_in(sign_in: str, expires_at: int) -> None:
    """End every token of the sign-in: until its refresh tokens expire (`expires_at`), and as long
    again as an access token lives, for one minted just before."""
    lives = current_app.config["JWT_ACCESS_TOKEN_EXPIRES"].total_seconds()
    _keep(_sign_in_key(sign_in), int(expires_at + lives), merge=True)


def _keep(name: str, expires_at: int, merge: bool) -> bool:
    """A row of the store for `name` until `expires_at`; False when there was one (not `merge`)."""
    expiry = datetime.fromtimestamp(expires_at, UTC).replace(tzinfo=None)
    db.session.execute(delete(RevokedToken).where(RevokedToken.expires_at < utcnow()))
    if not merge:  # the unique row decides: of two at once, the second inserts nothing
        return insert_ignoring_conflicts(RevokedToken, jti=name, expires_at=expiry)
    row = store_insert(RevokedToken).values(jti=name, expires_at=expiry)
    db.session.execute(
        row.on_conflict_do_update(index_elements=[RevokedToken.jti], set_={"expires_at": expiry})
    )
    return True


def is_revoked(token: dict) -> bool:
    """Whether a verified token's payload was revoked, itself or its sign-in."""
    names = [token["jti"]] + ([_sign_in_key(token["sid"])] if token.get("sid") else [])
    redis = current_app.extensions.get("redis")
    if redis is not None:
        try:
            if redis.exists(*(_key(name) for name in names)):
                return True
        except RedisError:
            pass  # the store below still knows every revocation made during the outage
    return bool(db.session.scalar(_revoked_among(), {"names": names}))


@built_once
def _revoked_among():
    """How many of :names (a token's id and its sign-in's) are revoked: on every signed-in request."""
    revoked = table_of(RevokedToken)
    return (
        select(func.count()).select_from(revoked).where(revoked.c.jti.in_(bindparam("names", expanding=True)))
    )


def _sign_in_key(sign_in: str) -> str:
    return f"sign-in:{sign_in}"


def _key(jti: str) -> str:
    return f"revoked-token:{jti}"
