"""The hidden answer key of a challenge: Ids, targets, the Public/Private split, and how it is scored."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import AnswerKeyError
from .key_parts import KeyParts
from .metrics import Metric, metric_named
from .packed import PackedTexts

ID_COLUMN = "Id"
USAGE_COLUMN = "Usage"
USAGE_VALUES = ("Public", "Private")
# The practice challenge's key (GMSC): its target column and what a submission calls its predictions.
LABEL_COLUMN = "SeriousDlqin2yrs"
PRACTICE_PREDICTION_COLUMN = "Probability"

__all__ = ["AnswerKey", "AnswerKeyError", "load_answer_key", "read_answer_key"]


@dataclass(frozen=True, eq=False)
class AnswerKey:
    """Answer-key rows in file order, the metric that scores them, and a fast map from an Id to its row."""

    ids: np.ndarray  # int64, or an object array of str for text Ids
    targets: np.ndarray  # int8 0/1 (binary metrics), int64 class codes (label metrics), float64 (numeric)
    public: np.ndarray  # bool, True where Usage is Public
    metric: Metric
    prediction_column: str = PRACTICE_PREDICTION_COLUMN
    target_column: str = LABEL_COLUMN
    classes: np.ndarray | None = None  # label metrics: the class labels (str), indexed by code
    _lookup: _IdLookup = field(default=None, repr=False)

    @classmethod
    def from_arrays(
        cls,
        ids,
        targets,
        public=None,
        metric: str = "roc_auc",
        prediction_column: str = PRACTICE_PREDICTION_COLUMN,
        target_column: str = LABEL_COLUMN,
        classes=None,
    ) -> AnswerKey:
        """A key from arrays already read; refuses what no metric could grade (no rows, repeated Ids)."""
        scorer = metric_named(metric)
        ids = np.asarray(ids)
        ids = ids.astype(np.int64) if ids.dtype.kind in "iub" else ids.astype(object)
        public = np.ones(len(ids), bool) if public is None else np.asarray(public, bool)
        if len(ids) == 0:
            raise AnswerKeyError("the answer key has no rows")
        if len(pd.unique(ids)) != len(ids):
            raise AnswerKeyError("the answer key has duplicated Ids")
        if scorer.target == "binary":
            targets = np.asarray(targets)
            if not np.isin(targets, (0, 1)).all():
                raise AnswerKeyError(f"answer-key targets must be 0 or 1 for {scorer.name}")
            targets = targets.astype(np.int8)
            if targets.min() == targets.max():
                raise AnswerKeyError(f"the answer key needs both labels for {scorer.title} to exist")
        elif scorer.target == "labels":
            targets = np.asarray(targets, dtype=np.int64)
            classes = np.asarray(classes, dtype=object)
        else:
            targets = np.asarray(targets, dtype=np.float64)
        lookup = _DenseIds.of(ids) if ids.dtype.kind == "i" else None
        return cls(ids, targets, public, scorer, prediction_column, target_column, classes,
                   lookup or _HashedIds(ids))  # fmt: skip

    def __len__(self) -> int:
        return len(self.ids)

    @cached_property
    def largest_target(self) -> float:
        """The largest |target|: what bounds a row's error, whatever its hidden label."""
        return float(np.abs(self.targets).max())

    @property
    def text_ids(self) -> bool:
        """Whether Ids are text (compared exactly) rather than whole numbers."""
        return self.ids.dtype.kind != "i"

    def rows_of(self, submitted_ids: np.ndarray) -> np.ndarray:
        """Answer-key row of each submitted Id, or -1 for an Id not in the key."""
        return self._lookup.rows_of(submitted_ids)

    @cached_property
    def parts(self) -> KeyParts:
        """The targets and the Public/Private split, prepared once for every scoring of this key."""
        return KeyParts(self.targets, self.public)

    @cached_property
    def packed_ids(self) -> PackedTexts:
        """Text Ids for lookups over a file's bytes (the fast path reads no Python string per row)."""
        return PackedTexts(self.ids.tolist())

    @cached_property
    def packed_classes(self) -> PackedTexts:
        """A label metric's classes, for the same lookups: a class code per row without a string each."""
        return PackedTexts(self.classes.tolist())

    def describe_ids(self) -> str:
        if self.text_ids:
            return f"{len(self):,} text Ids such as {self.ids[0]!r}"
        return f"Ids run from {int(self.ids.min())} to {int(self.ids.max())}"


class _IdLookup:
    def rows_of(self, submitted_ids: np.ndarray) -> np.ndarray:
        raise NotImplementedError


@dataclass(frozen=True, eq=False)
class _DenseIds(_IdLookup):
    """Renumbered keys are dense, so a table indexed by Id beats hashing."""

    table: np.ndarray | None  # table[id - first] is the row, -1 if absent; None: row = id - first
    first: int
    span: int

    @classmethod
    def of(cls, ids: np.ndarray) -> _DenseIds | None:
        lowest, highest = int(ids.min()), int(ids.max())
        if highest - lowest + 1 == len(ids) and ids[0] == lowest and (np.diff(ids) == 1).all():
            return cls(
                None, lowest, len(ids)
            )  # Ids first, first + 1, ... in order (Kaggle's usual): no table
        # Ids from near 0 (1, 2, ...: most keys) index the table as they are, with no subtraction.
        first = 0 if 0 <= lowest <= len(ids) else lowest
        span = highest - first + 1
        if span > 8 * len(ids) + 1_000_000:  # sparse: a hash table instead
            return None
        table = np.full(span, -1, dtype=np.int64)
        table[ids - first] = np.arange(len(ids))
        return cls(table, first, span)

    def rows_of(self, submitted_ids: np.ndarray) -> np.ndarray:
        offsets = submitted_ids - self.first if self.first else submitted_ids
        if len(offsets) and offsets.min() >= 0 and offsets.max() < self.span:
            # Every Id within the table: one gather, no masks (none at all for consecutive Ids).
            return offsets if self.table is None else self.table.take(offsets)
        inside = (offsets >= 0) & (offsets < self.span)
        rows = np.full(len(submitted_ids), -1, dtype=np.int64)
        rows[inside] = offsets[inside] if self.table is None else self.table[offsets[inside]]
        return rows


@dataclass(frozen=True, eq=False)
class _HashedIds(_IdLookup):
    ids: np.ndarray
    index: pd.Index = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", pd.Index(self.ids))

    def rows_of(self, submitted_ids: np.ndarray) -> np.ndarray:
        # A file in the key's own order (as a sample submission is) needs no hashing: comparing
        # the two columns costs a fraction of hashing a million strings.
        if len(submitted_ids) == len(self.index) and (submitted_ids == self.ids).all():
            return np.arange(len(submitted_ids), dtype=np.int64)
        return self.index.get_indexer(submitted_ids).astype(np.int64, copy=False)


def read_answer_key(path: Path) -> AnswerKey:
    """Read the practice challenge's key (GMSC): columns Id, SeriousDlqin2yrs and optionally Usage."""
    try:
        frame = pd.read_csv(path, usecols=lambda c: c in (ID_COLUMN, LABEL_COLUMN, USAGE_COLUMN))
    except (OSError, ValueError) as exc:
        raise AnswerKeyError(f"cannot read the answer key {path}: {exc}") from exc
    missing = {ID_COLUMN, LABEL_COLUMN} - set(frame.columns)
    if missing:
        raise AnswerKeyError(f"the answer key {path} lacks the column(s) {sorted(missing)}")
    if frame[[ID_COLUMN, LABEL_COLUMN]].isna().any().any():
        raise AnswerKeyError(f"the answer key {path} has empty Ids or labels")
    public = None
    if USAGE_COLUMN in frame.columns:
        usage = frame[USAGE_COLUMN].astype(str)
        if not usage.isin(USAGE_VALUES).all():
            raise AnswerKeyError("the Usage column must hold only Public or Private")
        public = (usage == "Public").to_numpy()
    return AnswerKey.from_arrays(frame[ID_COLUMN].to_numpy(), frame[LABEL_COLUMN].to_numpy(), public)


@lru_cache(maxsize=8)
def _cached_key(path: Path, mtime_ns: int, size: int) -> AnswerKey:
    return read_answer_key(path)


def load_answer_key(path: str | Path) -> AnswerKey:
    """The practice key at `path`, read once per process and again only if the file changes."""
    path = Path(path).resolve()
    try:
        stat = path.stat()
    except OSError as exc:
        raise AnswerKeyError(f"the answer key {path} cannot be found") from exc
    return _cached_key(path, stat.st_mtime_ns, stat.st_size)
