"""Password hashing, checking and generating."""

from __future__ import annotations

import secrets
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024  # argon2 hashes anything, but a megabyte password is an attack

_hasher = PasswordHasher()
# Each argon2 check holds 64 MiB for tens of milliseconds: a burst of sign-ins waits for a
# slot rather than taking the process to gigabytes.
ARGON2_AT_ONCE = 4
_argon2_slots = threading.BoundedSemaphore(ARGON2_AT_ONCE)
# Verified against when the username is unknown, so both failures take the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    with _argon2_slots:
        return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if `password` matches; with no hash (unknown user) spends the same time, then False."""
    try:
        with _argon2_slots:
            return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    """A password a student can type: 12 characters from an unambiguous alphabet (~70 bits)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(12))
