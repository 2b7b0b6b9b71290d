"""A job that meets a store outage waits for the store without spending its retries, and fails only
after STORE_RETRY_SECONDS of it, saying so: real `python -m workers` processes, Redis and store."""

from __future__ import annotations

from service.extensions import db
from service.store.models import Submission
from tests.conftest import login
from tests.workers.conftest import wait_for
from tests.workers.test_queue import PATCHED_WORKER, add_users, post_job, status_of

CLOSED = ("finished", "rejected", "failed")


def _graded_by_a_worker_whose_store_fails(deployment, data: bytes, times: int, **settings):
    """ann's upload, graded by a worker whose store fails its first `times` gradings (-1: all);
    answers the closed job, ann's client and headers."""
    deployment.settings.update(settings)
    add_users(deployment.app, "ann")
    client = deployment.app.test_client()
    ann = login(client, "ann")
    deployment.start_worker(PATCHED_WORKER, "store-down", str(times))
    location = post_job(client, ann, data)
    job = wait_for(lambda: (j := status_of(client, ann, location))["status"] in CLOSED and j, 60)
    return job, client, ann


def test_a_store_outage_spends_no_retry_and_the_job_finishes_once_the_store_answers(
    deployment, good_submission
):
    # Not one retry for the file's own faults.
    job, _, _ = _graded_by_a_worker_whose_store_fails(deployment, good_submission, 3, job_retries=0)

    assert job["status"] == "finished"
    with deployment.app.app_context():
        assert db.session.get(Submission, job["id"]).attempts == 4  # three tries met the outage
    assert "the store is unreachable" not in deployment.logs.read_text()  # it answered each look


def test_a_store_that_stays_unreachable_fails_the_job_saying_so_and_costs_no_slot(
    deployment, good_submission
):
    job, client, ann = _graded_by_a_worker_whose_store_fails(
        deployment, good_submission, -1, store_retry_seconds=2
    )

    assert job["status"] == "failed"
    assert job["error"] == "the store was unreachable: grading was tried again for 2 s; not counted"
    assert client.get("/quota", headers=ann).get_json()["used"] == 0
    with deployment.app.app_context():
        attempts = db.session.get(Submission, job["id"]).attempts
    assert attempts > 1 + deployment.app.config["SETTINGS"].job_retries  # tried for the whole 2 s


def test_a_job_rq_gave_up_on_while_the_store_was_down_is_closed_by_the_sweep_with_its_own_reason(
    deployment, good_submission
):
    from redis import Redis
    from rq.job import Job, JobStatus

    from service.grading.queue import grading_queue, job_id
    from service.grading.recovery import requeue_lost_submissions

    add_users(deployment.app, "ann")
    client = deployment.app.test_client()
    ann = login(client, "ann")
    location = post_job(client, ann, good_submission)  # no worker: it stays queued
    submission_id = status_of(client, ann, location)["id"]
    # What the failure callback leaves when the store is down as it gives up: a failed job with
    # its reason in the job, and the submission still open.
    job = Job.fetch(job_id(submission_id), connection=Redis.from_url(deployment.settings["redis_url"]))
    job.meta.update(
        reason="the store was unreachable: grading was tried again for 300 s", platform_fault=True
    )
    job.save_meta()
    job.set_status(JobStatus.FAILED)

    with deployment.app.app_context():
        requeue_lost_submissions(grading_queue(), older_than_seconds=0)
    closed = status_of(client, ann, location)
    assert closed["status"] == "failed"
    assert closed["error"] == "the store was unreachable: grading was tried again for 300 s; not counted"
