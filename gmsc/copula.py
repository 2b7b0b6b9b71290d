"""Normal scores and label-model inputs: the shared ground of calibration and generator.

The calibration fits its label model on these inputs measured on the real
data; the generator recomputes them on the synthetic rows, so the stored
coefficients mean the same thing on both sides.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.special import ndtri
from scipy.stats import rankdata

from gmsc.columns import FEATURES

MISSING_SUFFIX = " missing"


def normal_scores(values: pd.Series) -> np.ndarray:
    """Van der Waerden scores Φ⁻¹((rank - ½) / n) of the present values; NaN where missing.

    Ties share their mid-rank, so a point mass (the many zero counts) maps to one score.
    """
    scores = np.full(len(values), np.nan)
    present = values.notna().to_numpy()
    ranks = rankdata(values[present].to_numpy(dtype=float), method="average")
    scores[present] = ndtri((ranks - 0.5) / present.sum())
    return scores


def label_inputs(frame: pd.DataFrame, missing_columns: Sequence[str]) -> pd.DataFrame:
    """Normal score of every feature (0, the median, where missing) and a missing flag per column.

    A missing income says something about the borrower in the real data, so the
    flag is an input of its own rather than being folded into the imputed score.
    """
    inputs = {name: np.nan_to_num(normal_scores(frame[name]), nan=0.0) for name in FEATURES}
    for name in missing_columns:
        inputs[name + MISSING_SUFFIX] = frame[name].isna().to_numpy(dtype=float)
    return pd.DataFrame(inputs, index=frame.index)


def correlation_factor(correlation: np.ndarray) -> np.ndarray:
    """A matrix L with L Lᵀ ≈ correlation, tolerant of small negative eigenvalues.

    Pairwise-complete correlations rounded to six digits need not be exactly
    positive definite, which a Cholesky factorisation would reject.
    """
    eigenvalues, eigenvectors = np.linalg.eigh(correlation)
    return eigenvectors * np.sqrt(np.clip(eigenvalues, 0.0, None))
