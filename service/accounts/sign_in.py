"""Sign-in: checking credentials, issuing tokens, and the secret that signs them."""

from __future__ import annotations

import os
import secrets
from datetime import UTC
from pathlib import Path

from flask_jwt_extended import create_access_token, create_refresh_token
from sqlalchemy import select

from service.accounts.passwords import verify_password
from service.accounts.throttle import finish_login_attempt, start_login_attempt
from service.config import ConfigError, Settings
from service.errors import Unauthorized
from service.extensions import db
from service.store.models import User

MIN_SECRET_LENGTH = 32


def sign_in(username: str, password: str, address: str) -> dict:
    """Tokens for valid credentials; failures from `address` are counted, then throttled, then locked."""
    start_login_attempt(username, address)
    user = authenticate(username, password)
    finish_login_attempt(username, address, succeeded=user is not None)
    if user is None:
        raise Unauthorized("wrong username or password")
    return issue_tokens(user)


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, or None; as slow for an unknown name as for a wrong password."""
    user = db.session.scalar(select(User).where(User.username == username))
    valid = verify_password(user.password_hash if user else None, password)
    return user if valid and user is not None and not user.disabled else None


def issue_tokens(user: User) -> dict:
    claims = {
        "username": user.username,
        "role": user.role.value,
        "tenant": user.tenant.slug if user.tenant else None,
    }
    return {
        "access_token": create_access_token(identity=str(user.id), additional_claims=claims),
        "refresh_token": create_refresh_token(identity=str(user.id), additional_claims=claims),
        "token_type": "Bearer",
    }


def user_of_token(payload: dict) -> User | None:
    """The active user a verified token speaks for; None once disabled or reset after it was issued."""
    user = db.session.get(User, int(payload["sub"]))
    if user is None or user.disabled:
        return None
    # `iat` has whole seconds: a token from the very second of a reset is given the benefit.
    if user.tokens_valid_after and payload["iat"] < int(
        user.tokens_valid_after.replace(tzinfo=UTC).timestamp()
    ):
        return None  # issued before a password reset or a disable
    return user


def jwt_secret(settings: Settings) -> str:
    """The configured secret, or one generated on first start and kept under the instance folder."""
    if settings.jwt_secret_key:
        if len(settings.jwt_secret_key) < MIN_SECRET_LENGTH:
            raise ConfigError(
                f"JWT_SECRET_KEY is {len(settings.jwt_secret_key)} characters; use at least "
                f"{MIN_SECRET_LENGTH} (python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        return settings.jwt_secret_key
    path = Path(settings.instance_path) / "jwt-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # O_EXCL: when several processes start at once, exactly one secret wins.
            with open(path, "x", opener=lambda name, flags: os.open(name, flags, 0o600)) as out:
                out.write(secrets.token_urlsafe(48))
        except FileExistsError:
            pass
    return path.read_text().strip()
