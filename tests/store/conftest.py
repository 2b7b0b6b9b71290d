"""The store tests run on SQLite, and on PostgreSQL too when TEST_DATABASE_URL names one."""

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from service import create_app
from service.config import Settings
from service.extensions import db
from service.store.schema import migrate_store
from tests.conftest import postgresql_url

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def store_app(request, answer_key_path, tmp_path):
    overrides = {"answer_key_path": answer_key_path, "instance_path": tmp_path / "instance"}
    if request.param == "postgresql":
        url = postgresql_url()
        _drop_everything(url)
        overrides["database_url"] = url
        migrate_store(Settings(database_url=url))  # the operator's `flask db upgrade`
    app = create_app(overrides, environment={})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _drop_everything(url: str) -> None:
    """A clean schema per test: the tables (and revision) of an earlier test must not leak into this one."""
    engine = create_engine(Settings(database_url=url).sqlalchemy_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


# A PostgreSQL cluster of a test's own, for the store outage tests (test_outage*.py).
PG_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivatePostgreSQL:
    """A PostgreSQL cluster in a temporary folder, on a port of its own, that a test stops and starts."""

    def __init__(self, folder: Path):
        self.bin = PG_BIN[-1]
        self.data, self.port = folder / "data", free_port()
        self.data.mkdir()
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_owner:
            shutil.chown(self.data, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(
            [*self.as_owner, str(self.bin / tool), *args], check=True, capture_output=True, timeout=120
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-w", "-l", str(self.data / "log"), "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")


@pytest.fixture
def private_postgresql():
    if not PG_BIN or (os.geteuid() == 0 and not shutil.which("runuser")):
        if os.environ.get("CI"):
            pytest.fail("CI must run the store outage tests: PostgreSQL's server programs are missing")
        pytest.skip("the store outage tests need PostgreSQL's server programs (initdb, pg_ctl)")
    # Not under pytest's temporary folder, which only this user may enter: the server runs as postgres.
    folder = Path(tempfile.mkdtemp(prefix="grader-pg-"))
    folder.chmod(0o755)
    try:
        server = PrivatePostgreSQL(folder)
        server.start()
        yield server
        try:
            server.stop()
        except subprocess.CalledProcessError:
            pass  # stopped by the test already
    finally:
        shutil.rmtree(folder, ignore_errors=True)
