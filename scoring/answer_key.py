"""The hidden answer key of a challenge: Ids, labels and the Public/Private split."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

LABEL_COLUMN = "SeriousDlqin2yrs"
USAGE_VALUES = ("Public", "Private")


class AnswerKeyError(ValueError):
    """The answer key file itself is unusable: an operator's problem, not a student's."""


@dataclass(frozen=True, eq=False)
class AnswerKey:
    """Answer-key rows in file order, and a fast map from a submitted Id to its row."""

    ids: np.ndarray  # int64
    labels: np.ndarray  # int8, 0 or 1
    public: np.ndarray  # bool, True where Usage is Public
    _row_of_id: np.ndarray  # dense table: row_of_id[id - min_id] is the row, -1 if absent
    min_id: int

    @classmethod
    def from_arrays(cls, ids, labels, public=None) -> AnswerKey:
        ids = np.asarray(ids, dtype=np.int64)
        labels = np.asarray(labels, dtype=np.int8)
        public = np.ones(len(ids), bool) if public is None else np.asarray(public, bool)
        if len(ids) == 0:
            raise AnswerKeyError("the answer key has no rows")
        if len(np.unique(ids)) != len(ids):
            raise AnswerKeyError("the answer key has duplicated Ids")
        if not np.isin(labels, (0, 1)).all():
            raise AnswerKeyError("answer-key labels must be 0 or 1")
        if labels.min() == labels.max():
            raise AnswerKeyError("the answer key needs both labels for ROC AUC to exist")
        min_id = int(ids.min())
        span = int(ids.max()) - min_id + 1
        # Renumbered keys are dense, so a lookup table beats hashing; refuse absurd spans.
        if span > 8 * len(ids) + 1_000_000:
            raise AnswerKeyError("answer-key Ids are too sparse; renumber them with split.py")
        row_of_id = np.full(span, -1, dtype=np.int64)
        row_of_id[ids - min_id] = np.arange(len(ids))
        return cls(ids, labels, public, row_of_id, min_id)

    def __len__(self) -> int:
        return len(self.ids)

    def rows_of(self, submitted_ids: np.ndarray) -> np.ndarray:
        """Answer-key row of each submitted Id, or -1 for an Id not in the key."""
        offsets = submitted_ids - self.min_id
        inside = (offsets >= 0) & (offsets < len(self._row_of_id))
        rows = np.full(len(submitted_ids), -1, dtype=np.int64)
        rows[inside] = self._row_of_id[offsets[inside]]
        return rows

    def describe_ids(self) -> str:
        return f"Ids run from {int(self.ids.min())} to {int(self.ids.max())}"


def read_answer_key(path: Path) -> AnswerKey:
    """Read an answer-key CSV with columns Id, the label and (optionally) Usage."""
    try:
        frame = pd.read_csv(path, usecols=lambda c: c in ("Id", LABEL_COLUMN, "Usage"))
    except (OSError, ValueError) as exc:
        raise AnswerKeyError(f"cannot read the answer key {path}: {exc}") from exc
    missing = {"Id", LABEL_COLUMN} - set(frame.columns)
    if missing:
        raise AnswerKeyError(f"the answer key {path} lacks the column(s) {sorted(missing)}")
    if frame[["Id", LABEL_COLUMN]].isna().any().any():
        raise AnswerKeyError(f"the answer key {path} has empty Ids or labels")
    public = None
    if "Usage" in frame.columns:
        usage = frame["Usage"].astype(str)
        if not usage.isin(USAGE_VALUES).all():
            raise AnswerKeyError("the Usage column must hold only Public or Private")
        public = (usage == "Public").to_numpy()
    return AnswerKey.from_arrays(frame["Id"].to_numpy(), frame[LABEL_COLUMN].to_numpy(), public)


@lru_cache(maxsize=8)
def _cached_key(path: Path, mtime_ns: int, size: int) -> AnswerKey:
    return read_answer_key(path)


def load_answer_key(path: str | Path) -> AnswerKey:
    """The answer key at `path`, read once per process and again only if the file changes."""
    path = Path(path).resolve()
    try:
        stat = path.stat()
    except OSError as exc:
        raise AnswerKeyError(f"the answer key {path} cannot be found") from exc
    return _cached_key(path, stat.st_mtime_ns, stat.st_size)
