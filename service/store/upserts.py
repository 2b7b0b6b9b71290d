"""Rows made on first use, by one statement whatever the store: concurrent requests may make the same
row, and the loser must find it made rather than fail. The one place that picks the store's INSERT."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import Insert as PostgresqlInsert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from service.extensions import db


def store_insert(model: type) -> PostgresqlInsert | SqliteInsert:
    """An INSERT into `model`'s table in the store's dialect, which has ON CONFLICT clauses."""
    return (postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert)(model)


def insert_ignoring_conflicts(model: type, **values) -> bool:
    """Insert a `model` row of `values` in the session's transaction, unless one of its key exists;
    True when this statement made it."""
    return bool(db.session.execute(store_insert(model).values(**values).on_conflict_do_nothing()).rowcount)
