"""Shared fixtures: a small answer key, the app, its test client and CLI runner."""

from __future__ import annotations

import numpy as np
import pytest

from service import create_app
from service.scoring import AnswerKey, read_answer_key

KEY_ROWS = 500


def write_answer_key(path, rows: int = KEY_ROWS, seed: int = 0):
    """A small answer key in the committed file's format, about 10 % positives."""
    rng = np.random.default_rng(seed)
    labels = (rng.random(rows) < 0.1).astype(int)
    labels[:2] = (0, 1)  # both classes, whatever the seed
    usage = np.where(rng.random(rows) < 0.3, "Public", "Private")
    lines = [f"{i},{y},{u}" for i, (y, u) in enumerate(zip(labels, usage), start=1)]
    path.write_text("Id,SeriousDlqin2yrs,Usage\n" + "\n".join(lines) + "\n")
    return path


def _cell(value) -> str:
    return value if isinstance(value, str) else repr(float(value))


def submission_csv(ids, probabilities, header: str = "Id,Probability", newline: str = "\n") -> bytes:
    lines = [header] + [f"{i},{p}" for i, p in zip(ids, map(_cell, probabilities))]
    return (newline.join(lines) + newline).encode()


@pytest.fixture
def answer_key_path(tmp_path):
    return write_answer_key(tmp_path / "answer-key.csv")


@pytest.fixture
def answer_key(answer_key_path) -> AnswerKey:
    return read_answer_key(answer_key_path)


@pytest.fixture
def good_submission(answer_key) -> bytes:
    """A valid submission, rows shuffled, scores that carry some signal."""
    rng = np.random.default_rng(1)
    order = rng.permutation(len(answer_key))
    scores = answer_key.labels[order] * 0.4 + rng.random(len(order))
    return submission_csv(answer_key.ids[order], scores)


@pytest.fixture
def app(answer_key_path, tmp_path):
    return create_app({"answer_key_path": answer_key_path, "instance_path": tmp_path / "instance"})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
