"""Does the Ladder hold? Chance moves over a long history, the boosting attack, and an honest model.

    python bench/ladder.py            # 50 students x 700 random files, 9,000 Public rows
    python bench/ladder.py --quick    # 10 students x 200 files: about a minute
    python bench/ladder.py --gmsc ../shared/gmsc/cs-training.csv.zip   # the honest-model part's data

Every decision is the service's own: `scoring.significance.compare` (DeLong's test for ROC AUC, the
paired t-test for accuracy) at `ladder_level(alpha, j)` for a student's j-th test, and the score
moves only when the test says the new file beats the one holding it, as `service.integrity.trace`
and `service.results.standings` do. Beside it, the same tests at a fixed level alpha per file (the
Ladder before its budget) and an exact leaderboard (every better score counts).

1. Drift: each student sends `--files` files of random predictions (uniform scores for ROC AUC,
   random 0/1 labels for accuracy) to a key of `--rows` Public rows. Printed: moves per student after
   the first file (which sets the score), and the shown leaderboard score minus chance (0.5, the
   true score of a random file).
2. The boosting attack (Blum and Hardt, 2015, section 5): the same files; the attacker keeps those
   that look better than chance from what the leaderboard shows (exact: each file's score; Ladder:
   the files that moved it, the only ones it says anything about), submits their majority vote (for
   ROC AUC, the mean of their ranks), and reads the leaderboard. Printed: the shown score minus the
   true score of the file holding it (its score on `--rows` fresh rows), per mode.
3. An honest model: on GMSC (Kaggle's file when `--gmsc` names it or ../shared has it, else the
   committed synthetic generator's rows), a student's earlier model trained on fewer features holds
   the score; the baseline model (`gmsc.baseline`) arrives as their 2nd, 50th and 700th upload. Printed:
   both models' Public AUC on 9,000 rows, DeLong's z, the level at each test, and whether it moved.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scoring.metrics import metric_named  # noqa: E402
from scoring.significance import compare, ladder_level  # noqa: E402

SHARED_GMSC = ROOT.parent / "shared" / "gmsc" / "cs-training.csv.zip"
PRECISION = 5  # what a student is shown of each exact score


def random_file(metric: str, rows: int, rng: np.random.Generator) -> np.ndarray:
    return rng.random(rows) if metric == "roc_auc" else rng.integers(0, 2, rows)


class Student:
    """One student's leaderboard under a rule: 'ladder' (the budget), 'fixed' (alpha per test), 'exact'."""

    def __init__(self, metric: str, labels: np.ndarray, rule: str, alpha: float) -> None:
        self.metric, self.labels, self.rule, self.alpha = metric_named(metric), labels, rule, alpha
        self.holder: np.ndarray | None = None
        self.shown: float | None = None
        self.sent = 0
        self.moves = 0

    def send(self, predictions: np.ndarray) -> bool:
        """Send a file; True when it moved the student's leaderboard score."""
        self.sent += 1
        score = self.metric.compute(self.labels, predictions)
        if self.holder is None:
            moved = True
        elif self.rule == "exact":
            moved = score > self.shown
        else:
            level = self.alpha if self.rule == "fixed" else ladder_level(self.alpha, self.sent - 1)
            moved = compare(self.metric, self.labels, predictions, self.holder).significant(level)
        if moved:
            self.moves += self.holder is not None
            self.holder, self.shown = predictions, score
        return moved


def drift_and_attack(metric: str, students: int, files: int, rows: int, alpha: float, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 2, rows)  # balanced: chance is 0.5 for both metrics
    fresh = rng.integers(0, 2, rows)  # the true score of a file: its score on rows it never saw
    scorer = metric_named(metric)
    found = {rule: {"moves": [], "drift": [], "attack": []} for rule in ("fixed", "ladder", "exact")}
    for _ in range(students):
        sent = [random_file(metric, rows, rng) for _ in range(files)]
        for rule, figures in found.items():
            student = Student(metric, labels, rule, alpha)
            looked_better = []
            for predictions in sent:
                moved = student.send(predictions)
                if rule == "exact":
                    if round(student.metric.compute(labels, predictions), PRECISION) > 0.5:
                        looked_better.append(predictions)
                elif moved:
                    looked_better.append(predictions)
            figures["moves"].append(student.moves)
            figures["drift"].append(student.shown - 0.5)
            student.send(_majority(metric, looked_better))
            # The holder's true score: the same predictions met by labels they never saw.
            figures["attack"].append(student.shown - scorer.compute(fresh, student.holder))
    return found


def _majority(metric: str, files: list[np.ndarray]) -> np.ndarray:
    if metric == "roc_auc":
        return np.mean([np.argsort(np.argsort(f)) for f in files], axis=0)
    return (np.mean(files, axis=0) > 0.5).astype(np.int64)


def honest_model(gmsc: Path | None, alpha: float) -> list[str]:
    from sklearn.ensemble import HistGradientBoostingClassifier

    from gmsc.baseline import TREE_SETTINGS, BaselineModel
    from gmsc.columns import FEATURES, LABEL, PUBLIC, USAGE
    from gmsc.splitting import read_kaggle, split
    from gmsc.synthetic import generate

    if gmsc is not None and gmsc.is_file():
        frame, source = read_kaggle(gmsc), f"Kaggle's file {gmsc.name}"
    else:
        from gmsc.calibration import load

        frame, source = generate(load(), 150_000, seed=0), "the synthetic generator (no Kaggle file found)"
    parts = split(frame, seed=7, test_size=0.2, public_share=0.3)
    public = parts.answer_key[parts.answer_key[USAGE] == PUBLIC]
    labels = public[LABEL].to_numpy()
    better = BaselineModel().fit(parts.train, parts.train[LABEL]).predict(public)
    lines = [f"honest model on {source}: {len(public):,} Public rows"]
    for dropped in (FEATURES[:1], FEATURES[:2]):
        kept = [f for f in FEATURES if f not in dropped]
        weaker_model = HistGradientBoostingClassifier(random_state=0, **TREE_SETTINGS)
        weaker_model.fit(parts.train[kept].to_numpy(dtype=float), parts.train[LABEL])
        weaker = weaker_model.predict_proba(public[kept].to_numpy(dtype=float))[:, 1]
        test = compare(metric_named("roc_auc"), labels, better, weaker)
        lines.append(
            f"  holder without {', '.join(dropped)}: AUC {test.old_score:.4f}; baseline {test.new_score:.4f} "
            f"(+{test.new_score - test.old_score:.4f}), DeLong z = {test.statistic:.2f}, p = {test.p_value:.2e}"
        )
        for upload in (2, 50, 700):
            level = ladder_level(alpha, upload - 1)
            verdict = "moves" if test.significant(level) else "does not move"
            lines.append(f"    as upload {upload:>3}: level {level:.2e} (z > {_z(level):.2f}): {verdict}")
    return lines


def _z(level: float) -> float:
    from scipy import stats

    return float(stats.norm.isf(level))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--files", type=int, default=700)
    parser.add_argument("--rows", type=int, default=9000, help="Public rows of the random-file key")
    parser.add_argument("--alpha", type=float, default=0.05)
    parser.add_argument("--metrics", default="accuracy,roc_auc")
    parser.add_argument(
        "--gmsc", type=Path, default=SHARED_GMSC, help="Kaggle's cs-training file (.csv or .zip)"
    )
    parser.add_argument("--quick", action="store_true", help="10 students x 200 files")
    args = parser.parse_args(argv)
    if args.quick:
        args.students, args.files = 10, 200
    print(
        f"{args.students} students x {args.files} random files, {args.rows:,} Public rows, alpha {args.alpha}"
    )
    print(f"levels: test 1 {ladder_level(args.alpha, 1):.2e}, test 49 {ladder_level(args.alpha, 49):.2e}, "
          f"test 699 {ladder_level(args.alpha, 699):.2e}; a fixed level: {args.alpha} per test")  # fmt: skip
    for metric in args.metrics.split(","):
        started, cpu = time.perf_counter(), time.process_time()
        found = drift_and_attack(metric, args.students, args.files, args.rows, args.alpha, seed=1)
        print(
            f"\n{metric} ({time.perf_counter() - started:.0f} s wall, {time.process_time() - cpu:.0f} s CPU)"
        )
        print(f"  {'rule':<22}{'moves after the 1st':>20}{'shown - 0.5':>14}{'attack: shown - true':>24}")
        names = {
            "fixed": "fixed level per test",
            "ladder": "Ladder, one budget",
            "exact": "exact leaderboard",
        }
        for rule, figures in found.items():
            moves = np.mean(figures["moves"]) if rule != "exact" else math.nan
            print(f"  {names[rule]:<22}{moves:>20.2f}{np.mean(figures['drift']):>+14.4f}"
                  f"{np.mean(figures['attack']):>+16.4f} (max {np.max(figures['attack']):+.4f})")  # fmt: skip
    print()
    for line in honest_model(args.gmsc, args.alpha):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
