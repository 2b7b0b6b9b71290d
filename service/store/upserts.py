"""Rows made on first use, by one statement whatever the store: concurrent requests may make the same
row, and the loser must find it made rather than fail."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from service.extensions import db


def insert_ignoring_conflicts(model: type, **values) -> None:
    """Insert a `model` row of `values` in the session's transaction, unless one of its key exists."""
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(model).values(**values).on_conflict_do_nothing())
