"""A 15 s PostgreSQL outage under uploads, served as the README serves a class (gunicorn and two
workers): every upload the API accepted ends finished, and the API and the workers outlive it.
A module of its own, so that xdist runs it beside the other outage tests, not after them."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import requests

from service import create_app
from service.config import Settings
from service.store.schema import migrate_store
from tests.conftest import PASSWORD
from tests.store.conftest import free_port


class Uploads(threading.Thread):
    """One student posting a new file every `pace` seconds; keeps every answer."""

    def __init__(self, url: str, token: str, data: bytes, pace: float = 0.25):
        super().__init__(daemon=True)
        self.url, self.data, self.pace = url, data, pace
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.answers: list[requests.Response] = []
        self.unanswered: list[str] = []
        self.stopped = threading.Event()

    def run(self) -> None:
        sent = 0
        while not self.stopped.is_set():
            sent += 1  # a resent file answers its earlier job: each one differs by a blank line
            body = self.data + b"\n" * sent
            try:
                self.answers.append(
                    self.session.post(f"{self.url}/jobs", files={"file": ("p.csv", body)}, timeout=30)
                )
            except requests.RequestException as error:  # no answer at all: the test reports it
                self.unanswered.append(repr(error))
            self.stopped.wait(self.pace)


def test_a_15_s_outage_under_uploads_ends_every_upload_finished_and_leaves_every_worker_running(
    private_postgresql, answer_key_path, good_submission, redis_url, tmp_path
):
    """The service as deployed (gunicorn, two `python -m workers`) keeps taking uploads while the
    store is stopped for 15 s: every answer is 202 or a 503 saying when to try again, and every
    upload it accepted is graded once the store is back."""
    from sqlalchemy import create_engine, text

    from tests.conftest import PROJECT, service_environment

    migrate_store(Settings(database_url=private_postgresql.url))
    settings = {
        "database_url": private_postgresql.url, "answer_key_path": answer_key_path, "redis_url": redis_url,
        "instance_path": tmp_path / "instance", "queue_name": f"grading-{uuid.uuid4().hex[:8]}",
        "daily_submission_quota": 100_000, "max_submissions_in_flight": 100_000,
        "jobs_rate_limit": "100000 per minute", "default_rate_limit": "100000 per minute",
        "worker_heartbeat_seconds": 1, "worker_maintenance_seconds": 2, "requeue_after_seconds": 2,
    }  # fmt: skip
    app = create_app(settings, environment={})
    with app.app_context():
        import service.accounts.users as accounts
        from service.store.models import Role

        tenant = accounts.create_tenant("class-a")
        for name in ("ann", "bob", "cy"):
            accounts.create_user(name, PASSWORD, tenant, Role.STUDENT)
        from service.extensions import db

        db.engine.dispose()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = service_environment(**settings, port=port)
    log = (tmp_path / "service.log").open("wb")
    bin_folder = Path(sys.executable).parent
    processes = {
        "api": [str(bin_folder / "gunicorn"), "-c", "gunicorn.conf.py", "api:app"],
        "worker 1": [sys.executable, "-m", "workers"],
        "worker 2": [sys.executable, "-m", "workers"],
    }
    running = {name: subprocess.Popen(command, cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT)
               for name, command in processes.items()}  # fmt: skip
    uploads: list[Uploads] = []
    try:
        _wait_until(lambda: _get_status(f"{url}/health") == 200, 60, "the service to answer")
        for name in ("ann", "bob", "cy"):
            token = requests.post(f"{url}/login", json={"username": name, "password": PASSWORD}, timeout=10)
            uploads.append(Uploads(url, token.json()["access_token"], good_submission))
        for uploader in uploads:
            uploader.start()
        time.sleep(3)  # uploads before the outage

        private_postgresql.stop()
        outage_ends = time.monotonic() + 15
        health_during = set()
        while time.monotonic() < outage_ends:
            health_during.add(_get_status(f"{url}/health"))
            time.sleep(0.5)
        private_postgresql.start()
        back = time.monotonic()

        time.sleep(max(0.0, back + 4 - time.monotonic()))
        sign_in = requests.post(f"{url}/login", json={"username": "ann", "password": PASSWORD}, timeout=10)
        time.sleep(3)  # uploads after the outage
        for uploader in uploads:
            uploader.stopped.set()
            uploader.join(timeout=60)

        answers = [answer for uploader in uploads for answer in uploader.answers]
        accepted = {answer.json()["id"] for answer in answers if answer.status_code == 202}
        refused = [answer for answer in answers if answer.status_code != 202]
        store = create_engine(private_postgresql.url)

        def states() -> dict[str, int]:
            with store.connect() as connection:
                rows = connection.execute(text("SELECT status, count(*) FROM submissions GROUP BY status"))
                return {str(status).lower(): count for status, count in rows}

        final = _wait_until(lambda: (s := states()) and "queued" not in s and "started" not in s and s,
                            120, "every upload to close")  # fmt: skip
        store.dispose()
        alive = {name: process.poll() is None for name, process in running.items()}
    finally:
        for uploader in uploads:
            uploader.stopped.set()
        for process in running.values():
            process.terminate()
        for process in running.values():
            process.wait(timeout=30)
        log.close()
    service_log = (tmp_path / "service.log").read_text(errors="replace")

    assert [error for uploader in uploads for error in uploader.unanswered] == []
    assert health_during == {503}, health_during
    assert refused, "no upload met the outage"
    for answer in refused:
        assert answer.status_code == 503, answer.text
        assert (
            answer.headers["Content-Type"] == "application/problem+json"
            and int(answer.headers["Retry-After"]) >= 1
        )
    assert sign_in.status_code == 200, sign_in.text
    # Every upload the store holds was answered 202 (none was stored behind a 503), and finished.
    assert final == {"finished": len(accepted)}, (final, service_log[-3000:])
    assert alive == {"api": True, "worker 1": True, "worker 2": True}, service_log[-3000:]
    assert "the store is unreachable" in service_log  # the workers did meet the outage


def _get_status(url: str) -> int | None:
    try:
        return requests.get(url, timeout=5).status_code
    except (requests.ConnectionError, requests.Timeout):
        return None


def _wait_until(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"waited {seconds} s for {what}")
