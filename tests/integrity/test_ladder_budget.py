"""Each Ladder test is numbered in its student's history, so the levels spent add up to alpha."""

from sqlalchemy import update

from service.extensions import db
from service.integrity.trace import _earlier_ranked
from service.store.models import Submission
from tests.routes.scored import add_scored


def test_a_test_is_numbered_by_the_students_earlier_uploads_that_may_rank(app, two_classes):
    counted = [add_scored(app, "student-a", 0.7, 0.7, minute=1), add_scored(app, "student-a", None, None,
                                                                             minute=2, status="queued")]  # fmt: skip
    add_scored(app, "student-a", None, None, minute=3, status="rejected")  # refused: never tested
    add_scored(app, "student-a", None, None, minute=4, status="failed")
    late = add_scored(app, "student-a", 0.9, 0.9, minute=5)
    add_scored(app, "student-b", 0.8, 0.8, minute=6)  # another class's student
    new = add_scored(app, "student-a", None, None, minute=7, status="queued")
    with app.app_context():
        db.session.execute(update(Submission).where(Submission.id == late).values(late=True))
        assert _earlier_ranked(db.session.get(Submission, new)) == len(counted)
        assert _earlier_ranked(db.session.get(Submission, counted[0])) == 0
