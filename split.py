"""Split a GMSC training file into the challenge's training part, answer key and feature file.

    python split.py [PATH] [--seed 42] [--test-size 0.2] [--public-share 0.3] [--out DIR]

PATH is Kaggle's cs-training.csv (or Kaggle's .zip of it); without it the
GMSC_TRAIN setting is used, and without that a synthetic training file is
generated from data/gmsc-calibration.json: that is how the committed sample
is built. See data/README.md.

For a class's own challenge, split Kaggle's file with a seed of your own into a folder:
`python split.py cs-training.csv --seed 7 --out data/class` writes DIR/answer-key.csv,
DIR/train.csv and DIR/test-features.csv, which `flask challenges create --from-split DIR` takes.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from gmsc import calibration, splitting, synthetic
from gmsc.columns import LABEL, PUBLIC, USAGE

ROOT = Path(__file__).resolve().parent


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Split Kaggle's GMSC training file (or a synthetic one) into "
        "data/train2.csv, the answer key test2.csv and the students' data/test2-features.csv.",
    )
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        help="Kaggle's cs-training.csv or .zip (default: the GMSC_TRAIN setting; if unset, a synthetic file)",
    )
    parser.add_argument(
        "--synthetic", action="store_true", help="generate the synthetic sample even if GMSC_TRAIN is set"
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=42,
        help="seed of the split, the Usage marks and the synthetic rows (default: %(default)s)",
    )
    parser.add_argument(
        "--test-size", type=float, default=0.2, help="share of rows in the answer key (default: %(default)s)"
    )
    parser.add_argument(
        "--public-share",
        type=float,
        default=0.3,
        help="share of answer-key rows marked Public (default: %(default)s)",
    )
    parser.add_argument(
        "--synthetic-rows",
        type=int,
        default=50_000,
        help="rows of the synthetic training file, before the split (default: %(default)s)",
    )
    parser.add_argument(
        "--calibration",
        type=Path,
        default=calibration.DEFAULT_PATH,
        help="calibration figures for the synthetic file (default: data/gmsc-calibration.json)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="write DIR/answer-key.csv, DIR/train.csv and DIR/test-features.csv instead (a class's challenge)",
    )
    parser.add_argument(
        "--answer-key", type=Path, default=ROOT / "test2.csv", help="answer key to write (default: test2.csv)"
    )
    parser.add_argument(
        "--train-out",
        type=Path,
        default=ROOT / "data" / "train2.csv",
        help="training part to write (default: data/train2.csv)",
    )
    parser.add_argument(
        "--features-out",
        type=Path,
        default=ROOT / "data" / "test2-features.csv",
        help="public feature file to write (default: data/test2-features.csv)",
    )
    return parser


def _configured_path() -> Path | None:
    # Imported here so that a path on the command line needs no service settings at all.
    from service.config import load_settings

    configured = load_settings().gmsc_train
    return Path(configured).expanduser() if configured else None


def _training_frame(args: argparse.Namespace) -> tuple[pd.DataFrame, bool]:
    """The frame to split, and whether it holds Kaggle's rows."""
    path = None if args.synthetic else args.path or _configured_path()
    if path is not None:
        print(f"reading Kaggle's training file {path}")
        return splitting.read_kaggle(path), True
    print(f"generating {args.synthetic_rows} synthetic rows from {args.calibration} (seed {args.seed})")
    return synthetic.generate(calibration.load(args.calibration), args.synthetic_rows, args.seed), False


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.synthetic and args.path:
        parser.error("give PATH or --synthetic, not both")
    if args.out is not None:  # the names `flask challenges create --from-split` reads
        args.answer_key, args.train_out = args.out / "answer-key.csv", args.out / "train.csv"
        args.features_out = args.out / "test-features.csv"
    try:
        frame, real = _training_frame(args)
    except (OSError, splitting.DataFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    parts = splitting.split(frame, args.seed, args.test_size, args.public_share)
    key = parts.answer_key
    print(
        f"split {len(frame)} rows (seed {args.seed}): {len(parts.train)} for training, "
        f"{len(key)} in the answer key ({(key[USAGE] == PUBLIC).sum()} Public), "
        f"label rate {parts.train[LABEL].mean():.4f} / {key[LABEL].mean():.4f}"
    )
    parts.write(args.train_out, args.answer_key, args.features_out)
    for path, what in (
        (args.answer_key, "answer key"),
        (args.train_out, "training part"),
        (args.features_out, "feature file"),
    ):
        print(f"wrote {path} ({what}, {path.stat().st_size:,} bytes)")
    if real and args.out is None:
        print(
            f"note: {args.answer_key} now holds Kaggle's rows: never commit it (`python split.py --synthetic` restores the sample)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
