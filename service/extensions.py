"""The shared objects, made once and bound to each app by `create_app`: extensions and the Redis connection."""

import sqlite3

from flask import Flask, current_app
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from redis import Redis
from sqlalchemy import Engine, event
from sqlalchemy.orm import DeclarativeBase

from service.config import Settings
from service.http.identity import signed_in_user_or_address
from service.http.problems import ProblemApi


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
# Alembic compares column types too, and batch mode lets SQLite alter tables.
migrate = Migrate(compare_type=True, render_as_batch=True)
jwt = JWTManager()
api = ProblemApi()
# Signed-in requests count against their user, others against the client address. The
# default limit is read per request, so each app (and test) has its own setting.
limiter = Limiter(
    key_func=signed_in_user_or_address,
    default_limits=[lambda: current_app.config["SETTINGS"].default_rate_limit],
)


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
