"""Revoked (signed-out) tokens: in Redis when there is one, so every API process sees them."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import delete

from .extensions import db
from .models import RevokedToken, utcnow


def revoke(jti: str, expires_at: int) -> None:
    """Remember `jti` until its token would have expired anyway."""
    redis = current_app.extensions.get("redis")
    seconds_left = max(1, int(expires_at - datetime.now(UTC).timestamp()))
    if redis is not None:
        redis.set(f"revoked-token:{jti}", 1, ex=seconds_left)
        return
    expiry = datetime.fromtimestamp(expires_at, UTC).replace(tzinfo=None)
    db.session.execute(delete(RevokedToken).where(RevokedToken.expires_at < utcnow()))
    db.session.merge(RevokedToken(jti=jti, expires_at=expiry))
    db.session.commit()


def is_revoked(jti: str) -> bool:
    redis = current_app.extensions.get("redis")
    if redis is not None:
        return bool(redis.exists(f"revoked-token:{jti}"))
    return db.session.get(RevokedToken, jti) is not None
