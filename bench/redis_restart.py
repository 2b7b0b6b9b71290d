"""Do the workers outlive Redis? Restarts a private Redis under steady uploads; prints one summary.

    python bench/redis_restart.py [--restarts 10] [--interval 5] [--down 1] [--workers 2]

Starts a private `redis-server` (no persistence, so each restart comes back empty, as a
crashed Redis without AOF does), `flask run` and `python -m workers` processes on a
temporary SQLite store, with the service's default timings unless given. A client posts a
valid submission to POST /jobs every `--pace` seconds while the Redis server is killed
(`kill -9`) and started again on the same port `--restarts` times; uploads then stop and
the bench waits until the store has closed every submission. Prints:
- restarts, uploads accepted (202) and refused (while Redis was down some may be);
- finished: the store's submissions by final state (all must be `finished`), and how many
  were graded more than once (a job whose rq bookkeeping failed must not be graded again);
- worker exits: workers that quit during the run (must be none);
- max wait after Redis came back: for each submission, the time from its upload or from
  the last return of Redis before it finished, whichever is later, to `finished`.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from processes import stop_groups  # noqa: E402
from submit import free_port, make_case  # noqa: E402

import service.accounts.users as accounts  # noqa: E402
from service import create_app  # noqa: E402
from service.config import Settings  # noqa: E402
from service.extensions import db  # noqa: E402
from service.grading import lifecycle  # noqa: E402
from service.store.models import Role, Submission  # noqa: E402
from service.store.schema import migrate_store  # noqa: E402

PASSWORD = "bench-password"
ROWS = 2_000  # a small file: the bench is about the queue, not scoring speed
UP_TIMEOUT = 30.0


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)  # as the store records times


def service_environment(settings: dict[str, Any]) -> dict[str, str]:
    """This environment less every setting of the service and any `.env`, plus `settings`."""
    environment = {k: v for k, v in os.environ.items() if k not in Settings().env_names}
    environment["ENV_FILE"] = ""
    environment["FLASK_SKIP_DOTENV"] = "1"  # the flask command would load .env into the environment
    environment.update({name.upper(): str(value) for name, value in settings.items()})
    return environment


class PrivateRedis:
    """A redis-server of our own on `port`, killed and started again at will."""

    def __init__(self, port: int, log: Path):
        self.port = port
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> datetime:
        """Start it and wait until it answers; answers when it did (UTC, as the store)."""
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--daemonize", "no"], stdout=log, stderr=subprocess.STDOUT,
            )  # fmt: skip
        import redis

        connection = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                connection.ping()
                connection.close()
                return utcnow()
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.02)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()


@dataclass
class Outcome:
    restarts: int = 0
    accepted: list[int] = field(default_factory=list)
    refused: Counter = field(default_factory=Counter)
    refusals: dict[int, str] = field(default_factory=dict)  # the first answer of each refused status
    states: Counter = field(default_factory=Counter)
    graded_again: int = 0  # submissions whose grading started more than once
    worker_exits: list[str] = field(default_factory=list)
    max_wait_after_redis: float = 0.0
    max_open: float = 0.0
    drained: bool = False
    logs: dict[str, str] = field(default_factory=dict)

    @property
    def problems(self) -> list[str]:
        found = []
        if self.worker_exits:
            found.append(f"workers exited: {', '.join(self.worker_exits)}")
        if not self.accepted:
            found.append("no upload was accepted")
        unfinished = {state: n for state, n in self.states.items() if state != "finished"}
        if unfinished or not self.drained:
            found.append(f"not every submission finished: {dict(self.states)}")
        if self.max_wait_after_redis > 60:
            found.append(f"a submission waited {self.max_wait_after_redis:.1f} s after Redis came back")
        return found

    def lines(self) -> list[str]:
        refused = ", ".join(f"{n} {why}" for why, n in self.refused.most_common()) or "none"
        return [
            f"restarts: {self.restarts}",
            f"uploads accepted: {len(self.accepted)} (refused: {refused})",
            f"finished: {self.states.get('finished', 0)} of {sum(self.states.values())} stored"
            + (f" {dict(self.states)}" if set(self.states) - {"finished"} else "")
            + f"; graded more than once: {self.graded_again}",
            f"worker exits: {len(self.worker_exits)}" + (f" ({', '.join(self.worker_exits)})" if self.worker_exits else ""),
            f"max wait after Redis came back: {self.max_wait_after_redis:.1f} s"
            f" (max upload -> finished: {self.max_open:.1f} s)",
        ]  # fmt: skip

    def report(self) -> str:
        return "\n".join(f"--- {name} ---\n{text[-6000:]}" for name, text in self.logs.items())


class Uploader(threading.Thread):
    """Posts a distinct valid submission every `pace` seconds through the real API."""

    def __init__(self, url: str, data: bytes, pace: float, outcome: Outcome, username: str = "bench-student"):
        super().__init__(daemon=True)
        self.url, self.data, self.pace, self.outcome = url, data, pace, outcome
        self.stopped = threading.Event()
        self.session = requests.Session()
        token = self.session.post(f"{url}/login", json={"username": username, "password": PASSWORD})
        token.raise_for_status()
        self.session.headers["Authorization"] = f"Bearer {token.json()['access_token']}"

    def run(self) -> None:
        sent = 0
        while not self.stopped.is_set():
            sent += 1
            # A resent identical file answers its earlier job: trailing newlines make each one new.
            body = self.data + b"\n" * sent
            try:
                response = self.session.post(f"{self.url}/jobs", files={"file": ("p.csv", body)}, timeout=30)
                if response.status_code == 202:
                    self.outcome.accepted.append(response.json()["id"])
                else:
                    self.outcome.refused[f"HTTP {response.status_code}"] += 1
                    self.outcome.refusals.setdefault(response.status_code, response.text[:300])
            except requests.RequestException as error:
                self.outcome.refused[type(error).__name__] += 1
            self.stopped.wait(self.pace)


def run(
    folder: Path,
    restarts: int = 10,
    interval: float = 5.0,
    down: float = 1.0,
    workers: int = 2,
    pace: float = 0.1,
    fork: bool = False,
    **settings: Any,
) -> Outcome:
    """The whole bench under `folder`; `settings` (Settings attribute names) go to every process."""
    outcome = Outcome()
    key, data, key_csv = make_case(ROWS)
    key_path = folder / "answer-key.csv"
    key_path.write_text(key_csv)
    instance = folder / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    redis = PrivateRedis(free_port(), folder / "redis.log")
    settings = {
        "answer_key_path": key_path, "instance_path": instance,
        "database_url": f"sqlite:///{instance / 'grader.db'}", "redis_url": f"redis://127.0.0.1:{redis.port}/0",
        # The bench is about Redis, not fair use: no quota or rate limit may refuse an upload.
        "daily_submission_quota": 1_000_000, "jobs_rate_limit": "100000 per minute",
        "default_rate_limit": "1000000 per minute", **settings,
    }  # fmt: skip
    if hasattr(Settings(), "max_submissions_in_flight"):
        settings.setdefault("max_submissions_in_flight", 1_000_000)
    migrate_store(Settings(database_url=settings["database_url"]))  # the operator's `flask db upgrade`
    app = create_app(settings, environment={})
    with app.app_context():
        accounts.create_user("bench-student", PASSWORD, accounts.create_tenant("bench"), Role.STUDENT)
    env = service_environment(settings)
    came_back = [redis.start()]
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    commands = {"api": ["-m", "flask", "--app", "api.py", "run", "--port", str(port)]}
    worker = ["-m", "workers", *(["--fork"] if fork else [])]
    commands.update({f"worker {n}": worker for n in range(1, workers + 1)})
    logs = {name: folder / f"{name.replace(' ', '-')}.log" for name in commands}
    processes: dict[str, subprocess.Popen] = {}
    uploader = None
    try:
        for name, command in commands.items():
            with logs[name].open("w") as log:
                processes[name] = subprocess.Popen(
                    [sys.executable, *command], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                    start_new_session=True,
                )  # fmt: skip
        _wait_for_api(url, processes["api"])
        time.sleep(2)  # the workers load the app and the answer key
        uploader = Uploader(url, data, pace, outcome)
        uploader.start()
        for _ in range(restarts):
            time.sleep(interval)
            redis.kill()
            time.sleep(down)
            came_back.append(redis.start())
            outcome.restarts += 1
        time.sleep(interval)  # uploads go on a while with Redis up
        uploader.stopped.set()
        uploader.join()
        outcome.drained = _wait_closed(app, _drain_seconds(app))
        with app.app_context():
            rows = db.session.execute(
                db.select(
                    Submission.status, Submission.created_at, Submission.finished_at, Submission.attempts
                )
            ).all()
        outcome.states = Counter(row.status.value for row in rows)
        outcome.graded_again = sum(row.attempts > 1 for row in rows)
        for _, created, finished, _ in rows:
            if finished is None:
                continue
            back = max([t for t in came_back if t <= finished] + [created])
            outcome.max_wait_after_redis = max(
                outcome.max_wait_after_redis, (finished - back).total_seconds()
            )
            outcome.max_open = max(outcome.max_open, (finished - created).total_seconds())
        for name, process in processes.items():
            if name.startswith("worker") and process.poll() is not None:
                outcome.worker_exits.append(f"{name} exited with {process.returncode}")
    finally:
        if uploader is not None:
            uploader.stopped.set()
        stop_groups(processes.values(), timeout=15)
        redis.kill()
        outcome.logs = {
            name: path.read_text(errors="replace") for name, path in logs.items() if path.exists()
        }
    return outcome


def _wait_for_api(url: str, api: subprocess.Popen) -> None:
    deadline = time.monotonic() + UP_TIMEOUT
    while time.monotonic() < deadline and api.poll() is None:
        try:
            if requests.get(f"{url}/health", timeout=1).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the API on {url} did not answer within {UP_TIMEOUT:.0f} s")


def _drain_seconds(app) -> float:
    """Long enough for the slowest recovery: a lost job is enqueued again once older than
    REQUEUE_AFTER_SECONDS, at a sweep that comes at least every WORKER_MAINTENANCE_SECONDS."""
    settings = app.config["SETTINGS"]
    return settings.requeue_after_seconds + 3 * settings.worker_maintenance_seconds + 60


def _wait_closed(app, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with app.app_context():
            still_open = db.session.scalar(
                db.select(db.func.count()).where(Submission.status.in_(lifecycle.OPEN_STATES))
            )
        if not still_open:
            return True
        time.sleep(0.5)
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--restarts", type=int, default=10, help="times Redis is killed and started again")
    parser.add_argument("--interval", type=float, default=5.0, help="seconds of Redis up between restarts")
    parser.add_argument("--down", type=float, default=1.0, help="seconds Redis stays down at each restart")
    parser.add_argument("--workers", type=int, default=2, help="python -m workers processes")
    parser.add_argument("--pace", type=float, default=0.1, help="seconds between two uploads")
    parser.add_argument("--fork", action="store_true", help="python -m workers --fork")
    parser.add_argument("--logs", action="store_true", help="print the processes' logs at the end")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        outcome = run(
            Path(folder), args.restarts, args.interval, args.down, args.workers, args.pace, args.fork
        )
    for line in outcome.lines():
        print(line)
    if args.logs or outcome.problems:
        print(outcome.report(), file=sys.stderr)
    if outcome.problems:
        print("PROBLEMS: " + "; ".join(outcome.problems))
        raise SystemExit(1)


if __name__ == "__main__":
    main()
