"""Inputs at the edges answer 4xx, never a server error."""

import pytest

from tests.conftest import login

HUGE = 2**70


@pytest.mark.parametrize(
    "path", [f"/jobs/{HUGE}", f"/jobs/{HUGE}/roc", f"/challenges/{HUGE}", f"/web/jobs/{HUGE}"]
)
def test_ids_beyond_64_bits_are_404(client, two_classes, path):
    assert client.get(path, headers=login(client, "student-a")).status_code == 404


def test_final_selection_of_an_impossible_id_is_a_400(client, two_classes):
    response = client.put("/final-submissions", headers=login(client, "student-a"), json={"job_ids": [HUGE]})
    assert response.status_code == 400


def test_a_deadline_out_of_range_is_a_400(client, two_classes):
    teacher = login(client, "teacher-a")
    challenge_id = client.get("/challenges", headers=teacher).get_json()[0]["id"]
    response = client.patch(
        f"/admin/challenges/{challenge_id}", headers=teacher, json={"deadline": "0001-01-01T00:00+01:00"}
    )
    assert response.status_code == 400
