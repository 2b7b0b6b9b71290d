"""/jobs, /scores over HTTP, with jobs run inside the API process (no Redis configured)."""

import dataclasses
import io
from datetime import datetime

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from service.extensions import db
from service.store.models import Submission
from tests.conftest import login, wait_until_done


def upload(client, headers, data: bytes, **extra_headers):
    return client.post(
        "/jobs", headers={**headers, **extra_headers}, data={"file": (io.BytesIO(data), "predictions.csv")}
    )


def expected_aucs(answer_key, data: bytes) -> tuple[float, float]:
    rows = [line.split(",") for line in data.decode().split()[1:]]
    key_rows = np.array([int(r[0]) for r in rows]) - 1
    scores = np.array([float(r[1]) for r in rows])
    labels, public = answer_key.targets[key_rows], answer_key.public[key_rows]
    return roc_auc_score(labels[public], scores[public]), roc_auc_score(labels[~public], scores[~public])


def test_queued_job_finishes_with_the_public_auc_and_hides_the_private_one(
    client, two_classes, answer_key, good_submission
):
    student = login(client, "student-a")
    response = upload(client, student, good_submission)
    assert response.status_code == 202
    assert response.headers["Location"] == f"/jobs/{response.get_json()['id']}"
    assert response.get_json()["status"] in ("queued", "started", "finished")
    job = wait_until_done(client, student, response.headers["Location"])
    public, private = expected_aucs(answer_key, good_submission)
    assert job["status"] == "finished" and job["progress"] == 1.0
    assert job["public_score"] == round(public, 5)  # a student sees the challenge's 5 decimals
    assert job["private_score"] is None
    teacher_view = client.get(response.headers["Location"], headers=login(client, "teacher-a")).get_json()
    assert abs(teacher_view["public_score"] - public) <= 1e-9
    assert abs(teacher_view["private_score"] - private) <= 1e-9


def test_bad_file_ends_rejected_with_the_problems_submit_reports(client, two_classes, good_submission):
    bad = good_submission.replace(b"\n", b"\nnot-an-id,0.5\n", 1)
    student = login(client, "student-a")
    job = wait_until_done(client, student, upload(client, student, bad).headers["Location"])
    submitted = client.post("/submit", data={"file": (io.BytesIO(bad), "p.csv")}).get_json()
    assert job["status"] == "rejected"
    assert job["problems"] == submitted["problems"]
    assert job["public_score"] is None


def test_binary_upload_is_refused_at_once_with_415(client, two_classes):
    response = upload(client, login(client, "student-a"), b"PK\x03\x04\x00\x00binary")
    assert response.status_code == 415


def test_jobs_need_a_token(client, good_submission):
    assert upload(client, {}, good_submission).status_code == 401
    assert client.get("/jobs").status_code == 401
    assert client.get("/scores").status_code == 401


def test_same_idempotency_key_returns_the_first_job(client, two_classes, good_submission):
    student = login(client, "student-a")
    first = upload(client, student, good_submission, **{"Idempotency-Key": "upload-1"})
    again = upload(client, student, good_submission, **{"Idempotency-Key": "upload-1"})
    assert first.get_json()["id"] == again.get_json()["id"]
    assert len(client.get("/jobs", headers=student).get_json()) == 1


def test_same_idempotency_key_with_another_file_is_422(client, two_classes, good_submission):
    student = login(client, "student-a")
    upload(client, student, good_submission, **{"Idempotency-Key": "upload-1"})
    other = upload(client, student, good_submission + b"\n", **{"Idempotency-Key": "upload-1"})
    assert other.status_code == 422
    assert len(client.get("/jobs", headers=student).get_json()) == 1


def test_idempotency_keys_belong_to_one_student(client, two_classes, good_submission):
    mine = upload(client, login(client, "student-a"), good_submission, **{"Idempotency-Key": "k"})
    theirs = upload(client, login(client, "student-b"), good_submission, **{"Idempotency-Key": "k"})
    assert theirs.status_code == 202 and theirs.get_json()["id"] != mine.get_json()["id"]


def test_nobody_outside_the_student_and_their_teachers_sees_a_job(
    client, two_classes, make_user, good_submission
):
    location = upload(client, login(client, "student-a"), good_submission).headers["Location"]
    make_user("student-a2", "student", "class-a")
    assert client.get(location, headers=login(client, "student-a2")).status_code == 404
    assert client.get(location, headers=login(client, "student-b")).status_code == 404
    assert client.get(location, headers=login(client, "teacher-b")).status_code == 404
    assert client.get(location, headers=login(client, "teacher-a")).status_code == 200
    assert client.get(location, headers=login(client, "operator")).status_code == 200
    assert client.get("/jobs", headers=login(client, "student-b")).get_json() == []


def test_job_list_is_newest_first_and_paginated(client, two_classes, good_submission):
    student = login(client, "student-a")
    ids = [upload(client, student, good_submission + b"\n" * i).get_json()["id"] for i in range(3)]
    page = client.get("/jobs?page=1&page_size=2", headers=student)
    assert [job["id"] for job in page.get_json()] == [ids[2], ids[1]]
    assert '"total": 3' in page.headers["X-Pagination"]


def test_unknown_challenge_is_404(client, two_classes, good_submission):
    response = client.post(
        "/jobs", headers=login(client, "student-a"),
        data={"file": (io.BytesIO(good_submission), "p.csv"), "challenge": "no-such-challenge"},
    )  # fmt: skip
    assert response.status_code == 404


def test_score_history_lists_finished_jobs_per_challenge(client, two_classes, good_submission):
    student = login(client, "student-a")
    for data in (good_submission, b"Id,Probability\n1,0.5\n", good_submission + b"\n"):
        wait_until_done(client, student, upload(client, student, data).headers["Location"])
    history = client.get("/scores", headers=student).get_json()
    assert [h["challenge"] for h in history] == ["gmsc"]
    assert len(history[0]["scores"]) == 2  # the invalid file has no score
    assert history[0]["best_public_score"] == pytest.approx(history[0]["scores"][0]["public_score"])
    assert all(entry["private_score"] is None for entry in history[0]["scores"])


def test_in_process_job_that_breaks_the_session_is_retried_and_finishes(
    app, client, two_classes, good_submission, monkeypatch
):
    import service.grading.job as grading
    from service.extensions import db
    from service.store.models import User

    real = grading.parse_submission
    calls = []

    def fails_once_with_a_broken_session(data, key):
        calls.append(1)
        if len(calls) == 1:
            db.session.add(User(username=None, role="student"))
            db.session.flush()  # raises, and leaves the session needing a rollback
        return real(data, key)

    monkeypatch.setattr(grading, "parse_submission", fails_once_with_a_broken_session)
    student = login(client, "student-a")
    job = wait_until_done(client, student, upload(client, student, good_submission).headers["Location"])
    assert job["status"] == "finished" and len(calls) == 2


def test_in_process_job_that_always_raises_ends_failed_and_costs_no_slot(
    app, client, two_classes, good_submission, monkeypatch
):
    import service.grading.job as grading

    def always_raises(data, key):
        raise RuntimeError("the disk is on fire")

    monkeypatch.setattr(grading, "parse_submission", always_raises)
    student = login(client, "student-a")
    job = wait_until_done(client, student, upload(client, student, good_submission).headers["Location"])
    assert job["status"] == "failed" and "not counted" in job["error"]
    assert client.get("/quota", headers=student).get_json()["used"] == 0


def test_jobs_left_open_by_a_stopped_api_process_are_graded_by_the_next(
    app, answer_key_path, tmp_path, two_classes, good_submission
):
    from sqlalchemy import delete

    from service import create_app
    from service.extensions import db
    from service.store.models import (
        KeptPredictions,
        PredictionSignature,
        SignatureBand,
        Standing,
        Submission,
        SubmissionStatus,
    )

    client = app.test_client()
    student = login(client, "student-a")
    job_id = wait_until_done(client, student, upload(client, student, good_submission).headers["Location"])[
        "id"
    ]
    with app.app_context():  # as if the process had died while grading it: its finish wrote nothing
        submission = db.session.get(Submission, job_id)
        submission.status, submission.public_score = SubmissionStatus.STARTED, None
        for written_by_the_finish in (SignatureBand, PredictionSignature, KeptPredictions, Standing):
            db.session.execute(delete(written_by_the_finish))
        db.session.commit()
    restarted = create_app(
        {"answer_key_path": answer_key_path, "instance_path": tmp_path / "instance"}, environment={}
    ).test_client()
    job = wait_until_done(restarted, student, f"/jobs/{job_id}")
    assert job["status"] == "finished" and job["public_score"] is not None


def test_every_time_the_api_writes_says_it_is_utc(client, two_classes, good_submission):
    student = login(client, "student-a")
    job = wait_until_done(client, student, upload(client, student, good_submission).headers["Location"])
    times = [
        job["created_at"],
        job["started_at"],
        job["finished_at"],
        client.get("/quota", headers=student).get_json()["resets_at"],
    ]
    assert all(t.endswith("Z") and datetime.fromisoformat(t).tzinfo is not None for t in times), times


def test_a_file_that_fails_twice_counts_the_second_time_and_a_platform_fault_never(
    app, client, two_classes, good_submission, monkeypatch
):
    from sqlalchemy.exc import OperationalError

    import service.grading.job as grading

    failure = RuntimeError("grading crashed on this file")

    def always_raises(data, key):
        raise failure

    monkeypatch.setattr(grading, "parse_submission", always_raises)
    student = login(client, "student-a")

    def send(data):
        return wait_until_done(client, student, upload(client, student, data).headers["Location"])

    first = send(good_submission)
    assert first["status"] == "failed" and "will count" in first["error"]
    assert client.get("/quota", headers=student).get_json()["used"] == 0
    again = send(good_submission)  # the same bytes: no longer free
    assert again["status"] == "failed" and "this one counts as a submission" in again["error"]
    assert client.get("/quota", headers=student).get_json()["used"] == 1
    other = send(good_submission + b"\n")  # nor is a file a blank line away, the same day
    assert other["status"] == "failed" and "this one counts as a submission" in other["error"]
    assert client.get("/quota", headers=student).get_json()["used"] == 2

    failure = OperationalError("SELECT 1", {}, Exception("the store is unreachable"))
    queue = app.extensions["grading_queue"]  # a store outage that outlasts its retries at once
    queue.settings = dataclasses.replace(queue.settings, store_retry_seconds=0)
    for blank_lines in (2, 2, 3):  # the platform's own fault: never counted, however often
        job = send(good_submission + b"\n" * blank_lines)
        assert job["status"] == "failed" and job["error"].endswith("; not counted")
    assert client.get("/quota", headers=student).get_json()["used"] == 2


def test_a_platform_fault_does_not_make_the_next_failure_count(make_app, two_classes, good_submission,
                                                               monkeypatch):  # fmt: skip
    from sqlalchemy.exc import OperationalError

    import service.grading.job as grading

    failures = iter([OperationalError("SELECT 1", {}, Exception("down")), RuntimeError("crash")])

    def raises(data, key):
        raise next(failures)

    monkeypatch.setattr(grading, "parse_submission", raises)
    client = make_app(job_retries=0, store_retry_seconds=0).test_client()
    student = login(client, "student-a")
    for data in (good_submission, good_submission + b"\n"):
        job = wait_until_done(client, student, upload(client, student, data).headers["Location"])
        assert job["status"] == "failed" and "counts as a submission" not in job["error"]
    assert client.get("/quota", headers=student).get_json()["used"] == 0


def test_a_job_out_of_time_is_told_so_and_counts_when_its_file_ran_out_before(app, two_classes, monkeypatch):
    from types import SimpleNamespace

    from rq.timeouts import JobTimeoutException

    import workers.tasks as tasks
    from tests.routes.scored import add_scored

    monkeypatch.setattr(tasks, "_app", app)
    earlier = add_scored(app, "student-a", None, None, minute=1, status="queued")
    later = add_scored(app, "student-a", None, None, minute=2, status="queued")
    with app.app_context():
        same = db.session.get(Submission, earlier).sha256
        db.session.get(Submission, later).sha256 = same  # the same bytes sent twice
        db.session.commit()

    class LastTry(SimpleNamespace):  # an rq job with no retry left, whose meta goes nowhere
        def save_meta(self):
            pass

    for job_id in (earlier, later):
        tasks.on_failure(LastTry(args=[job_id], timeout=60, retries_left=0, meta={}), None,
                         JobTimeoutException, JobTimeoutException("60 s"), None)  # fmt: skip
    with app.app_context():
        errors = [db.session.get(Submission, job_id).error for job_id in (earlier, later)]
    assert errors[0].startswith("grading ran out of time (60 s); not counted")
    assert "this one counts as a submission" in errors[1]


def test_in_process_job_waits_out_a_store_outage_without_spending_a_retry(
    make_app, two_classes, good_submission, monkeypatch
):
    from sqlalchemy.exc import OperationalError

    import service.grading.job as grading

    real, calls = grading.parse_submission, []

    def store_down_twice(data, key):
        calls.append(1)
        if len(calls) <= 2:
            raise OperationalError("SELECT 1", {}, Exception("connection refused"))
        return real(data, key)

    monkeypatch.setattr(grading, "parse_submission", store_down_twice)
    client = make_app(job_retries=0).test_client()
    student = login(client, "student-a")
    job = wait_until_done(client, student, upload(client, student, good_submission).headers["Location"])
    assert job["status"] == "finished" and len(calls) == 3


def test_the_answer_to_an_accepted_upload_reads_nothing_from_the_store_after_its_commit(
    app, client, two_classes, good_submission
):
    """A store lost between the commit and the answer must not turn an accepted upload into a 503
    that says nothing was counted: after the commit, the answer is written from what it holds."""
    import threading

    from sqlalchemy import event
    from sqlalchemy.orm import Session

    from service.extensions import db

    student = login(client, "student-a")
    this_thread, committed, read_after = threading.get_ident(), [], []

    def on_commit(session):
        if threading.get_ident() == this_thread:
            committed.append(1)

    def on_statement(connection, cursor, statement, *rest):
        if committed and threading.get_ident() == this_thread:  # not the grading thread's
            read_after.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(Session, "after_commit", on_commit)
    event.listen(engine, "before_cursor_execute", on_statement)
    try:
        answer = upload(client, student, good_submission)
    finally:
        event.remove(Session, "after_commit", on_commit)
        event.remove(engine, "before_cursor_execute", on_statement)
    assert answer.status_code == 202 and answer.headers["X-Quota-Remaining"] == "4"
    assert committed and read_after == []
