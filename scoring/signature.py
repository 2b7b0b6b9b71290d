"""A compact trace of a submission's predictions, to find students who send (almost) the same ones.

The trace is the predictions at a fixed sample of the key's rows: their ranks for numbers, their
class codes for labels (a byte or two a row). Two traces' similarity is the rank correlation
(Spearman's) of numbers, the share of equal labels for classes. To find similar pairs without
comparing every pair, each trace is also cut into bands of a similarity hash (random hyperplanes
over the centred ranks; groups of labels): traces that share a band are the candidates.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from .answer_key import AnswerKey
from .reading.strict import Submission

SAMPLE_ROWS = 256
BANDS = 8
BITS_PER_BAND = 32
_SEED = 20150707  # fixed: traces of one key are comparable across processes and versions


@dataclass(frozen=True)
class Trace:
    values: bytes  # uint16 ranks or class codes at the sampled rows, little-endian
    bands: tuple[int, ...]  # BANDS hashes; empty when the predictions carry no ranking (all equal)


def sample_rows(key: AnswerKey) -> np.ndarray:
    """The key rows a trace samples: the same for every submission to the key."""
    return _sample_of(len(key))


# Both draws depend only on a size: drawn once a process, not once a job (they cost more than the trace).
@lru_cache(maxsize=32)
def _sample_of(rows: int) -> np.ndarray:
    sample = np.sort(np.random.default_rng(_SEED).choice(rows, size=min(SAMPLE_ROWS, rows), replace=False))
    sample.flags.writeable = False
    return sample


def trace_of(key: AnswerKey, predictions: np.ndarray, key_rows: np.ndarray) -> Trace:
    """The trace of a valid submission (its predictions in file order, each row's key row)."""
    return trace_in_key_order(key, Submission(predictions, key_rows).in_key_order(len(key)))


def trace_in_key_order(key: AnswerKey, in_key_order: np.ndarray) -> Trace:
    """The trace of a valid submission's predictions in the key's row order."""
    sampled = in_key_order[sample_rows(key)]
    if key.metric.prediction == "label":
        values = sampled.astype("<u2")
        groups = np.array_split(values, BANDS)
        bands = tuple(_fold(group.tobytes()) for group in groups)
    else:
        values = _ranks(sampled).astype("<u2")
        centred = values.astype(np.float64) - values.mean()
        if not centred.any():
            return Trace(values.tobytes(), ())
        bits = (_hyperplanes(len(values)) @ centred) > 0
        bands = tuple(_fold(np.packbits(band).tobytes()) for band in bits.reshape(BANDS, BITS_PER_BAND))
    return Trace(values.tobytes(), bands)


def similarity(first: bytes, second: bytes, labels: bool) -> float:
    """Spearman's correlation of two traces' ranks, or the share of equal labels."""
    if len(first) != len(second) or not first:
        return 0.0
    values = np.frombuffer(first + second, "<u2").reshape(2, -1)
    return float(similarities(values, np.array([0]), np.array([1]), labels)[0])


PAIRS_PER_STEP = 8192


def similarities(traces: np.ndarray, first: np.ndarray, second: np.ndarray, labels: bool) -> np.ndarray:
    """`similarity` of traces[first[i]] and traces[second[i]] for every i at once (traces: one row of
    uint16 values each, of one key, so of one length)."""
    if not labels:  # unit vectors of the centred ranks; float32 is 1e-7 close, and halves the copies
        centred = traces - traces.mean(axis=1, keepdims=True)
        norms = np.linalg.norm(centred, axis=1, keepdims=True)
        traces = np.divide(centred, norms, out=np.zeros_like(centred), where=norms > 0).astype(np.float32)
    scores = np.zeros(len(first))
    for start in range(0, len(first), PAIRS_PER_STEP):  # in steps: a row of each pair's traces is big
        a, b = traces[first[start : start + PAIRS_PER_STEP]], traces[second[start : start + PAIRS_PER_STEP]]
        scores[start : start + len(a)] = (a == b).mean(axis=1) if labels else np.einsum("ij,ij->i", a, b)
    return scores


def _ranks(values: np.ndarray) -> np.ndarray:
    """Average ranks, doubled to stay integers: tied values share a rank, as Spearman's needs."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], len(values)]
    doubled = np.repeat(starts + ends - 1, ends - starts)  # first + last position of each tie group
    ranks = np.empty(len(values), dtype=np.int64)
    ranks[order] = doubled
    return ranks


@lru_cache(maxsize=32)
def _hyperplanes(dimensions: int) -> np.ndarray:
    planes = np.random.default_rng(_SEED + dimensions).standard_normal((BANDS * BITS_PER_BAND, dimensions))
    planes.flags.writeable = False
    return planes


def _fold(data: bytes) -> int:
    """A stable 63-bit hash of `data` (Python's own hash differs between processes)."""
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little") & (2**63 - 1)
