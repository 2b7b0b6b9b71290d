"""A class whose students send every kind of submission the integrity report tells apart, over HTTP."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest

from tests.conftest import login
from tests.routes.test_teacher_challenges import create, predictions_csv, upload

ROWS = {"roc_auc": 2000, "rmse": 1500}
PROBES = 10  # files the prober sends after a model of their own, each a handful of rows from the one before


@dataclass
class Scenario:
    slug: str
    metric: str
    ids: np.ndarray
    column: str
    jobs: dict[str, list[int]] = field(default_factory=dict)


def make_key(metric: str, rng: np.random.Generator):
    """A key with a hidden risk per row: a 0/1 target for ROC AUC, a number for RMSE."""
    rows = ROWS[metric]
    risk = rng.normal(0, 1, rows)
    if metric == "roc_auc":
        target = (rng.random(rows) < 1 / (1 + np.exp(-(2 * risk - 2.5)))).astype(int)
        target[:2] = (0, 1)
        return risk, target, "defaulted"
    return risk, np.round(10 + 3 * risk + rng.normal(0, 1, rows), 3), "amount"


def honest_model(risk: np.ndarray, rng: np.random.Generator, metric: str) -> np.ndarray:
    """A student's own model: the hidden risk plus their own error (two of them correlate about 0.9)."""
    guess = risk + rng.normal(0, 0.3, len(risk))
    return guess if metric == "roc_auc" else 10 + 3 * guess


def send(client, headers, scenario: Scenario, who: str, values: np.ndarray) -> int:
    job = upload(
        client, headers, scenario.slug, predictions_csv(scenario.column, scenario.ids, values.tolist())
    )
    assert job["status"] == "finished", job
    scenario.jobs.setdefault(who, []).append(job["id"])
    return job["id"]


def build_class(client, make_user, metric: str) -> Scenario:
    """Teacher-a's challenge, and students of class-a who copy, probe, or work on their own."""
    rng = np.random.default_rng(7)
    risk, target, column = make_key(metric, rng)
    ids = np.arange(1, len(risk) + 1)
    teacher = login(client, "teacher-a")
    key = (f"Id,{column}\n" + "".join(f"{i},{t}\n" for i, t in zip(ids, target))).encode()
    made = create(client, teacher, f"key-{metric.replace('_', '-')}", metric, key, daily_quota=100)
    assert made.status_code == 201, made.get_json()
    scenario = Scenario(made.get_json()["slug"], metric, ids, column)
    names = ["copier-a", "copier-b", "twin-a", "twin-b", "prober", "honest-1", "honest-2", "honest-3"]
    students = {}
    for name in names:
        make_user(name, "student", "class-a")
        students[name] = login(client, name)

    shared = honest_model(risk, rng, metric)
    send(client, students["copier-a"], scenario, "copier-a", shared)
    send(client, students["copier-b"], scenario, "copier-b", shared)  # the very same bytes
    twin = honest_model(risk, rng, metric)
    send(client, students["twin-a"], scenario, "twin-a", twin)
    # The same predictions, each moved by a hair: other bytes, the same ranking but for a few near-ties.
    send(client, students["twin-b"], scenario, "twin-b", twin + rng.normal(0, 1e-4, len(twin)))

    probe = honest_model(risk, rng, metric)
    send(client, students["prober"], scenario, "prober", probe)
    for _ in range(PROBES):
        probe = probe.copy()
        rows = rng.choice(len(probe), size=4, replace=False)  # 4 rows: well under 1 % of the key
        probe[rows] += rng.normal(0, 2, len(rows))
        send(client, students["prober"], scenario, "prober", probe)

    for name in ("honest-1", "honest-2", "honest-3"):
        for _ in range(3):  # each file a new model: every row changes
            send(client, students[name], scenario, name, honest_model(risk, rng, metric))
    return scenario


def report(client, headers, slug: str, **params) -> dict:
    response = client.get("/admin/integrity", headers=headers, query_string={"challenge": slug, **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.fixture(params=["roc_auc", "rmse"])
def scenario(request, client, two_classes, make_user) -> Scenario:
    return build_class(client, make_user, request.param)
