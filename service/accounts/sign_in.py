"""Sign-in: checking credentials, issuing tokens, and the secret that signs them."""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app
from flask_jwt_extended import create_access_token, create_refresh_token
from sqlalchemy import select
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import joinedload

from service.accounts.classes import membership_in
from service.accounts.passwords import verify_password
from service.accounts.revocation import revoke, revoke_sign_in, use_once
from service.accounts.throttle import (
    LoginThrottle,
    cancel_login_attempt,
    finish_login_attempt,
    start_login_attempt,
)
from service.accounts.users import check_password_rules, set_password
from service.config import ConfigError, Settings
from service.errors import Forbidden, Unauthorized
from service.extensions import db
from service.store.models import Person, Tenant, User

MIN_SECRET_LENGTH = 32
# Memberships read to sign in by a name alone: enough to see that it names two people.
MAX_MEMBERSHIPS_READ = 50


def sign_in(
    username: str, password: str, address: str, throttle: LoginThrottle, class_slug: str | None = None
) -> dict:
    """Tokens for valid credentials; failures from `address` are counted, then throttled, then locked.

    Names repeat across classes: `class_slug` says which one; without it, the name must be
    unique in the whole service (operators have no class).
    """
    start_login_attempt(throttle, username, address)
    try:
        user = authenticate(username, password, class_slug)
    except (OperationalError, InterfaceError):
        cancel_login_attempt(throttle, username, address)  # the store's failure, not a wrong password
        raise
    finish_login_attempt(throttle, username, address, succeeded=user is not None)
    if user is None:
        # One answer for every failure, so it tells nothing of who exists where.
        raise Unauthorized(
            "wrong username, class or password (a name used in several classes needs its class)"
        )
    return issue_tokens(user)


def authenticate(username: str, password: str, class_slug: str | None = None) -> User | None:
    """The active membership these credentials sign in to, or None; as slow for an unknown name as
    for a wrong password.

    The name picks one person (in the named class, when given); without a class, a person with
    several classes signs in to the first they joined that still lets them in.
    """
    query = (
        select(User)
        .join(Person, Person.id == User.person_id)
        .where(Person.username == username, User.removed_at.is_(None))
        .order_by(User.disabled, User.id)
    )
    if class_slug is not None:
        query = query.join(Tenant, Tenant.id == User.tenant_id).where(Tenant.slug == class_slug)
    found = db.session.scalars(query.limit(MAX_MEMBERSHIPS_READ)).all()
    user = found[0] if len({member.person_id for member in found}) == 1 else None
    person = user.person if user else None
    verified_hash, verified_version = (person.password_hash, user.token_version) if user else (None, None)
    if not verify_password(verified_hash, password) or user is None:
        return None
    # A reset or a disable may have committed while the old password was being checked: read the
    # membership and person again, and issue nothing unless what was verified is still what the store holds.
    db.session.refresh(user)
    db.session.refresh(person)
    if not user.active or (person.password_hash, user.token_version) != (verified_hash, verified_version):
        return None
    return user


def issue_tokens(user: User, sign_in: str | None = None, refresh_expires_at: int | None = None) -> dict:
    """An access and a refresh token of one sign-in (`sid`): a new one, or `sign_in` going on with
    its refresh token expiring when the first one did (a refresh never lengthens a sign-in)."""
    if refresh_expires_at is None:
        lifetime = current_app.config["JWT_REFRESH_TOKEN_EXPIRES"]
        refresh_expires_at = int((datetime.now(UTC) + lifetime).timestamp())
    claims = _claims(user, sign_in or secrets.token_urlsafe(16), refresh_expires_at)
    refresh_lifetime = datetime.fromtimestamp(refresh_expires_at, UTC) - datetime.now(UTC)
    return {
        "access_token": create_access_token(identity=str(user.id), additional_claims=claims),
        "refresh_token": create_refresh_token(
            identity=str(user.id), additional_claims=claims, expires_delta=refresh_lifetime
        ),
        "token_type": "Bearer",
        "class": claims["tenant"],
        "role": claims["role"],
    }


def _claims(user: User, sign_in: str, refresh_expires_at: int | None) -> dict:
    return {
        "ver": user.token_version,
        "username": user.username,
        "role": user.role.value,
        "tenant": user.tenant.slug if user.tenant else None,
        "sid": sign_in,
        "rexp": refresh_expires_at,  # when the sign-in ends
    }


def change_own_password(user: User, current: str, new: str, address: str, throttle: LoginThrottle) -> dict:
    """The person sets their own password, knowing the current one (a wrong one counts as a failed
    sign-in). Every earlier token of theirs, in every class, stops working; the answer is a new
    sign-in for this class."""
    start_login_attempt(throttle, user.username, address)
    person = user.person
    right = verify_password(person.password_hash, current)
    finish_login_attempt(throttle, user.username, address, succeeded=right)
    if not right:
        raise Forbidden("the current password is wrong")
    check_password_rules(new)
    set_password(person, new, chosen=True)
    db.session.commit()
    db.session.refresh(user)
    return issue_tokens(user)


def switch_class(user: User, token: dict, class_slug: str) -> dict:
    """Trade a token for one acting for another of the same person's classes, in the same sign-in
    (signing out with its refresh token ends both), never lasting longer than what was traded: a
    refresh token is spent for a new pair, as a refresh; an access token buys an access token that
    expires when it does."""
    member = membership_in(user.person, class_slug)
    if token.get("type") == "refresh":
        return refresh_tokens(member, token)
    sign_in = token.get("sid") or token["jti"]
    remaining = datetime.fromtimestamp(token["exp"], UTC) - datetime.now(UTC)
    claims = _claims(member, sign_in, token.get("rexp"))
    access = create_access_token(identity=str(member.id), additional_claims=claims, expires_delta=remaining)
    return {"access_token": access, "token_type": "Bearer", "class": class_slug, "role": member.role.value}


def refresh_tokens(user: User, token: dict) -> dict:
    """Trade a refresh token (its verified payload) for a new access and refresh token; the one
    used is revoked. Presented again it means a copy is in other hands: the whole sign-in ends."""
    sign_in = token.get("sid") or token["jti"]  # tokens from before sign-in ids: their own family
    first_use = use_once(token["jti"], token["exp"])
    if not first_use:
        revoke_sign_in(sign_in, token["exp"])
    db.session.commit()
    if not first_use:
        raise Unauthorized(
            "this refresh token was already used: every token of its sign-in is revoked; sign in again"
        )
    return issue_tokens(user, sign_in, refresh_expires_at=token["exp"])


def sign_out(token: dict) -> None:
    """Revoke the token sent; a refresh token ends its whole sign-in, access tokens it minted too."""
    revoke(token["jti"], token["exp"])
    if token.get("type") == "refresh":
        revoke_sign_in(token.get("sid") or token["jti"], token["exp"])
    db.session.commit()


def user_of_token(payload: dict) -> User | None:
    """The active user a verified token speaks for; None once disabled or reset after it was issued."""
    # With its class: nearly every request reads the tenant next (scoping, quotas, pages).
    user = db.session.get(User, int(payload["sub"]), options=[joinedload(User.tenant)])
    if user is None or not user.active or payload.get("ver", 0) != user.token_version:
        return None
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
