"""Tenant scoping in one place: every read of tenant-owned rows is limited by these helpers.

Functions take the user they act for, so routes, pages, CLI commands and workers call them alike.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import ColumnElement, Select, select

from service.errors import Forbidden, NotFound
from service.extensions import db
from service.store.models import Role, Tenant, User

Model = TypeVar("Model")


def select_visible_to(model: type[Model], user: User) -> Select:
    """`select(model)` limited to the user's tenant (the operator sees every tenant)."""
    query = select(model)
    if user.role is not Role.ADMIN:
        query = query.where(belongs_to_tenant_id(model, user.tenant_id))
    return query


def belongs_to_tenant_id(model: type[Model], tenant_id: int) -> ColumnElement[bool]:
    """The condition that keeps `model`'s rows of one tenant, for reads on a class's behalf (exports,
    leaderboards, the class page) that select columns or join tables."""
    return model.tenant_id == tenant_id


def select_of_tenant(model: type[Model], tenant: Tenant) -> Select:
    """`select(model)` limited to one tenant."""
    return select(model).where(belongs_to_tenant_id(model, tenant.id))


def get_visible_by_id(model: type[Model], object_id: int, user: User) -> Model:
    """The object if it exists in the user's tenant; another tenant's object is a 404 too."""
    found = db.session.scalar(select_visible_to(model, user).where(model.id == object_id))
    if found is None:
        raise NotFound(f"no {model.__name__.lower()} {object_id}")
    return found


def own_or_named_tenant(user: User, slug: str | None) -> Tenant:
    """The user's own tenant; only the operator may (and must) name another one."""
    if user.role is Role.ADMIN:
        if slug is None:
            raise Forbidden("the operator names the tenant: ?tenant=SLUG")
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == slug))
        if tenant is None:
            raise NotFound(f"no tenant {slug!r}")
        return tenant
    if slug is not None and slug != user.tenant.slug:
        raise Forbidden("you may act only on your own class")
    return user.tenant
