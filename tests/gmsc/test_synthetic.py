"""The synthetic training file built from the committed calibration figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from gmsc import synthetic
from gmsc.columns import FEATURES, LABEL, TRAINING_COLUMNS
from gmsc.splitting import split


def test_generator_is_deterministic_by_seed(stored_calibration):
    first = synthetic.generate(stored_calibration, rows=2_000, seed=3)
    again = synthetic.generate(stored_calibration, rows=2_000, seed=3)
    other = synthetic.generate(stored_calibration, rows=2_000, seed=4)

    pd.testing.assert_frame_equal(first, again)
    assert not first.equals(other)


def test_generated_frame_has_kaggle_shape(synthetic_frame, stored_calibration):
    assert list(synthetic_frame.columns) == list(TRAINING_COLUMNS)
    assert len(synthetic_frame) == 50_000
    assert set(synthetic_frame[LABEL]) == {0, 1}
    for name in FEATURES:
        present = synthetic_frame[name].dropna()
        quantiles = stored_calibration.columns[name].quantiles
        assert present.between(quantiles[0], quantiles[-1]).all(), name
        if stored_calibration.columns[name].integer:
            assert (present == present.round()).all(), name


def test_missing_and_label_rates_match_the_calibration(synthetic_frame, stored_calibration):
    # Binomial standard errors at 50,000 rows are 0.18 % (income), 0.07 % (dependants)
    # and 0.11 % (label): four of them is a wide margin that still catches a wrong rate.
    missing = synthetic_frame.isna().mean()
    assert missing["MonthlyIncome"] == pytest.approx(0.1982, abs=0.0072)
    assert missing["NumberOfDependents"] == pytest.approx(0.0262, abs=0.0028)
    assert missing.drop(["MonthlyIncome", "NumberOfDependents"]).eq(0).all()
    assert synthetic_frame[LABEL].mean() == pytest.approx(stored_calibration.label_rate, abs=0.0045)


def test_generated_columns_follow_the_calibrated_medians_and_correlations(
    synthetic_frame, stored_calibration
):
    middle = int(np.searchsorted(stored_calibration.probabilities, 0.5))
    for name in FEATURES:
        quantiles = stored_calibration.columns[name].quantiles
        spread = quantiles[middle + 20] - quantiles[middle - 20]  # the 40-60 % range
        assert abs(synthetic_frame[name].median() - quantiles[middle]) <= spread / 2 + 0.5, name
    observed = synthetic_frame[list(FEATURES)].corr(method="spearman").to_numpy()
    # Ties at zero shrink rank correlations of the sparse counts; the sign and
    # the rough size of the strong ones must survive.
    strong = np.abs(stored_calibration.correlation) > 0.3
    assert (np.sign(observed[strong]) == np.sign(stored_calibration.correlation[strong])).all()


def test_synthetic_features_are_written_as_decimals_never_as_kaggle_whole_numbers(synthetic_frame, tmp_path):
    parts = split(synthetic_frame.head(5_000), seed=42, test_size=0.2, public_share=0.3)
    path = tmp_path / "key.csv"
    parts.write(tmp_path / "train.csv", path, tmp_path / "features.csv")

    lines = path.read_text().splitlines()[1:]
    feature_fields = [field for line in lines for field in line.split(",")[2:-1]]
    assert all("." in field or field == "NA" for field in feature_fields)
