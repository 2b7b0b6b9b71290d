"""A synthetic training file shaped like Kaggle's, built from the calibration figures alone.

A Gaussian copula gives the features the real data's rank correlations, each
column goes through the real quantiles, values go missing at the real rates,
and the label follows the logistic model fitted on the real data. Same
calibration, rows and seed: same frame, on any machine.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import brentq
from scipy.special import expit, ndtr

from gmsc.calibration import Calibration, ColumnProfile, round_significant
from gmsc.columns import FEATURES, LABEL
from gmsc.copula import correlation_factor, label_inputs

# Enough digits to look like real amounts, few enough to keep the sample small.
SIGNIFICANT_DIGITS = 5


def _column(
    profile: ColumnProfile, uniform: np.ndarray, probabilities: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    values = np.interp(uniform, probabilities, profile.quantiles)
    # Whole-number columns stay floats on purpose: pandas writes them "45.0",
    # a form Kaggle's CSV never uses (it writes "45", "0"). So no run of fields
    # of a synthetic file can spell a real row, whatever the draw: counts, ages
    # and the many exact zeros would otherwise line up with real rows by chance.
    values = np.round(values) if profile.integer else round_significant(values, SIGNIFICANT_DIGITS)
    values[rng.random(len(values)) < profile.missing_rate] = np.nan
    return values


def _labels(frame: pd.DataFrame, calibration: Calibration, rng: np.random.Generator) -> np.ndarray:
    inputs = label_inputs(frame, calibration.missing_columns)
    weights = np.array([calibration.coefficients[name] for name in inputs.columns])
    logits = inputs.to_numpy() @ weights
    # The stored intercept fits the real rows; the synthetic scores are spread a
    # little differently, so solve for the intercept that gives the real label rate.
    intercept = brentq(lambda shift: expit(shift + logits).mean() - calibration.label_rate, -50.0, 50.0)
    return (rng.random(len(frame)) < expit(intercept + logits)).astype(np.int64)


def generate(calibration: Calibration, rows: int, seed: int) -> pd.DataFrame:
    """`rows` synthetic rows with Kaggle's training columns (label first, then the ten features)."""
    rng = np.random.default_rng(seed)
    latent = rng.standard_normal((rows, len(FEATURES))) @ correlation_factor(calibration.correlation).T
    uniform = ndtr(latent)
    frame = pd.DataFrame(
        {
            name: _column(calibration.columns[name], uniform[:, j], calibration.probabilities, rng)
            for j, name in enumerate(FEATURES)
        }
    )
    frame.insert(0, LABEL, _labels(frame, calibration, rng))
    return frame
