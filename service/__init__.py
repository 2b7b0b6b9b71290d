"""The grading service: `create_app` builds a configured Flask app."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter

from service.cli import register_commands
from service.config import Settings, load_settings
from service.extensions import api, db, init_redis, migrate
from service.grading.queue import init_queue
from service.http.auth import init_auth
from service.http.error_handlers import register_error_handlers
from service.http.rate_limits import init_limits
from service.http.routes import register_blueprints
from service.store.schema import MIGRATIONS, prepare_store
from service.web import init_web


def create_app(
    overrides: Mapping[str, Any] | None = None, environment: Mapping[str, str] | None = None
) -> Flask:
    """Build the app from the environment (or `environment`), with `overrides` (Settings attributes) on top."""
    settings = load_settings(overrides, environment)
    app = Flask(__name__, instance_path=str(settings.instance_path))
    app.config.update(_flask_config(settings))
    # An id beyond 64 bits cannot exist in the store: such URLs are 404s, not database errors.
    app.url_map.converters["int"] = SixtyFourBitId
    app.json.sort_keys = False  # keep fields in the order the schemas and RFC 9457 give
    settings.instance_path.mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    init_redis(app, settings)
    init_queue(app, settings)
    init_auth(app, settings)
    api.init_app(app)
    init_limits(app, settings)
    register_error_handlers(app)
    register_blueprints(api)
    init_web(app)
    register_commands(app)
    prepare_store(app, settings)
    return app


class SixtyFourBitId(IntegerConverter):
    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


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
        "OPENAPI_SWAGGER_UI_PATH": "/docs",
        "OPENAPI_SWAGGER_UI_URL": "https://cdn.jsdelivr.net/npm/swagger-ui-dist/",
    }
