"""Serving a class: the store's file modes, the web cookies' lifetime, gunicorn with the repo's
config under slow clients, and `honcho start` with the Procfile."""

from __future__ import annotations

import os
import re
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import requests

from scoring import load_answer_key, score_submission
from tests.conftest import service_environment
from tests.web.helpers import web_sign_in

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the venv's gunicorn, honcho and python


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- the embedded store is the service user's alone ---------------------------------------------


def test_a_fresh_store_and_its_folder_are_private(make_app, tmp_path):
    instance = tmp_path / "instance"
    make_app(instance_path=instance)
    assert mode(instance) == 0o700
    store = instance / "grader.db"
    assert mode(store) == 0o600
    # SQLite runs in WAL mode: its -wal and -shm files hold rows too.
    for companion in ("grader.db-wal", "grader.db-shm"):
        if (instance / companion).exists():
            assert mode(instance / companion) == 0o600, companion
    assert mode(instance / "jwt-secret") == 0o600


def test_a_store_made_open_by_an_older_version_is_tightened(make_app, tmp_path):
    instance = tmp_path / "instance"
    make_app(instance_path=instance)
    instance.chmod(0o755)
    for path in instance.iterdir():
        path.chmod(0o644)
    make_app(instance_path=instance)
    assert mode(instance) == 0o700
    for name in ("grader.db", "grader.db-wal", "grader.db-shm"):
        if (instance / name).exists():
            assert mode(instance / name) == 0o600, name


def test_a_shared_folder_named_by_instance_path_keeps_its_mode(make_app, tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    (shared / "someone-elses-file").write_text("")
    shared.chmod(0o755)
    make_app(instance_path=shared)
    assert mode(shared) == 0o755  # not the service's folder to change; it says so in the log
    assert mode(shared / "grader.db") == 0o600


def test_a_configured_sqlite_store_is_private_after_flask_db_upgrade(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    store = folder / "class.db"
    env = service_environment(instance_path=tmp_path / "instance", database_url=f"sqlite:///{store}")
    env["FLASK_APP"] = "api.py"
    upgraded = subprocess.run([str(BIN / "flask"), "db", "upgrade"], cwd=PROJECT, env=env, capture_output=True,
                              text=True, timeout=120, preexec_fn=lambda: os.umask(0o022))  # fmt: skip
    assert upgraded.returncode == 0, upgraded.stderr
    assert mode(store) == 0o600
    for companion in ("class.db-wal", "class.db-shm"):
        if (folder / companion).exists():
            assert mode(folder / companion) == 0o600, companion


# --- the web cookies live as long as the token ---------------------------------------------------


def test_sign_in_cookies_live_as_long_as_the_access_token(make_app, make_user):
    app = make_app(jwt_access_token_minutes=45)
    make_user("ann")
    response = web_sign_in(app.test_client(), "ann")
    assert response.status_code == 302
    cookies = SimpleCookie()
    for header in response.headers.getlist("Set-Cookie"):
        cookies.load(header)
    for name in ("access_token_cookie", "csrf_access_token"):
        assert name in cookies, name
        assert abs(int(cookies[name]["max-age"] or 0) - 45 * 60) <= 1, (name, cookies[name]["max-age"])


# --- gunicorn with the repo's config --------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_health(url: str, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    # Each process imports the app (pandas, SQLAlchemy...): on a busy two-core machine, with the suite
    # running beside it, that alone has taken over ten seconds.
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            if requests.get(f"{url}/health", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    pytest.fail(f"no answer from {url}/health within {seconds} s:\n{log.read_text()[-3000:]}")


def stop_group(pgid: int, process: subprocess.Popen | None = None) -> None:
    """SIGTERM the process group this test started, then SIGKILL what is left after 10 s."""
    try:
        os.killpg(pgid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            break
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    if process is not None:
        process.wait(timeout=5)


def process_environment(tmp_path: Path, port: int, **settings) -> dict[str, str]:
    environment = service_environment(instance_path=tmp_path / "instance", **settings)
    environment["PORT"] = str(port)
    environment["PATH"] = f"{BIN}{os.pathsep}{environment.get('PATH', '')}"
    for name in ("GUNICORN_CMD_ARGS", "WEB_CONCURRENCY"):  # the repo's config, as it is
        environment.pop(name, None)
    return environment


@pytest.fixture
def gunicorn_server(tmp_path):
    port = free_port()
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "api:app"],
            cwd=PROJECT,
            env=process_environment(tmp_path, port),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, server, log)
        yield url, port
    finally:
        stop_group(server.pid, server)


class SlowClient(threading.Thread):
    """A slow-loris: sends an upload's request one byte at a time, `pause` seconds apart."""

    REQUEST = b"POST /submit HTTP/1.1\r\nHost: grader\r\nContent-Length: 4096\r\n\r\n" + b"0" * 4096

    def __init__(self, port: int, pause: float = 1.0):
        super().__init__(daemon=True)
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.pause, self.sent, self.done = pause, 0, threading.Event()

    def run(self):
        try:
            for byte in self.REQUEST:
                if self.done.is_set():
                    return
                self.sock.send(bytes([byte]))
                self.sent += 1
                self.done.wait(self.pause)
        except OSError:
            pass

    def still_hanging(self) -> bool:
        """Connected, and no answer yet: the server is still waiting for the rest of the request."""
        self.sock.setblocking(False)
        try:
            return self.sock.recv(1, socket.MSG_PEEK) != b""  # b"": closed by the server
        except BlockingIOError:
            return True
        finally:
            self.sock.setblocking(True)

    def stop(self):
        self.done.set()
        self.sock.close()


def test_health_answers_at_once_while_slow_clients_dribble_their_requests(gunicorn_server):
    url, port = gunicorn_server
    clients = [SlowClient(port) for _ in range(4)]
    for client in clients:
        client.start()
    try:
        time.sleep(1.5)  # every slow client has sent its first bytes: each holds a connection
        latencies = []
        for _ in range(8):
            started = time.monotonic()
            response = requests.get(f"{url}/health", timeout=2)
            latencies.append(time.monotonic() - started)
            assert response.status_code == 200
            time.sleep(0.5)
        assert max(latencies) < 2, latencies
        assert all(client.sent >= 3 and client.still_hanging() for client in clients)
        print(f"/health under 4 slow clients: max {max(latencies) * 1000:.0f} ms")
    finally:
        for client in clients:
            client.stop()


# --- honcho start: the Procfile's web and worker --------------------------------------------------


def ours(workers, log: Path) -> list:
    """The rq workers that the Procfile's `worker` started: in the session honcho made for it."""
    started = re.search(r"worker\.1 started \(pid=(\d+)\)", log.read_text())
    found = []
    for worker in workers if started else ():
        try:
            if os.getsid(worker.pid) == int(started.group(1)):
                found.append(worker)
        except (ProcessLookupError, TypeError):
            continue
    return found


def test_honcho_start_serves_the_classroom_check_with_a_worker(redis_url, tmp_path):
    from redis import Redis
    from rq import Worker

    port = free_port()
    log = tmp_path / "honcho.log"
    no_env_file = tmp_path / "empty.env"  # honcho would read the project's .env into the processes
    no_env_file.write_text("")
    command = [str(BIN / "honcho"), "--no-colour", "start", "-f", "Procfile", "-e", str(no_env_file)]
    with log.open("w") as out:
        honcho = subprocess.Popen(
            command,
            cwd=PROJECT,
            env=process_environment(tmp_path, port, redis_url=redis_url),
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    redis = Redis.from_url(redis_url)
    try:
        wait_for_health(url, honcho, log)
        deadline = time.monotonic() + 15
        while not ours(Worker.all(connection=redis), log) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert ours(Worker.all(connection=redis), log), f"no worker of honcho's:\n{log.read_text()[-3000:]}"
        predictions = PROJECT / "test2-predictions.csv"
        with predictions.open("rb") as upload:
            response = requests.post(f"{url}/submit", files={"file": upload}, timeout=30)
        expected = score_submission(predictions.read_bytes(), load_answer_key(PROJECT / "test2.csv"))
        assert response.status_code == 200, response.text
        assert response.json() == {"auc": pytest.approx(expected.score, abs=1e-12), "metric": "roc_auc",
                                   "rows": expected.rows}  # fmt: skip
        assert requests.get(f"{url}/health", timeout=2).json()["status"] == "ok"
    finally:
        redis.close()
        # honcho starts each process in a session of its own: stop honcho's group (it stops its
        # processes), then any of its processes still there, by the pids it printed.
        stop_group(honcho.pid, honcho)
        for pid in re.findall(r"\| \S+ started \(pid=(\d+)\)", log.read_text()):
            stop_group(int(pid))
