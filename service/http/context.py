"""What a request's handler hands the domain: the service's settings and the time of the request."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app

from service.config import Settings


def settings() -> Settings:
    return current_app.config["SETTINGS"]


def now() -> datetime:
    """The current UTC time; a test sets `app.extensions["clock"]` to cross midnight."""
    clock = current_app.extensions.get("clock")
    return clock() if clock else datetime.now(UTC)
