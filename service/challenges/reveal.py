"""When students see private scores: the teacher reveals them, or the deadline passes."""

from __future__ import annotations

from datetime import UTC, datetime

from service.errors import Conflict, InvalidInput
from service.extensions import db
from service.store.models import Challenge, utcnow


def set_revealed(challenge: Challenge, revealed: bool) -> Challenge:
    """Reveal the private scores now (keeping the first reveal's time), or hide them again."""
    if not revealed:
        if challenge.deadline is not None and challenge.deadline <= utcnow():
            raise Conflict(
                "the deadline has passed, which reveals the scores: move or remove the deadline first"
            )
        challenge.private_revealed_at = None
    elif challenge.private_revealed_at is None:
        challenge.private_revealed_at = utcnow()
    if challenge.private_revealed:
        challenge.finals_locked_at = challenge.finals_locked_at or utcnow()
    db.session.commit()
    return challenge


def set_deadline(challenge: Challenge, deadline: datetime | None) -> Challenge:
    """Reveal at `deadline` (a time without zone is UTC); None: no deadline."""
    if challenge.private_revealed:  # students may have seen them under the old deadline
        challenge.finals_locked_at = challenge.finals_locked_at or utcnow()
    challenge.deadline = as_stored_utc(deadline)
    db.session.commit()
    return challenge


def as_stored_utc(moment: datetime | None) -> datetime | None:
    # The store keeps naive UTC times (see models.utcnow).
    if moment is None or moment.tzinfo is None:
        return moment
    try:
        return moment.astimezone(UTC).replace(tzinfo=None)
    except OverflowError:
        raise InvalidInput("the deadline is out of range; give a date between years 2000 and 9999") from None
