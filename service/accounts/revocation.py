"""Revoked (signed-out) tokens: in Redis when there is one, so every API process sees them.

While Redis is unreachable a revocation goes to the SQL store instead, and every check
also reads the store, so a token revoked during an outage never comes back to life.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from flask import current_app
from redis.exceptions import RedisError
from sqlalchemy import delete

from service.extensions import db
from service.store.models import RevokedToken, utcnow

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
    expiry = datetime.fromtimestamp(expires_at, UTC).replace(tzinfo=None)
    db.session.execute(delete(RevokedToken).where(RevokedToken.expires_at < utcnow()))
    db.session.merge(RevokedToken(jti=jti, expires_at=expiry))
    db.session.commit()


def is_revoked(jti: str) -> bool:
    redis = current_app.extensions.get("redis")
    if redis is not None:
        try:
            if redis.exists(_key(jti)):
                return True
        except RedisError:
            pass  # the store below still knows every revocation made during the outage
    return db.session.get(RevokedToken, jti) is not None


def _key(jti: str) -> str:
    return f"revoked-token:{jti}"
