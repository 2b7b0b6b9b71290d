"""Tenant scoping in one place: every read of tenant data goes through these helpers."""

from __future__ import annotations

from typing import TypeVar

from flask_jwt_extended import current_user
from sqlalchemy import Select, select

from service.errors import Forbidden, NotFound
from service.extensions import db
from service.store.models import Challenge, Role, Tenant

Model = TypeVar("Model")


def scoped(model: type[Model]) -> Select:
    """`select(model)` limited to the signed-in user's tenant (the operator sees every tenant)."""
    query = select(model)
    if current_user.role is not Role.ADMIN:
        query = query.where(model.tenant_id == current_user.tenant_id)
    return query


def get_scoped_or_404(model: type[Model], object_id: int) -> Model:
    """The object if it exists in the caller's tenant; another tenant's object is a 404 too."""
    found = db.session.scalar(scoped(model).where(model.id == object_id))
    if found is None:
        raise NotFound(f"no {model.__name__.lower()} {object_id}")
    return found


def target_tenant(slug: str | None) -> Tenant:
    """The caller's own tenant; only the operator may (and must) name another one."""
    if current_user.role is Role.ADMIN:
        if slug is None:
            raise Forbidden("the operator names the tenant: ?tenant=SLUG")
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
        if tenant is None:
            raise NotFound(f"no tenant {slug!r}")
        return tenant
    if slug is not None and slug != current_user.tenant.slug:
        raise Forbidden("you may act only on your own class")
    return current_user.tenant


def visible_challenges() -> list[Challenge]:
    """The challenges of the caller's tenant (every tenant's, for the operator)."""
    return list(db.session.scalars(scoped(Challenge).order_by(Challenge.id)))
