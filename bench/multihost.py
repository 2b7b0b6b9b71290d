"""The load and the report of `bench/multihost.sh`; run inside its namespaces, not on its own.

    python bench/multihost.py prepare --database-url URL --folder DIR --students N
    python bench/multihost.py load --database-url URL --api URL --students N [--fault options]

`prepare` writes the answer key, builds the store and adds the class's students. `load` has each
student upload a new file every `--pace` seconds for `--seconds`; meanwhile it cuts the link of
the worker host `--cut-host` for `--cut-seconds` and, later, holds back what the store host
answers by `--latency-ms` for `--latency-seconds`. Then it waits until the store has closed every
upload and prints what became of them.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from redis_restart import PASSWORD, Outcome, Uploader  # noqa: E402
from submit import make_case  # noqa: E402

ROWS = 2_000  # a class's file of the size of the practice challenge's sample
OPEN = ("queued", "started")


def student(n: int) -> str:
    return f"student-{n:02d}"


def prepare(args) -> None:
    import service.accounts.users as accounts
    from service import create_app
    from service.config import Settings
    from service.store.models import Role
    from service.store.schema import migrate_store

    folder = Path(args.folder)
    _, data, key_csv = make_case(ROWS)
    (folder / "answer-key.csv").write_text(key_csv)
    (folder / "submission.csv").write_bytes(data)
    migrate_store(Settings(database_url=args.database_url))
    app = create_app({"database_url": args.database_url, "answer_key_path": folder / "answer-key.csv",
                      "instance_path": folder / "prepare"}, environment={})  # fmt: skip
    with app.app_context():
        tenant = accounts.create_tenant("class-a")
        for n in range(1, args.students + 1):
            accounts.create_user(student(n), PASSWORD, tenant, Role.STUDENT)


def ip(*command: str) -> None:
    subprocess.run(["ip", *command], check=True)


def faults(args, log: list[str], started: float) -> None:
    """The worker host's link cut, then the store's answers held back, at their times."""

    def at(second: float) -> None:
        time.sleep(max(0.0, started + second - time.monotonic()))

    at(args.cut_at)
    ip("-n", args.cut_host, "link", "set", "eth0", "down")
    log.append(f"{time.monotonic() - started:5.1f} s: {args.cut_host} cut off")
    at(args.cut_at + args.cut_seconds)
    ip("-n", args.cut_host, "link", "set", "eth0", "up")
    log.append(f"{time.monotonic() - started:5.1f} s: {args.cut_host} back")
    at(args.latency_at)
    Path(args.latency_file).write_text(str(args.latency_ms))
    log.append(f"{time.monotonic() - started:5.1f} s: the store answers {args.latency_ms} ms late")
    at(args.latency_at + args.latency_seconds)
    Path(args.latency_file).write_text("0")
    log.append(f"{time.monotonic() - started:5.1f} s: the store answers at once again")


def load(args) -> None:
    from sqlalchemy import create_engine, text

    data = (Path(args.folder) / "submission.csv").read_bytes()
    outcome = Outcome()
    uploaders = [
        Uploader(args.api, data + b"\n" * n * 10_000, args.pace, outcome, student(n))
        for n in range(1, args.students + 1)
    ]  # fmt: skip  (each student's files differ)
    log: list[str] = []
    started = time.monotonic()
    fault_thread = threading.Thread(target=faults, args=(args, log, started), daemon=True)
    fault_thread.start()
    for uploader in uploaders:
        uploader.start()
    time.sleep(args.seconds)
    for uploader in uploaders:
        uploader.stopped.set()
    for uploader in uploaders:
        uploader.join()
    fault_thread.join()
    uploads_ended = time.monotonic()

    store = create_engine(args.database_url)
    accepted = set(outcome.accepted)
    with store.connect() as connection:
        while True:
            still_open = connection.execute(
                text("SELECT count(*) FROM submissions WHERE lower(status::text) IN ('queued', 'started')")
            ).scalar()
            connection.commit()
            if not still_open or time.monotonic() - uploads_ended > args.drain_seconds:
                break
            time.sleep(1)
        rows = connection.execute(text(
            "SELECT id, lower(status::text), extract(epoch FROM finished_at - created_at) FROM submissions"
        )).all()  # fmt: skip
        # A submission closed twice would be counted twice in its student's standing.
        counted_twice = connection.execute(text(
            "SELECT coalesce(sum(greatest(s.entries - f.finished, 0)), 0) FROM standings s JOIN ("
            " SELECT user_id, challenge_id, count(*) AS finished FROM submissions"
            " WHERE lower(status::text) = 'finished' AND NOT late GROUP BY user_id, challenge_id) f"
            " USING (user_id, challenge_id)"
        )).scalar()  # fmt: skip
    store.dispose()
    states = {row[0]: row[1] for row in rows}
    waits = [row[2] for row in rows if row[0] in accepted and row[2] is not None]
    counts = {
        state: sum(1 for i in accepted if states.get(i) == state)
        for state in ("finished", "failed", "rejected")
    }
    lost = sum(1 for i in accepted if states.get(i) in (None, *OPEN))
    refused = ", ".join(f"{n} {why}" for why, n in outcome.refused.most_common()) or "none"
    for line in log:
        print(line)
    print(f"uploads: {len(outcome.accepted)} accepted, refused: {refused}")
    print(f"finished: {counts['finished']}, failed: {counts['failed']}, rejected: {counts['rejected']}")
    print(f"graded twice: {counted_twice}")
    print(f"lost: {lost}")
    waits.sort()
    median = waits[len(waits) // 2] if waits else 0.0
    print(f"wait (upload -> finished): median {median:.1f} s, longest {max(waits, default=0):.1f} s")
    print(f"drained {time.monotonic() - uploads_ended:.1f} s after the last upload")
    if lost or counted_twice or counts["failed"] or counts["rejected"]:
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=("prepare", "load"))
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--folder", required=True, help="where the answer key and the sample file are")
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--api", help="the API's URL")
    parser.add_argument("--pace", type=float, default=4.0, help="seconds between two uploads of a student")
    parser.add_argument("--seconds", type=float, default=80.0, help="how long the students upload")
    parser.add_argument("--cut-host", help="the network namespace whose link is cut")
    parser.add_argument("--cut-at", type=float, default=10.0)
    parser.add_argument("--cut-seconds", type=float, default=30.0)
    parser.add_argument("--latency-file", help="the delay relay's control file")
    parser.add_argument("--latency-at", type=float, default=45.0)
    parser.add_argument("--latency-ms", type=int, default=100)
    parser.add_argument("--latency-seconds", type=float, default=25.0)
    parser.add_argument("--drain-seconds", type=float, default=300.0)
    args = parser.parse_args()
    (prepare if args.step == "prepare" else load)(args)


if __name__ == "__main__":
    main()
