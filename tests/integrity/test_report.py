"""The teacher's integrity report over HTTP: who shares predictions, who probes, and nobody else."""

from __future__ import annotations

import numpy as np

from tests.conftest import login
from tests.integrity.conftest import PROBES, report
from tests.routes.test_teacher_challenges import create, key_csv, upload


def pair_of(found: dict, first: str, second: str) -> dict | None:
    return next(
        (p for p in found["shared_predictions"]["pairs"] if set(p["students"]) == {first, second}), None
    )


def test_the_report_names_copiers_noisy_copiers_and_the_prober_and_no_honest_student(client, scenario):
    # One scenario, one report, each finding checked in turn: building the class is most of the cost.
    teacher = login(client, "teacher-a")
    found = report(client, teacher, scenario.slug)
    students_who_send_the_same_file_are_a_pair_with_their_jobs(found, scenario)
    the_same_predictions_with_a_hair_of_noise_are_a_pair_though_the_files_differ(found, scenario)
    a_student_who_changes_a_handful_of_rows_each_time_is_one_probe_run(found, scenario, client, teacher)
    honest_students_with_their_own_models_are_named_nowhere(found)


def students_who_send_the_same_file_are_a_pair_with_their_jobs(found: dict, scenario) -> None:
    pair = pair_of(found, "copier-a", "copier-b")
    assert pair is not None, found["shared_predictions"]
    assert (pair["matches"], pair["same_file"], pair["best_similarity"]) == (1, 1, 1.0)
    assert pair["jobs"] == [
        {
            "job_ids": [scenario.jobs["copier-a"][0], scenario.jobs["copier-b"][0]],
            "similarity": 1.0,
            "same_file": True,
        }
    ]


def the_same_predictions_with_a_hair_of_noise_are_a_pair_though_the_files_differ(
    found: dict, scenario
) -> None:
    pair = pair_of(found, "twin-a", "twin-b")
    assert pair is not None, found["shared_predictions"]
    assert pair["same_file"] == 0
    [match] = pair["jobs"]
    assert match["job_ids"] == [scenario.jobs["twin-a"][0], scenario.jobs["twin-b"][0]]
    assert match["similarity"] >= found["thresholds"]["similarity"] and not match["same_file"]


def a_student_who_changes_a_handful_of_rows_each_time_is_one_probe_run(
    found: dict, scenario, client, teacher
) -> None:
    [run] = found["probe_runs"]
    assert run["student"] == "prober"
    assert run["submissions"] == PROBES  # the ten small changes; their first file had no previous one
    jobs = scenario.jobs["prober"]
    assert [j["job_id"] for j in run["jobs"]] == jobs[1:]
    assert [j["previous_id"] for j in run["jobs"]] == jobs[:-1]
    assert [j["changed_rows"] for j in run["jobs"]] == [4] * PROBES
    first_score = client.get(f"/jobs/{jobs[0]}", headers=teacher).get_json()["public_score"]
    scores = [first_score] + [j["public_score"] for j in run["jobs"]]
    assert np.allclose(np.diff(scores), [j["score_move"] for j in run["jobs"]])  # each from the one before


def honest_students_with_their_own_models_are_named_nowhere(found: dict) -> None:
    named = {s for p in found["shared_predictions"]["pairs"] for s in p["students"]}
    named |= {r["student"] for r in found["probe_runs"]}
    assert named == {"copier-a", "copier-b", "twin-a", "twin-b", "prober"}
    assert len(found["shared_predictions"]["pairs"]) == 2
    assert found["shared_predictions"]["set_aside"] == {"files": [], "hash_buckets": 0, "most_students": None}


def test_the_gaps_appear_once_the_private_scores_are_revealed(client, scenario):
    teacher = login(client, "teacher-a")
    assert report(client, teacher, scenario.slug)["reveal_gaps"] is None
    challenge_id = client.get(f"/challenges/{scenario.slug}", headers=teacher).get_json()["id"]
    revealed = client.patch(
        f"/admin/challenges/{challenge_id}", headers=teacher, json={"private_revealed": True}
    )
    assert revealed.status_code == 200, revealed.get_json()

    gaps = report(client, teacher, scenario.slug)["reveal_gaps"]
    board = client.get(f"/leaderboard?challenge={scenario.slug}", headers=teacher).get_json()["private"]
    assert sorted(g["student"] for g in gaps) == sorted(r["student"] for r in board) and len(gaps) == 8
    for g in gaps:
        assert abs(g["gap"] - (g["private_score"] - g["public_score"])) <= 1e-9
        assert g["rank_change"] == g["public_rank"] - g["private_rank"]
    better = 1 if scenario.metric == "roc_auc" else -1  # RMSE: lower is better
    gains = [better * g["gap"] for g in gaps]
    assert gains == sorted(gains)  # the biggest drop first, whichever way the metric goes


def test_many_students_sending_the_sample_submission_are_set_aside_not_paired(client, two_classes, make_user):
    teacher = login(client, "teacher-a")
    ids = np.arange(1, 301)
    made = create(client, teacher, "labels", "accuracy", key_csv(ids, np.where(ids % 3, "cat", "dog"), "pet"))
    assert made.status_code == 201, made.get_json()
    sample = client.get(made.get_json()["sample_submission"], headers=teacher).data

    for n in range(12):
        make_user(f"sampler-{n}", "student", "class-a")
        assert upload(client, login(client, f"sampler-{n}"), "labels", sample)["status"] == "finished"

    shared = report(client, teacher, "labels")["shared_predictions"]
    assert shared["pairs"] == []
    [common] = shared["set_aside"]["files"]
    assert (common["students"], common["submissions"]) == (12, 12)
    assert shared["set_aside"]["hash_buckets"] == 8  # the same labels fill each band's bucket too
    assert shared["set_aside"]["most_students"] == 12


def test_a_student_may_not_read_the_report(client, two_classes):
    response = client.get("/admin/integrity", headers=login(client, "student-a"))
    assert response.status_code == 403
    assert response.mimetype == "application/problem+json"


def test_another_class_challenge_is_not_found(client, two_classes):
    teacher_a = login(client, "teacher-a")
    ids = np.arange(1, 101)
    assert create(client, teacher_a, "secret", "roc_auc", key_csv(ids, ids % 2, "y")).status_code == 201

    assert (
        client.get("/admin/integrity?challenge=secret", headers=login(client, "teacher-b")).status_code == 404
    )
    operator = login(client, "operator")
    assert client.get("/admin/integrity?challenge=secret", headers=operator).status_code == 403  # no ?tenant=
    assert report(client, operator, "secret", tenant="class-a")["shared_predictions"]["pairs"] == []
