"""Every JSON answer is RFC 8259 JSON: no NaN or Infinity anywhere, and a file that would score
infinity is refused with its row named instead of ranked."""

import json

import numpy as np
import pytest
from sklearn.datasets import load_diabetes

from tests.conftest import login
from tests.routes.test_teacher_challenges import create, key_csv, predictions_csv, split_of, upload


def strict(text: str):
    """Parse as a strict client does: NaN, Infinity and -Infinity are not JSON."""

    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_the_app_refuses_to_write_a_non_finite_float(app):
    with app.app_context(), pytest.raises(ValueError):
        app.json.dumps({"score": float("inf")})


def test_a_file_whose_rmse_overflows_is_refused_with_its_row_and_nothing_non_finite_is_sent(
    client, two_classes
):
    teacher, student = login(client, "teacher-a"), login(client, "student-a")
    x, y = load_diabetes(return_X_y=True)
    ids = np.arange(1, len(y) + 1)
    key = key_csv(ids, y, "progression").decode().splitlines()
    key = "\n".join([key[0] + ",Usage"] + [f"{r},{u}" for r, u in zip(key[1:], split_of(ids))]) + "\n"
    assert create(client, teacher, "overflow", "rmse", key.encode()).status_code == 201
    honest = upload(
        client, student, "overflow", predictions_csv("progression", ids, np.full(len(y), y.mean()))
    )
    assert honest["status"] == "finished"
    values = np.full(len(y), y.mean())
    values[41] = 1e200
    job = upload(client, student, "overflow", predictions_csv("progression", ids, values))
    assert job["status"] == "rejected"
    assert job["problems"][0]["line"] == 43 and "too large" in job["problems"][0]["message"]
    for url, headers in [
        (f"/jobs/{job['id']}", student),
        ("/jobs", student),
        ("/jobs", teacher),
        ("/scores", student),
        ("/leaderboard?challenge=overflow", student),
        ("/leaderboard?challenge=overflow", teacher),
        ("/admin/scores?format=json", teacher),
        ("/challenges/overflow", student),
        ("/openapi.json", {}),
    ]:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        strict(response.get_data(as_text=True))
    board = client.get("/leaderboard?challenge=overflow", headers=teacher).get_json()
    assert [entry["score"] for entry in board["public"]] == [pytest.approx(honest["public_score"])]
