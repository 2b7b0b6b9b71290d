"""Rows made on first use (or, once made, changed), by one statement whatever the store: concurrent
requests may make the same row, and the loser must find it made rather than fail. The one place
that picks the store's INSERT."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import Insert as PostgresqlInsert
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import Insert as SqliteInsert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from service.extensions import db


def store_insert(into, dialect: str | None = None) -> PostgresqlInsert | SqliteInsert:
    """An INSERT into `into` (a model, or its table for a statement built once) in the store's
    dialect (or `dialect`'s), which has ON CONFLICT clauses."""
    dialect = dialect or db.engine.dialect.name
    return (postgresql_insert if dialect == "postgresql" else sqlite_insert)(into)


def insert_ignoring_conflicts(model: type, **values) -> bool:
    """Insert a `model` row of `values` in the session's transaction, unless one of its key exists;
    True when this statement made it."""
    return bool(db.session.execute(store_insert(model).values(**values).on_conflict_do_nothing()).rowcount)


def upsert_returning(model: type, dialect: str, update: dict, returning, where=None):
    """INSERT a `model` row (its values bound when it runs) or, if a row has its key, apply `update`
    to it if `where` holds of it; in one statement that also holds the row until the transaction
    ends. Runs answering `returning` of the row as it is then, or None when `where` kept it as it
    was. Built once (`service.store.built_once`): any parameter `where` names is bound when it runs too."""
    key = [column.name for column in model.__table__.primary_key]
    upsert = store_insert(model.__table__, dialect).on_conflict_do_update(
        index_elements=key, set_=update, where=where
    )
    return upsert.returning(returning)
