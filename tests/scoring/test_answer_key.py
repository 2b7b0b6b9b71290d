import numpy as np
import pytest

from scoring import AnswerKey, AnswerKeyError, load_answer_key, read_answer_key, score_submission
from tests.conftest import write_answer_key


def test_answer_key_is_read_once_and_again_only_after_a_change(tmp_path):
    path = write_answer_key(tmp_path / "key.csv", rows=50)
    first = load_answer_key(path)
    assert load_answer_key(path) is first
    write_answer_key(path, rows=60, seed=3)
    assert len(load_answer_key(path)) == 60


def test_public_and_private_rows_come_from_the_usage_column(answer_key_path):
    key = read_answer_key(answer_key_path)
    usage = [line.split(",")[2] for line in answer_key_path.read_text().split()[1:]]
    assert key.public.tolist() == [u == "Public" for u in usage]


@pytest.mark.parametrize(
    "content, reason",
    [
        ("Id,SeriousDlqin2yrs\n1,0\n1,1\n", "duplicated"),
        ("Id,SeriousDlqin2yrs\n1,0\n2,2\n", "0 or 1"),
        ("Id,SeriousDlqin2yrs\n1,0\n2,0\n", "both labels"),
        ("Id,Label\n1,0\n2,1\n", "lacks"),
        ("Id,SeriousDlqin2yrs,Usage\n1,0,Public\n2,1,Secret\n", "Usage"),
    ],
)
def test_unusable_answer_keys_are_refused_with_a_reason(tmp_path, content, reason):
    path = tmp_path / "key.csv"
    path.write_text(content)
    with pytest.raises(AnswerKeyError, match=reason):
        read_answer_key(path)


@pytest.mark.parametrize("far_id", [10**15, 2**62])
def test_sparse_ids_are_looked_up_without_a_table_of_their_span(tmp_path, far_id):
    path = tmp_path / "key.csv"
    path.write_text(f"Id,SeriousDlqin2yrs\n1,0\n2,1\n{far_id},0\n")
    key = read_answer_key(path)  # a table of 10**15 entries would not fit in memory
    assert key.rows_of(np.array([far_id, 2, 3, -far_id])).tolist() == [2, 1, -1, -1]
    submission = f"Id,Probability\n{far_id},0.1\n1,0.2\n2,0.9\n".encode()
    assert score_submission(submission, key).score == 1.0


def test_missing_answer_key_file_is_an_answer_key_error(tmp_path):
    with pytest.raises(AnswerKeyError, match="cannot be found"):
        load_answer_key(tmp_path / "nope.csv")


@pytest.mark.parametrize(
    "ids",
    [
        np.arange(1, 301),  # consecutive, in order: rows are Ids less the first
        np.arange(5_000, 5_300),  # consecutive, far from 0
        np.random.default_rng(0).permutation(300) + 1,  # a shuffled key: a table
        np.arange(1, 601, 2),  # gaps near 0: a table indexed by the Id itself
        np.arange(7_000, 7_600, 2),  # gaps, far from 0
    ],
    ids=["consecutive", "consecutive far", "shuffled", "gaps", "gaps far"],
)
def test_every_shape_of_whole_number_key_finds_each_id_and_only_those(ids):
    key = AnswerKey.from_arrays(ids, np.arange(len(ids)) % 2)
    row_of = {int(i): row for row, i in enumerate(ids)}
    probes = np.concatenate([ids, ids + 1, ids - 1, [0, -1, 10**12, int(ids.max()) + 1]])
    assert key.rows_of(probes).tolist() == [row_of.get(int(i), -1) for i in probes]
    within = np.random.default_rng(1).permutation(ids)  # every Id in the table: the gather alone
    assert key.rows_of(within).tolist() == [row_of[int(i)] for i in within]


@pytest.mark.parametrize(
    "ids",
    [
        np.arange(1, 301),
        np.arange(5_000, 5_300),
        np.random.default_rng(0).permutation(300) + 1,
        np.arange(1, 601, 2),
    ],
    ids=["consecutive", "consecutive far", "shuffled", "gaps"],
)
def test_an_id_one_past_the_largest_is_not_in_the_key(ids):
    """Probes within the table but for the last one: the lookup that needs no masks must see it too."""
    key = AnswerKey.from_arrays(ids, np.arange(len(ids)) % 2)
    largest, smallest = int(ids.max()), int(ids.min())
    row_of = {int(i): row for row, i in enumerate(ids)}
    assert key.rows_of(np.array([smallest, largest + 1])).tolist() == [row_of[smallest], -1]
    assert key.rows_of(np.array([largest + 1, largest])).tolist() == [-1, row_of[largest]]
    # And with an Id below the table as well (the masked lookup).
    assert key.rows_of(np.array([largest + 1, smallest - 1, largest])).tolist() == [-1, -1, row_of[largest]]


def test_text_ids_shuffled_with_some_left_in_place_find_their_rows():
    key = AnswerKey.from_arrays(np.array(["a", "b", "c", "d", "e"], dtype=object), [0, 1, 0, 1, 1])
    # "a" and "e" are where the key has them; the rest are not.
    assert key.rows_of(np.array(["a", "c", "d", "b", "e"], dtype=object)).tolist() == [0, 2, 3, 1, 4]
    assert key.rows_of(np.array(["b", "a", "c", "d", "e"], dtype=object)).tolist() == [1, 0, 2, 3, 4]
    assert key.rows_of(np.array(["a", "b", "c", "d", "x"], dtype=object)).tolist() == [0, 1, 2, 3, -1]
    assert key.rows_of(np.array(["a", "b", "c", "d", "e"], dtype=object)).tolist() == [0, 1, 2, 3, 4]
