"""Aggregate figures of Kaggle's training file, the only trace of it the project commits.

`python -m gmsc.calibration PATH [--out data/gmsc-calibration.json]` measures
per-column quantiles, missing rates, the label rate, the correlation of normal
scores (a Gaussian copula) and a logistic label model, and writes them as JSON.
`gmsc.synthetic` builds the committed sample from that file alone.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression

from gmsc.columns import FEATURES, LABEL
from gmsc.copula import label_inputs, normal_scores
from gmsc.splitting import read_kaggle

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "gmsc-calibration.json"

# 201 even steps, plus finer steps in both tails: the counts and amounts of
# this data set have long tails that a 0.5 % step would smear over a wide range.
_TAILS = np.array([0.0001, 0.0002, 0.0005, 0.001, 0.002])
QUANTILE_PROBABILITIES = np.unique(np.concatenate([np.linspace(0, 1, 201), _TAILS, 1 - _TAILS]))

# Six significant digits are ample for a generator and keep the file from
# carrying raw values with the full precision of Kaggle's CSV.
SIGNIFICANT_DIGITS = 6


@dataclass(frozen=True)
class ColumnProfile:
    """The marginal distribution of one feature."""

    quantiles: np.ndarray  # at Calibration.probabilities, over present values
    integer: bool
    missing_rate: float


@dataclass(frozen=True)
class Calibration:
    """Everything the synthetic generator needs to know about the real data."""

    rows: int
    label_rate: float
    probabilities: np.ndarray
    columns: dict[str, ColumnProfile]
    correlation: np.ndarray  # of normal scores, FEATURES order
    intercept: float
    coefficients: dict[str, float]  # label-model input name -> coefficient

    @property
    def missing_columns(self) -> list[str]:
        return _with_gaps(self.columns)


def _with_gaps(columns: dict[str, ColumnProfile]) -> list[str]:
    return [name for name in FEATURES if columns[name].missing_rate > 0]


def round_significant(values: np.ndarray, digits: int) -> np.ndarray:
    """Values rounded to `digits` significant digits (exactly, through their decimal text)."""
    flat = np.asarray(values, dtype=float).ravel()
    rounded = np.array([float(f"{value:.{digits}g}") for value in flat])
    return rounded.reshape(np.shape(values))


def measure(frame: pd.DataFrame) -> Calibration:
    """The calibration figures of a frame with Kaggle's training columns."""
    columns = {}
    for name in FEATURES:
        present = frame[name].dropna().to_numpy(dtype=float)
        columns[name] = ColumnProfile(
            quantiles=np.quantile(present, QUANTILE_PROBABILITIES),
            integer=bool(np.all(present == np.round(present))),
            missing_rate=float(frame[name].isna().mean()),
        )
    scores = pd.DataFrame({name: normal_scores(frame[name]) for name in FEATURES})
    inputs = label_inputs(frame, _with_gaps(columns))
    model = LogisticRegression(max_iter=1000).fit(inputs, frame[LABEL])
    return Calibration(
        rows=len(frame),
        label_rate=float(frame[LABEL].mean()),
        probabilities=QUANTILE_PROBABILITIES,
        columns=columns,
        # pairwise-complete: income and dependants are missing in different rows
        correlation=scores.corr().to_numpy(),
        intercept=float(model.intercept_[0]),
        coefficients=dict(zip(inputs.columns, model.coef_[0].tolist())),
    )


def _numbers(values: np.ndarray | float) -> list | float:
    # Floats only, never ints: Python writes every float with a "." or an
    # exponent, so no number here can read as one of Kaggle's whole-number fields.
    return round_significant(np.asarray(values, dtype=float), SIGNIFICANT_DIGITS).tolist()


def to_json(calibration: Calibration) -> str:
    """The JSON text of a calibration: one number per line, six significant digits."""
    document = {
        "source": "aggregate figures of Kaggle's Give Me Some Credit training file (cs-training.csv)",
        "rows": calibration.rows,
        "label": LABEL,
        "label_rate": _numbers(calibration.label_rate),
        "quantile_probabilities": _numbers(calibration.probabilities),
        "columns": {
            name: {
                "integer": profile.integer,
                "missing_rate": _numbers(profile.missing_rate),
                "quantiles": _numbers(profile.quantiles),
            }
            for name, profile in calibration.columns.items()
        },
        "normal_score_correlation": {
            "columns": list(FEATURES),
            "matrix": _numbers(calibration.correlation),
        },
        "label_model": {
            "inputs": "normal scores (0 where missing) and missing flags",
            "intercept": _numbers(calibration.intercept),
            "coefficients": {name: _numbers(value) for name, value in calibration.coefficients.items()},
        },
    }
    return json.dumps(document, indent=2) + "\n"


def load(path: Path = DEFAULT_PATH) -> Calibration:
    """The calibration stored at `path` by `to_json`."""
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    return Calibration(
        rows=document["rows"],
        label_rate=document["label_rate"],
        probabilities=np.array(document["quantile_probabilities"]),
        columns={
            name: ColumnProfile(np.array(entry["quantiles"]), entry["integer"], entry["missing_rate"])
            for name, entry in document["columns"].items()
        },
        correlation=np.array(document["normal_score_correlation"]["matrix"]),
        intercept=document["label_model"]["intercept"],
        coefficients=document["label_model"]["coefficients"],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m gmsc.calibration",
        description="Measure the aggregate figures of Kaggle's cs-training.csv for the synthetic sample.",
    )
    parser.add_argument("path", type=Path, help="Kaggle's cs-training.csv or its .zip")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_PATH, help="JSON file to write (default: %(default)s)"
    )
    args = parser.parse_args(argv)

    frame = read_kaggle(args.path)
    print(f"read {len(frame)} rows from {args.path}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(to_json(measure(frame)), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
