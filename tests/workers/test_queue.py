"""Queued grading through a real Redis, a real store and real `python -m workers` processes."""

from __future__ import annotations

import io
import os
import signal
from pathlib import Path

import numpy as np
from redis import Redis
from rq import Queue
from rq.job import Job
from sklearn.metrics import roc_auc_score

import service.accounts.users as accounts
from service.extensions import db
from service.grading.job import grade
from service.store.models import Role, Submission, Tenant
from tests.conftest import PASSWORD, login, submission_csv
from tests.workers.conftest import wait_for

PATCHED_WORKER = "tests/workers/patched_worker.py"


def add_users(app, *usernames: str, role: str = "student", tenant: str = "class-a") -> None:
    with app.app_context():
        found = db.session.scalar(db.select(Tenant).where(Tenant.slug == tenant)) or accounts.create_tenant(
            tenant
        )
        for username in usernames:
            accounts.create_user(username, PASSWORD, found, Role(role))


def random_submission(answer_key, seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(answer_key))
    return submission_csv(answer_key.ids[order], answer_key.targets[order] * 0.3 + rng.random(len(order)))


def public_auc(answer_key, data: bytes) -> float:
    rows = np.array([line.split(",") for line in data.decode().split()[1:]], dtype=float)
    key_rows = rows[:, 0].astype(int) - 1
    public = answer_key.public[key_rows]
    return roc_auc_score(answer_key.targets[key_rows][public], rows[:, 1][public])


def post_job(client, headers, data: bytes) -> str:
    response = client.post("/jobs", headers=headers, data={"file": (io.BytesIO(data), "p.csv")})
    assert response.status_code == 202, response.get_json()
    return response.headers["Location"]


def status_of(client, headers, location: str) -> dict:
    return client.get(location, headers=headers).get_json()


def children_of(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                children.append(int(entry.name))
    return children


def test_job_goes_queued_started_finished_with_the_public_auc(deployment, answer_key, good_submission):
    add_users(deployment.app, "ann")
    add_users(deployment.app, "tom", role="teacher")
    client = deployment.app.test_client()
    ann = login(client, "ann")
    location = post_job(client, ann, good_submission)
    assert status_of(client, ann, location)["status"] == "queued"  # no worker yet
    deployment.start_worker(PATCHED_WORKER, "slow", "1")
    wait_for(lambda: status_of(client, ann, location)["status"] == "started", 30, message="started")
    job = wait_for(lambda: (j := status_of(client, ann, location))["status"] == "finished" and j, 30)
    assert job["public_score"] == round(public_auc(answer_key, good_submission), 5)  # a student's 5 decimals
    assert job["private_score"] is None
    assert status_of(client, login(client, "tom"), location)["private_score"] is not None


def test_fifty_jobs_from_ten_students_finish_correctly_on_three_workers(deployment, answer_key):
    students = [f"student{i}" for i in range(10)]
    add_users(deployment.app, *students)
    client = deployment.app.test_client()
    expected = {}
    for index, student in enumerate(students):
        headers = login(client, student)
        for n in range(5):
            data = random_submission(answer_key, seed=index * 10 + n)
            expected[post_job(client, headers, data)] = (headers, public_auc(answer_key, data))
    for _ in range(3):
        deployment.start_worker()

    def all_finished():
        return all(status_of(client, h, loc)["status"] == "finished" for loc, (h, _) in expected.items())

    wait_for(all_finished, 120, interval=0.5, message="50 finished jobs")
    for location, (headers, auc) in expected.items():
        assert status_of(client, headers, location)["public_score"] == round(auc, 5)
    redis = Redis.from_url(deployment.settings["redis_url"])
    workers = {
        Job.fetch(f"submission-{loc.rsplit('/', 1)[1]}", connection=redis).worker_name for loc in expected
    }
    assert len(workers) >= 2  # the work was shared


def test_killed_work_horse_job_is_retried_and_finishes(deployment, good_submission):
    add_users(deployment.app, "ann")
    client = deployment.app.test_client()
    ann = login(client, "ann")
    worker = deployment.start_worker(PATCHED_WORKER, "slow", "2", "--fork")
    location = post_job(client, ann, good_submission)
    wait_for(lambda: status_of(client, ann, location)["status"] == "started", 30, message="started")
    horses = wait_for(lambda: children_of(worker.pid), 10, message="a work horse")
    os.kill(horses[0], signal.SIGKILL)
    job = wait_for(
        lambda: (j := status_of(client, ann, location))["status"] in ("finished", "rejected", "failed") and j,
        60,
    )
    assert job["status"] == "finished"
    with deployment.app.app_context():
        assert db.session.get(Submission, job["id"]).attempts == 2


def test_killed_worker_job_is_picked_up_by_another_worker(deployment, good_submission):
    add_users(deployment.app, "ann")
    client = deployment.app.test_client()
    ann = login(client, "ann")
    doomed = deployment.start_worker(PATCHED_WORKER, "slow", "60", "--fork")
    location = post_job(client, ann, good_submission)
    wait_for(lambda: status_of(client, ann, location)["status"] == "started", 30, message="started")
    horses = wait_for(lambda: children_of(doomed.pid), 10, message="a work horse")
    for pid in (doomed.pid, *horses):  # the worker and its work horse, as when a machine dies
        os.kill(pid, signal.SIGKILL)
    deployment.start_worker()
    # Heartbeat 1 s + 10 s slack + a maintenance pass every 2 s: well under a minute.
    job = wait_for(
        lambda: (j := status_of(client, ann, location))["status"] in ("finished", "rejected", "failed") and j,
        60,
    )
    assert job["status"] == "finished"


def test_job_that_keeps_raising_is_retried_then_failed_with_a_reason(deployment, good_submission):
    add_users(deployment.app, "ann")
    client = deployment.app.test_client()
    ann = login(client, "ann")
    deployment.start_worker(PATCHED_WORKER, "crash", "--fork")
    location = post_job(client, ann, good_submission)
    job = wait_for(
        lambda: (j := status_of(client, ann, location))["status"] in ("finished", "rejected", "failed") and j,
        60,
    )
    assert job["status"] == "failed"
    assert "RuntimeError" in job["error"] and "not counted" in job["error"]
    with deployment.app.app_context():
        assert (
            db.session.get(Submission, job["id"]).attempts
            == 1 + deployment.app.config["SETTINGS"].job_retries
        )


def test_submissions_survive_redis_restarting_empty(deployment, answer_key):
    add_users(deployment.app, "ann")
    client = deployment.app.test_client()
    ann = login(client, "ann")
    locations = [post_job(client, ann, random_submission(answer_key, seed)) for seed in range(3)]
    Redis.from_url(deployment.settings["redis_url"]).flushdb()  # Redis comes back with nothing
    deployment.start_worker()
    wait_for(
        lambda: all(status_of(client, ann, loc)["status"] == "finished" for loc in locations), 60,
        interval=0.5, message="requeued jobs finished",
    )  # fmt: skip


def test_requeue_command_enqueues_what_redis_lost(deployment, answer_key):
    add_users(deployment.app, "ann")
    client = deployment.app.test_client()
    ann = login(client, "ann")
    locations = [post_job(client, ann, random_submission(answer_key, seed)) for seed in range(2)]
    redis = Redis.from_url(deployment.settings["redis_url"])
    redis.flushdb()
    result = deployment.flask("jobs", "requeue")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("requeued 2 submission(s)")
    assert len(Queue(deployment.settings["queue_name"], connection=redis)) == 2
    deployment.start_worker()
    wait_for(lambda: all(status_of(client, ann, loc)["status"] == "finished" for loc in locations), 60)


def test_a_finished_job_is_never_scored_again(deployment, good_submission):
    add_users(deployment.app, "ann")
    client = deployment.app.test_client()
    ann = login(client, "ann")
    location = post_job(client, ann, good_submission)
    deployment.start_worker()
    first = wait_for(lambda: (j := status_of(client, ann, location))["status"] == "finished" and j, 30)
    with deployment.app.app_context():
        grade(first["id"])  # a duplicate delivery of the same job
        assert db.session.get(Submission, first["id"]).attempts == 1
    assert status_of(client, ann, location) == first
