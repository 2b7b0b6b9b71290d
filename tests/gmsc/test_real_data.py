"""The real-data path, on Kaggle's training file (skipped without it, except on CI)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from gmsc.columns import LABEL, USAGE
from scoring import load_answer_key, score_submission

ROOT = Path(__file__).resolve().parents[2]
COMMITTED_FILES = ("test2.csv", "test2-predictions.csv", "data/gmsc-calibration.json")


def runs_of_real_fields(text: str, real_field_runs: set[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Every four consecutive comma-separated fields of `text` that equal a real row's fields 2..5."""
    fields = [field.strip() for field in text.split(",")]
    return [run for run in zip(fields, fields[1:], fields[2:], fields[3:]) if run in real_field_runs]


@pytest.fixture(scope="module")
def real_split(real_train_path, split_and_predict, tmp_path_factory):
    return split_and_predict(
        tmp_path_factory.mktemp("real"), real_train_path, "--seed", "42", "--test-size", "0.2"
    )


def test_baseline_scores_at_least_0865_on_the_real_split(real_split):
    result = score_submission(
        real_split["predictions"].read_bytes(), load_answer_key(real_split["answer_key"])
    )

    assert result.rows == 30_000
    assert result.score >= 0.865


def test_real_split_is_stratified_with_thirty_percent_public(real_split):
    key = pd.read_csv(real_split["answer_key"])
    train = pd.read_csv(real_split["train"])

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
