"""Workers outlive Redis; a worker that does exit says so; lost jobs come back without a surviving worker.

Each test that stops Redis runs a private `redis-server` (bench/redis_restart.py's PrivateRedis):
the shared test Redis is never stopped.
"""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from service.grading.queue import grading_queue
from service.grading.recovery import sweep_lost_submissions
from tests.conftest import PASSWORD, service_environment
from tests.workers.conftest import wait_for
from tests.workers.test_queue import add_users, random_submission

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from redis_restart import PrivateRedis, free_port, run  # noqa: E402  (the benchmark, shorter)

needs_redis_server = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="needs redis-server, to stop and start a Redis of its own"
)
QUICK = {"worker_heartbeat_seconds": 1, "worker_maintenance_seconds": 2, "requeue_after_seconds": 2}


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(free_port(), tmp_path / "redis.log")
    server.start()
    yield server
    server.kill()


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("a") as out:
        return subprocess.Popen(
            [sys.executable, *command], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()
    process.wait(timeout=10)


@needs_redis_server
def test_workers_outlive_three_redis_restarts_under_uploads_and_every_upload_finishes(tmp_path):
    outcome = run(tmp_path, restarts=3, interval=3, down=0.5, workers=2, pace=0.1, **QUICK)

    assert outcome.problems == [], "\n".join(outcome.lines()) + "\n" + outcome.report()
    assert outcome.restarts == 3
    assert outcome.states == {"finished": len(outcome.accepted)}
    assert outcome.max_wait_after_redis < 20, "\n".join(outcome.lines())
    # The workers did lose Redis, and came back each time as a new worker.
    assert all("a new worker connects" in outcome.logs[f"worker {n}"] for n in (1, 2))


@needs_redis_server
def test_the_api_requeues_what_redis_lost_when_no_worker_sweeps(
    tmp_path, private_redis, answer_key_path, answer_key
):
    """Plain `rq worker` processes do not sweep: the API process does, on its own thread."""
    from service import create_app
    from service.config import Settings
    from service.store.schema import migrate_store

    instance = tmp_path / "instance"
    settings = {
        "instance_path": instance, "answer_key_path": answer_key_path,
        "database_url": f"sqlite:///{instance / 'grader.db'}",
        "redis_url": f"redis://127.0.0.1:{private_redis.port}/0", **QUICK,
    }  # fmt: skip
    instance.mkdir()
    migrate_store(Settings(database_url=settings["database_url"]))
    app = create_app(settings, environment={})
    add_users(app, "ann")
    env = service_environment(**settings)
    port = free_port()
    api = start(["-m", "flask", "--app", "api.py", "run", "--port", str(port)], env, tmp_path / "api.log")
    worker = None
    try:
        import requests

        url = f"http://127.0.0.1:{port}"
        wait_for(lambda: _answers(requests, f"{url}/health"), 30, message="the API")
        session = requests.Session()
        token = session.post(f"{url}/login", json={"username": "ann", "password": PASSWORD})
        session.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        ids = []
        for seed in range(2):  # no more than a student may have in flight
            response = session.post(
                f"{url}/jobs", files={"file": ("p.csv", random_submission(answer_key, seed))}
            )
            assert response.status_code == 202, response.text
            ids.append(response.json()["id"])
        private_redis.kill()  # every job lost
        private_redis.start()
        worker = start(
            ["-m", "rq.cli", "worker", "--url", settings["redis_url"], "grading"], env, tmp_path / "rq.log"
        )  # plain rq: no GradingWorker, no sweep
        wait_for(
            lambda: all(session.get(f"{url}/jobs/{i}").json()["status"] == "finished" for i in ids), 30,
            interval=0.5, message="the lost jobs finished",
        )  # fmt: skip
    finally:
        for process in (api, worker):
            if process is not None:
                stop(process)
    assert "enqueued again" in (tmp_path / "api.log").read_text()


def test_one_sweep_at_a_time_for_processes_sharing_redis(make_app, redis_url):
    settings = {"redis_url": redis_url, "queue_name": f"sweep-{uuid.uuid4().hex[:8]}", **QUICK}
    first, second = make_app(**settings), make_app(**settings)
    with first.app_context():
        assert sweep_lost_submissions(grading_queue(), first.config["SETTINGS"]) == []
    with second.app_context():
        assert sweep_lost_submissions(grading_queue(), second.config["SETTINGS"]) is None  # claimed
    time.sleep(1.1)  # the claim lasts WORKER_MAINTENANCE_SECONDS - 1
    with second.app_context():
        assert sweep_lost_submissions(grading_queue(), second.config["SETTINGS"]) == []


def test_worker_exits_with_status_1_when_its_work_loop_fails_on_a_non_redis_error(deployment):
    """rq's loop catches the error and returns as if stopped: the process must not exit 0."""
    driver = deployment.logs.parent / "broken_store_worker.py"
    driver.write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "import workers.worker\n"
        "def broken_sweep(queue, settings):\n"
        "    raise RuntimeError('the sweep is broken')\n"
        "workers.worker.sweep_lost_submissions = broken_sweep\n"
        "from workers.__main__ import main\n"
        "main()\n"
    )
    worker = deployment.start_worker(str(driver))

    assert worker.wait(timeout=60) == 1
    log = deployment.logs.read_text()
    assert "the sweep is broken" in log
    assert "exiting with status 1" in log
    assert "a new worker connects" not in log


@needs_redis_server
def test_worker_refused_by_redis_exits_non_zero_at_once(tmp_path, answer_key_path):
    """A wrong password is no outage to wait out."""
    server = subprocess.Popen(
        ["redis-server", "--port", str(port := free_port()), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--requirepass", "another-password"], stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        time.sleep(0.3)
        env = service_environment(
            instance_path=tmp_path / "instance", answer_key_path=answer_key_path,
            redis_url=f"redis://:wrong-password@127.0.0.1:{port}/0",
        )  # fmt: skip
        worker = subprocess.run(
            [sys.executable, "-m", "workers"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
        )
    finally:
        server.kill()
        server.wait()

    assert worker.returncode != 0
    assert "AuthenticationError" in worker.stderr
    assert "a new worker connects" not in worker.stdout + worker.stderr


@needs_redis_server
@pytest.mark.parametrize("redis_up", [True, False], ids=["idle", "waiting-for-redis"])
def test_worker_stopped_by_sigterm_exits_0(tmp_path, private_redis, answer_key_path, redis_up):
    env = service_environment(
        instance_path=tmp_path / "instance", answer_key_path=answer_key_path,
        redis_url=f"redis://127.0.0.1:{private_redis.port}/0", **QUICK,
    )  # fmt: skip
    log = tmp_path / "worker.log"
    worker = start(["-m", "workers"], env, log)
    try:
        wait_for(lambda: "Listening on" in log.read_text(), 30, message="worker listening")
        if not redis_up:
            private_redis.kill()
            wait_for(lambda: "a new worker connects" in log.read_text(), 30, message="worker reconnecting")
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0, log.read_text()
    finally:
        stop(worker)


def _answers(requests, url: str) -> bool:
    try:
        return requests.get(url, timeout=1).ok
    except requests.ConnectionError:
        return False
