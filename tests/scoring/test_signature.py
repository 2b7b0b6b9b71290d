"""Traces of predictions: their similarity is Spearman's, and near-copies share similarity-hash bands."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import spearmanr

from scoring import AnswerKey
from scoring.signature import sample_rows, similarity, trace_of

ROWS = 2000
KEY = AnswerKey.from_arrays(np.arange(ROWS), (np.arange(ROWS) % 7 == 0).astype(int))


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([None, 5]))
def test_similarity_is_spearmans_correlation_on_the_sampled_rows(seed, distinct):
    rng = np.random.default_rng(seed)
    first = rng.random(ROWS) if distinct is None else rng.integers(0, distinct, ROWS).astype(float)
    second = first + rng.normal(0, 0.3, ROWS)
    rows = np.arange(ROWS)
    found = similarity(trace_of(KEY, first, rows).values, trace_of(KEY, second, rows).values, labels=False)
    sampled = sample_rows(KEY)
    expected = spearmanr(first[sampled], second[sampled])[0]
    assert abs(found - expected) <= 1e-6


def test_a_near_copy_shares_bands_and_an_independent_model_does_not():
    rng = np.random.default_rng(0)
    original = rng.random(ROWS)
    shuffled = rng.permutation(ROWS)  # the same predictions, in another row order
    copy = trace_of(KEY, (original + rng.normal(0, 1e-4, ROWS))[shuffled], shuffled)
    other = trace_of(KEY, rng.random(ROWS), np.arange(ROWS))
    mine = trace_of(KEY, original, np.arange(ROWS))
    assert sum(a == b for a, b in zip(mine.bands, copy.bands)) >= 4
    assert not set(mine.bands) & set(other.bands)
    assert trace_of(KEY, np.full(ROWS, 0.5), np.arange(ROWS)).bands == ()  # constant: no ranking to hash
