"""Is the integrity report fast on a big class? Fills a store, then times the report and its route.

    python bench/integrity.py            # 500 students, 20,000 finished submissions to one challenge
    python bench/integrity.py --quick    # 60 students, 1,200 submissions: seconds
    python bench/integrity.py --spread 0.15             # honest students' models closer to each other
    python bench/integrity.py --store /tmp/integrity    # keep the store there; run again: timed again

The store (a SQLite file in a temporary folder, made by the migrations) is filled through the
service's code: the class by `create_tenant` and `import_roster` (argon2 at a small cost), the
challenge by `create_challenge` from a ROC AUC key of `--rows` rows, each submission a row as
`accept_submission` leaves it once a worker started it, closed by `lifecycle.finish` with its real
scores (`score_parsed` on predictions generated here), the findings the grading job would record
(the rows changed from the student's previous submission) and its trace (`keep_trace`). The
uploaded file itself is not written out: its stored bytes are a short stand-in and its digest that
of the predictions, so identical predictions have the same digest, as identical files do.

The class, per student about `--submissions` files over 30 days:
- honest students (most): a model of their own (the hidden risk plus an error of their own, of a
  size drawn per student, `--spread` to `--spread` + 0.6) retrained at each file, which changes
  every row; a third of them send the sample submission first (constant: the same file for all);
- copying pairs: one student sends another's file unchanged, another pair the same predictions with
  a hair of noise (other bytes);
- probers: a run of 10 to 25 files, each a handful of rows away from the one before.
The private scores are revealed, so the report has all three sections.

Timed, after one cold call: `integrity_report` (`--runs` times) in an app opened afresh on the
store (its commits as the service's), and GET /admin/integrity over the test client as the teacher,
each in turns with a floor measured in the same run: reading once, with no grouping, the rows the
report draws on (the challenge's finished submissions and its hash bands). Printed: p50 and max of
each, and of each section; the ratio to the floor; what the report found against what was planted.
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from scale import NoQueue, cheap_password_hashing, fast_commits, one_commit_per_chunk  # noqa: E402

import service.accounts.users as accounts  # noqa: E402
import service.integrity.report as report  # noqa: E402
from scoring import Submission as Parsed  # noqa: E402
from scoring import metric_named  # noqa: E402
from scoring.score import score_parsed  # noqa: E402
from service import create_app  # noqa: E402
from service.challenges.answer_keys import answer_key_of  # noqa: E402
from service.challenges.authoring import ChallengeDraft, Upload, create_challenge  # noqa: E402
from service.challenges.lookup import tenant_challenge_by_slug  # noqa: E402
from service.challenges.reveal import set_revealed  # noqa: E402
from service.config import Settings  # noqa: E402
from service.extensions import db  # noqa: E402
from service.grading import lifecycle  # noqa: E402
from service.integrity.trace import Findings, keep_trace  # noqa: E402
from service.store.models import Role, SignatureBand, Submission, SubmissionStatus, Tenant  # noqa: E402
from service.store.schema import migrate_store  # noqa: E402

PASSWORD = "bench-password"
SLUG, CHALLENGE = "bench-class", "credit"
STUB = b"Id,Probability\n"  # the stored bytes: the report never reads a file
FULL = {"students": 500, "submissions": 40, "copy_pairs": 4, "twin_pairs": 4, "probers": 6, "runs": 7}
QUICK = {"students": 60, "submissions": 20, "copy_pairs": 2, "twin_pairs": 2, "probers": 2, "runs": 3}


@dataclass
class Planted:
    copy_pairs: set = field(default_factory=set)
    twin_pairs: set = field(default_factory=set)
    probers: dict = field(default_factory=dict)  # student -> small-change submissions in their run


def student_name(index: int) -> str:
    return f"student-{index + 1:04d}"


def key_file(rows: int, rng: np.random.Generator) -> tuple[bytes, np.ndarray]:
    """A binary key over a hidden risk per row (about 10 % positives), and that risk."""
    risk = rng.normal(0, 1, rows)
    target = (rng.random(rows) < 1 / (1 + np.exp(-(1.5 * risk - 2.8)))).astype(int)
    target[:2] = (0, 1)
    lines = "".join(f"{i},{t}\n" for i, t in enumerate(target, start=1))
    return ("Id,defaulted\n" + lines).encode(), risk


def histories(args, risk: np.ndarray, rng: np.random.Generator, planted: Planted):
    """Each student's predictions, oldest first: honest, copying or probing (see the module's doc)."""
    n, rows = args.students, len(risk)
    counts = np.maximum(3, rng.poisson(args.submissions, n))
    counts = np.round(counts * (args.students * args.submissions / counts.sum())).astype(int)
    counts[0] += args.students * args.submissions - counts.sum()
    own = [risk + rng.uniform(args.spread, args.spread + 0.6) * rng.normal(0, 1, rows) for _ in range(n)]
    plan: list[list[np.ndarray]] = []
    for s in range(n):
        files = [np.full(rows, 0.5)] if rng.random() < 1 / 3 else []
        while len(files) < counts[s]:
            files.append(own[s] + 0.25 * rng.normal(0, 1, rows))  # retrained: every row moves
        plan.append(files)
    order = iter(rng.permutation(n).tolist())
    for _ in range(args.copy_pairs):
        source, copier = next(order), next(order)
        plan[copier][rng.integers(len(plan[copier]))] = plan[source][-1]
        planted.copy_pairs.add(frozenset((student_name(source), student_name(copier))))
    for _ in range(args.twin_pairs):
        source, twin = next(order), next(order)
        plan[twin][rng.integers(len(plan[twin]))] = plan[source][-1] + rng.normal(0, 1e-4, rows)
        planted.twin_pairs.add(frozenset((student_name(source), student_name(twin))))
    for _ in range(args.probers):
        prober = next(order)
        run = int(rng.integers(10, 26))
        start = max(1, len(plan[prober]) - run - 1)
        for k in range(start, min(len(plan[prober]), start + run)):
            probe = plan[prober][k - 1].copy()
            probe[rng.choice(rows, size=int(rng.integers(2, 8)), replace=False)] += rng.normal(0, 1, 1)
            plan[prober][k] = probe
        planted.probers[student_name(prober)] = min(len(plan[prober]), start + run) - start
    return plan


def fill(url: str, folder: Path, args) -> tuple[Planted, int]:
    """The class, its challenge and every student's finished submissions; answers what was planted."""
    app = create_app({"database_url": url, "instance_path": folder, "max_submissions_in_flight": 10**6},
                     environment={})  # fmt: skip
    app.extensions["grading_queue"] = NoQueue()
    rng = np.random.default_rng(args.seed)
    planted, filled = Planted(), 0
    key_bytes, risk = key_file(args.rows, rng)
    end = datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=1)
    with app.app_context(), cheap_password_hashing():
        fast_commits(url)
        tenant = accounts.create_tenant(SLUG, "Bench class")
        accounts.create_user("teacher", PASSWORD, tenant, Role.TEACHER)
        roster = "username,email,password\n" + "".join(
            f"{student_name(i)},{student_name(i)}@example.org,{PASSWORD}\n" for i in range(args.students)
        )
        accounts.import_roster(roster.encode(), tenant)
        draft = ChallengeDraft(slug=CHALLENGE, title="Credit risk", metric="roc_auc",
                               answer_key=Upload("key.csv", key_bytes))  # fmt: skip
        challenge = create_challenge(tenant, draft, app.config["SETTINGS"].max_answer_key_bytes)
        challenge_id, tenant_id = challenge.id, tenant.id
        key = answer_key_of(challenge)
        users = {u.username: u.id for u in tenant_users(tenant_id)}
        key_rows = np.arange(len(key))
        for index, files in enumerate(histories(args, risk, rng, planted)):
            user_id = users[student_name(index)]
            times = sorted(end - timedelta(seconds=float(s)) for s in rng.uniform(0, 30 * 86400, len(files)))
            with one_commit_per_chunk():
                previous: tuple[int, np.ndarray] | None = None
                for moment, predictions in zip(times, files):
                    submission = started(tenant_id, user_id, challenge_id, predictions, moment)
                    parsed = Parsed(predictions=predictions, key_rows=key_rows)
                    result = score_parsed(parsed, key)
                    found = Findings()
                    if previous is not None:  # what `findings_of` records, from the arrays at hand
                        found.previous_id = previous[0]
                        found.changed_rows = int(np.count_nonzero(previous[1] != predictions))
                    trace = lambda s=submission, p=predictions: keep_trace(s, key, p)  # noqa: E731
                    scores = (result.public_score, result.private_score)
                    lifecycle.finish(submission.id, *scores, found.columns(), then=trace)
                    previous = (submission.id, predictions)
                    filled += 1
        set_revealed(db.session.get(type(challenge), challenge_id), True)
        db.engine.dispose()
    return planted, filled


def tenant_users(tenant_id: int):
    from service.store.models import User

    return db.session.scalars(db.select(User).where(User.tenant_id == tenant_id, User.role == Role.STUDENT))


def started(tenant_id: int, user_id: int, challenge_id: int, predictions: np.ndarray, moment: datetime):
    """The row `accept_submission` stores, as a worker leaves it once `lifecycle.start` ran."""
    submission = Submission(
        tenant_id=tenant_id, user_id=user_id, challenge_id=challenge_id, filename="predictions.csv",
        content=STUB, sha256=hashlib.sha256(predictions.tobytes()).hexdigest(),
        size_bytes=len(predictions) * 20,
        quota_day=moment.date(), created_at=moment, status=SubmissionStatus.STARTED,
        started_at=moment + timedelta(seconds=1), attempts=1, progress=lifecycle.STARTED_PROGRESS,
    )  # fmt: skip
    db.session.add(submission)
    db.session.flush()
    # Closed by UPDATE statements from here on: a stale copy in the session would hide their values.
    db.session.expunge(submission)
    return submission


def timed(call, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def timed_beside_floor(call, runs: int, challenge_id: int) -> tuple[list[float], list[float]]:
    """`call`'s times and the floor's, taken in turns: a busy machine slows both alike."""
    pairs = [(timed(call, 1)[0], timed(lambda: read_everything(challenge_id), 1)[0]) for _ in range(runs)]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def read_everything(challenge_id: int) -> None:
    """The floor: every row the report could read, once, with no grouping: the challenge's finished
    submissions (student, digest, rows changed, score) and its hash bands (no trace)."""
    finished = (Submission.challenge_id == challenge_id, Submission.status == SubmissionStatus.FINISHED)
    columns = (Submission.id, Submission.user_id, Submission.sha256, Submission.changed_rows,
               Submission.public_score, Submission.created_at)  # fmt: skip
    db.session.execute(db.select(*columns).where(*finished)).all()
    bands = (SignatureBand.submission_id, SignatureBand.user_id, SignatureBand.band, SignatureBand.hash)
    db.session.execute(db.select(*bands).where(SignatureBand.challenge_id == challenge_id)).all()


def line(label: str, samples: list[float], floor: list[float] | None = None) -> str:
    text = f"  {label:40} p50 {statistics.median(samples) * 1e3:7.1f} ms   max {max(samples) * 1e3:7.1f} ms"
    if floor is not None:
        text += f"   {statistics.median(samples) / statistics.median(floor):4.2f}x the floor"
    return text


def measure(url: str, folder: Path, planted: Planted, args) -> None:
    """Time the report on a fresh app over the filled store, and say what it found."""
    app = create_app({"database_url": url, "instance_path": folder}, environment={})
    with app.app_context():
        challenge = tenant_challenge_by_slug(
            db.session.scalar(db.select(Tenant).where(Tenant.slug == SLUG)), CHALLENGE
        )
        cold = timed(lambda: report.integrity_report(challenge), 1)[0]
        found = report.integrity_report(challenge)
        whole, floor = timed_beside_floor(lambda: report.integrity_report(challenge), args.runs, challenge.id)
        labels = metric_named(challenge.metric).prediction == "label"
        rows = found["rows"]
        sections = {
            "shared_predictions": timed(lambda: report.shared_predictions(challenge, labels), args.runs),
            "probe_runs": timed(lambda: report.probe_runs(challenge, rows), args.runs),
            "reveal_gaps": timed(lambda: report.reveal_gaps(challenge), args.runs),
        }
    client = app.test_client()
    token = client.post("/login", json={"username": "teacher", "password": PASSWORD, "class": SLUG})
    headers = {"Authorization": f"Bearer {token.get_json()['access_token']}"}
    url_path = f"/admin/integrity?challenge={CHALLENGE}"
    status = client.get(url_path, headers=headers).status_code  # a warm-up, as the timed calls are
    with app.app_context():
        http, http_floor = timed_beside_floor(lambda: client.get(url_path, headers=headers).data, args.runs,
                                              challenge.id)  # fmt: skip

    print(f"\ntimes ({args.runs} runs after one cold call of {cold * 1e3:.0f} ms; goal: under 1 s):")
    print(line("the floor: reading the rows once", floor))
    print(line("integrity_report", whole, floor))
    for name, samples in sections.items():
        print(line(f"  {name}", samples))
    print(line(f"GET {url_path} ({status})", http, http_floor))
    print_findings(found, planted)


def print_findings(found: dict, planted: Planted) -> None:
    shared = found["shared_predictions"]
    named = {frozenset(p["students"]): p for p in shared["pairs"]}
    planted_pairs = planted.copy_pairs | planted.twin_pairs
    print("\nfound, against what was planted:")
    print(f"  pairs named: {len(named)}; planted copies found {len(planted.copy_pairs & named.keys())}"
          f"/{len(planted.copy_pairs)}, with noise {len(planted.twin_pairs & named.keys())}"
          f"/{len(planted.twin_pairs)}; honest pairs named {len(named.keys() - planted_pairs)}")  # fmt: skip
    aside = shared["set_aside"]
    files = (
        ", ".join(f"{f['students']} students ({f['submissions']} files)" for f in aside["files"]) or "none"
    )
    print(f"  compared: {shared['compared']:,} pairs of submissions that shared a hash bucket")
    most = f" (the most shared by {aside['most_students']} students)" if aside["hash_buckets"] else ""
    print(f"  set aside: common files {files}; hash buckets {aside['hash_buckets']}{most}")
    runs = {r["student"]: r["submissions"] for r in found["probe_runs"]}
    right = sum(runs.get(s) == n for s, n in planted.probers.items())
    print(f"  probe runs: {len(runs)} named; planted probers named with the right count {right}"
          f"/{len(planted.probers)}; others named {len(runs.keys() - planted.probers.keys())}")  # fmt: skip
    gaps = found["reveal_gaps"] or []
    print(f"  reveal gaps: {len(gaps)} students")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, help="default 500 (--quick: 60)")
    parser.add_argument("--submissions", type=int, help="per student on average; default 40 (--quick: 20)")
    parser.add_argument("--copy-pairs", type=int, help="pairs who send the same file")
    parser.add_argument("--twin-pairs", type=int, help="pairs who send the same predictions with noise")
    parser.add_argument("--probers", type=int)
    parser.add_argument("--rows", type=int, default=5000, help="rows of the answer key")
    parser.add_argument("--spread", type=float, default=0.4, help="smallest error of an honest model")
    parser.add_argument("--runs", type=int, help="timed calls after the cold one; default 7 (--quick: 3)")
    parser.add_argument("--quick", action="store_true", help="a small class: seconds")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--store", help="a folder to keep the filled store in; one filled before is timed again"
    )
    args = parser.parse_args()
    for name, value in (QUICK if args.quick else FULL).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if args.store:
        run(Path(args.store), args)
        return
    with tempfile.TemporaryDirectory(prefix="bench-integrity-") as folder:
        run(Path(folder), args)


def run(folder: Path, args) -> None:
    """Fill the store in `folder` unless it is filled already, then time the report on it."""
    folder.mkdir(parents=True, exist_ok=True)
    store, planted_file = folder / "grader.db", folder / "planted.pickle"
    url = f"sqlite:///{store}"
    if planted_file.exists():
        planted = pickle.loads(planted_file.read_bytes())
        print(f"timing the store filled before in {folder}")
    else:
        store.unlink(missing_ok=True)
        migrate_store(Settings(database_url=url))
        start = time.perf_counter()
        planted, filled = fill(url, folder, args)
        planted_file.write_bytes(pickle.dumps(planted))
        print(f"filled {args.students:,} students, {filled:,} finished submissions, a key of "
              f"{args.rows:,} rows in {time.perf_counter() - start:.0f} s")  # fmt: skip
    measure(url, folder, planted, args)


if __name__ == "__main__":
    main()
