"""The store's schema is owned by the migrations: processes check its revision, never create tables.

`flask db upgrade` creates and upgrades a store. The embedded default (the SQLite file under
`instance/`, used when DATABASE_URL is unset) is upgraded by the first process that starts on
it, under a file lock, so a fresh clone runs with `flask run` alone.
"""

from __future__ import annotations

import logging
import os
import stat
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from filelock import FileLock
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from service.config import Settings
from service.extensions import db, migrate
from service.store.outage import STORE_ERRORS, check_when_the_store_answers

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
KEEP_LOGGING = "keep-logging"  # read by migrations/env.py: a running service keeps its own logging
STORE_FILE = "grader.db"  # the embedded store, under the instance folder (Settings.sqlalchemy_url)
log = logging.getLogger(__name__)


class StoreOutOfDate(SystemExit):
    """The store's revision is not the code's: the operator must run the migrations."""


def prepare_store(app: Flask, settings: Settings) -> None:
    """Upgrade the embedded default store, or refuse to start on a configured store that is behind;
    a configured store that does not answer is checked once it does (the process starts meanwhile)."""
    secure_sqlite_store(settings)  # before anything opens it, `flask db upgrade` included
    if _running_migration_command():
        return  # `flask db ...` is how an out-of-date store is mended: let it run
    try:
        with app.app_context():
            _check_revision(settings)
    except STORE_ERRORS as error:
        if not settings.database_url:
            raise  # the embedded store is a file of this machine: unreachable means broken
        log.warning(
            "the store is unreachable (%s): starting anyway, answering 503 until it is back",
            error.__class__.__name__,
        )
        check_when_the_store_answers(app, lambda: _check_revision(settings))


def _check_revision(settings: Settings) -> None:
    """Refuse a configured store behind the code; upgrade the embedded one."""
    current, head = store_revision(), head_revision()
    if current != head and settings.database_url:
        raise StoreOutOfDate(
            f"the store is at revision {current or 'none (empty)'}, this code needs {head}: "
            "run `flask db upgrade` first"
        )
    if current != head:
        with FileLock(str(settings.instance_path / "grader.db.lock"), mode=0o600):
            upgrade(directory=str(MIGRATIONS), x_arg=[KEEP_LOGGING])  # a no-op but for the first process
    refresh_sqlite_statistics()


def refresh_sqlite_statistics() -> None:
    """SQLite plans from the statistics ANALYZE leaves; without them, which index a class's page
    uses differs from store to store. A sampled ANALYZE at start costs milliseconds.
    (PostgreSQL's autovacuum keeps its own statistics.)"""
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA analysis_limit=1000")
        connection.exec_driver_sql("ANALYZE")


def secure_sqlite_store(settings: Settings) -> None:
    """A SQLite store holds password hashes, every upload and private scores: its file is the
    service user's alone (0600), the embedded one and one DATABASE_URL names alike. It is made empty
    (a valid empty SQLite database) with that mode before SQLite opens it, and SQLite gives its -wal,
    -shm and -journal files the mode of the database file. A store made by an older version (0644)
    is tightened, its -wal and -shm too."""
    path = sqlite_file(settings)
    if path is None:
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        return
    except FileExistsError:
        pass  # made before, or by another process starting at the same time
    except FileNotFoundError:
        return  # no such folder: SQLite says so when it opens the store
    for each in (path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))):
        try:
            mode = stat.S_IMODE(each.stat().st_mode)
            if mode & 0o077:
                each.chmod(mode & 0o700)
        except FileNotFoundError:
            continue
        except OSError as error:  # another user's file: SQLite may still open it; say so
            log.warning("cannot make %s private to the service's user (chmod 600 it): %s", each, error)


def sqlite_file(settings: Settings) -> Path | None:
    """The SQLite file that holds the store; None for PostgreSQL or a store in memory."""
    if not settings.database_url:
        return settings.instance_path / STORE_FILE if settings.instance_path.is_dir() else None
    url = make_url(settings.sqlalchemy_url)
    if (
        url.get_backend_name() != "sqlite"
        or url.database in (None, "", ":memory:")
        or url.database.startswith("file:")
    ):
        return None
    return Path(url.database)


def store_revision() -> str | None:
    """The revision the store is at; None for an empty store."""
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def _running_migration_command() -> bool:
    # The flask CLI builds the app before it knows which command runs; `flask [options] db ...`
    # must not be refused for the very state it is about to mend.
    program = Path(sys.argv[0])
    if program.name != "flask" and program.parent.name != "flask":  # `flask` or `python -m flask`
        return False
    options_with_values = {"-A", "--app", "-e", "--env-file"}
    args = iter(sys.argv[1:])
    for arg in args:
        if arg in options_with_values:
            next(args, None)
        elif not arg.startswith("-"):
            return arg == "db"
    return False


@contextmanager
def migration_context(settings: Settings) -> Iterator[None]:
    """An app context on the store `settings` name, with nothing but the store bound: for
    running migrations from code (tests, benchmarks) as `flask db` runs them."""
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = settings.sqlalchemy_url
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    with app.app_context():
        try:
            yield
        finally:
            db.engine.dispose()


def migrate_store(settings: Settings, revision: str = "head") -> None:
    """What `flask db upgrade [REVISION]` does, for the store `settings` name."""
    with migration_context(settings):
        upgrade(directory=str(MIGRATIONS), revision=revision, x_arg=[KEEP_LOGGING])
