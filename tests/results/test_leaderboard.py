"""The leaderboards as `leaderboard` builds them: what a student is shown, to the shown decimals."""

from datetime import datetime

from sqlalchemy import select

from service.extensions import db
from service.results.leaderboard import leaderboard
from service.store.models import Challenge, User
from tests.routes.scored import add_scored, challenge_id, change_challenge


def board_for(app, username: str) -> dict:
    with app.app_context():
        viewer = db.session.scalar(select(User).where(User.username == username))
        return leaderboard(db.session.get(Challenge, challenge_id(app)), viewer)


def test_the_gap_a_student_is_shown_is_between_the_scores_they_are_shown(class_a, make_user):
    make_user("teacher-a", "teacher")
    # Shown to 5 decimals: public 0.80000, private 0.70001; their gap -0.09999, where the exact
    # scores' gap (-0.099998) would read -0.10000.
    add_scored(class_a, "ann", 0.800004, 0.700006, minute=1)
    change_challenge(class_a, private_revealed_at=datetime(2025, 3, 2))
    (row,) = board_for(class_a, "ann")["private"]
    assert (row["public_score"], row["score"]) == (0.8, 0.70001)
    assert row["gap"] == -0.09999  # exactly: 0.70001 - 0.8 is -0.09999000000000002 unrounded
    (staff_row,) = board_for(class_a, "teacher-a")["private"]
    assert staff_row["gap"] == 0.700006 - 0.800004  # staff: exact scores, an exact gap
