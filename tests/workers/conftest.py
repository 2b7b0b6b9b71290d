"""A real Redis, real SQL store and real worker processes, as in a deployment."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from redis.connection import Connection

from service import create_app
from service.config import Settings
from service.store.schema import migrate_store
from tests.conftest import configured_postgresql_url, postgresql_url, service_environment

ROOT = Path(__file__).resolve().parents[2]


class Deployment:
    """An API app and the worker processes sharing its store, Redis and queue."""

    def __init__(self, tmp_path: Path, redis_url: str, answer_key_path: Path, database_url: str):
        instance = tmp_path / "instance"
        self.settings = {
            "instance_path": instance,
            "answer_key_path": answer_key_path,
            "redis_url": redis_url,
            "database_url": database_url or f"sqlite:///{instance / 'grader.db'}",
            "queue_name": f"grading-{uuid.uuid4().hex[:8]}",  # no job of another test can reach us
            "worker_heartbeat_seconds": 1,
            "worker_maintenance_seconds": 2,
            "requeue_after_seconds": 1,
            "max_submissions_in_flight": 1000,  # tests fill the queue on purpose; the limit has its own test
        }
        instance.mkdir(parents=True, exist_ok=True)
        migrate_store(
            Settings(database_url=self.settings["database_url"])
        )  # the operator's `flask db upgrade`
        self.app = create_app(self.settings, environment={})
        self.workers: list[subprocess.Popen] = []
        self.logs = tmp_path / "workers.log"

    @property
    def env(self) -> dict[str, str]:
        return service_environment(**self.settings)

    def start_worker(self, *command: str) -> subprocess.Popen:
        command = command or ("-m", "workers")
        log = self.logs.open("a")
        worker = subprocess.Popen(
            [sys.executable, *command], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.workers.append(worker)
        return worker

    def stop_workers(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
        self.workers.clear()

    def start_api(self) -> str:
        """Another API process (`flask run`) on a free port; answers its URL once it is up."""
        import requests

        from tests.test_classroom_check import free_port

        port = free_port()
        log = self.logs.open("a")
        api = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "api.py", "run", "--port", str(port)], cwd=ROOT, env=self.env,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.workers.append(api)
        url = f"http://127.0.0.1:{port}"
        wait_for(lambda: _answers(requests, f"{url}/health"), 30, message=f"API on {url}")
        return url

    def flask(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "flask", "--app", "api.py", *args], cwd=ROOT, env=self.env,
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip


def _deploy(tmp_path, redis_url, answer_key_path, database_url: str):
    if database_url:
        from tests.store.conftest import _drop_everything

        _drop_everything(database_url)
    deployed = Deployment(tmp_path, redis_url, answer_key_path, database_url)
    yield deployed
    deployed.stop_workers()


@pytest.fixture
def deployment(tmp_path, redis_url, answer_key_path):
    """SQLite by default; the PostgreSQL of TEST_DATABASE_URL when set (CI)."""
    yield from _deploy(tmp_path, redis_url, answer_key_path, configured_postgresql_url())


@pytest.fixture(params=["sqlite", "postgresql"])
def deployment_on_each_store(request, tmp_path, redis_url, answer_key_path):
    """The same deployment on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""
    database_url = ""
    if request.param == "postgresql":
        database_url = postgresql_url()
    yield from _deploy(tmp_path, redis_url, answer_key_path, database_url)


def _answers(requests, url: str) -> bool:
    try:
        return requests.get(url, timeout=1).ok
    except requests.ConnectionError:
        return False


# A wait returns as soon as its condition holds; its limit only says when to give up, and a
# loaded runner (two CI runs on two cores) is slower than an idle one by this much at worst.
LOADED_RUNNER = 4


def wait_for(predicate, timeout: float, interval: float = 0.2, message: str = "condition"):
    deadline = time.monotonic() + timeout * LOADED_RUNNER
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{message} not reached within {timeout} s")


@pytest.fixture
def round_trips(monkeypatch):
    """Counts the requests this process sends to Redis (a pipeline is one), letting each through."""
    sent = []
    real = Connection.send_packed_command

    def counted(self, command, check_health=True):
        sent.append(1)
        return real(self, command, check_health)

    monkeypatch.setattr(Connection, "send_packed_command", counted)
    return sent
