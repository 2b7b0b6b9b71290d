"""A challenge's answer key, read once per process (again if its file changes)."""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select

from scoring import AnswerKey, AnswerKeyError, load_answer_key
from service.extensions import db
from service.store.models import Challenge

log = logging.getLogger(__name__)


def default_answer_key() -> AnswerKey:
    """The answer key of the open practice challenge that /submit scores (ANSWER_KEY_PATH)."""
    return load_answer_key(current_app.config["SETTINGS"].answer_key_path)


def answer_key_of(challenge: Challenge) -> AnswerKey:
    return load_answer_key(challenge.answer_key_path or current_app.config["SETTINGS"].answer_key_path)


def preload_answer_keys() -> None:
    """Load every challenge's answer key now, so that jobs do not read them again."""
    for challenge in db.session.scalars(select(Challenge)):
        try:
            answer_key_of(challenge)
        except AnswerKeyError as exc:
            log.error("challenge %s cannot be graded: %s", challenge.slug, exc)
