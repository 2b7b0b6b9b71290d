"""Refusing a bad file costs time linear in its size, bounded memory, and a bounded answer.

Measured over HTTP against `flask run`, as bench/submit.py measures it at the 32 MiB limit:
each attack file is answered 422 within 3 times the floor for its size (plus 0.5 s for a loaded
machine), the floor being the time to receive the same bytes on an endpoint that does nothing
else plus `pandas.read_csv` of a valid submission of the same size; the answer stays under 64 KB
and counts every problem; the server's peak memory grows by at most 5 times the file's size.
"""

from __future__ import annotations

import io
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pandas as pd
import pytest
import requests
from sqlalchemy import create_engine, text

from scoring import SubmissionError, read_answer_key, score_submission
from service import create_app
from service.config import Settings
from service.extensions import db
from service.grading.job import fit
from service.store.schema import migrate_store
from tests.conftest import PROJECT, login, postgresql_url, service_environment
from tests.test_classroom_check import free_port

sys.path.insert(0, str(PROJECT / "bench"))
from submit import RECEIVE_APP, in_turns, valid_submission  # noqa: E402  (the floor, measured as the bench does)

SIZE = 6 * 1024 * 1024
HEADER = b"Id,Probability\n"
ANSWER_BYTES = 64 * 1024
MEMORY_FACTOR = 5


def rows_of(line: bytes, size: int = SIZE) -> tuple[bytes, int]:
    count = (size - len(HEADER)) // len(line)
    return HEADER + line * count, count


def attack_files(size: int = SIZE) -> dict[str, tuple[bytes, int]]:
    """Each file, and how many problems it holds against a key of Ids 1..KEY_ROWS."""
    zeros, n_zeros = rows_of(b"0,0\n", size)
    bad_ids, n_bad = rows_of(b"x,0\n", size)
    nans, n_nans = rows_of(b"1,nan\n", size)
    repeated, n_repeated = rows_of(b"1,0.5\n", size)
    extra = (size - 20) // 3
    return {
        # each: Id 0 not in the key; then missing Ids, then the row count
        "rows of 0,0": (zeros, n_zeros + 2),
        "a header of extra columns": (b"Id,Probability," + b"ab," * extra + b"\n1,0\n", 1),
        "a bad Id on every row": (bad_ids, n_bad + 2),
        "NaN on every row": (nans, n_nans + (n_nans - 1) + 2),  # and Id 1 again from the second row on
        "one line without a line feed": (HEADER + b"7" * (size - len(HEADER)), 3),  # csv fails
        "one Id on every row": (repeated, (n_repeated - 1) + 2),
    }


def start(command: list[str], cwd: Path, env: dict[str, str], url: str) -> subprocess.Popen:
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return process
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    pytest.fail(f"{command} did not answer within 60 s")


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """`flask run` of the service (a key of KEY_ROWS Ids), and of an app that only receives files."""
    from tests.conftest import write_answer_key

    folder = tmp_path_factory.mktemp("cost")
    key_path = write_answer_key(folder / "answer-key.csv")
    env = service_environment(
        answer_key_path=key_path, instance_path=folder / "instance", submit_rate_limit="100000 per minute"
    )
    port, receive_port = free_port(), free_port()
    flask = [sys.executable, "-m", "flask"]
    service = start([*flask, "--app", "api.py", "run", "--port", str(port)], PROJECT, env,
                    f"http://127.0.0.1:{port}/health")  # fmt: skip
    (folder / "receive.py").write_text(RECEIVE_APP)
    receiver = start([*flask, "--app", "receive.py", "run", "--port", str(receive_port)], folder, env,
                     f"http://127.0.0.1:{receive_port}/")  # fmt: skip
    try:
        yield f"http://127.0.0.1:{port}", f"http://127.0.0.1:{receive_port}", service.pid
    finally:
        for process in (service, receiver):
            process.terminate()
            process.wait(timeout=10)


def memory_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def reset_peak(pid: int) -> bool:
    """Resets the process's peak resident size (Linux); False where that cannot be done."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


@pytest.mark.parametrize("name", list(attack_files(1024)))
def test_a_bad_file_is_refused_in_linear_time_bounded_memory_and_a_bounded_answer(servers, name):
    url, receive_url, pid = servers
    data, problems = attack_files()[name]
    session = requests.Session()

    def post(target: str) -> requests.Response:
        return session.post(target, files={"file": ("predictions.csv", data)})

    assert post(f"{receive_url}/receive").json() == {"bytes": len(data)}
    valid = valid_submission(len(data))
    measured = reset_peak(pid)
    before = memory_kib(pid, "VmRSS")
    started = time.perf_counter()
    response = post(f"{url}/submit")
    took = time.perf_counter() - started
    growth = (memory_kib(pid, "VmHWM") - before) * 1024
    receive, reading, sent = in_turns(
        [
            lambda: post(f"{receive_url}/receive"),
            lambda: pd.read_csv(io.BytesIO(valid)),
            lambda: post(f"{url}/submit"),
        ],
        2,
    )
    floor, took = min(receive) + min(reading), min(took, *sent)

    assert response.status_code == 422, response.text[:500]
    assert len(response.content) < ANSWER_BYTES
    body = response.json()
    assert body["total_problems"] == problems
    assert len(body["problems"]) == min(problems, 20) and len(body["detail"]) < 1000
    assert took <= 3 * floor + 0.5, f"{took:.3f} s for {len(data):,} bytes; floor {floor:.3f} s"
    if measured:
        assert growth <= MEMORY_FACTOR * len(data), f"the server grew by {growth:,} bytes"


def test_a_long_header_is_named_by_its_first_columns_and_counted():
    data, _ = attack_files()["a header of extra columns"]
    key = read_answer_key(PROJECT / "test2.csv")
    with pytest.raises(SubmissionError) as caught:
        score_submission(data, key)
    extra = data.count(b",") - 1 - 1  # the row 1,0 holds a comma too
    assert "'ab', " * 9 + f"'ab', and {extra - 10:,} more" in caught.value.detail
    assert caught.value.problems[0].line == 1


@pytest.mark.parametrize("name", [n for n in attack_files(1024) if n != "a header of extra columns"])
def test_checking_a_bad_file_allocates_a_bounded_multiple_of_its_size(answer_key, name):
    """In-process, what tracemalloc sees NumPy and Python allocate while the file is refused."""
    data, _ = attack_files()[name]
    with pytest.raises(SubmissionError):  # once per process, the scan primes the allocator first
        score_submission(b"Id,Probability\n0,0\n", answer_key)
    tracemalloc.start()
    try:
        with pytest.raises(SubmissionError):
            score_submission(data, answer_key)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak <= 3 * len(data), f"{peak:,} bytes allocated for {len(data):,}"


# --- what a rejected job stores ----------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def store_client(request, answer_key_path, tmp_path):
    """A client of the service on SQLite, and on PostgreSQL when TEST_DATABASE_URL names one."""
    overrides = {"answer_key_path": answer_key_path, "instance_path": tmp_path / "instance"}
    if request.param == "postgresql":
        url = postgresql_url()
        engine = create_engine(Settings(database_url=url).sqlalchemy_url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        overrides["database_url"] = url
        migrate_store(Settings(database_url=url))
    app = create_app(overrides, environment={})
    with app.app_context():
        from service.accounts import users
        from service.store.models import Role
        from tests.conftest import PASSWORD

        users.create_user("student-a", PASSWORD, users.create_tenant("class-a"), Role("student"))
    yield app.test_client()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_rejected_job_stores_problems_and_error_that_fit_their_columns(store_client):
    # 820 bytes whose 400 extra columns once made an `error` text beyond String(1000) on PostgreSQL.
    data = b"Id,Probability," + b"a," * 400 + b"\n1,0\n"
    student = login(store_client, "student-a")
    upload = store_client.post("/jobs", headers=student, data={"file": (io.BytesIO(data), "p.csv")})
    assert upload.status_code == 202
    deadline = time.monotonic() + 20
    while (job := store_client.get(upload.headers["Location"], headers=student).get_json())["status"] not in (
        "finished", "rejected", "failed",
    ) and time.monotonic() < deadline:  # fmt: skip
        time.sleep(0.05)
    submitted = store_client.post("/submit", data={"file": (io.BytesIO(data), "p.csv")}).get_json()
    assert job["status"] == "rejected", job
    assert job["problems"] == submitted["problems"]
    assert "and 391 more" in job["error"] and len(job["error"]) <= 1000


def test_an_error_text_too_long_for_its_column_is_cut_with_an_ellipsis():
    assert fit("x" * 999, 1000) == "x" * 999
    cut = fit("é" * 1500, 1000)
    assert len(cut) == 1000 and cut.endswith("…") and cut.startswith("é" * 999)
