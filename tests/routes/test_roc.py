"""GET /jobs/<id>/roc: the ROC curve of a finished job, only for those who may see the job."""

import numpy as np

from tests.conftest import login
from tests.routes.scored import add_scored
from tests.routes.test_jobs import upload, wait_until_done


def finished_job(client, username, data) -> int:
    headers = login(client, username)
    job = wait_until_done(client, headers, upload(client, headers, data).headers["Location"])
    assert job["status"] == "finished"
    return job["id"]


def area(points) -> float:
    fpr, tpr = np.array(points).T
    return float(np.trapezoid(tpr, fpr))


def test_student_gets_the_public_curve_and_the_teacher_both(client, two_classes, good_submission):
    job_id = finished_job(client, "student-a", good_submission)
    mine = client.get(f"/jobs/{job_id}/roc", headers=login(client, "student-a"))
    assert mine.status_code == 200
    curves = mine.get_json()["curves"]
    assert [c["part"] for c in curves] == ["public"]
    points = curves[0]["points"]
    assert points[0] == [0.0, 0.0] and points[-1] == [1.0, 1.0] and len(points) <= 200
    assert abs(area(points) - curves[0]["auc"]) < 0.01
    job = client.get(f"/jobs/{job_id}", headers=login(client, "student-a")).get_json()
    assert curves[0]["auc"] == job["public_score"]
    teacher = client.get(f"/jobs/{job_id}/roc", headers=login(client, "teacher-a")).get_json()
    assert [c["part"] for c in teacher["curves"]] == ["public", "private"]


def test_the_private_curve_shows_once_revealed(client, app, two_classes, good_submission, runner):
    job_id = finished_job(client, "student-a", good_submission)
    runner.invoke(args=["challenges", "reveal", "--tenant", "class-a"])
    curves = client.get(f"/jobs/{job_id}/roc", headers=login(client, "student-a")).get_json()["curves"]
    assert [c["part"] for c in curves] == ["public", "private"]


def test_curve_of_someone_elses_job_is_404_and_of_an_open_job_409(client, app, two_classes, good_submission):
    job_id = finished_job(client, "student-a", good_submission)
    assert client.get(f"/jobs/{job_id}/roc", headers=login(client, "student-b")).status_code == 404
    assert client.get(f"/jobs/{job_id}/roc", headers=login(client, "teacher-b")).status_code == 404
    queued = add_scored(app, "student-a", None, None, status="queued")
    response = client.get(f"/jobs/{queued}/roc", headers=login(client, "student-a"))
    assert response.status_code == 409 and "queued" in response.get_json()["detail"]
