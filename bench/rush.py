"""A deadline rush: what does a queued job cost beside its scoring? Prints CPU per job by process.

    python bench/rush.py [--uploads 500] [--rows 30000] [--students 40] [--workers 2]
                         [--database-url postgresql://...]

Serves the API as the README does (gunicorn, `gunicorn.conf.py`, WEB_CONCURRENCY processes) with
`--workers` `python -m workers` processes, a private `redis-server` and a store (a temporary
SQLite file, or a fresh database on the PostgreSQL server that `--database-url` names). Each of
`--students` students uploads `--uploads / --students` distinct files of `--rows` rows, all at
once; the bench waits until the store has closed every upload. Every process's CPU time is read
from /proc/<pid>/stat before and after (the API's processes, the workers, Redis, and PostgreSQL's
backends of the bench's database), and the scoring core (`score_submission` on the same bytes, in
this process) is timed before and after the rush. Prints per job: each side's CPU, their total,
the core's CPU and the ratios to it; jobs per second, the time to drain, each process's peak
resident memory (VmHWM), and the floors of the platform's own parts (bench/floors.py).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from floors import floors  # noqa: E402
from processes import children, cpu_seconds, peak_rss_mib, stop_groups  # noqa: E402
from redis_restart import PASSWORD, PrivateRedis, service_environment  # noqa: E402
from submit import free_port, make_case  # noqa: E402

import service.accounts.users as accounts  # noqa: E402
from scoring import score_submission  # noqa: E402
from service import create_app  # noqa: E402
from service.config import Settings  # noqa: E402
from service.store.models import Role  # noqa: E402
from service.store.schema import migrate_store  # noqa: E402

TARGETS = {"all": 2.5, "worker": 1.6}  # per job, times the core's CPU
API_TARGET_MS = 10.0


def core_cpu_ms(data: bytes, key, repeats: int = 15) -> float:
    """The scoring core's CPU for the file: the median of `repeats` runs (process time)."""
    times = []
    for _ in range(repeats):
        start = time.process_time()
        score_submission(data, key)
        times.append(time.process_time() - start)
    return statistics.median(times) * 1e3


class Store:
    """A temporary SQLite file, or a fresh database on a PostgreSQL server (dropped at the end)."""

    def __init__(self, folder: Path, server_url: str):
        self.server_url = server_url
        if not server_url:
            self.url = f"sqlite:///{folder / 'instance' / 'grader.db'}"
            return
        from sqlalchemy import create_engine, text

        self.name = f"rush_{uuid.uuid4().hex[:8]}"
        self.admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {self.name}"))
        self.url = server_url.rsplit("/", 1)[0] + f"/{self.name}"

    def backend_pids(self) -> list[int]:
        if not self.server_url:
            return []
        from sqlalchemy import text

        with self.admin.connect() as connection:
            rows = connection.execute(
                text("SELECT pid FROM pg_stat_activity WHERE datname = :name AND pid <> pg_backend_pid()"),
                {"name": self.name},
            )
            return [row[0] for row in rows]

    def drop(self) -> None:
        if not self.server_url:
            return
        from sqlalchemy import text

        with self.admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)"))
        self.admin.dispose()


class Student(threading.Thread):
    """Uploads its files one after another, as a well-made client does: each with an Idempotency-Key,
    sent again with the same key when the connection drops before an answer (a kept-alive
    connection the server closed as the next request went out), so no upload is lost or doubled."""

    def __init__(self, url: str, name: str, files: list[bytes]):
        super().__init__(daemon=True)
        self.url, self.files = url, files
        self.session = requests.Session()
        token = self.session.post(f"{url}/login", json={"username": name, "password": PASSWORD}, timeout=30)
        token.raise_for_status()
        self.session.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        self.accepted: list[int] = []
        self.refused: list[int] = []
        self.resent = 0

    def run(self) -> None:
        for body in self.files:
            try:
                answer = self.upload(body)
            except requests.ConnectionError:
                self.refused.append("connection dropped three times")
                continue
            # 200: a resend found its first attempt stored, and answers that job.
            accepted = answer.status_code in (200, 202)
            (self.accepted if accepted else self.refused).append(
                answer.json()["id"] if accepted else answer.status_code
            )

    def upload(self, body: bytes, tries: int = 3) -> requests.Response:
        headers = {"Idempotency-Key": uuid.uuid4().hex}
        for attempt in range(tries):
            try:
                return self.session.post(
                    f"{self.url}/jobs", files={"file": ("p.csv", body)}, headers=headers, timeout=120
                )
            except requests.ConnectionError:
                if attempt == tries - 1:
                    raise
                self.resent += 1


def open_count(store_url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(store_url)
    try:
        with engine.connect() as connection:
            return connection.execute(
                text("SELECT count(*) FROM submissions WHERE lower(status) IN ('queued', 'started')")
            ).scalar()
    finally:
        engine.dispose()


def closed_states(store_url: str) -> dict[str, int]:
    from sqlalchemy import create_engine, text

    engine = create_engine(store_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT lower(status), count(*) FROM submissions GROUP BY 1"))
            return {status: count for status, count in rows}
    finally:
        engine.dispose()


@dataclass
class Served:
    """The API under gunicorn on a private Redis and store, with an app on the same store for the
    bench's own set-up (users) and the environment that starts more processes (workers) on it."""

    url: str
    api: subprocess.Popen
    redis: PrivateRedis
    store: Store
    app: Flask
    environment: dict[str, str]


@contextmanager
def served(
    folder: Path, key_csv: str, database_url: str, api_processes: int, **more_settings
) -> Iterator[Served]:
    """Serve the API as the README does (gunicorn, `gunicorn.conf.py`) until the block ends; the
    store (SQLite in `folder`, or a fresh database on `database_url`) is dropped after."""
    (folder / "instance").mkdir(mode=0o700)
    key_path = folder / "answer-key.csv"
    key_path.write_text(key_csv)
    store = Store(folder, database_url)
    redis = PrivateRedis(free_port(), folder / "redis.log")
    redis.start()
    port = free_port()
    settings = {
        "answer_key_path": key_path, "instance_path": folder / "instance", "database_url": store.url,
        "redis_url": f"redis://127.0.0.1:{redis.port}/0", "port": port, "web_concurrency": api_processes,
        **more_settings,
    }  # fmt: skip
    migrate_store(Settings(database_url=store.url))
    app = create_app(
        {k: v for k, v in settings.items() if k not in ("port", "web_concurrency")}, environment={}
    )
    environment = service_environment(settings)
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    api = subprocess.Popen([gunicorn, "-c", "gunicorn.conf.py", "api:app"], cwd=ROOT, env=environment,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(f"{url}/health", timeout=5).ok:
                    break
            except (requests.ConnectionError, requests.Timeout):
                pass  # not listening yet, or a process still loading the app
            time.sleep(0.1)
        yield Served(url, api, redis, store, app, environment)
    finally:
        stop_groups((api,), timeout=20)
        redis.kill()
        store.drop()


def run(args) -> None:
    key, data, key_csv = make_case(args.rows)
    unlimited = {
        name: "1000000 per minute" for name in ("jobs_rate_limit", "login_rate_limit", "default_rate_limit")
    }
    with (
        tempfile.TemporaryDirectory() as folder_name,
        served(Path(folder_name), key_csv, args.database_url, args.api_processes, daily_submission_quota=1_000_000,
               max_submissions_in_flight=1_000_000, **unlimited) as service,
    ):  # fmt: skip
        url, api, redis, store = service.url, service.api, service.redis, service.store
        with service.app.app_context():
            tenant = accounts.create_tenant("rush")
            for n in range(args.students):
                accounts.create_user(f"student-{n:03d}", PASSWORD, tenant, Role.STUDENT)
        workers = [subprocess.Popen([sys.executable, "-m", "workers"], cwd=ROOT, env=service.environment,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
                   for _ in range(args.workers)]  # fmt: skip
        try:
            # Warm up: each API process and worker serves a few jobs before the clocks start.
            warm = Student(url, "student-000", [data + b"\n" * (10_000 + n) for n in range(4 * args.workers)])
            warm.run()
            while open_count(store.url):
                time.sleep(0.2)
            core_before = core_cpu_ms(data, key)
            # Every file differs (a resent file would answer its earlier job): i blank lines for the ith.
            shares = [range(n, args.uploads, args.students) for n in range(args.students)]
            students = [
                Student(url, f"student-{n:03d}", [data + b"\n" * (i + 1) for i in share])
                for n, share in enumerate(shares)
            ]
            processes = {
                "API": [api.pid, *children(api.pid)],
                "worker": [worker.pid for worker in workers],
                "Redis": [redis.process.pid],
                "store": store.backend_pids(),
            }
            before = {name: sum(cpu_seconds(pid) for pid in pids) for name, pids in processes.items()}
            start = time.perf_counter()
            for student in students:
                student.start()
            for student in students:
                student.join()
            uploaded = time.perf_counter()
            while open_count(store.url):
                time.sleep(0.1)
            drained = time.perf_counter()
            processes["store"] = sorted(set(processes["store"]) | set(store.backend_pids()))
            after = {name: sum(cpu_seconds(pid) for pid in pids) for name, pids in processes.items()}
            core_after = core_cpu_ms(data, key)
            floor = floors(f"redis://127.0.0.1:{redis.port}/1", store.url, data)
            peaks = {f"{name} {pid}": peak_rss_mib(pid) for name, pids in processes.items() for pid in pids}
            accepted = sum(len(s.accepted) for s in students)
            resent = sum(s.resent for s in students)
            refused = [code for s in students for code in s.refused]
            states = closed_states(store.url)
        finally:
            stop_groups(workers, timeout=20)
    report(args, floor, Outcome(accepted, refused, resent, states, before, after, core_before, core_after, start, uploaded,
                                drained, peaks))  # fmt: skip


@dataclass
class Outcome:
    """What a rush measured: uploads, closed states, CPU seconds by process kind before and after,
    the core's CPU ms before and after, the clock at start, last upload and drain, peak memory."""

    accepted: int
    refused: list
    resent: int  # uploads sent again, with their Idempotency-Key, after a dropped connection
    states: dict
    before: dict
    after: dict
    core_before: float
    core_after: float
    start: float
    uploaded: float
    drained: float
    peaks: dict


def report(args, floor, rush: Outcome) -> None:
    core = statistics.mean([rush.core_before, rush.core_after])
    per_job = {
        name: (rush.after[name] - rush.before[name]) * 1e3 / max(1, rush.accepted) for name in rush.before
    }
    total = sum(per_job.values())
    store = "PostgreSQL" if args.database_url else "SQLite (in the API and worker processes)"
    print(f"{rush.accepted} uploads of {args.rows:,} rows from {args.students} students, {args.workers} workers, "
          f"{args.api_processes} API processes; store: {store}")  # fmt: skip
    print(
        f"refused: {len(rush.refused)} {sorted(set(rush.refused)) if rush.refused else ''}; "
        f"sent again after a dropped connection: {rush.resent}; closed: {rush.states}"
    )
    print(
        f"scoring core CPU for this file: {core:.1f} ms (before {rush.core_before:.1f}, after {rush.core_after:.1f})"
    )
    print("CPU per job:")
    for name, ms in per_job.items():
        print(f"  {name:7} {ms:7.1f} ms  {ms / core:5.2f} x core")
    print(f"  {'total':7} {total:7.1f} ms  {total / core:5.2f} x core")
    verdicts = [
        f"all {total / core:.2f} x core (target <= {TARGETS['all']})",
        f"worker {per_job['worker'] / core:.2f} x core (target <= {TARGETS['worker']})",
        f"API {per_job['API']:.1f} ms an upload (target <= {API_TARGET_MS:.0f} ms)",
    ]
    print("targets: " + "; ".join(verdicts))
    print(f"jobs/s: {rush.accepted / (rush.drained - rush.start):.1f}; uploads took {rush.uploaded - rush.start:.1f} s, "
          f"drained {rush.drained - rush.uploaded:.1f} s after the last upload")  # fmt: skip
    print(
        "peak resident memory (MiB): "
        + ", ".join(f"{name} {mib:.0f}" for name, mib in rush.peaks.items() if mib)
    )
    print("floors, CPU per job (bench/floors.py, after the rush):")
    print("\n".join(floor.lines(core)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=500)
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--api-processes", type=int, default=2, help="WEB_CONCURRENCY")
    parser.add_argument("--database-url", default="", help="a PostgreSQL server to make a database on")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
