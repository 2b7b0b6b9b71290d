"""How much does an API process grow while it receives a large upload? Prints the peak per upload.

    python bench/upload_memory.py [--rows 1000000] [--uploads 3] [--database-url postgresql://...]

Serves the API as the README does (gunicorn, `gunicorn.conf.py`, one process) with a private
`redis-server` and a store (a temporary SQLite file, or a fresh database on the PostgreSQL server
that `--database-url` names); no worker runs, so the process only receives and stores. A student
sends `--uploads` distinct files of `--rows` rows (1,000,000: about 25 MB) to `POST /jobs`. Before
each, the process's peak resident memory is reset (/proc/<pid>/clear_refs) and its resident size
read; after it, its peak (VmHWM). Prints each upload's growth (peak less the size before) in MiB
and as a multiple of the file's size, beside the target of 3 times.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from processes import children, peak_rss_mib  # noqa: E402
from redis_restart import PASSWORD  # noqa: E402
from rush import served  # noqa: E402
from submit import make_case, reset_peak  # noqa: E402

import service.accounts.users as accounts  # noqa: E402
from service.store.models import Role  # noqa: E402

TARGET = 3.0  # growth while receiving, times the upload's size


def resident_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run(args) -> bool:
    _, data, key_csv = make_case(args.rows)
    growths = []
    with (
        tempfile.TemporaryDirectory() as folder_name,
        served(Path(folder_name), key_csv, args.database_url, 1, daily_submission_quota=1000,
               max_submissions_in_flight=1000) as service,
    ):  # fmt: skip
        with service.app.app_context():
            accounts.create_user("student-000", PASSWORD, accounts.create_tenant("memory"), Role.STUDENT)
        (worker,) = children(service.api.pid)
        session = requests.Session()
        token = session.post(f"{service.url}/login", json={"username": "student-000", "password": PASSWORD})
        session.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        store_name = "PostgreSQL" if args.database_url else "SQLite"
        print(
            f"{args.rows:,}-row file, {len(data) / 2**20:.1f} MiB; one gunicorn process; store: {store_name}"
        )
        for n in range(args.uploads):
            if not reset_peak(worker):
                raise SystemExit("this kernel does not reset a process's peak memory (clear_refs)")
            before = resident_mib(worker)
            body = data + b"\n" * (n + 1)  # a new file each time: a resent one answers its first job
            answer = session.post(f"{service.url}/jobs", files={"file": ("p.csv", body)}, timeout=300)
            peak = peak_rss_mib(worker)
            growth = (peak - before) / (len(body) / 2**20)
            growths.append(growth)
            print(f"  upload {n + 1}: {answer.status_code}; resident before {before:.0f} MiB, peak {peak:.0f} MiB: "
                  f"grew {peak - before:.0f} MiB, {growth:.2f} x the file (target <= {TARGET:.0f})")  # fmt: skip
    return max(growths) <= TARGET


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--uploads", type=int, default=3)
    parser.add_argument("--database-url", default="", help="a PostgreSQL server to make a database on")
    ok = run(parser.parse_args())
    print("within the target" if ok else "OVER the target")


if __name__ == "__main__":
    main()
