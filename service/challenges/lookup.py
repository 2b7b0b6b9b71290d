"""Finding a challenge: the ones a user sees, and one of a class by its slug."""

from __future__ import annotations

from service.errors import NotFound
from service.extensions import db
from service.store.models import Challenge, Tenant, User
from service.store.tenancy import get_visible_by_id, select_of_tenant, select_visible_to


def challenges_visible_to(user: User) -> list[Challenge]:
    """The challenges of the user's tenant (every tenant's, for the operator)."""
    return list(db.session.scalars(select_visible_to(Challenge, user).order_by(Challenge.id)))


def visible_challenge_by_id(user: User, challenge_id: int) -> Challenge:
    """A challenge the user sees, by id (another tenant's is not found)."""
    return get_visible_by_id(Challenge, challenge_id, user)


def visible_challenge_by_slug(user: User, slug: str) -> Challenge:
    """A challenge the user sees, by slug (another tenant's is not found; the operator's first match)."""
    found = db.session.scalar(
        select_visible_to(Challenge, user).where(Challenge.slug == slug).order_by(Challenge.id)
    )
    if found is None:
        raise NotFound(f"no challenge {slug!r}")
    return found


def visible_challenge(user: User, challenge_id: int | None = None, slug: str | None = None) -> Challenge:
    """A challenge the user sees, by id or, without one, by slug (as routes and pages name it)."""
    if challenge_id is None:
        return visible_challenge_by_slug(user, slug)
    return visible_challenge_by_id(user, challenge_id)


def tenant_challenge_by_slug(tenant: Tenant, slug: str | None) -> Challenge:
    """The tenant's challenge named `slug`, or its first (default) one."""
    query = select_of_tenant(Challenge, tenant).order_by(Challenge.id)
    if slug is not None:
        query = query.where(Challenge.slug == slug)
    challenge = db.session.scalar(query)
    if challenge is None:
        raise NotFound(
            f"no challenge {slug!r} in class {tenant.slug}" if slug else "the class has no challenge"
        )
    return challenge


def own_class_challenge_by_slug(user: User, slug: str | None) -> Challenge:
    """The named challenge of the user's own tenant, or its default one.

    Not `challenges_visible_to`: the operator sees every tenant, but submits to none of them.
    """
    if user.tenant is None:
        raise NotFound(f"no challenge {slug!r} in your class")
    try:
        return tenant_challenge_by_slug(user.tenant, slug)
    except NotFound:
        raise NotFound(f"no challenge {slug!r} in your class") from None
