"""A job parses its own file only: what later jobs need of an earlier one (its predictions in key
order, for the rows changed and the Ladder's test) is kept when it finishes, for the student's latest
finished submission and their score holder only."""

from __future__ import annotations

import io

import numpy as np
from sqlalchemy import select

import service.integrity.trace as trace
from service.extensions import db
from service.store.models import KeptPredictions, Standing, Submission
from tests.conftest import login, submission_csv, wait_until_done


def _send(client, headers, answer_key, scores) -> dict:
    data = submission_csv(answer_key.ids, scores)
    answer = client.post("/jobs", headers=headers, data={"file": (io.BytesIO(data), "p.csv")})
    return wait_until_done(client, headers, answer.headers["Location"])


def test_each_job_counts_the_rows_it_changed_without_parsing_an_earlier_file(
    app, client, two_classes, answer_key, monkeypatch
):
    earlier_files_read = []
    real = trace.parse_submission
    monkeypatch.setattr(trace, "parse_submission", lambda *a: earlier_files_read.append(1) or real(*a))
    student = login(client, "student-a")
    scores = np.random.default_rng(3).random(len(answer_key))
    changed = []
    for rows in (0, 5, 2, 40):
        scores[:rows] += 0.01
        job = _send(client, student, answer_key, scores)
        with app.app_context():
            changed.append(db.session.get(Submission, job["id"]).changed_rows)
    assert changed == [None, 5, 2, 40]
    assert earlier_files_read == []


def test_only_the_latest_finished_submission_and_the_holder_keep_their_predictions(
    app, client, two_classes, answer_key
):
    student = login(client, "student-a")
    rng = np.random.default_rng(4)
    noise = [0.9, 0.1, 0.8, 0.7]  # the second is the best: it holds the score
    ids = [
        _send(client, student, answer_key, answer_key.targets + rng.normal(0, spread, len(answer_key)))["id"]
        for spread in noise
    ]
    with app.app_context():
        holder = db.session.scalar(select(Standing.best_public_id))
        kept = set(db.session.scalars(select(KeptPredictions.submission_id)))
    assert holder == ids[1]
    assert kept == {ids[1], ids[3]}
