"""The teacher's integrity page: the report's three sections as tables, each figure defined."""

from __future__ import annotations

import html

import numpy as np

from tests.conftest import login
from tests.routes.test_teacher_challenges import create, key_csv
from tests.web.helpers import web_sign_in


def page(client, slug: str) -> tuple[int, str]:
    response = client.get(f"/web/teacher/integrity?challenge={slug}")
    return response.status_code, html.unescape(response.get_data(as_text=True))


def test_the_page_lists_pairs_and_probe_runs_with_each_figure_defined(client, scenario):
    teacher = login(client, "teacher-a")
    assert web_sign_in(client, "teacher-a").status_code == 302
    status, text = page(client, scenario.slug)

    assert status == 200
    found = client.get(f"/admin/integrity?challenge={scenario.slug}", headers=teacher).get_json()
    for sentence in found["definitions"].values():
        assert sentence in text
    assert 'id="shared-pairs"' in text and "copier-a and copier-b" in text and "twin-a and twin-b" in text
    assert 'id="probe-table"' in text and "<td>prober</td>" in text
    assert f'href="/web/jobs/{scenario.jobs["copier-b"][0]}"' in text
    assert "Not yet: the gaps are shown once the private scores are revealed" in text
    assert 'id="back-to-class"' in text

    challenge_id = client.get(f"/challenges/{scenario.slug}", headers=teacher).get_json()["id"]
    client.patch(f"/admin/challenges/{challenge_id}", headers=teacher, json={"private_revealed": True})
    status, text = page(client, scenario.slug)
    assert status == 200 and 'id="gaps-table"' in text and text.count("<td>honest-") == 3


def test_a_quiet_challenge_says_plainly_that_nothing_was_found(client, two_classes):
    teacher = login(client, "teacher-a")
    ids = np.arange(1, 201)
    assert create(client, teacher, "quiet", "roc_auc", key_csv(ids, ids % 2, "y")).status_code == 201
    assert web_sign_in(client, "teacher-a").status_code == 302

    status, text = page(client, "quiet")

    assert status == 200
    assert "No pairs found" in text and "No probe runs found" in text


def test_students_are_refused_the_page_and_other_classes_are_not_found(client, two_classes):
    teacher = login(client, "teacher-a")
    ids = np.arange(1, 201)
    assert create(client, teacher, "quiet", "roc_auc", key_csv(ids, ids % 2, "y")).status_code == 201

    assert web_sign_in(client, "student-a").status_code == 302
    assert page(client, "quiet")[0] == 403
    assert web_sign_in(client, "teacher-b").status_code == 302
    assert page(client, "quiet")[0] == 404
