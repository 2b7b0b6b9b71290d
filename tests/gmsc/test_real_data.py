"""The real-data path, on Kaggle's training file (skipped without it, except on CI): the README's
split, its baseline, and the class challenge made from them (trained once a session)."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from gmsc.columns import LABEL, USAGE
from scoring import load_answer_key, score_submission
from tests.conftest import login, wait_until_done

ROOT = Path(__file__).resolve().parents[2]
COMMITTED_FILES = ("test2.csv", "test2-predictions.csv", "data/gmsc-calibration.json")


def runs_of_real_fields(text: str, real_field_runs: set[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Every four consecutive comma-separated fields of `text` that equal a real row's fields 2..5."""
    fields = [field.strip() for field in text.split(",")]
    return [run for run in zip(fields, fields[1:], fields[2:], fields[3:]) if run in real_field_runs]


def test_baseline_scores_at_least_0865_on_the_class_split(class_split):
    result = score_submission(
        class_split["predictions"].read_bytes(), load_answer_key(class_split["answer_key"])
    )

    assert result.rows == 30_000
    assert result.score >= 0.865


def test_class_split_is_stratified_with_thirty_percent_public(class_split):
    key = pd.read_csv(class_split["answer_key"])
    train = pd.read_csv(class_split["train"])

    assert (len(train), len(key)) == (120_000, 30_000)
    assert key[LABEL].sum() == round(0.2 * 10_026)  # 10,026 positives in Kaggle's file
    assert (key[USAGE] == "Public").sum() == 9_000


@pytest.mark.parametrize("name", COMMITTED_FILES)
def test_no_committed_file_spells_a_real_row(name, real_field_runs):
    assert runs_of_real_fields((ROOT / name).read_text(), real_field_runs) == []


def test_a_real_row_copied_into_a_file_would_be_caught(real_train_path, real_field_runs):
    # The check above must be able to fail: a line rebuilt from a real row's text is flagged.
    run = min(real_field_runs)
    real_line = "7,0," + ",".join(run) + ",5400,8,0,1,0,2,Public"
    assert runs_of_real_fields(real_line, real_field_runs) == [run]


def test_a_separate_split_becomes_a_class_challenge_that_grades_the_baseline(
    class_split, app, make_user, client, runner
):
    folder, predictions = class_split["folder"], class_split["predictions"]

    make_user("teacher", "teacher", "credit-101")
    make_user("ann", "student", "credit-101")
    made = runner.invoke(
        args=["challenges", "create", "credit", "--tenant", "credit-101", "--from-split", str(folder)]
    )
    assert made.exit_code == 0, made.output
    assert "roc_auc, 9,000 Public and 21,000 Private rows, 2 file(s)" in made.output

    student = login(client, "ann")
    challenge = client.get("/challenges/credit", headers=student).get_json()
    assert [f["name"] for f in challenge["files"]] == ["test-features.csv", "train.csv"]
    features = client.get(challenge["files"][0]["url"], headers=student)
    assert features.data == (folder / "test-features.csv").read_bytes()
    assert b"SeriousDlqin2yrs" not in features.data.splitlines()[0]  # students never get the labels

    response = client.post("/jobs", headers=student,
                           data={"file": (io.BytesIO(predictions.read_bytes()), "p.csv"), "challenge": "credit"})  # fmt: skip
    job = wait_until_done(client, student, response.headers["Location"])
    key = pd.read_csv(folder / "answer-key.csv")
    scored = pd.read_csv(predictions).merge(key, on="Id")
    public = scored[scored["Usage"] == "Public"]
    expected = roc_auc_score(public["SeriousDlqin2yrs"], public["Probability"])
    assert job["public_score"] == round(expected, 5)  # the student's view: the challenge's 5 decimals
    make_user("tom", "teacher", "credit-101")
    exact = client.get(response.headers["Location"], headers=login(client, "tom")).get_json()["public_score"]
    assert abs(exact - expected) <= 1e-9 and exact >= 0.85
