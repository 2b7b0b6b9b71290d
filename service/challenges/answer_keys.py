"""A challenge's answer key: the practice key from its file, a teacher's from the store, each read
once per process (the practice key again if its file changes; a stored key is named by its hash)."""

from __future__ import annotations

import logging
from functools import lru_cache

from flask import current_app
from sqlalchemy import select

from scoring import AnswerKey, AnswerKeyError, load_answer_key, read_key_file
from service.extensions import db
from service.store.models import AnswerKeyFile, Challenge

log = logging.getLogger(__name__)


def default_answer_key() -> AnswerKey:
    """The answer key of the open practice challenge that /submit scores (ANSWER_KEY_PATH)."""
    return load_answer_key(current_app.config["SETTINGS"].answer_key_path)


def answer_key_of(challenge: Challenge) -> AnswerKey:
    if challenge.answer_key_sha256 is None:
        return load_answer_key(challenge.answer_key_path or current_app.config["SETTINGS"].answer_key_path)
    return _stored_key(challenge.answer_key_sha256, challenge.metric, challenge.prediction_column)


@lru_cache(maxsize=16)
def _stored_key(sha256: str, metric: str, prediction_column: str) -> AnswerKey:
    stored = db.session.get(AnswerKeyFile, sha256)
    if stored is None:
        raise AnswerKeyError(f"the store has no answer key {sha256}")
    return read_key_file(stored.content, metric, prediction_column).key


def preload_answer_keys() -> None:
    """Load every challenge's answer key now, so that jobs do not read them again."""
    for challenge in db.session.scalars(select(Challenge)):
        try:
            answer_key_of(challenge)
        except AnswerKeyError as exc:
            log.error("challenge %s cannot be graded: %s", challenge.slug, exc)
