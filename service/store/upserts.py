"""Rows made on first use (or, once made, changed), by one statement whatever the store: concurrent
requests may make the same row, and the loser must find it made rather than fail. The one place
that picks the store's INSERT."""

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


def insert_or_update_returning(model: type, values: dict, update: dict, returning, where=None):
    """Insert a `model` row of `values`, or apply `update` to the row with its key (if `where` holds
    of it), in one statement that also holds the row until the transaction ends; answers
    `returning` of the row as it is then, or None when `where` kept it as it was."""
    key = [column.name for column in model.__table__.primary_key]
    statement = store_insert(model).values(**values)
    upsert = statement.on_conflict_do_update(index_elements=key, set_=update, where=where).returning(
        returning
    )
    return db.session.execute(upsert).scalar()
