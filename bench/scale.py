"""Does a big class stay fast? Fills a store of a given shape, then times a class's routes over HTTP.

    python bench/scale.py --quick                                   # a smoke run, seconds
    python bench/scale.py --classes 10 --students 500 --submissions 40 --full-every 10   # L: 200,000
    python bench/scale.py --shape mixed                             # classes of S 30x10, M 100x20, L 500x40
                                                                    # (67,200; --quick does not shrink it)
    python bench/scale.py ... --database-url postgresql://USER@HOST/DB   # PostgreSQL too (its public
                                                                    # schema is dropped and made again)
    python bench/scale.py ... --isolation                           # and the 30-student class alone
    python bench/scale.py --only-class                              # only a store holding that class alone

The store is filled through the service's own code: classes by `accounts.create_tenant`, teachers
by `create_user`, students by `import_roster` (argon2 at a small cost, as the tests do). Each
submission is a `Submission` row with the fields `accept_submission` stores (the file, its digest,
its quota day; every `--full-every`th file is the committed test2-predictions.csv, 147 KB, made
unique, the others a small valid-looking CSV), inserted in chunks as a worker has started it, then
closed by `lifecycle.finish` (scores random but plausible) or `lifecycle.reject` (a share, small
files with a wrong header and the problems the scorer reports). Times are spread over `--days`
days; some students choose final submissions (`select_finals`). `--via accept` sends each upload
through `accept_submission` (in-process queue disabled), `lifecycle.start` and `finish` instead:
three to four times slower, and the way that keeps working whatever the store does with the file.
During the fill the bench's own connections skip the fsync at commit and the service's per-call
commits are gathered into one per chunk; the store the server then opens is the usual one.

Then `python -m flask --app api.py run` is started on the store (settings from the environment
only, no `.env`, a rate limit that never refuses), and each route is requested once to warm up,
then `--requests` times, signed in as the timed class's teacher and one of its students (the API
by POST /login, the pages by the sign-in form). Timed: the biggest class, and a 30-student class
(the uniform shapes add one, `--small`); in the mixed shape one class of each size.

Printed per database: route, who, class, p50 and p99 ms and the server's CPU ms a request (goals:
p50 under 50 ms, CPU under 25 ms); the whole-class export and gradebook in seconds (under 1 s is
the goal); the store's bytes per submission (SQLite: the file and its WAL
after a checkpoint; PostgreSQL: pg_database_size's growth from the empty store, and the tables,
after a VACUUM ANALYZE as autovacuum would run). With `--isolation`, the small
class's routes are timed again on a store that holds it alone (the same rows: each class's data
comes from a seed of its own), with the ratio (the goal: within 1.5x).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import secrets
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import requests
from argon2 import PasswordHasher
from sqlalchemy import create_engine, event, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from processes import cpu_seconds  # noqa: E402
from submit import free_port  # noqa: E402

import service.accounts.passwords as passwords  # noqa: E402
import service.accounts.users as accounts  # noqa: E402
from service import create_app  # noqa: E402
from service.challenges.lookup import tenant_challenge_by_slug  # noqa: E402
from service.config import Settings  # noqa: E402
from service.extensions import db  # noqa: E402
from service.grading import lifecycle  # noqa: E402
from service.grading.submissions import accept_submission  # noqa: E402
from service.results.finals import select_finals  # noqa: E402
from service.store.models import Challenge, QuotaUsage, Role, Submission, SubmissionStatus, User  # noqa: E402
from service.store.schema import migrate_store  # noqa: E402

PASSWORD = "bench-password"
FULL_FILE = ROOT / "test2-predictions.csv"
CHUNK = 2000  # submissions per transaction of the fill
SIZES = {"S": (30, 10), "M": (100, 20), "L": (500, 40)}  # small, mid-size, large: students x submissions
MIXED = "SMLSMLSMLS"  # its ten classes
FULL = {"classes": 10, "students": 500, "submissions": 40, "requests": 30}  # the large class's shape
QUICK = {"classes": 2, "students": 40, "submissions": 8, "requests": 3}
GOAL_EXPORT_SECONDS = 1.0
GOAL_ISOLATION_RATIO = 1.5
GOAL_P50_MS, GOAL_CPU_MS = 50.0, 25.0  # every class route, a request


# --- the shape of a store -------------------------------------------------------------------


@dataclass(frozen=True)
class ClassShape:
    slug: str
    students: int
    submissions: int  # per student

    @property
    def size(self) -> str:
        return f"{self.students}x{self.submissions}"

    @property
    def label(self) -> str:
        return f"{self.slug} ({self.size})"


@dataclass(frozen=True)
class StoreShape:
    classes: tuple[ClassShape, ...]
    timed: tuple[tuple[str, ClassShape], ...]  # (why, class): the classes whose routes are timed
    small: ClassShape  # the 30-student class, timed again alone with --isolation

    @property
    def submissions(self) -> int:
        return sum(c.students * c.submissions for c in self.classes)


def uniform_shape(classes: int, students: int, submissions: int, small: tuple[int, int]) -> StoreShape:
    shapes = [ClassShape(f"class-{i:02d}", students, submissions) for i in range(1, classes + 1)]
    probe = ClassShape(f"small-{small[0]}", *small)
    shapes.append(probe)
    return StoreShape(tuple(shapes), (("biggest", shapes[0]), ("small", probe)), probe)


def mixed_shape() -> StoreShape:
    shapes = [ClassShape(f"class-{i:02d}-{s.lower()}", *SIZES[s]) for i, s in enumerate(MIXED, start=1)]
    first = {s: shapes[MIXED.index(s)] for s in "LMS"}
    return StoreShape(tuple(shapes), tuple((s, c) for s, c in first.items()), first["S"])


def alone_shape(small: ClassShape) -> StoreShape:
    return StoreShape((small,), (("alone", small),), small)


# --- what each class's students send ---------------------------------------------------------


@dataclass
class Upload:
    student: int  # index in the class
    created_at: datetime
    started_at: datetime
    finished_at: datetime
    content: bytes
    full: bool
    rejected: bool
    public: float
    private: float


class Files:
    """The file contents: full-size ones made unique from the committed file, and small ones."""

    def __init__(self):
        data = FULL_FILE.read_bytes()
        header, first, rest = data.split(b"\n", 2)
        self.full_prefix, self.full_rest = header + b"\n" + first.split(b",")[0] + b",", b"\n" + rest
        self.problems, self.reason = rejection()

    def full(self, value: float) -> bytes:
        return self.full_prefix + f"{value:.7f}".encode() + self.full_rest

    @staticmethod
    def small(values: np.ndarray, header: str = "Id,Probability") -> bytes:
        return (header + "\n" + "".join(f"{i},{p:.7f}\n" for i, p in enumerate(values, start=1))).encode()


def rejection() -> tuple[list[dict], str]:
    """What the scorer says of a file with a wrong header: the problems a rejected upload keeps."""
    from scoring import SubmissionError, read_answer_key, score_submission

    try:
        score_submission(Files.small(np.full(3, 0.5), "id,prediction"), read_answer_key(ROOT / "test2.csv"))
    except SubmissionError as error:
        return [p.as_dict() for p in error.problems], f"{error.title}: {error.detail}"
    except Exception:  # noqa: BLE001 - the scorer is someone else's work in progress: say it plainly
        pass
    message = "the header must be Id,Probability, found 'id,prediction'"
    return [{"line": 1, "column": None, "message": message}], f"Not a valid submission: line 1: {message}"


@dataclass
class Plan:
    full_every: int
    rejected_share: float
    finals_share: float
    days: float
    seed: int
    end: datetime = field(default_factory=lambda: datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=1))

    def rng(self, shape: ClassShape) -> np.random.Generator:
        # Each class's own seed: the small class holds the same rows in every store it is in.
        return np.random.default_rng([self.seed, zlib.crc32(shape.slug.encode())])

    def uploads(self, shape: ClassShape, files: Files) -> Iterator[list[Upload]]:
        """The class's submissions, a chunk of whole students at a time, each student's oldest first."""
        rng = self.rng(shape)
        n = shape.submissions
        span = self.days * 86400
        skill = np.clip(rng.normal(0.80, 0.03, shape.students), 0.62, 0.88)
        per_chunk = max(1, CHUNK // max(1, n))
        for first in range(0, shape.students, per_chunk):
            chunk = []
            for i in range(first, min(shape.students, first + per_chunk)):
                offsets = np.sort(rng.random(n)) * span
                trend = np.linspace(-0.03, 0.0, n)
                public = np.clip(skill[i] + trend + rng.normal(0, 0.01, n), 0.5, 0.95)
                private = np.clip(public + rng.normal(0, 0.008, n), 0.5, 0.95)
                rejected = rng.random(n) < self.rejected_share
                for k in range(n):
                    created = self.end - timedelta(seconds=span - offsets[k])
                    started = created + timedelta(seconds=float(rng.uniform(0.05, 2.0)))
                    full = (i * n + k) % self.full_every == 0
                    if full:
                        content = files.full(float(rng.random()))
                    elif rejected[k]:
                        content = files.small(rng.random(8), "id,prediction")
                    else:
                        content = files.small(rng.random(8))
                    chunk.append(Upload(
                        i, created, started, started + timedelta(seconds=float(rng.uniform(0.3, 1.5))), content,
                        full, rejected[k] and not full, float(public[k]), float(private[k]),
                    ))  # fmt: skip
            yield chunk


# --- filling a store through the service's code ---------------------------------------------


@dataclass
class Filled:
    submissions: int = 0
    full: int = 0
    rejected: int = 0
    students: int = 0
    finals: int = 0
    seconds: float = 0.0


class NoQueue:
    """The store is filled with closed submissions: nothing is graded, so nothing is queued."""

    def enqueue(self, submission_id: int) -> None:
        pass


@contextmanager
def one_commit_per_chunk() -> Iterator[None]:
    """The service's functions commit after each change; during the fill one commit a chunk is enough."""
    db.session.commit = db.session.flush
    try:
        yield
    except BaseException:
        del db.session.commit
        db.session.rollback()
        raise
    del db.session.commit
    db.session.commit()
    db.session.expunge_all()


class Clock:
    """The times the service writes while the bench fills: started_at and finished_at, and the quota
    day of the bulk fill's rows (`accept_submission` is handed each upload's time)."""

    def __init__(self, app):
        self.moment = datetime.now(UTC).replace(tzinfo=None)
        self.app = app

    @contextmanager
    def installed(self) -> Iterator[None]:
        saved = lifecycle.__dict__.get("utcnow")
        lifecycle.utcnow = lambda: self.moment  # started_at, finished_at
        self.app.extensions["clock"] = lambda: self.moment.replace(tzinfo=UTC)  # the quota day
        try:
            yield
        finally:
            self.app.extensions.pop("clock", None)
            if saved is None:
                del lifecycle.utcnow
            else:
                lifecycle.utcnow = saved


@contextmanager
def cheap_password_hashing() -> Iterator[None]:
    """Real argon2 at a small cost, as tests/conftest.py: thousands of students sign up in seconds."""
    saved = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    try:
        yield
    finally:
        passwords._hasher = saved


def fast_commits(url: str) -> None:
    """The bench's own connections skip the flush to disk at each commit (the server's do not)."""
    sqlite = url.startswith("sqlite")

    @event.listens_for(db.engine, "connect")
    def _connect(connection, _record):
        cursor = connection.cursor()
        cursor.execute("PRAGMA synchronous=OFF" if sqlite else "SET synchronous_commit TO off")
        cursor.close()

    db.engine.dispose()


def fill(url: str, folder: Path, shape: StoreShape, plan: Plan, via: str) -> Filled:
    """Fill the store's tables (made by `flask db upgrade`) with the shape's classes."""
    app = create_app(
        {"database_url": url, "instance_path": folder, "daily_submission_quota": 1_000_000,
         "max_submissions_in_flight": 1_000_000},
        environment={},
    )  # fmt: skip
    app.extensions["grading_queue"] = NoQueue()
    files, filled, clock = Files(), Filled(), Clock(app)
    if via == "bulk" and not hasattr(Submission, "content"):
        print("  Submission(content=...) is gone: filling through accept_submission (--via accept)")
        via = "accept"
    start = time.perf_counter()
    with app.app_context(), clock.installed(), cheap_password_hashing():
        fast_commits(url)
        for each in shape.classes:
            began, before = time.perf_counter(), filled.submissions
            fill_class(each, plan, files, filled, clock, via)
            took = time.perf_counter() - began
            count = filled.submissions - before
            print(f"  filled {each.label}: {count:,} submissions in {took:.1f} s ({count / took:,.0f}/s)")
        if not url.startswith("sqlite"):
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE"))  # what autovacuum does soon after a bulk load
        db.engine.dispose()
    filled.seconds = time.perf_counter() - start
    return filled


def fill_class(shape: ClassShape, plan: Plan, files: Files, filled: Filled, clock: Clock, via: str) -> None:
    tenant = accounts.create_tenant(shape.slug, f"Class {shape.slug}")
    tenant_id = tenant.id
    teacher = teacher_name(shape.slug)
    accounts.create_user(teacher, PASSWORD, tenant, Role.TEACHER, f"{teacher}@{shape.slug}.example.org")
    roster = "username,email,password\n" + "".join(
        f"{student_name(shape.slug, i)},{student_name(shape.slug, i)}@{shape.slug}.example.org,{PASSWORD}\n"
        for i in range(shape.students)
    )
    accounts.import_roster(roster.encode(), tenant)
    challenge_id = tenant_challenge_by_slug(tenant, None).id
    user_ids = dict(
        db.session.execute(
            select(User.username, User.id).where(User.tenant_id == tenant_id, User.role == Role.STUDENT)
        ).all()
    )
    ids = [user_ids[student_name(shape.slug, i)] for i in range(shape.students)]
    filled.students += shape.students
    finished: dict[int, list[tuple[float, int]]] = {}
    for chunk in plan.uploads(shape, files):
        with one_commit_per_chunk():
            if via == "bulk":
                job_ids = insert_started(chunk, tenant_id, challenge_id, ids)
            else:
                job_ids = accept_started(chunk, challenge_id, ids, clock)
            for upload, job_id in zip(chunk, job_ids):
                clock.moment = upload.finished_at
                if upload.rejected:
                    lifecycle.reject(job_id, files.problems, files.reason)
                    filled.rejected += 1
                else:
                    lifecycle.finish(job_id, upload.public, upload.private)
                    finished.setdefault(upload.student, []).append((upload.public, job_id))
                filled.full += upload.full
            filled.submissions += len(chunk)
    choose_finals(shape, plan, ids, challenge_id, finished, filled)


def student_name(slug: str, index: int) -> str:
    """A name is one person's across the service: each class's students are its own."""
    return f"{slug}-student-{index + 1:04d}"


def teacher_name(slug: str) -> str:
    return f"{slug}-teacher"


def insert_started(chunk: list[Upload], tenant_id: int, challenge_id: int, ids: list[int]) -> list[int]:
    """The rows `accept_submission` stores, as a worker leaves them once `lifecycle.start` ran; with
    the quota slots they spent (`reserve_slot`), which `lifecycle.reject` gives back."""
    rows = [
        Submission(
            tenant_id=tenant_id,
            user_id=ids[u.student],
            challenge_id=challenge_id,
            filename="predictions.csv",
            content=u.content,
            sha256=hashlib.sha256(u.content).hexdigest(),
            size_bytes=len(u.content),
            idempotency_key=None,
            quota_day=u.created_at.date(),
            created_at=u.created_at,
            status=SubmissionStatus.STARTED,
            started_at=u.started_at,
            attempts=1,
            progress=lifecycle.STARTED_PROGRESS,
        )
        for u in chunk
    ]
    spent = Counter((ids[u.student], u.created_at.date()) for u in chunk)
    usage = [
        QuotaUsage(user_id=user, challenge_id=challenge_id, day=day, used=n)
        for (user, day), n in spent.items()
    ]
    db.session.add_all(rows + usage)
    db.session.flush()
    job_ids = [row.id for row in rows]
    db.session.expunge_all()  # else each closing UPDATE would look through the chunk's objects
    return job_ids


def accept_started(chunk: list[Upload], challenge_id: int, ids: list[int], clock: Clock) -> list[int]:
    """Each upload through `accept_submission`, then `lifecycle.start`, as POST /jobs and a worker do."""
    challenge = db.session.get(Challenge, challenge_id)
    job_ids = []
    settings = clock.app.config["SETTINGS"]
    for u in chunk:
        sent_at = u.created_at.replace(tzinfo=UTC)  # accept_submission takes the time it was sent
        submission, _ = accept_submission(db.session.get(User, ids[u.student]), challenge,
                                          "predictions.csv", u.content, None, settings, lambda at=sent_at: at)  # fmt: skip
        job_ids.append(submission.id)
        clock.moment = u.started_at
        lifecycle.start(submission.id)
    db.session.flush()
    db.session.expunge_all()
    return job_ids


def choose_finals(shape, plan, ids, challenge_id, finished, filled) -> None:
    """Some students choose two of their best five submissions as their finals."""
    rng = np.random.default_rng([plan.seed, zlib.crc32(shape.slug.encode()), 1])
    with one_commit_per_chunk():
        challenge = db.session.get(Challenge, challenge_id)
        for student, scored in sorted(finished.items()):
            if len(scored) < 2 or rng.random() >= plan.finals_share:
                continue
            best = [job_id for _, job_id in sorted(scored, reverse=True)[:5]]
            chosen = [int(j) for j in rng.choice(best, size=2, replace=False)]
            select_finals(db.session.get(User, ids[student]), challenge, chosen)
            filled.finals += 1


# --- the stores -----------------------------------------------------------------------------


class Store:
    """One store to fill and time: a SQLite file in a temporary folder, or the PostgreSQL database given."""

    def __init__(self, name: str, folder: Path, postgresql_url: str | None):
        self.name, self.folder = name, folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.postgresql_url = postgresql_url
        self.baseline = 0
        self.url = postgresql_url or f"sqlite:///{folder / 'grader.db'}"

    @property
    def is_sqlite(self) -> bool:
        return self.postgresql_url is None

    def reset(self) -> None:
        if self.is_sqlite:
            for suffix in ("", "-wal", "-shm"):
                (self.folder / f"grader.db{suffix}").unlink(missing_ok=True)
            return
        engine = create_engine(Settings(database_url=self.url).sqlalchemy_url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()

    def upgrade(self) -> None:
        """`flask db upgrade` on the empty store; PostgreSQL's size then is the baseline of `size`."""
        migrate_store(Settings(database_url=self.url))
        if not self.is_sqlite:
            self.baseline = self.database_size()

    def database_size(self) -> int:
        """pg_database_size after a VACUUM: the catalogs' dead rows (schemas dropped) do not count."""
        engine = create_engine(Settings(database_url=self.url).sqlalchemy_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("VACUUM"))
            size = connection.scalar(text("SELECT pg_database_size(current_database())"))
        engine.dispose()
        return size

    def size(self, submissions: int) -> str:
        if self.is_sqlite:
            path = self.folder / "grader.db"
            with sqlite3.connect(path) as connection:
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            wal = self.folder / "grader.db-wal"
            total = path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
            return (
                f"store: {megabytes(total)} (the file and its WAL after a checkpoint) / {submissions:,} "
                f"submissions = {total / max(1, submissions):,.0f} bytes per submission"
            )
        grown = self.database_size() - self.baseline
        engine = create_engine(Settings(database_url=self.url).sqlalchemy_url)
        with engine.connect() as connection:
            tables = connection.execute(
                text(
                    "SELECT c.relname, pg_total_relation_size(c.oid), pg_relation_size(c.oid), "
                    "coalesce(pg_total_relation_size(nullif(c.reltoastrelid, 0)), 0) "
                    "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 2 DESC"
                )
            ).all()
        engine.dispose()
        in_tables = sum(t[1] for t in tables)
        parts = ", ".join(
            f"{name} {megabytes(total)} (heap {megabytes(heap)}, TOAST {megabytes(toast)}, "
            f"indexes {megabytes(total - heap - toast)})"
            for name, total, heap, toast in tables[:3]
        )
        return (
            f"store: pg_database_size grew {megabytes(grown)} from the empty store's / {submissions:,} "
            f"submissions = {grown / max(1, submissions):,.0f} bytes per submission; the tables "
            f"{megabytes(in_tables)} = {in_tables / max(1, submissions):,.0f} bytes per submission: {parts}"
        )


def megabytes(count: int) -> str:
    return f"{count / 1e6:,.1f} MB"


# --- timing the routes over HTTP --------------------------------------------------------------


class Server:
    """`python -m flask --app api.py run` on the store: its settings from the environment only."""

    def __init__(self, store: Store):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        environment = {k: v for k, v in os.environ.items() if k not in Settings().env_names}
        environment.update({
            "ENV_FILE": "", "FLASK_SKIP_DOTENV": "1", "DATABASE_URL": store.url,
            "INSTANCE_PATH": str(store.folder), "JWT_SECRET_KEY": secrets.token_urlsafe(48),
            # The bench measures the routes: no rate limit may refuse it.
            "DEFAULT_RATE_LIMIT": "1000000 per minute", "LOGIN_RATE_LIMIT": "1000000 per minute",
        })  # fmt: skip
        self.log = open(store.folder / "server.log", "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "api.py", "run", "--port", str(self.port)],
            cwd=ROOT, env=environment, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        for _ in range(600):
            if self.process.poll() is not None:
                break
            try:
                requests.get(f"{self.url}/health", timeout=2)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        self.stop()
        tail = (store.folder / "server.log").read_text(errors="replace")[-2000:]
        raise SystemExit(f"the server did not start on {store.name}:\n{tail}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait()
        self.log.close()


@dataclass
class Timing:
    route: str
    who: str
    shape: ClassShape
    samples: list[float]
    status: int
    size: int
    cpu: float  # the server's CPU seconds a request

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p99(self) -> float:
        return float(np.percentile(self.samples, 99))

    @property
    def max(self) -> float:
        return max(self.samples)


API_ROUTES = {
    "student": [
        ("GET /jobs?page_size=100", "/jobs?page_size=100"),
        ("GET /scores", "/scores"),
        ("GET /quota", "/quota"),
        ("GET /leaderboard (public)", "/leaderboard"),
    ],
    "teacher": [
        ("GET /jobs?page_size=100", "/jobs?page_size=100"),
        ("GET /scores", "/scores"),
        ("GET /quota", "/quota"),
        ("GET /leaderboard (private)", "/leaderboard"),
        ("GET /admin/scores", "/admin/scores"),
        # The bench's classes hold the practice challenge only, which the gradebook leaves out unless asked.
        ("GET /admin/scores?best=true", "/admin/scores?best=true&practice=true"),
    ],
}
PAGES = {
    "student": ["/web/submissions", "/web/leaderboard", "/web/upload"],
    "teacher": ["/web/leaderboard", "/web/teacher", "/web/roster", "/web/class-submissions"],
}


def users_of(slug: str) -> dict[str, str]:
    return {"student": student_name(slug, 0), "teacher": teacher_name(slug)}


def api_session(base: str, username: str, slug: str) -> requests.Session:
    session = requests.Session()
    response = session.post(f"{base}/login", json={"username": username, "password": PASSWORD, "class": slug})
    response.raise_for_status()
    session.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
    return session


def web_session(base: str, username: str, slug: str) -> requests.Session:
    """Signed in to the pages as a browser is: the form's token, its cookie, then the access cookie."""
    session = requests.Session()
    form = session.get(f"{base}/web/signin", params={"class": slug})
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)
    response = session.post(
        f"{base}/web/signin",
        data={"csrf_token": token, "username": username, "password": PASSWORD, "class": slug},
        allow_redirects=False,
    )
    if response.status_code != 302 or "/web/signin" in response.headers.get("Location", ""):
        raise SystemExit(f"signing in to the pages as {username} of {slug} failed: {response.status_code}")
    return session


def timed(
    session: requests.Session, url: str, count: int, server_pid: int
) -> tuple[list[float], int, int, float]:
    """Wall seconds of each of `count` requests, the last status and size, and the server's CPU
    seconds a request (its process's, from /proc: only this loop's requests reach it)."""
    len(session.get(url, allow_redirects=False).content)  # a warm-up, read to its last byte
    samples, response = [], None
    cpu_before = cpu_seconds(server_pid)
    for _ in range(count):
        start = time.perf_counter()
        response = session.get(url, allow_redirects=False)
        body = response.content  # a streamed export is timed to its last byte
        samples.append(time.perf_counter() - start)
    return samples, response.status_code, len(body), (cpu_seconds(server_pid) - cpu_before) / count


def time_class(server: Server, shape: ClassShape, count: int) -> list[Timing]:
    timings, base = [], server.url
    for who, username in users_of(shape.slug).items():
        api = api_session(base, username, shape.slug)
        for label, path in API_ROUTES[who]:
            timings.append(Timing(label, who, shape, *timed(api, base + path, count, server.process.pid)))
        pages = web_session(base, username, shape.slug)
        for path in PAGES[who]:
            timings.append(
                Timing(f"GET {path}", who, shape, *timed(pages, base + path, count, server.process.pid))
            )
    return timings


def time_store(store: Store, shape: StoreShape, count: int) -> list[Timing]:
    server = Server(store)
    try:
        return [t for _, each in shape.timed for t in time_class(server, each, count)]
    finally:
        server.stop()


# --- the report ------------------------------------------------------------------------------


def print_routes(timings: list[Timing]) -> None:
    width = max(len(t.shape.label) for t in timings)
    print(f"  {'route':30} {'who':8} {'class':{width}} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms':>7} {'status':>6}"
          f" {'bytes':>11}   (goals: p50 under {GOAL_P50_MS:.0f} ms, server CPU under {GOAL_CPU_MS:.0f} ms)")  # fmt: skip
    for t in timings:
        flags = [why for why, over in (("not 200", t.status != 200), ("p50 over", t.p50 * 1e3 > GOAL_P50_MS),
                                       ("CPU over", t.cpu * 1e3 > GOAL_CPU_MS)) if over]  # fmt: skip
        print(
            f"  {t.route:30} {t.who:8} {t.shape.label:{width}} {t.p50 * 1e3:8.1f} {t.p99 * 1e3:8.1f} "
            f"{t.cpu * 1e3:7.1f} {t.status:>6} {t.size:>11,}" + (f"  <- {', '.join(flags)}" if flags else "")
        )


def print_exports(timings: list[Timing]) -> None:
    print(f"  whole-class export and gradebook, as the teacher (goal: under {GOAL_EXPORT_SECONDS:.0f} s):")
    for t in timings:
        if t.route.startswith("GET /admin/scores"):
            what = "gradebook (?best=true)" if "best" in t.route else "CSV, every submission"
            verdict = "ok" if t.max < GOAL_EXPORT_SECONDS else "OVER"
            print(
                f"    {t.shape.label:24} {what:22} p50 {t.p50:6.3f} s  max {t.max:6.3f} s  "
                f"{t.size:>11,} bytes  {verdict}"
            )


def print_isolation(together: list[Timing], alone: list[Timing], small: ClassShape) -> None:
    print(
        f"  {small.label}: in the full store vs in a store of its own (goal: within {GOAL_ISOLATION_RATIO}x)"
    )
    print(f"    {'route':30} {'who':8} {'full p50':>9} {'alone p50':>10} {'ratio':>6}")
    mine = {(t.route, t.who): t for t in together if t.shape == small}
    worst = 0.0
    for t in alone:
        other = mine[(t.route, t.who)]
        ratio = other.p50 / t.p50
        worst = max(worst, ratio)
        flag = "" if ratio <= GOAL_ISOLATION_RATIO else "  OVER"
        print(f"    {t.route:30} {t.who:8} {other.p50 * 1e3:9.1f} {t.p50 * 1e3:10.1f} {ratio:6.2f}{flag}")
    print(f"    worst ratio {worst:.2f}")


def describe(shape: StoreShape, filled: Filled) -> str:
    sizes = Counter(c.size for c in shape.classes)
    classes = ", ".join(f"{n} x {size}" for size, n in sizes.items())
    return (
        f"{len(shape.classes)} classes ({classes}); {filled.students:,} students; {filled.submissions:,} "
        f"submissions ({filled.full:,} full-size, {filled.rejected:,} rejected); {filled.finals:,} students "
        f"chose finals; filled in {filled.seconds:.0f} s ({filled.submissions / max(filled.seconds, 1e-9):,.0f}/s)"
    )


def run(store: Store, shape: StoreShape, plan: Plan, args) -> list[Timing]:
    store.reset()
    store.upgrade()
    print(f"\n{store.name}: filling {shape.submissions:,} submissions")
    filled = fill(store.url, store.folder, shape, plan, args.via)
    print(f"{store.name}: {describe(shape, filled)}")
    print("  timed: " + "; ".join(f"{why}: {c.label}" for why, c in shape.timed))
    size = store.size(filled.submissions)
    timings = time_store(store, shape, args.requests)
    print_routes(timings)
    print_exports(timings)
    print(f"  {size}")
    return timings


def parse_size(text_: str) -> tuple[int, int]:
    students, _, submissions = text_.partition("x")
    return int(students), int(submissions)


@contextmanager
def kept_or_temporary(keep: bool) -> Iterator[str]:
    if keep:
        folder = tempfile.mkdtemp(prefix="bench-scale-")
        print(f"the stores are kept in {folder}")
        yield folder
    else:
        with tempfile.TemporaryDirectory(prefix="bench-scale-") as folder:
            yield folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", choices=["uniform", "mixed"], default="uniform",
                        help="uniform: --classes of --students x --submissions; mixed: classes of the S, M and L sizes")  # fmt: skip
    parser.add_argument("--classes", type=int, help="default 10 (--quick: 2)")
    parser.add_argument("--students", type=int, help="per class; default 500 (--quick: 40)")
    parser.add_argument("--submissions", type=int, help="per student; default 40 (--quick: 8)")
    parser.add_argument("--full-every", type=int, default=10, help="every Nth file is the full 147 KB one")
    parser.add_argument("--small", default="30x10", help="the small class timed beside the big one")
    parser.add_argument("--rejected", type=float, default=0.03, help="share of rejected submissions")
    parser.add_argument("--finals", type=float, default=0.3, help="share of students who choose finals")
    parser.add_argument("--days", type=float, default=30, help="submissions spread over this many days")
    parser.add_argument(
        "--requests", type=int, help="timed per route after a warm-up; default 30 (--quick: 3)"
    )
    parser.add_argument("--database-url", help="a PostgreSQL database to fill and time too")
    parser.add_argument("--isolation", action="store_true", help="also time the small class alone")
    parser.add_argument("--only-class", action="store_true", help="only a store holding the small class")
    parser.add_argument("--via", choices=["bulk", "accept"], default="bulk", help="how submissions are made")
    parser.add_argument("--quick", action="store_true", help="a smoke run: other defaults, seconds long")
    parser.add_argument(
        "--keep", action="store_true", help="keep the SQLite stores (their folder is printed)"
    )
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    defaults = QUICK if args.quick else FULL
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    small = parse_size(args.small)
    shape = mixed_shape() if args.shape == "mixed" else uniform_shape(
        args.classes, args.students, args.submissions, small
    )  # fmt: skip
    if args.only_class:
        shape = alone_shape(shape.small)
    plan = Plan(args.full_every, args.rejected, args.finals, args.days, args.seed)
    print(
        f"{shape.submissions:,} submissions per store; every {args.full_every}th file full-size "
        f"({FULL_FILE.stat().st_size:,} bytes); {args.requests} timed requests per route after a warm-up"
    )
    databases = [("SQLite", None)] + ([("PostgreSQL", args.database_url)] if args.database_url else [])
    with kept_or_temporary(args.keep) as folder:
        for name, url in databases:
            store = Store(name, Path(folder) / name.lower(), url)
            timings = run(store, shape, plan, args)
            if args.isolation and not args.only_class:
                alone = Store(
                    f"{name}, {shape.small.slug} alone", Path(folder) / f"{name.lower()}-alone", url
                )
                alone_timings = run(alone, alone_shape(shape.small), plan, args)
                print(f"\n{name}: isolation")
                print_isolation(timings, alone_timings, shape.small)


if __name__ == "__main__":
    main()
