"""Reading a teacher's answer key in Kaggle's solution format, validated whole, every problem listed.

A key file has `Id`, the target column (named, when the file has other columns too) and optionally
`Usage` (Public/Private). Without `Usage` the
rows are split here, stratified on the target and reproducible from a seed. What is kept is the key
as read, with its `Usage`, so that grading reads the same rows whatever NumPy's random streams become.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .answer_key import ID_COLUMN, USAGE_COLUMN, USAGE_VALUES, AnswerKey
from .errors import AnswerKeyError, ProblemCollector, shown
from .metrics import Metric, metric_named

# Each part must be large enough for its score to mean something.
MIN_PART_ROWS = 10
MAX_CLASSES = 1000
WHOLE_ID = re.compile(r"[+-]?\d{1,18}")
# A prediction column is a CSV header name: no separators, quotes or line breaks.
COLUMN_NAME = re.compile(r"[^,\"\r\n\x00]{1,64}")


@dataclass(frozen=True)
class KeyFile:
    """A validated key, and its text as stored (Id, target, Usage) from which it is read again."""

    key: AnswerKey
    stored: bytes

    @property
    def part_rows(self) -> dict[str, int]:
        public = int(self.key.public.sum())
        return {"public": public, "private": len(self.key) - public}


def read_key_file(
    data: bytes,
    metric: str,
    prediction_column: str | None = None,
    public_fraction: float = 0.3,
    seed: int = 0,
    target_column: str | None = None,
) -> KeyFile:
    """Validate a key file for `metric`; raises `AnswerKeyError` listing every problem found."""
    try:
        scorer = metric_named(metric)
    except ValueError as error:
        raise AnswerKeyError(str(error)) from None
    frame, target_column = _frame_of(data, target_column or None)
    prediction_column = target_column if prediction_column in (None, "") else prediction_column
    if not COLUMN_NAME.fullmatch(prediction_column) or prediction_column.strip() != prediction_column:
        raise AnswerKeyError(
            f"the prediction column {shown(prediction_column)} must be 1 to 64 characters, "
            "without commas, quotes or line breaks"
        )
    if prediction_column == ID_COLUMN:
        raise AnswerKeyError("the prediction column cannot be called Id")
    collector = ProblemCollector()
    ids = _ids(frame[ID_COLUMN], collector)
    targets, classes = _targets(frame[target_column], scorer, collector)
    if USAGE_COLUMN in frame.columns:
        public = _usage(frame[USAGE_COLUMN], collector)
    else:
        public = stratified_public(targets, public_fraction, seed)
    collector.raise_if_any(AnswerKeyError)
    _check_parts(targets, public, scorer, collector)
    collector.raise_if_any(AnswerKeyError)
    key = AnswerKey.from_arrays(ids, targets, public, scorer.name, prediction_column, target_column, classes)
    stored = pd.DataFrame({
        ID_COLUMN: frame[ID_COLUMN], target_column: frame[target_column],
        USAGE_COLUMN: np.where(public, "Public", "Private"),
    }).to_csv(index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)  # fmt: skip
    return KeyFile(key, stored.encode())


def stratified_public(targets: np.ndarray, fraction: float, seed: int) -> np.ndarray:
    """Public rows: `fraction` of each class (of each tenth of a numeric target), chosen by `seed`."""
    if not 0 < fraction < 1:
        raise AnswerKeyError(f"public_fraction must be between 0 and 1 (exclusive), not {fraction}")
    if not 0 <= seed < 2**32:
        raise AnswerKeyError(f"the seed must be a whole number from 0 to {2**32 - 1}, not {seed}")
    if targets.dtype.kind == "f":  # a numeric target: strata by decile
        edges = np.quantile(targets, np.linspace(0, 1, 11)[1:-1])
        strata = np.searchsorted(edges, targets, side="right")
    else:
        strata = targets
    rng = np.random.default_rng(seed)
    public = np.zeros(len(targets), dtype=bool)
    for stratum in np.unique(strata):
        rows = np.flatnonzero(strata == stratum)
        public[rng.permutation(rows)[: int(round(fraction * len(rows)))]] = True
    return public


def _frame_of(data: bytes, wanted_target: str | None) -> tuple[pd.DataFrame, str]:
    """The key's Id, target and Usage columns, and the target's name. The header is checked first,
    and only those columns are read: a key's cost is linear in its bytes whatever its width."""
    if b"\x00" in data:
        raise AnswerKeyError("the answer key holds binary data (NUL bytes); upload a CSV text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise AnswerKeyError(f"the answer key is not UTF-8 text (byte {error.start})") from None
    if not text.strip():
        raise AnswerKeyError("the answer key is empty; expected a header Id,<target>[,Usage] and its rows")
    try:
        header = [name.strip() for name in next(csv.reader(io.StringIO(text)))]
    except csv.Error as error:
        raise AnswerKeyError(f"the answer key's header is not valid CSV: {error}") from None
    target_column = _target_column(header, wanted_target)
    wanted = [ID_COLUMN, target_column] + ([USAGE_COLUMN] if USAGE_COLUMN in header else [])
    positions = sorted(header.index(name) for name in wanted)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False,
                            skip_blank_lines=False, engine="c", header=0,
                            usecols=positions)  # fmt: skip
    except (ValueError, pd.errors.ParserError) as error:
        raise AnswerKeyError(f"the answer key is not valid CSV: {str(error).strip()[:300]}") from None
    frame.columns = [header[at] for at in positions]  # pandas keeps the file's order; names stripped
    if len(frame) == 0:
        raise AnswerKeyError("the answer key has a header but no rows")
    return frame.apply(lambda column: column.str.strip()), target_column


def _target_column(columns: list[str], wanted: str | None) -> str:
    if len(set(columns)) != len(columns):
        raise AnswerKeyError(
            f"the answer key's header repeats a column: {', '.join(map(shown, columns[:10]))}"
        )
    if ID_COLUMN not in columns:
        raise AnswerKeyError(
            f"the answer key needs an Id column; its header is {', '.join(map(shown, columns[:10]))}"
        )
    others = [c for c in columns if c not in (ID_COLUMN, USAGE_COLUMN)]
    if wanted is not None:
        if wanted not in others:
            raise AnswerKeyError(f"the answer key has no target column {shown(wanted)}")
        return wanted
    if len(others) != 1:
        found = ", ".join(map(shown, others[:10])) or "none"
        raise AnswerKeyError(
            f"the answer key needs one target column beside Id and Usage, found {found}: "
            "name the target column"
        )
    return others[0]


def _line(row: int) -> int:
    return row + 2  # the header is line 1


def _ids(cells: pd.Series, collector: ProblemCollector) -> np.ndarray:
    """Whole-number Ids when every Id is one (compared as numbers), else text Ids (compared exactly)."""
    text = cells.to_numpy(dtype=object)
    _flag(text == "", collector, ID_COLUMN, lambda r: "the Id is empty")
    whole = cells.str.fullmatch(WHOLE_ID.pattern).to_numpy(dtype=bool)
    ids = text if not whole.all() else cells.astype(np.int64).to_numpy()
    repeated = pd.Series(ids).duplicated(keep="first").to_numpy() & (text != "")
    if repeated.any():
        first_of = pd.Series(np.arange(len(ids))).groupby(pd.Series(ids)).transform("min").to_numpy()
        _flag(repeated, collector, ID_COLUMN,
              lambda r: f"Id {shown(str(text[r]))} appears again (first on line {_line(first_of[r])})")  # fmt: skip
    return ids


def _targets(cells: pd.Series, metric: Metric, collector: ProblemCollector):
    """The targets as the metric reads them, and the class labels for a label metric."""
    column = str(cells.name)
    if metric.target == "labels":
        text = cells.to_numpy(dtype=object)
        _flag(text == "", collector, column, lambda r: "the target is empty; expected a class label")
        # Hashing, not np.unique: a fixed-width copy would take rows x the longest label.
        codes, classes = pd.factorize(text, sort=True)
        if len(classes) > MAX_CLASSES:
            collector.add(
                f"{len(classes):,} classes; {metric.name} takes at most {MAX_CLASSES:,}", column=column
            )
        elif len(classes) < 2:
            collector.add(
                f"every row has the class {shown(str(classes[0]))}; {metric.name} needs two or more"
            )
        return codes.astype(np.int64), classes.astype(object)
    values = pd.to_numeric(cells, errors="coerce").to_numpy(dtype=np.float64)
    finite = np.isfinite(values)
    text = cells.to_numpy(dtype=object)
    if metric.target == "binary":
        _flag(~np.isin(values, (0, 1)), collector, column,
              lambda r: f"{shown(str(text[r]))} is not a label 0 or 1, which {metric.name} needs")  # fmt: skip
        return np.where(finite, values, 0).astype(np.int8), None
    _flag(~finite, collector, column, lambda r: f"{shown(str(text[r]))} is not a finite number")
    for check in metric.key_checks:
        said = f"{check.found}; {metric.name} takes targets {check.wanted}"
        refused = finite & check.refuses(values)
        _flag(refused, collector, column, lambda r, said=said: f"{shown(str(text[r]))} {said}")
    return np.where(finite, values, 0.0), None


def _usage(cells: pd.Series, collector: ProblemCollector) -> np.ndarray:
    text = cells.to_numpy(dtype=object)
    _flag(~np.isin(text, USAGE_VALUES), collector, USAGE_COLUMN,
          lambda r: f"Usage must be Public or Private, found {shown(str(text[r]))}")  # fmt: skip
    return text == "Public"


def _flag(bad: np.ndarray, collector: ProblemCollector, column: str, message) -> None:
    """List the first bad rows (worded by `message(row)`) and count the others."""
    rows = np.flatnonzero(bad)
    for row in rows[:50].tolist():
        collector.add(lambda r=row: message(r), _line(row), column)
    collector.count(max(0, len(rows) - 50))


def _check_parts(
    targets: np.ndarray, public: np.ndarray, metric: Metric, collector: ProblemCollector
) -> None:
    for name, mask in (("Public", public), ("Private", ~public)):
        rows = int(mask.sum())
        if rows < MIN_PART_ROWS:
            collector.add(f"the {name} part has {rows} rows; each part needs at least {MIN_PART_ROWS}",
                          column=USAGE_COLUMN)  # fmt: skip
        elif metric.target == "binary" and len(np.unique(targets[mask])) < 2:
            only = int(targets[mask][0])
            collector.add(
                f"every {name} row has the label {only}; {metric.title} needs both labels in each part",
                column=USAGE_COLUMN,
            )
