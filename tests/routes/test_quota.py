"""Daily quotas, counted in the store: limits, refunds, the day boundary, grants and restarts."""

import io
from datetime import UTC, datetime

import pytest

from service import create_app
from service.extensions import db
from service.grading import lifecycle
from service.store.models import QuotaGrant
from tests.conftest import login, wait_until_done


def upload(client, headers, data: bytes):
    return client.post("/jobs", headers=headers, data={"file": (io.BytesIO(data), "p.csv")})


def distinct_files(good_submission, count):
    return [good_submission + b"\n" * n for n in range(count)]  # same rows, different bytes


def quota(client, headers) -> dict:
    return client.get("/quota", headers=headers).get_json()


def test_quota_starts_full_and_resets_at_utc_midnight(client, two_classes):
    status = quota(client, login(client, "student-a"))
    assert (status["challenge"], status["limit"], status["used"], status["remaining"]) == ("gmsc", 5, 0, 5)
    resets = datetime.fromisoformat(status["resets_at"])
    assert resets.hour == resets.minute == 0 and resets > datetime.now(UTC)


def test_sixth_upload_of_the_day_is_429_and_says_when_the_quota_resets(client, two_classes, good_submission):
    student = login(client, "student-a")
    answers = [upload(client, student, data) for data in distinct_files(good_submission, 6)]
    assert [a.status_code for a in answers] == [202] * 5 + [429]
    refused = answers[5]
    assert refused.mimetype == "application/problem+json"
    assert refused.get_json()["resets_at"] == quota(client, student)["resets_at"]
    assert "resets at" in refused.get_json()["detail"]
    assert 0 < int(refused.headers["Retry-After"]) <= 86_400
    assert [a.headers["X-Quota-Remaining"] for a in answers] == ["4", "3", "2", "1", "0", "0"]
    assert all("X-Quota-Reset" in a.headers for a in answers)


def test_invalid_files_give_their_slot_back(client, two_classes, good_submission):
    student = login(client, "student-a")
    job = wait_until_done(
        client, student, upload(client, student, b"Id,Probability\n1,oops\n").headers["Location"]
    )
    assert job["status"] == "rejected"
    assert quota(client, student)["used"] == 0


def test_platform_failures_give_their_slot_back(app, client, two_classes, good_submission):
    student = login(client, "student-a")
    job_id = upload(client, student, good_submission).get_json()["id"]
    wait_until_done(client, student, f"/jobs/{job_id}")
    with app.app_context():  # as if the worker had died: the reopened job fails for the platform
        from service.store.models import Submission, SubmissionStatus

        submission = db.session.get(Submission, job_id)
        submission.status = SubmissionStatus.STARTED
        db.session.commit()
        lifecycle.fail(job_id, "the worker grading it was lost")
    assert quota(client, student)["used"] == 0


def test_the_same_file_again_returns_the_earlier_job_without_spending_a_slot(
    client, two_classes, good_submission
):
    student = login(client, "student-a")
    first = upload(client, student, good_submission)
    again = upload(client, student, good_submission)
    assert again.get_json()["id"] == first.get_json()["id"]
    assert quota(client, student)["used"] == 1


def test_quota_renews_at_the_day_boundary(app, client, two_classes, good_submission):
    clock = {"now": datetime(2026, 3, 1, 23, 59, 30, tzinfo=UTC)}
    app.extensions["clock"] = lambda: clock["now"]
    student = login(client, "student-a")
    files = distinct_files(good_submission, 7)
    assert [upload(client, student, f).status_code for f in files[:6]] == [202] * 5 + [429]
    assert quota(client, student)["resets_at"].startswith("2026-03-02T00:00:00")
    clock["now"] = datetime(2026, 3, 2, 0, 0, 1, tzinfo=UTC)
    assert quota(client, student)["remaining"] == 5
    assert upload(client, student, files[6]).status_code == 202


def test_quota_survives_an_api_restart(answer_key_path, tmp_path, client, two_classes, good_submission):
    student = login(client, "student-a")
    for data in distinct_files(good_submission, 3):
        upload(client, student, data)
    restarted = create_app(
        {"answer_key_path": answer_key_path, "instance_path": tmp_path / "instance"}, environment={}
    ).test_client()
    status = quota(restarted, student)
    assert (status["used"], status["remaining"]) == (3, 2)


def test_teacher_grants_extra_submissions_recorded_with_who_and_when(
    app, client, two_classes, good_submission
):
    student, teacher = login(client, "student-a"), login(client, "teacher-a")
    files = distinct_files(good_submission, 8)
    assert [upload(client, student, f).status_code for f in files[:6]][-1] == 429
    granted = client.post(
        f"/admin/users/{two_classes['student_a']}/extra-submissions", headers=teacher,
        json={"extra": 2, "reason": "documented accommodation"},
    )  # fmt: skip
    assert granted.status_code == 201
    assert [upload(client, student, f).status_code for f in files[5:8]] == [202, 202, 429]
    with app.app_context():
        grant = db.session.scalar(db.select(QuotaGrant))
        assert (grant.granted_by_id, grant.extra, grant.reason) == (
            two_classes["teacher_a"],
            2,
            "documented accommodation",
        )
        assert grant.granted_at is not None


def test_teachers_grant_only_in_their_class_and_students_not_at_all(client, two_classes):
    body = {"extra": 1}
    other = client.post(
        f"/admin/users/{two_classes['student_b']}/extra-submissions",
        headers=login(client, "teacher-a"),
        json=body,
    )
    assert other.status_code == 404
    self_service = client.post(
        f"/admin/users/{two_classes['student_a']}/extra-submissions",
        headers=login(client, "student-a"),
        json=body,
    )
    assert self_service.status_code == 403


@pytest.mark.parametrize("scope", [None, "gmsc"])
def test_teacher_sets_the_class_or_challenge_quota(client, two_classes, scope):
    teacher, student = login(client, "teacher-a"), login(client, "student-a")
    response = client.put("/admin/quota", headers=teacher, json={"challenge": scope, "daily_quota": 2})
    assert response.status_code == 200
    assert quota(client, student)["limit"] == 2
    assert quota(client, login(client, "student-b"))["limit"] == 5  # another class keeps its own
    assert client.put("/admin/quota", headers=student, json={"daily_quota": 50}).status_code == 403


def test_teacher_reads_back_the_quotas_they_set(client, two_classes):
    teacher = login(client, "teacher-a")
    assert client.get("/admin/quota", headers=teacher).get_json() == {
        "daily_quota": None, "default": 5, "challenges": [{"challenge": "gmsc", "daily_quota": None, "effective": 5}],
    }  # fmt: skip
    client.put("/admin/quota", headers=teacher, json={"daily_quota": 3})
    client.put("/admin/quota", headers=teacher, json={"challenge": "gmsc", "daily_quota": 7})
    read = client.get("/admin/quota", headers=teacher).get_json()
    assert (read["daily_quota"], read["challenges"]) == (
        3,
        [{"challenge": "gmsc", "daily_quota": 7, "effective": 7}],
    )
    assert client.get("/admin/quota", headers=login(client, "student-a")).status_code == 403


def test_operator_sets_a_named_tenants_quota(client, two_classes):
    admin = login(client, "operator")
    assert (
        client.put("/admin/quota", headers=admin, json={"daily_quota": 3}).status_code == 403
    )  # which class?
    assert (
        client.put("/admin/quota?tenant=class-b", headers=admin, json={"daily_quota": 3}).status_code == 200
    )
    assert quota(client, login(client, "student-b"))["limit"] == 3
    assert quota(client, login(client, "student-a"))["limit"] == 5
