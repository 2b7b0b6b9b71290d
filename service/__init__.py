"""The grading service: `create_app` builds a configured Flask app."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

from service.cli import register_commands
from service.config import Settings, load_settings
from service.extensions import db, init_redis, migrate
from service.grading.queue import init_queue
from service.http.auth import init_auth
from service.http.docs import init_docs
from service.http.error_handlers import register_error_handlers
from service.http.headers import send_nosniff
from service.http.problems import api
from service.http.rate_limits import init_limits
from service.http.routes import register_blueprints
from service.http.serving import tell_the_queue_when_serving
from service.http.strict_json import StrictJSONProvider
from service.http.text_input import refuse_nul_characters
from service.store.models import MAX_ID
from service.store.schema import MIGRATIONS, prepare_store
from service.web import init_web


def create_app(
    overrides: Mapping[str, Any] | None = None, environment: Mapping[str, str] | None = None
) -> Flask:
    """Build the app from the environment (or `environment`), with `overrides` (Settings attributes) on top."""
    settings = load_settings(overrides, environment)
    app = Flask(__name__, instance_path=str(settings.instance_path))
    app.json = StrictJSONProvider(app)
    app.config.update(_flask_config(settings))
    # An id beyond the store's cannot exist: such URLs are 404s, not database errors.
    app.url_map.converters["int"] = StoreId
    _make_instance_folder(app, settings.instance_path)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    init_redis(app, settings)
    init_queue(app, settings)
    tell_the_queue_when_serving(app)
    init_auth(app, settings)
    api.init_app(app)
    init_docs(app)
    init_limits(app, settings)
    refuse_nul_characters(app)
    send_nosniff(app)
    register_error_handlers(app)
    register_blueprints(api)
    init_web(app)
    register_commands(app)
    prepare_store(app, settings)
    return app


class StoreId(IntegerConverter):
    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


INSTANCE_FILES = ("grader.db", "jwt-secret")  # the store (with -wal, -shm, .lock) and the token secret


def _make_instance_folder(app: Flask, path: Path) -> None:
    """The instance folder holds the SQLite store (password hashes, uploads, private scores) and the
    token secret: it is the service user's alone (0700)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    status = path.stat()
    if not stat.S_IMODE(status.st_mode) & 0o077:
        return
    # A folder made by an older version (0755) is tightened when it is the service's own: this
    # user's, holding nothing but the service's files. Any other folder INSTANCE_PATH names
    # (say a shared one) is left as it is, with a warning; the store's files are 0600 anyway.
    own_files = all(child.name.startswith(INSTANCE_FILES) for child in path.iterdir())
    if status.st_uid == os.getuid() and own_files:
        path.chmod(0o700)
    else:
        app.logger.warning(
            "the instance folder %s is open to other users (mode %o): chmod 700 it",
            path,
            stat.S_IMODE(status.st_mode),
        )


def _flask_config(settings: Settings) -> dict[str, Any]:
    return {
        "SETTINGS": settings,
        "SQLALCHEMY_DATABASE_URI": settings.sqlalchemy_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "MAX_CONTENT_LENGTH": settings.max_upload_bytes,
        "API_TITLE": "Grading service",
        "API_VERSION": "1",
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/",
        "OPENAPI_JSON_PATH": "openapi.json",
        # No OPENAPI_SWAGGER_UI_PATH: flask-smorest's page loads Swagger UI from a CDN and runs an
        # inline script. /docs is served by service.http.docs instead, from a pinned package's
        # files, under the web pages' Content-Security-Policy.
    }
