"""Kaggle's training file -> training part, answer key and public features.

Kaggle's own test labels were never published, so the challenge's answer key
is a stratified share of the labelled training file, renumbered and marked
Public or Private row by row the way Kaggle marks its leaderboard rows.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from gmsc.columns import FEATURES, ID, LABEL, MISSING_TEXT, PRIVATE, PUBLIC, TRAINING_COLUMNS, USAGE


class DataFileError(ValueError):
    """A file that is not a readable CSV with Kaggle's training columns."""


@dataclass(frozen=True)
class Split:
    """The three tables a split produces, each with its own Id 1..n."""

    train: pd.DataFrame  # Id, label, features
    answer_key: pd.DataFrame  # Id, label, features, Usage
    features: pd.DataFrame  # Id, features: what students predict from

    def write(self, train_path: Path, answer_key_path: Path, features_path: Path) -> None:
        """Write the three tables as CSV, missing values as Kaggle writes them ("NA")."""
        for table, path in (
            (self.train, train_path),
            (self.answer_key, answer_key_path),
            (self.features, features_path),
        ):
            path.parent.mkdir(parents=True, exist_ok=True)
            table.to_csv(path, index=False, na_rep=MISSING_TEXT)


def read_kaggle(path: Path) -> pd.DataFrame:
    """Kaggle's cs-training.csv (or Kaggle's .zip of it): label and features, row number as index."""
    try:
        frame = pd.read_csv(path, index_col=0)
    except (ValueError, zipfile.BadZipFile) as exc:  # not text, not CSV, or a zip of several files
        raise DataFileError(f"{path} is not a readable CSV file: {exc}") from exc
    absent = [name for name in TRAINING_COLUMNS if name not in frame.columns]
    if absent:
        raise DataFileError(f"{path} is not Kaggle's cs-training.csv: no column {', '.join(absent)}")
    return frame[list(TRAINING_COLUMNS)]


def _numbered(frame: pd.DataFrame) -> pd.DataFrame:
    numbered = frame.reset_index(drop=True)
    numbered.insert(0, ID, np.arange(1, len(numbered) + 1))
    return numbered


def _usage(labels: pd.Series, public_share: float, seed: int) -> np.ndarray:
    # Stratified like the split itself, so the public and the private score
    # are measured on the same label rate and differ only by sampling noise.
    public, _ = train_test_split(
        np.arange(len(labels)), train_size=public_share, stratify=labels, random_state=seed
    )
    usage = np.full(len(labels), PRIVATE, dtype=object)
    usage[public] = PUBLIC
    return usage


def split(frame: pd.DataFrame, seed: int, test_size: float, public_share: float) -> Split:
    """A stratified split of a frame with Kaggle's training columns; same seed, same split."""
    train, test = train_test_split(frame, test_size=test_size, stratify=frame[LABEL], random_state=seed)
    answer_key = _numbered(test)
    answer_key[USAGE] = _usage(answer_key[LABEL], public_share, seed)
    return Split(
        train=_numbered(train),
        answer_key=answer_key,
        features=answer_key[[ID, *FEATURES]],
    )
