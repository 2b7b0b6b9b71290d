"""split.py and predict.py as a user runs them, on the synthetic sample."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring import load_answer_key, score_submission

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def sample(split_and_predict, tmp_path_factory):
    """The default synthetic sample, built in a temporary folder."""
    return split_and_predict(tmp_path_factory.mktemp("sample"), "--synthetic")


def test_baseline_learns_the_synthetic_sample_without_separating_it(sample):
    result = score_submission(sample["predictions"].read_bytes(), load_answer_key(sample["answer_key"]))

    assert result.rows == 10_000
    assert 0.75 <= result.score <= 0.92


def test_committed_sample_is_the_default_synthetic_one_and_small(sample):
    # Built again here byte for byte, the committed files also show that split.py and predict.py
    # give the same files on every run.
    committed = {"answer_key": ROOT / "test2.csv", "predictions": ROOT / "test2-predictions.csv"}

    for name, path in committed.items():
        assert path.read_bytes() == sample[name].read_bytes(), (
            f"{path.name}: rebuild it with `python split.py && python predict.py`"
        )
    assert sum(path.stat().st_size for path in committed.values()) < 2_000_000


def test_predict_falls_back_to_the_answer_key_features(sample, run_cli, tmp_path):
    out = tmp_path / "predictions.csv"
    result = run_cli(
        "predict.py", "--train", sample["train"], "--features", tmp_path / "absent.csv",
        "--answer-key", sample["answer_key"], "--out", out,
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert out.read_bytes() == sample["predictions"].read_bytes()


def test_predict_without_training_file_says_to_run_split_first(run_cli, tmp_path):
    result = run_cli("predict.py", "--train", tmp_path / "train2.csv", "--out", tmp_path / "predictions.csv")

    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "python split.py" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "predictions.csv").exists()


def test_split_of_an_absent_file_fails_in_one_line(run_cli, tmp_path):
    result = run_cli("split.py", tmp_path / "cs-training.csv", "--answer-key", tmp_path / "key.csv")

    assert result.returncode == 2
    assert result.stderr.startswith("error:") and result.stderr.count("\n") == 1
    assert not (tmp_path / "key.csv").exists()
