"""Settings of the service, read once from the environment and a `.env` file.

This is the only module that reads the environment: everything else receives a
`Settings` object (the Flask app keeps it in `app.config`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from dotenv import dotenv_values
from limits import parse_many

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """A setting has a value the service cannot start with."""


@dataclass(frozen=True)
class Settings:
    """Every setting of the service; `.env.example` documents each one."""

    answer_key_path: Path = PROJECT_ROOT / "test2.csv"
    max_upload_bytes: int = 32 * 1024 * 1024
    max_answer_key_bytes: int = 16 * 1024 * 1024
    submit_rate_limit: str = "120 per minute"
    login_rate_limit: str = "120 per minute"  # a class behind one NAT signs in at once
    jobs_rate_limit: str = "30 per minute"
    default_rate_limit: str = "600 per minute"
    ratelimit_storage_uri: str = ""
    trusted_proxies: int = 0
    daily_submission_quota: int = 5
    max_submissions_in_flight: int = 2
    login_failure_limits: str = "3 per minute;5 per 15 minutes"
    login_address_failure_limit: str = "50 per 15 minutes"
    gmsc_train: str = ""
    instance_path: Path = PROJECT_ROOT / "instance"
    database_url: str = ""
    redis_url: str = ""
    jwt_secret_key: str = ""
    jwt_access_token_minutes: int = 60
    jwt_refresh_token_days: int = 14
    web_cookie_secure: bool = False
    queue_name: str = "grading"
    job_timeout_seconds: int = 60
    job_retries: int = 2
    store_retry_seconds: int = 300
    worker_heartbeat_seconds: int = 5
    worker_maintenance_seconds: int = 10
    requeue_after_seconds: int = 30

    @property
    def env_names(self) -> dict[str, str]:
        return {f.name.upper(): f.name for f in fields(self)}

    @property
    def limiter_storage_uri(self) -> str:
        """Where rate-limit counters live: shared Redis when there is one, else this process."""
        if self.ratelimit_storage_uri:
            return self.ratelimit_storage_uri
        if self.redis_url.startswith("unix://"):
            return "redis+unix://" + self.redis_url[len("unix://") :]
        return self.redis_url or "memory://"

    @property
    def sqlalchemy_url(self) -> str:
        """DATABASE_URL for SQLAlchemy; a SQLite file under the instance folder by default."""
        if not self.database_url:
            return f"sqlite:///{self.instance_path / 'grader.db'}"
        # Hosting platforms hand out postgres:// URLs; SQLAlchemy needs the driver named.
        for prefix in ("postgres://", "postgresql://"):
            if self.database_url.startswith(prefix):
                return "postgresql+psycopg://" + self.database_url[len(prefix) :]
        return self.database_url


def _coerce(name: str, raw: str, default: Any) -> Any:
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        try:
            value = int(raw)
        except ValueError as exc:
            raise ConfigError(f"{name.upper()} must be a whole number, got {raw!r}") from exc
        if value < 0:
            raise ConfigError(f"{name.upper()} must not be negative, got {value}")
        return value
    if isinstance(default, Path):
        path = Path(raw).expanduser()
        return path if path.is_absolute() else PROJECT_ROOT / path
    return raw


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Settings from defaults < `.env` file < environment < overrides.

    `environ` is the process environment unless given; tests give `{}`, so that neither the
    environment nor a `.env` reaches them. ENV_FILE names another `.env` (empty: none).
    Overrides use the attribute names (`max_upload_bytes=...`).
    """
    env_file = None
    if environ is None:
        environ = os.environ
        env_file = (
            Path(environ.get("ENV_FILE", PROJECT_ROOT / ".env")) if environ.get("ENV_FILE") != "" else None
        )
    source: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        source.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    source.update(environ)

    defaults = Settings()
    values: dict[str, Any] = {}
    for env_name, attr in defaults.env_names.items():
        if env_name in source and source[env_name] != "":
            values[attr] = _coerce(attr, source[env_name], getattr(defaults, attr))
    settings = replace(defaults, **values)
    if overrides:
        settings = replace(settings, **dict(overrides))
    _check_rate_limits(settings)
    return settings


def _check_rate_limits(settings: Settings) -> None:
    """A mistyped limit would otherwise switch the limit off, or fail every request."""
    for name in ("submit_rate_limit", "login_rate_limit", "jobs_rate_limit", "default_rate_limit",
                 "login_failure_limits", "login_address_failure_limit"):  # fmt: skip
        try:
            parse_many(getattr(settings, name))
        except ValueError:
            raise ConfigError(
                f"{name.upper()}={getattr(settings, name)!r} is not a rate limit (e.g. '120 per minute')"
            ) from None
