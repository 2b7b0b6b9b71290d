"""An answer key's rows as every metric reads them: its targets and its Public/Private split.

Made once per key (`AnswerKey.parts`) and reused by each scoring of that key.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cached_property

import numpy as np

Parts = tuple[float, float, float]  # (all rows, public rows, private rows)
Split = Callable[["KeyParts", np.ndarray], Parts]  # (the key's parts, predictions in key order)


class KeyParts:
    """An answer key's targets and its Public/Private split, with what every scoring of that key
    reuses (each part's row numbers and weights, R²'s spread of the targets): made once per key."""

    def __init__(self, targets: np.ndarray, public: np.ndarray) -> None:
        self.targets = targets
        self.public = np.asarray(public, dtype=bool)
        public_rows = int(np.count_nonzero(self.public))
        self.counts = (len(targets), public_rows, len(targets) - public_rows)  # all, Public, Private

    @cached_property
    def rows(self) -> tuple[np.ndarray, np.ndarray]:
        """The Public rows' numbers, and the Private ones': `take` by them beats a boolean mask."""
        return np.flatnonzero(self.public), np.flatnonzero(~self.public)

    @cached_property
    def positive_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """Binary targets: the Public positives' row numbers, and the Private ones'."""
        positive = self.targets == 1
        return np.flatnonzero(self.public & positive), np.flatnonzero(~self.public & positive)

    @cached_property
    def _weights(self) -> tuple[np.ndarray, np.ndarray]:
        public = self.public.astype(np.float64)
        return public, 1.0 - public

    def sums(self, values: np.ndarray) -> Parts:
        """Sums of a per-row value over all, Public and Private rows: a dot product with each part's
        0/1 weights, no gather. The Private sum is a sum of its own, not the total minus the Public
        one: that difference cancels catastrophically when a few rows are huge."""
        public_weights, private_weights = self._weights
        in_public, in_private = dot(values, public_weights), dot(values, private_weights)
        if not (math.isfinite(in_public) and math.isfinite(in_private)):
            # An overflowing row (inf) times the other part's weight 0 is NaN: sum each part's own rows.
            in_public, in_private = (float(values.take(rows).sum()) for rows in self.rows)
        return in_public + in_private, in_public, in_private

    @cached_property
    def target_spreads(self) -> tuple[tuple[float, bool], ...]:
        """Numeric targets, per part: the sum of squares about the part's mean, and whether the part
        is constant (R²'s denominator and its `force_finite` case)."""
        spreads = []
        for part in (self.targets, self.targets[self.public], self.targets[~self.public]):
            spread = part - part.mean() if len(part) else part
            spreads.append((dot(spread, spread), bool(len(part) and part.min() == part.max())))
        return tuple(spreads)


def dot(a: np.ndarray, b: np.ndarray) -> float:
    """Sum of products on this thread: `np.dot` hands long vectors to BLAS's threads, which a busy
    server then waits milliseconds to wake for microseconds of work."""
    return float(np.einsum("i,i->", a, b))
