"""Finding a challenge: the ones a user sees, and one of a class by its slug."""

from __future__ import annotations

from service.errors import NotFound
from service.extensions import db
from service.store.models import Challenge, Tenant, User
from service.store.tenancy import get_scoped_or_404, of_tenant, scoped


def visible_challenges(user: User) -> list[Challenge]:
    """The challenges of the user's tenant (every tenant's, for the operator)."""
    return list(db.session.scalars(scoped(Challenge, user).order_by(Challenge.id)))


def visible_challenge(user: User, challenge_id: int | None = None, slug: str | None = None) -> Challenge:
    """A challenge of the user's tenant by id, or by slug (another tenant's is not found either way)."""
    if challenge_id is not None:
        return get_scoped_or_404(Challenge, challenge_id, user)
    found = db.session.scalar(scoped(Challenge, user).where(Challenge.slug == slug).order_by(Challenge.id))
    if found is None:
        raise NotFound(f"no challenge {slug!r}")
    return found


def challenge_of(tenant: Tenant, slug: str | None) -> Challenge:
    """The tenant's challenge named `slug`, or its first (default) one."""
    query = of_tenant(Challenge, tenant).order_by(Challenge.id)
    if slug is not None:
        query = query.where(Challenge.slug == slug)
    challenge = db.session.scalar(query)
    if challenge is None:
        raise NotFound(
            f"no challenge {slug!r} in class {tenant.slug}" if slug else "the class has no challenge"
        )
    return challenge


def challenge_for(user: User, slug: str | None) -> Challenge:
    """The named challenge of the user's own tenant, or its default one.

    Not `visible_challenges`: the operator sees every tenant, but submits to none of them.
    """
    if user.tenant is None:
        raise NotFound(f"no challenge {slug!r} in your class")
    try:
        return challenge_of(user.tenant, slug)
    except NotFound:
        raise NotFound(f"no challenge {slug!r} in your class") from None
