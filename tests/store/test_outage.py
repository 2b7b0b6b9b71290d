"""A PostgreSQL outage costs nothing but a wait: while a private server of the test's own is stopped,
every route answers 503 with Retry-After (problem+json, or an HTML page), /health says the store is
unreachable, and sign-ins that met the outage count as nothing once it is back."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from service import create_app
from service.config import Settings
from service.store.schema import migrate_store
from tests.conftest import PASSWORD
from tests.store.conftest import free_port


@pytest.fixture
def outage_app(private_postgresql, answer_key_path, tmp_path):
    migrate_store(Settings(database_url=private_postgresql.url))
    app = create_app(
        {"database_url": private_postgresql.url, "answer_key_path": answer_key_path,
         "instance_path": tmp_path / "instance", "login_failure_limits": "3 per minute"},
        environment={},
    )  # fmt: skip
    with app.app_context():
        import service.accounts.users as accounts
        from service.store.models import Role

        tenant = accounts.create_tenant("class-a")
        accounts.create_user("ann", PASSWORD, tenant, Role.STUDENT)
    yield app
    with app.app_context():
        from service.extensions import db

        db.engine.dispose()


def test_an_outage_answers_503_with_retry_after_and_counts_no_sign_in(outage_app, private_postgresql):
    client = outage_app.test_client()
    token = client.post("/login", json={"username": "ann", "password": PASSWORD}).get_json()["access_token"]
    assert client.get("/health").get_json()["store"] == "ok"

    private_postgresql.stop()
    answers = [client.post("/login", json={"username": "ann", "password": PASSWORD}) for _ in range(5)]
    answers.append(client.get("/jobs", headers={"Authorization": f"Bearer {token}"}))
    for answer in answers:
        assert answer.status_code == 503, answer.get_data(as_text=True)
        assert answer.mimetype == "application/problem+json" and int(answer.headers["Retry-After"]) >= 1
        assert "nothing was counted" in answer.get_json()["detail"]
    client.set_cookie("access_token_cookie", token)
    page = client.get("/web/challenges")
    assert page.status_code == 503 and page.mimetype == "text/html" and "Retry-After" in page.headers
    health = client.get("/health")
    assert health.status_code == 503 and health.get_json()["store"].startswith("unreachable")

    private_postgresql.start()
    back = client.post("/login", json={"username": "ann", "password": PASSWORD})
    assert back.status_code == 200  # five sign-ins met the outage; none counted as a failure
    assert client.get("/health").status_code == 200


def test_an_api_started_while_the_store_is_down_waits_and_serves_once_it_is_back(
    private_postgresql, answer_key_path, tmp_path
):

    from tests.conftest import PROJECT, service_environment

    migrate_store(Settings(database_url=private_postgresql.url))
    private_postgresql.stop()
    port = free_port()
    env = service_environment(database_url=private_postgresql.url, answer_key_path=answer_key_path,
                              instance_path=tmp_path / "instance", port=port)  # fmt: skip
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "api:app"],
        cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip

    def health() -> int | None:
        try:
            return requests.get(f"http://127.0.0.1:{port}/health", timeout=10).status_code
        except (requests.ConnectionError, requests.Timeout):
            return None  # not listening yet, or its workers still booting

    try:
        deadline = time.monotonic() + 60
        while health() is None and time.monotonic() < deadline and server.poll() is None:
            time.sleep(0.2)
        assert health() == 503  # up, and saying the store is down
        time.sleep(12)
        assert server.poll() is None and health() == 503, (tmp_path / "gunicorn.log").read_text()[-2000:]
        private_postgresql.start()
        deadline = time.monotonic() + 30
        while health() != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert health() == 200
        deadline = time.monotonic() + 15  # and the revision is checked at the watcher's next try
        while "the store answers again" not in (tmp_path / "gunicorn.log").read_text():
            assert time.monotonic() < deadline, "the revision was never checked"
            time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
