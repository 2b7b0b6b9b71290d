"""The calibration figures: measured on a frame, stored as JSON, loaded back."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gmsc import calibration
from gmsc.columns import FEATURES


def test_calibration_round_trips_through_json_at_six_digits(synthetic_frame, tmp_path):
    measured = calibration.measure(synthetic_frame)
    path = tmp_path / "calibration.json"
    path.write_text(calibration.to_json(measured))

    loaded = calibration.load(path)

    assert loaded.rows == len(synthetic_frame)
    assert loaded.label_rate == pytest.approx(measured.label_rate, rel=1e-5)
    np.testing.assert_allclose(loaded.correlation, measured.correlation, rtol=1e-5, atol=1e-6)
    for name in FEATURES:
        np.testing.assert_allclose(
            loaded.columns[name].quantiles, measured.columns[name].quantiles, rtol=1e-5
        )
        assert loaded.columns[name].integer == measured.columns[name].integer
    assert loaded.coefficients == pytest.approx(measured.coefficients, rel=1e-5)


def test_calibration_json_has_one_number_per_line_and_only_floats():
    text = calibration.DEFAULT_PATH.read_text()
    document = json.loads(text)

    for line in text.splitlines():
        assert line.count(",") <= 1, line
    quantiles = [q for column in document["columns"].values() for q in column["quantiles"]]
    assert all(isinstance(q, float) for q in quantiles)


def test_committed_calibration_holds_the_real_rates(stored_calibration):
    assert stored_calibration.rows == 150_000
    assert stored_calibration.label_rate == pytest.approx(0.06684, abs=1e-5)
    assert stored_calibration.columns["MonthlyIncome"].missing_rate == pytest.approx(0.1982, abs=1e-4)
    assert stored_calibration.columns["NumberOfDependents"].missing_rate == pytest.approx(0.0262, abs=1e-4)
    assert np.allclose(np.diag(stored_calibration.correlation), 1.0)


def test_committed_calibration_is_what_the_real_file_gives(real_train_path):
    from gmsc.splitting import read_kaggle

    assert (
        calibration.to_json(calibration.measure(read_kaggle(real_train_path)))
        == calibration.DEFAULT_PATH.read_text()
    )
