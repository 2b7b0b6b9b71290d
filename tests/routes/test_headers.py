"""Every response says nosniff; downloads stay attachments; a text field is never read as a file."""

import io

import numpy as np
import pytest

from tests.conftest import login
from tests.routes.test_teacher_challenges import create, key_csv


def test_api_routes_downloads_and_errors_all_send_nosniff(client, two_classes, good_submission):
    teacher, student = login(client, "teacher-a"), login(client, "student-a")
    ids = np.arange(1, 41)
    key = key_csv(ids, ids % 2, "y")
    made = create(client, teacher, "heads", "roc_auc", key, files=[("train.csv", b"a,b\n1,2\n")], seed="1")
    assert made.status_code == 201, made.get_json()
    made = made.get_json()
    answers = {
        "POST /jobs": client.post(
            "/jobs", headers=student, data={"file": (io.BytesIO(good_submission), "p.csv")}
        ),
        "GET /jobs": client.get("/jobs", headers=student),
        "GET /openapi.json": client.get("/openapi.json"),
        "POST /submit": client.post("/submit", data={"file": (io.BytesIO(b"Id,Probability\n"), "p.csv")}),
        "file": client.get(made["files"][0]["url"], headers=student),
        "sample": client.get(made["sample_submission"], headers=student),
        "404": client.get("/jobs/999999", headers=student),
        "401": client.get("/jobs"),
        "page": client.get("/web/signin"),
    }
    for name, response in answers.items():
        assert response.headers.get("X-Content-Type-Options") == "nosniff", name
    for name in ("file", "sample"):
        assert answers[name].status_code == 200
        assert answers[name].headers["Content-Disposition"].startswith("attachment;"), name


def test_a_text_field_named_file_is_a_400_naming_the_field(client, two_classes):
    student = login(client, "student-a")
    for url, headers in (("/jobs", student), ("/submit", {})):
        response = client.post(url, headers=headers, data={"file": "Id,Probability\n1,0.5\n"})
        assert response.status_code == 400, (url, response.data[:300])
        assert "file" in response.get_json()["errors"]["files"]


@pytest.mark.parametrize(
    "body", ["1" * 5000, "[" * 50_000 + "]" * 50_000, '{"username": ' + "9" * 5000 + "}"]
)
def test_a_json_body_python_cannot_decode_is_a_400_not_a_500(client, two_classes, body):
    teacher = login(client, "teacher-a")
    for method, url, headers in (
        ("post", "/login", {}),
        ("put", "/final-submissions", login(client, "student-a")),
        ("put", "/admin/quota", teacher),
        ("patch", "/admin/challenges/1", teacher),
    ):
        response = getattr(client, method)(
            url, data=body, headers={**headers, "Content-Type": "application/json"}
        )
        assert response.status_code == 400, (url, response.status_code)
        assert response.mimetype == "application/problem+json"


def test_a_job_id_that_is_not_a_whole_number_is_refused_not_truncated(client, two_classes):
    student = login(client, "student-a")
    for job_ids in ([1.5], ["1"]):
        response = client.put("/final-submissions", headers=student, json={"job_ids": job_ids})
        assert response.status_code == 400, job_ids


@pytest.mark.parametrize(
    "method, url, body, who",
    [
        ("post", "/login", '{"username": "\\ud800", "password": "x"}', None),
        ("post", "/login", '{"username": "ann", "password": "x", "class": "\\udc00"}', None),
        ("put", "/final-submissions", '{"job_ids": [], "challenge": "\\ud800"}', "student-a"),
        ("put", "/admin/quota", '{"challenge": "\\ud800", "daily_quota": 3}', "teacher-a"),
        ("patch", "/admin/challenges/1", '{"title": "a\\ud800"}', "teacher-a"),
        ("post", "/admin/tenants", '{"slug": "new-class", "name": "\\ud800"}', "operator"),
    ],
)
def test_a_lone_surrogate_in_json_is_a_400_not_a_500(client, two_classes, method, url, body, who):
    headers = login(client, who) if who else {}
    response = getattr(client, method)(
        url, data=body, headers={**headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert "surrogate" in response.get_json()["detail"]


def test_a_surrogate_pair_is_text_like_any_other(client, two_classes):
    teacher = login(client, "teacher-a")
    response = client.patch("/admin/challenges/1", headers=teacher, json={"title": "Credit \U0001f4b3"})
    assert response.status_code == 200 and response.get_json()["title"] == "Credit \U0001f4b3"
