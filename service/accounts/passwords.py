"""Password hashing and the token-signing secret."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from service.config import ConfigError, Settings

MIN_SECRET_LENGTH = 32
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024  # argon2 hashes anything, but a megabyte password is an attack

_hasher = PasswordHasher()
# Verified against when the username is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if `password` matches; with no hash (unknown user) spends the same time, then False."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    """A password a student can type: 12 characters from an unambiguous alphabet (~70 bits)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))


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
