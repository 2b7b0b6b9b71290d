"""The one Redis connection of an app, when REDIS_URL is set."""

from __future__ import annotations

from flask import Flask
from redis import Redis

from service.config import Settings


def init_redis(app: Flask, settings: Settings) -> None:
    if settings.redis_url:
        # Fail fast when Redis is down; rq sets its own read timeout for blocking waits.
        app.extensions["redis"] = Redis.from_url(settings.redis_url, socket_connect_timeout=2)
