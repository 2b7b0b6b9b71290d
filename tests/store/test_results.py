"""Export, leaderboard and final selection on each store (SQLite, and PostgreSQL in CI)."""

import csv
import io

import service.accounts.users as accounts
from service.challenges.lookup import tenant_challenge_by_slug
from service.challenges.reveal import set_revealed
from service.extensions import db
from service.results.export import export_scores
from service.results.finals import select_finals
from service.results.leaderboard import leaderboard
from service.store.models import Role
from tests.conftest import PASSWORD, login
from tests.routes.scored import add_scored


def _class(app):
    with app.app_context():
        tenant = accounts.create_tenant("class-a")
        for name in ("ann", "bob"):
            accounts.create_user(name, PASSWORD, tenant, Role.STUDENT)
        accounts.create_user("tess", PASSWORD, tenant, Role.TEACHER)
    return {
        "ann-1": add_scored(app, "ann", 0.70, 0.90, minute=1),
        "ann-2": add_scored(app, "ann", 0.80, 0.60, minute=2),
        "bob-1": add_scored(app, "bob", 0.75, 0.70, minute=3),
        "bob-bad": add_scored(app, "bob", None, None, minute=4, status="failed"),
    }


def test_selection_and_reveal_rank_the_private_leaderboard(store_app):
    jobs = _class(store_app)
    with store_app.app_context():
        ann = accounts.user_by_username("ann")
        challenge = tenant_challenge_by_slug(ann.tenant, None)
        assert leaderboard(challenge, ann)["private"] is None
        select_finals(ann, challenge, [jobs["ann-1"], jobs["ann-2"]])
        set_revealed(challenge, True)
        board = leaderboard(challenge, ann)
        assert [(r["student"], r["score"]) for r in board["public"]] == [("ann", 0.80), ("bob", 0.75)]
        assert [(r["student"], r["score"]) for r in board["private"]] == [("ann", 0.90), ("bob", 0.70)]
        db.session.remove()


def test_export_streams_from_the_store_over_http(store_app):
    jobs = _class(store_app)
    client = store_app.test_client()
    response = client.get("/admin/scores", headers=login(client, "tess"), buffered=False)
    rows = list(csv.DictReader(io.StringIO(b"".join(response.response).decode("utf-8-sig"))))
    assert [int(r["job_id"]) for r in rows] == list(jobs.values())
    assert [r["final"] for r in rows] == ["no", "yes", "yes", "no"]
    with store_app.app_context():
        tenant = accounts.tenant_by_slug("class-a")
        without_practice = b"".join(export_scores(tenant, "csv", gradebook=True).chunks)
        assert without_practice.decode("utf-8-sig").splitlines()[1:] == []  # the class has its practice only
        gradebook = b"".join(export_scores(tenant, "csv", gradebook=True, practice=True).chunks)
        by_student = {r["student"]: r for r in csv.DictReader(io.StringIO(gradebook.decode("utf-8-sig")))}
        # bob sent two files, one failed: the gradebook counts the scored one
        assert by_student["bob"]["submissions"] == "1" and by_student["bob"]["final_private_score"] == "0.7"
        db.session.remove()


def test_a_standing_keeps_the_best_public_score_whatever_order_jobs_finish_in(store_app):
    """Ties go to the earlier submission even when the later one finishes first."""
    from datetime import datetime

    from service.grading import lifecycle
    from service.store.models import Challenge, Standing, Submission

    with store_app.app_context():
        tenant = accounts.create_tenant("class-a")
        ann = accounts.create_user("ann", PASSWORD, tenant, Role.STUDENT)
        challenge = db.session.scalar(db.select(Challenge).where(Challenge.tenant_id == tenant.id))

        def queued(minute: int) -> int:
            submission = Submission(
                tenant_id=tenant.id, user_id=ann.id, challenge_id=challenge.id, filename="p.csv", content=b"",
                sha256=str(minute), size_bytes=0, created_at=datetime(2025, 3, 1, 9, minute),
            )  # fmt: skip
            db.session.add(submission)
            db.session.commit()
            return submission.id

        early, late, lower, unscored = queued(1), queued(2), queued(3), queued(4)
        lifecycle.finish(late, 0.8, 0.5)
        lifecycle.finish(early, 0.8, 0.6)  # the same score, submitted earlier: it takes the place
        lifecycle.finish(lower, 0.7, 0.9)
        lifecycle.finish(unscored, None, None)
        standing = db.session.get(Standing, (ann.id, challenge.id))
        assert (standing.entries, standing.best_public_id) == (4, early)


def test_a_difference_beyond_the_shown_decimals_moves_no_standing_and_orders_no_students(store_app):
    """Which job holds a score shows (its time, the default final): at 5 decimals 0.812341 and
    0.812344 are one score, so the earlier keeps it; and of two students at 0.81234 the earlier
    ranks first, whatever lies beyond the fifth decimal."""
    with store_app.app_context():
        tenant = accounts.create_tenant("class-a")
        for name in ("ann", "bob"):
            accounts.create_user(name, PASSWORD, tenant, Role.STUDENT)
    add_scored(store_app, "bob", 0.812336, 0.5, minute=0)
    first = add_scored(store_app, "ann", 0.812341, 0.5, minute=1)
    add_scored(store_app, "ann", 0.812344, 0.5, minute=2)  # better, but not at the shown precision
    with store_app.app_context():
        ann = accounts.user_by_username("ann")
        challenge = tenant_challenge_by_slug(ann.tenant, None)
        board = leaderboard(challenge, ann)["public"]
        assert [(row["student"], row["rank"], row["score"]) for row in board] == [
            ("bob", 1, 0.81234), ("ann", 2, 0.81234)]  # fmt: skip
        assert select_finals(ann, challenge, [])["job_ids"] == [first]
        db.session.remove()


def test_showing_more_decimals_lets_the_better_of_two_once_equal_scores_hold(store_app):
    from service.challenges.authoring import edit_challenge

    with store_app.app_context():
        accounts.create_user("ann", PASSWORD, accounts.create_tenant("class-a"), Role.STUDENT)
    first = add_scored(store_app, "ann", 0.812341, 0.5, minute=1)
    second = add_scored(store_app, "ann", 0.812344, 0.5, minute=2)
    with store_app.app_context():
        ann = accounts.user_by_username("ann")
        challenge = tenant_challenge_by_slug(ann.tenant, None)
        assert select_finals(ann, challenge, [])["job_ids"] == [first]
        edit_challenge(challenge, {"score_precision": 6})
        assert select_finals(ann, challenge, [])["job_ids"] == [second]
        db.session.remove()


def test_a_score_on_a_half_rounds_for_its_standing_as_students_read_it(store_app):
    """0.500525 reads 0.50052 (the float lies just below the half): SQL's half-up rounding of its
    decimal text made it 0.50053 and let it take the standing from an earlier 0.50052."""
    with store_app.app_context():
        accounts.create_user("ann", PASSWORD, accounts.create_tenant("class-a"), Role.STUDENT)
    first = add_scored(store_app, "ann", 0.5005249, 0.5, minute=1)
    add_scored(store_app, "ann", 0.500525, 0.5, minute=2)
    with store_app.app_context():
        ann = accounts.user_by_username("ann")
        assert round(0.500525, 5) == round(0.5005249, 5) == 0.50052
        assert select_finals(ann, tenant_challenge_by_slug(ann.tenant, None), [])["job_ids"] == [first]
        db.session.remove()


def test_the_private_leaderboard_ties_scores_equal_at_the_shown_precision_to_the_earlier(store_app):
    with store_app.app_context():
        tenant = accounts.create_tenant("class-a")
        for name in ("ann", "bob"):
            accounts.create_user(name, PASSWORD, tenant, Role.STUDENT)
    add_scored(store_app, "ann", 0.7, 0.6, minute=1)
    add_scored(store_app, "bob", 0.7, 0.6000010416666667, minute=2)  # reads 0.6 too
    with store_app.app_context():
        ann = accounts.user_by_username("ann")
        challenge = tenant_challenge_by_slug(ann.tenant, None)
        set_revealed(challenge, True)
        board = leaderboard(challenge, ann)["private"]
        assert [(row["student"], row["rank"], row["score"]) for row in board] == [
            ("ann", 1, 0.6),
            ("bob", 2, 0.6),
        ]
        db.session.remove()
