"""The split of a training file into training part, answer key and public features."""

from __future__ import annotations

import zipfile

import numpy as np
import pandas as pd
import pytest

from gmsc.columns import FEATURES, ID, LABEL, PUBLIC, TRAINING_COLUMNS, USAGE
from gmsc.splitting import DataFileError, read_kaggle, split


def test_split_is_stratified_and_deterministic(synthetic_frame):
    first = split(synthetic_frame, seed=42, test_size=0.2, public_share=0.3)
    again = split(synthetic_frame, seed=42, test_size=0.2, public_share=0.3)
    other = split(synthetic_frame, seed=7, test_size=0.2, public_share=0.3)

    assert (len(first.train), len(first.answer_key)) == (40_000, 10_000)
    rate = synthetic_frame[LABEL].mean()
    assert first.answer_key[LABEL].mean() == pytest.approx(rate, abs=1 / 10_000)
    assert first.train[LABEL].mean() == pytest.approx(rate, abs=1 / 40_000)
    pd.testing.assert_frame_equal(first.answer_key, again.answer_key)
    pd.testing.assert_frame_equal(first.train, again.train)
    assert not first.answer_key[list(FEATURES)].equals(other.answer_key[list(FEATURES)])


def test_split_keeps_every_row_exactly_once(synthetic_frame):
    parts = split(synthetic_frame, seed=42, test_size=0.2, public_share=0.3)
    rejoined = pd.concat([parts.train, parts.answer_key])[list(TRAINING_COLUMNS)]
    original = synthetic_frame[list(TRAINING_COLUMNS)]
    sort = list(TRAINING_COLUMNS)
    pd.testing.assert_frame_equal(
        rejoined.sort_values(sort).reset_index(drop=True), original.sort_values(sort).reset_index(drop=True)
    )


def test_ids_run_from_one_in_each_part_and_features_follow_the_answer_key(synthetic_frame):
    parts = split(synthetic_frame, seed=42, test_size=0.2, public_share=0.3)

    assert parts.train[ID].tolist() == list(range(1, len(parts.train) + 1))
    assert parts.answer_key[ID].tolist() == list(range(1, len(parts.answer_key) + 1))
    assert list(parts.features.columns) == [ID, *FEATURES]
    pd.testing.assert_frame_equal(parts.features, parts.answer_key[[ID, *FEATURES]])


def test_usage_marks_thirty_percent_public_in_each_class(synthetic_frame):
    key = split(synthetic_frame, seed=42, test_size=0.2, public_share=0.3).answer_key

    assert set(key[USAGE]) == {"Public", "Private"}
    public = key[USAGE] == PUBLIC
    assert public.mean() == pytest.approx(0.3, abs=1e-4)
    for label in (0, 1):
        in_class = key[LABEL] == label
        assert public[in_class].mean() == pytest.approx(0.3, abs=2 / in_class.sum())


def test_written_files_have_kaggle_columns_in_order_and_na_for_missing(synthetic_frame, tmp_path):
    parts = split(synthetic_frame.head(2_000), seed=1, test_size=0.2, public_share=0.3)
    paths = tmp_path / "train.csv", tmp_path / "key.csv", tmp_path / "features.csv"
    parts.write(*paths)

    headers = [path.read_text().splitlines()[0].split(",") for path in paths]
    assert headers == [[ID, *TRAINING_COLUMNS], [ID, *TRAINING_COLUMNS, USAGE], [ID, *FEATURES]]
    assert ",NA," in paths[1].read_text()  # Kaggle's spelling of a missing income
    assert (
        pd.read_csv(paths[1])["MonthlyIncome"].isna().sum() == parts.answer_key["MonthlyIncome"].isna().sum()
    )


def test_kaggle_file_is_read_from_csv_or_zip(synthetic_frame, tmp_path):
    # Kaggle's layout: an unnamed row-number column first, "NA" for missing values.
    sample = synthetic_frame.head(300).set_axis(np.arange(1, 301))
    csv_path = tmp_path / "cs-training.csv"
    sample.to_csv(csv_path, na_rep="NA")
    zip_path = tmp_path / "cs-training.csv.zip"
    with zipfile.ZipFile(zip_path, "w") as archive:
        archive.write(csv_path, "cs-training.csv")

    from_csv, from_zip = read_kaggle(csv_path), read_kaggle(zip_path)

    assert list(from_csv.columns) == list(TRAINING_COLUMNS)
    pd.testing.assert_frame_equal(from_csv, from_zip)
    assert len(from_csv) == 300


def test_a_file_without_kaggle_columns_is_refused_with_the_missing_names(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text(",a,age\n1,2,3\n")

    with pytest.raises(DataFileError, match="SeriousDlqin2yrs"):
        read_kaggle(path)
