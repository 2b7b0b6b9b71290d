"""GET /jobs/<id>/roc: the ROC curve of a finished job, only for those who may see the job."""

import numpy as np

from service.results.curves import WITHHELD
from tests.conftest import login, wait_until_done
from tests.routes.scored import add_scored
from tests.routes.test_jobs import upload as upload_practice
from tests.routes.test_teacher_challenges import create, predictions_csv, upload


def finished_job(client, username, data) -> int:
    headers = login(client, username)
    job = wait_until_done(client, headers, upload_practice(client, headers, data).headers["Location"])
    assert job["status"] == "finished"
    return job["id"]


def area(points) -> float:
    fpr, tpr = np.array(points).T
    return float(np.trapezoid(tpr, fpr))


def test_a_student_sees_no_curve_before_the_reveal_and_the_teacher_sees_both(
    client, two_classes, good_submission
):
    job_id = finished_job(client, "student-a", good_submission)
    mine = client.get(f"/jobs/{job_id}/roc", headers=login(client, "student-a"))
    assert mine.status_code == 200
    assert mine.get_json() == {"job_id": job_id, "challenge": "gmsc", "curves": [], "withheld": WITHHELD}
    teacher = client.get(f"/jobs/{job_id}/roc", headers=login(client, "teacher-a")).get_json()
    assert [c["part"] for c in teacher["curves"]] == ["public", "private"] and teacher["withheld"] is None
    points = teacher["curves"][0]["points"]
    assert points[0] == [0.0, 0.0] and points[-1] == [1.0, 1.0] and len(points) <= 200
    assert abs(area(points) - teacher["curves"][0]["auc"]) < 0.01


def test_both_curves_show_the_student_once_revealed(client, app, two_classes, good_submission, runner):
    job_id = finished_job(client, "student-a", good_submission)
    runner.invoke(args=["challenges", "reveal", "--tenant", "class-a"])
    curves = client.get(f"/jobs/{job_id}/roc", headers=login(client, "student-a")).get_json()["curves"]
    assert [c["part"] for c in curves] == ["public", "private"]
    job = client.get(f"/jobs/{job_id}", headers=login(client, "student-a")).get_json()
    assert curves[0]["auc"] == job["public_score"] and curves[1]["auc"] == job["private_score"]


def test_what_a_student_reads_of_a_crafted_file_before_the_reveal_is_the_same_whatever_the_labels(
    client, two_classes
):
    """A probe row between blocks of tied rows once told, from the curve's steps, whether the row was
    Public and its label. Two challenges whose keys hide opposite labels and Usage answer the same
    curve and the same job page, ids aside."""
    teacher, student = login(client, "teacher-a"), login(client, "student-a")
    rng = np.random.default_rng(8)
    labels, public = (rng.random(400) < 0.3).astype(int), rng.random(400) < 0.5
    labels[:4], public[:4] = (0, 1, 0, 1), (True, True, False, False)
    for slug, flip in (("plain", False), ("flipped", True)):
        rows = zip(range(1, 401), labels ^ flip, np.where(public ^ flip, "Public", "Private"))
        key = "Id,y,Usage\n" + "".join(f"{i},{y},{u}\n" for i, y, u in rows)
        made = create(client, teacher, slug, "roc_auc", key.encode(), prediction_column="Probability")
        assert made.status_code == 201, made.get_json()
    probe = np.where(np.arange(400) % 2 == 0, 0.25, 0.75)
    probe[7] = 0.5  # the probe row between the two tied blocks
    seen = {}
    for slug in ("plain", "flipped"):
        job = upload(client, student, slug, predictions_csv("Probability", range(1, 401), probe))
        roc = client.get(f"/jobs/{job['id']}/roc", headers=student).get_json()
        seen[slug] = {k: v for k, v in roc.items() if k not in ("job_id", "challenge")}
    assert seen["plain"] == seen["flipped"] == {"curves": [], "withheld": WITHHELD}


def test_curve_of_someone_elses_job_is_404_and_of_an_open_job_409(client, app, two_classes, good_submission):
    job_id = finished_job(client, "student-a", good_submission)
    assert client.get(f"/jobs/{job_id}/roc", headers=login(client, "student-b")).status_code == 404
    assert client.get(f"/jobs/{job_id}/roc", headers=login(client, "teacher-b")).status_code == 404
    queued = add_scored(app, "student-a", None, None, status="queued")
    response = client.get(f"/jobs/{queued}/roc", headers=login(client, "student-a"))
    assert response.status_code == 409 and "queued" in response.get_json()["detail"]
