"""Train the baseline model on data/train2.csv and write test2-predictions.csv.

    python predict.py

The predictions are for data/test2-features.csv, or, when that file is
absent, for the feature columns of the answer key test2.csv.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

from gmsc.baseline import BaselineModel
from gmsc.columns import FEATURES, ID, LABEL, PROBABILITY

ROOT = Path(__file__).resolve().parent


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Train the baseline model and write a submission file (Id,Probability)."
    )
    parser.add_argument(
        "--train",
        type=Path,
        default=ROOT / "data" / "train2.csv",
        help="training part written by split.py (default: data/train2.csv)",
    )
    parser.add_argument(
        "--features",
        type=Path,
        default=ROOT / "data" / "test2-features.csv",
        help="rows to predict (default: data/test2-features.csv)",
    )
    parser.add_argument(
        "--answer-key",
        type=Path,
        default=ROOT / "test2.csv",
        help="rows to predict when the feature file is absent (default: test2.csv)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=ROOT / "test2-predictions.csv",
        help="submission to write (default: test2-predictions.csv)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.train.is_file():
        print(f"error: no training file {args.train}: run `python split.py` first", file=sys.stderr)
        return 2
    rows_path = args.features if args.features.is_file() else args.answer_key
    if not rows_path.is_file():
        print(
            f"error: neither {args.features} nor {args.answer_key} exists: run `python split.py` first",
            file=sys.stderr,
        )
        return 2

    train = pd.read_csv(args.train)
    print(f"read {len(train)} training rows from {args.train}")
    started = time.perf_counter()
    model = BaselineModel().fit(train, train[LABEL])
    print(f"trained the baseline model in {time.perf_counter() - started:.1f} s")

    rows = pd.read_csv(rows_path, usecols=[ID, *FEATURES])
    submission = pd.DataFrame({ID: rows[ID], PROBABILITY: model.predict(rows)})
    print(f"predicted {len(rows)} rows of {rows_path}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # Six significant digits: ties this rare cannot move the AUC, and the file stays small.
    submission.to_csv(args.out, index=False, float_format="%.6g")
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
