"""What a request's handler hands the domain: the service's settings, the time of the request and
its signed-in user."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app
from flask_jwt_extended import current_user

from service.config import Settings
from service.store.models import User


def settings() -> Settings:
    return current_app.config["SETTINGS"]


def now() -> datetime:
    """The current UTC time; a test sets `app.extensions["clock"]` to cross midnight."""
    clock = current_app.extensions.get("clock")
    return clock() if clock else datetime.now(UTC)


def viewer() -> User:
    """The signed-in user itself, not flask-jwt-extended's proxy: code that asks its role once a row
    (a leaderboard of 500) paid for a token lookup each time, a fifth of the page."""
    return current_user._get_current_object()
