"""The shared objects of every layer, made once and bound to each app by `create_app`: the store,
its migrations, the token manager and the Redis connection. What only serves requests (the API's
error handling, the rate limiter) is `service.http`'s."""

import sqlite3

from flask import Flask
from flask_jwt_extended import JWTManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from redis import Redis
from sqlalchemy import Engine, event
from sqlalchemy.orm import DeclarativeBase

from service.config import Settings


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
# Alembic compares column types too, and batch mode lets SQLite alter tables.
migrate = Migrate(compare_type=True, render_as_batch=True)
jwt = JWTManager()


def init_redis(app: Flask, settings: Settings) -> None:
    """The one Redis connection of an app, when REDIS_URL is set (queue, limiter, revoked tokens)."""
    if settings.redis_url:
        # Fail fast when Redis is down; rq sets its own read timeout for blocking waits.
        app.extensions["redis"] = Redis.from_url(settings.redis_url, socket_connect_timeout=2)


@event.listens_for(Engine, "connect")
def _sqlite_for_several_processes(dbapi_connection, _record) -> None:
    # API processes and workers share the SQLite file: WAL lets readers run beside a
    # writer, and a writer waits for the lock instead of failing at once.
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
