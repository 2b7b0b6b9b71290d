"""A teacher's own challenge: made from their answer key, edited while it runs.

A challenge with submissions keeps its key and metric: scores already given must keep their
meaning, so a new key is a new challenge.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from scoring import AnswerKeyError, KeyFile, read_key_file
from service.accounts.users import SLUG
from service.challenges.answer_keys import answer_key_of, default_answer_key
from service.challenges.files import add_files, sample_submission
from service.challenges.reveal import as_stored_utc, set_deadline, set_revealed
from service.errors import Conflict, InvalidAnswerKey, InvalidInput, ServiceError
from service.extensions import db
from service.results.feedback import EXACT, LADDER
from service.results.standings import rebuild_standings
from service.store.models import AnswerKeyFile, Challenge, Tenant
from service.store.tenancy import select_of_tenant

MAX_TITLE_CHARS = Challenge.__table__.c.title.type.length
MAX_DESCRIPTION_CHARS = 20_000
MAX_PRECISION = 10  # a float holds some 16 digits; more than 10 decimals hide nothing


@dataclass(frozen=True)
class Upload:
    """A file sent with a request: its name and bytes."""

    name: str
    content: bytes


@dataclass(frozen=True)
class ChallengeDraft:
    """What a teacher gives to make a challenge."""

    slug: str
    title: str
    metric: str
    answer_key: Upload
    description: str | None = None
    prediction_column: str | None = None
    target_column: str | None = None
    public_fraction: float = 0.3
    seed: int = 0
    deadline: datetime | None = None
    daily_quota: int | None = None
    files: tuple[Upload, ...] = ()
    score_precision: int = 5
    leaderboard_mode: str = "exact"
    ladder_alpha: float = 0.05


def create_challenge(tenant: Tenant, draft: ChallengeDraft, max_key_bytes: int) -> Challenge:
    """Validate the key whole, then make the challenge with its key and files in one commit."""
    if not SLUG.fullmatch(draft.slug):
        raise InvalidInput("slug: a challenge slug is 2-64 lowercase letters, digits or '-'")
    _check_text(draft.title, draft.description)
    _check_feedback(draft.score_precision, draft.leaderboard_mode, draft.ladder_alpha)
    if db.session.scalar(select_of_tenant(Challenge, tenant).where(Challenge.slug == draft.slug)):
        raise Conflict(f"class {tenant.slug} has a challenge {draft.slug!r} already")
    key_file = _read_key(draft, max_key_bytes)
    _refuse_the_practice_key(key_file)
    stored = db.session.get(AnswerKeyFile, _sha256(key_file.stored))
    if stored is None:
        stored = AnswerKeyFile(
            sha256=_sha256(key_file.stored), content=key_file.stored, rows=len(key_file.key)
        )
        db.session.add(stored)
    challenge = Challenge(
        tenant=tenant, slug=draft.slug, title=draft.title, description=draft.description or None,
        metric=key_file.key.metric.name, answer_key_sha256=stored.sha256,
        prediction_column=key_file.key.prediction_column, deadline=as_stored_utc(draft.deadline),
        daily_quota=draft.daily_quota, score_precision=draft.score_precision,
        leaderboard_mode=draft.leaderboard_mode, ladder_alpha=draft.ladder_alpha,
        sample_submission=sample_submission(key_file.key),
    )  # fmt: skip
    with _all_or_nothing():
        db.session.add(challenge)
        add_files(challenge, draft.files)
    db.session.commit()
    return challenge


def edit_challenge(challenge: Challenge, changes: dict, files: tuple[Upload, ...] = ()) -> Challenge:
    """Apply the members present in `changes` (title, description, deadline, daily_quota, closed,
    private_revealed, remove_files, score_precision, leaderboard_mode, ladder_alpha) and add `files`;
    a key or metric never changes here."""
    frozen = {"metric", "answer_key", "prediction_column"} & set(changes)
    if frozen:
        raise Conflict(f"{', '.join(sorted(frozen))} cannot change: make a new challenge for a new key")
    _check_text(changes.get("title", challenge.title), changes.get("description"))
    _check_feedback(changes.get("score_precision", challenge.score_precision),
                    changes.get("leaderboard_mode", challenge.leaderboard_mode),
                    changes.get("ladder_alpha", challenge.ladder_alpha))  # fmt: skip
    leaves_ladder = challenge.leaderboard_mode == LADDER and changes.get("leaderboard_mode") == EXACT
    # Exact standings compare scores at the precision shown: another precision, other holders.
    rounds_anew = changes.get("score_precision", challenge.score_precision) != challenge.score_precision and (
        changes.get("leaderboard_mode", challenge.leaderboard_mode) == EXACT
    )
    removed = set(changes.get("remove_files") or ())
    unknown = removed - {f.name for f in challenge.files}
    if unknown:
        raise InvalidInput(f"remove_files: the challenge has no file {sorted(unknown)[0]!r}")
    with _all_or_nothing():
        for name in ("title", "daily_quota", "closed", "score_precision", "leaderboard_mode", "ladder_alpha"):
            if name in changes:
                setattr(challenge, name, changes[name])
        if "description" in changes:
            challenge.description = changes["description"] or None
        challenge.files = [f for f in challenge.files if f.name not in removed]
        add_files(challenge, files)
    if leaves_ladder or rounds_anew:  # each student's best public score again, from their history
        rebuild_standings(challenge)
    db.session.commit()
    if "deadline" in changes:
        set_deadline(challenge, changes["deadline"])
    if "private_revealed" in changes:
        set_revealed(challenge, changes["private_revealed"])
    return challenge


@contextmanager
def _all_or_nothing() -> Iterator[None]:
    """A refusal part-way leaves nothing pending in the session for a later commit to write."""
    try:
        yield
    except ServiceError:
        db.session.rollback()
        raise


def part_rows(challenge: Challenge) -> dict[str, int]:
    """Rows of the challenge's key per part: what its public and private scores are measured on."""
    key = answer_key_of(challenge)
    public = int(key.public.sum())
    return {"public": public, "private": len(key) - public}


def classes_of(challenge: Challenge) -> list[str] | None:
    """A label metric's classes, which every upload may use: public, as a refusal lists them (a
    class only Private rows hold would otherwise be told by a refusal alone). None for the others."""
    key = answer_key_of(challenge)
    return None if key.classes is None else [str(label) for label in key.classes.tolist()]


def _read_key(draft: ChallengeDraft, limit: int) -> KeyFile:
    if len(draft.answer_key.content) > limit:
        raise InvalidInput(
            f"answer_key: the key has {len(draft.answer_key.content):,} bytes; the limit is {limit:,}"
        )
    try:
        return read_key_file(draft.answer_key.content, draft.metric, draft.prediction_column,
                             draft.public_fraction, draft.seed, draft.target_column)  # fmt: skip
    except AnswerKeyError as error:
        raise InvalidAnswerKey(
            error.detail, problems=[p.as_dict() for p in error.problems], total_problems=error.total
        ) from None


def _refuse_the_practice_key(key_file: KeyFile) -> None:
    """The practice key is committed, so anyone can read it: a class graded on it is graded on nothing
    hidden. Refused when one key's rows (Id and target) are all among the other's."""
    practice, key = default_answer_key(), key_file.key
    if key.text_ids or key.metric.target == "labels":
        return  # text Ids or class labels: not the practice key's shape
    for small, large in ((key, practice), (practice, key)):
        rows = large.rows_of(small.ids)
        if (rows >= 0).all() and (large.targets[rows].astype(float) == small.targets.astype(float)).all():
            raise InvalidAnswerKey(
                "this key has the Ids and targets of the practice key that /submit scores, which is "
                "public: make a separate split of Kaggle's file, e.g. `python split.py cs-training.csv "
                "--seed 7 --out data/class` and create the challenge from it with "
                "`flask challenges create --from-split data/class`",
                problems=[],
                total_problems=1,
            )


def _check_feedback(precision: int, mode: str, alpha: float) -> None:
    if not 0 <= precision <= MAX_PRECISION:
        raise InvalidInput(f"score_precision: 0 to {MAX_PRECISION} decimals, not {precision}")
    if mode not in (EXACT, LADDER):
        raise InvalidInput(f"leaderboard_mode: {EXACT} or {LADDER}, not {mode!r}")
    if not 0 < alpha < 0.5:
        raise InvalidInput(f"ladder_alpha: a level between 0 and 0.5, not {alpha}")


def _check_text(title: str, description: str | None) -> None:
    if not title or not title.strip() or len(title) > MAX_TITLE_CHARS:
        raise InvalidInput(f"title: a title has 1 to {MAX_TITLE_CHARS} characters")
    if description is not None and len(description) > MAX_DESCRIPTION_CHARS:
        raise InvalidInput(
            f"description: at most {MAX_DESCRIPTION_CHARS:,} characters, not {len(description):,}"
        )


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
