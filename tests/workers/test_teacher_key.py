"""A teacher's key lives in the store: a real rq worker grades from the submission's id alone."""

from __future__ import annotations

import io

import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.metrics import mean_absolute_error

from tests.conftest import login
from tests.workers.conftest import wait_for
from tests.workers.test_queue import add_users, status_of


def test_a_worker_grades_a_teachers_challenge_from_the_store(deployment, tmp_path):
    add_users(deployment.app, "ann")
    add_users(deployment.app, "tom", role="teacher")
    client = deployment.app.test_client()
    diabetes = load_diabetes()
    ids, target = np.arange(1, len(diabetes.target) + 1), diabetes.target
    usage = np.where(np.random.default_rng(1).random(len(ids)) < 0.3, "Public", "Private")
    key = "Id,y,Usage\n" + "".join(f"{i},{t},{u}\n" for i, t, u in zip(ids, target, usage))
    made = client.post("/admin/challenges", headers=login(client, "tom"), data={
        "slug": "diabetes", "title": "Diabetes", "metric": "mae", "answer_key": (io.BytesIO(key.encode()), "k.csv"),
    })  # fmt: skip
    assert made.status_code == 201, made.get_json()
    predictions = target + np.random.default_rng(2).normal(0, 30, len(ids))
    data = "Id,y\n" + "".join(f"{i},{p!r}\n" for i, p in zip(ids, predictions.tolist()))
    ann = login(client, "ann")
    response = client.post("/jobs", headers=ann, data={"file": (io.BytesIO(data.encode()), "p.csv"),
                                                       "challenge": "diabetes"})  # fmt: skip
    assert response.status_code == 202
    deployment.start_worker()
    job = wait_for(lambda: (j := status_of(client, ann, response.headers["Location"]))["status"] == "finished" and j,
                   30, message="finished")  # fmt: skip
    public = usage == "Public"
    exact = status_of(client, login(client, "tom"), response.headers["Location"])["public_score"]
    assert abs(exact - mean_absolute_error(target[public], predictions[public])) <= 1e-9
    assert job["public_score"] == round(exact, 5)
