"""The README's path from Kaggle's file to a graded class challenge: split.py, predict.py, then
`flask challenges create --from-split` (on the real file; skipped without it, except on CI)."""

from __future__ import annotations

import io

import pandas as pd
from sklearn.metrics import roc_auc_score

from tests.conftest import login, wait_until_done


def test_a_separate_split_becomes_a_class_challenge_that_grades_the_baseline(
    real_train_path, run_cli, tmp_path, app, make_user, client, runner
):
    folder = tmp_path / "class"
    split = run_cli("split.py", real_train_path, "--seed", "7", "--out", folder)
    assert split.returncode == 0, split.stderr
    predictions = folder / "predictions.csv"
    predict = run_cli("predict.py", "--train", folder / "train.csv", "--features", folder / "test-features.csv",
                      "--out", predictions)  # fmt: skip
    assert predict.returncode == 0, predict.stderr

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
    job = wait_until_done(client, student, response.headers["Location"], timeout=30)
    key = pd.read_csv(folder / "answer-key.csv")
    scored = pd.read_csv(predictions).merge(key, on="Id")
    public = scored[scored["Usage"] == "Public"]
    expected = roc_auc_score(public["SeriousDlqin2yrs"], public["Probability"])
    assert job["public_score"] == round(expected, 5)  # the student's view: the challenge's 5 decimals
    make_user("tom", "teacher", "credit-101")
    exact = client.get(response.headers["Location"], headers=login(client, "tom")).get_json()["public_score"]
    assert abs(exact - expected) <= 1e-9 and exact >= 0.85
