"""GET /leaderboard, final submissions and the private reveal."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import login
from tests.routes.scored import add_scored, challenge_id


@pytest.fixture
def class_a(two_classes, make_user, app):
    """class-a with students ann, bob and cat (student-a has no submission)."""
    for name in ("ann", "bob", "cat"):
        make_user(name, "student", "class-a")
    return app


def board(client, username, query=""):
    response = client.get(f"/leaderboard{query}", headers=login(client, username))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def reveal(client, app, **changes):
    response = client.patch(
        f"/admin/challenges/{challenge_id(app)}", json=changes, headers=login(client, "teacher-a")
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_public_leaderboard_ranks_each_students_best_public_score(client, class_a):
    add_scored(class_a, "ann", 0.70, 0.60, minute=1)
    add_scored(class_a, "ann", 0.80, 0.75, minute=5)
    add_scored(class_a, "bob", 0.90, 0.70, minute=2)
    add_scored(class_a, "cat", 0.60, 0.90, minute=3)
    add_scored(class_a, "cat", None, None, minute=4, status="failed")
    add_scored(class_a, "teacher-a", 0.99, 0.99, minute=1)  # staff are not ranked
    add_scored(class_a, "student-b", 0.95, 0.95, minute=1)  # another class
    public = board(client, "ann")["public"]
    assert [(row["rank"], row["student"], row["score"]) for row in public] == [
        (1, "bob", 0.90),
        (2, "ann", 0.80),
        (3, "cat", 0.60),
    ]
    assert [row["entries"] for row in public] == [1, 2, 1]
    assert [row["you"] for row in public] == [False, True, False]


def test_equal_scores_rank_the_earlier_submission_first(client, class_a):
    add_scored(class_a, "ann", 0.80, 0.5, minute=9)
    add_scored(class_a, "bob", 0.80, 0.5, minute=3)
    add_scored(class_a, "cat", 0.80, 0.5, minute=6)
    add_scored(class_a, "bob", 0.80, 0.5, minute=1)  # bob's earliest 0.80 is what counts
    assert [row["student"] for row in board(client, "ann")["public"]] == ["bob", "cat", "ann"]


def test_private_scores_stay_hidden_from_students_until_the_reveal(client, class_a):
    job = add_scored(class_a, "ann", 0.80, 0.70, minute=1)
    add_scored(class_a, "bob", 0.90, 0.60, minute=2)
    student_view = board(client, "ann")
    assert student_view["private_revealed"] is False and student_view["private"] is None
    assert "0.7" not in str(student_view)
    assert client.get(f"/jobs/{job}", headers=login(client, "ann")).get_json()["private_score"] is None
    teacher_view = board(client, "teacher-a")
    assert [row["student"] for row in teacher_view["private"]] == ["ann", "bob"]

    assert reveal(client, class_a, private_revealed=True)["private_revealed"] is True

    revealed = board(client, "ann")
    assert revealed["private_revealed"] is True
    rows = {row["student"]: row for row in revealed["private"]}
    assert (rows["ann"]["rank"], rows["ann"]["public_rank"], rows["ann"]["rank_change"]) == (1, 2, 1)
    assert rows["ann"]["gap"] == -0.1  # 0.70 - 0.80 rounded to the shown 5 decimals, not -0.09999999999999998
    assert (rows["bob"]["rank"], rows["bob"]["rank_change"]) == (2, -1)
    assert rows["ann"]["you"] and not rows["bob"]["you"]
    assert client.get(f"/jobs/{job}", headers=login(client, "ann")).get_json()["private_score"] == 0.70


def test_hiding_again_hides_the_private_leaderboard(client, class_a):
    add_scored(class_a, "ann", 0.80, 0.70)
    reveal(client, class_a, private_revealed=True)
    reveal(client, class_a, private_revealed=False)
    assert board(client, "ann")["private"] is None


def test_a_past_deadline_reveals_and_a_future_one_does_not(client, class_a):
    add_scored(class_a, "ann", 0.80, 0.70)
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert reveal(client, class_a, deadline=future)["private_revealed"] is False
    assert board(client, "ann")["private"] is None
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    assert reveal(client, class_a, deadline=past)["private_revealed"] is True
    assert board(client, "ann")["private"][0]["score"] == 0.70


def test_without_a_selection_the_best_public_submission_is_final(client, class_a):
    add_scored(class_a, "ann", 0.70, 0.95, minute=1)  # better private, but not the best public
    best = add_scored(class_a, "ann", 0.80, 0.60, minute=2)
    selection = client.get("/final-submissions", headers=login(client, "ann")).get_json()
    assert selection["job_ids"] == [best] and selection["chosen_by"] == "default"
    assert board(client, "teacher-a")["private"][0]["score"] == 0.60


def test_the_private_leaderboard_ranks_the_best_of_two_selected_submissions(client, class_a):
    first = add_scored(class_a, "ann", 0.70, 0.95, minute=1)
    second = add_scored(class_a, "ann", 0.75, 0.65, minute=2)
    add_scored(class_a, "ann", 0.80, 0.60, minute=3)
    add_scored(class_a, "bob", 0.90, 0.90, minute=4)
    ann = login(client, "ann")
    response = client.put("/final-submissions", json={"job_ids": [first, second]}, headers=ann)
    assert response.status_code == 200, response.get_json()
    assert sorted(response.get_json()["job_ids"]) == [first, second]
    assert response.get_json()["chosen_by"] == "student"
    private = board(client, "teacher-a")["private"]
    assert [(row["student"], row["score"]) for row in private] == [("ann", 0.95), ("bob", 0.90)]
    # An empty selection goes back to the default.
    client.put("/final-submissions", json={"job_ids": []}, headers=ann)
    assert board(client, "teacher-a")["private"][1]["score"] == 0.60


def test_final_selection_refuses_three_jobs_others_jobs_and_ungraded_ones(client, class_a):
    jobs = [add_scored(class_a, "ann", 0.7 + i / 100, 0.6, minute=i) for i in range(3)]
    queued = add_scored(class_a, "ann", None, None, minute=5, status="queued")
    bobs = add_scored(class_a, "bob", 0.9, 0.9)
    ann = login(client, "ann")
    assert client.put("/final-submissions", json={"job_ids": jobs}, headers=ann).status_code == 422
    assert client.put("/final-submissions", json={"job_ids": [bobs]}, headers=ann).status_code == 404
    assert client.put("/final-submissions", json={"job_ids": [queued]}, headers=ann).status_code == 422
    assert client.put("/final-submissions", json={"job_ids": "x"}, headers=ann).status_code == 400
    assert client.get("/final-submissions", headers=ann).get_json()["chosen_by"] == "default"


def test_final_selection_is_locked_once_revealed(client, class_a):
    job = add_scored(class_a, "ann", 0.8, 0.7)
    reveal(client, class_a, private_revealed=True)
    response = client.put("/final-submissions", json={"job_ids": [job]}, headers=login(client, "ann"))
    assert response.status_code == 409
    assert "revealed" in response.get_json()["detail"]


def test_only_staff_of_the_class_reveal(client, class_a):
    url = f"/admin/challenges/{challenge_id(class_a)}"
    assert client.patch(url, json={"private_revealed": True}, headers=login(client, "ann")).status_code == 403
    assert (
        client.patch(url, json={"private_revealed": True}, headers=login(client, "teacher-b")).status_code
        == 404
    )
    assert (
        client.patch(url, json={"private_revealed": True}, headers=login(client, "operator")).status_code
        == 200
    )


def test_leaderboard_is_per_class_and_the_operator_names_it(client, class_a):
    add_scored(class_a, "ann", 0.8, 0.7)
    add_scored(class_a, "student-b", 0.9, 0.9)
    assert [r["student"] for r in board(client, "teacher-b")["public"]] == ["student-b"]
    assert client.get("/leaderboard", headers=login(client, "operator")).status_code == 403
    assert [r["student"] for r in board(client, "operator", "?tenant=class-a")["public"]] == ["ann"]
    assert client.get("/leaderboard?challenge=nope", headers=login(client, "ann")).status_code == 404
    assert client.get("/leaderboard").status_code == 401


def test_cli_reveals_and_sets_a_deadline(runner, client, class_a):
    add_scored(class_a, "ann", 0.8, 0.7)
    result = runner.invoke(args=["challenges", "reveal", "--tenant", "class-a"])
    assert result.exit_code == 0 and "revealed" in result.output
    assert board(client, "ann")["private"][0]["score"] == 0.7
    runner.invoke(args=["challenges", "reveal", "--tenant", "class-a", "--hide"])
    result = runner.invoke(args=["challenges", "deadline", "2020-01-01T00:00+02:00", "--tenant", "class-a"])
    assert result.exit_code == 0 and "2019-12-31 22:00 UTC" in result.output
    assert board(client, "ann")["private"] is not None
    bad = runner.invoke(args=["challenges", "deadline", "next friday", "--tenant", "class-a"])
    assert bad.exit_code != 0 and "ISO 8601" in bad.output


def test_finals_stay_fixed_after_scores_were_revealed_then_hidden(client, class_a):
    best_public = add_scored(class_a, "ann", 0.80, 0.60, minute=1)
    best_private = add_scored(class_a, "ann", 0.70, 0.95, minute=2)
    reveal(client, class_a, private_revealed=True)
    reveal(client, class_a, private_revealed=False)
    ann = login(client, "ann")
    response = client.put("/final-submissions", headers=ann, json={"job_ids": [best_private]})
    assert response.status_code == 409
    reveal(client, class_a, private_revealed=True)
    assert board(client, "ann")["private"][0]["score"] == 0.60  # still the default final, job best_public
    selection = client.get("/final-submissions", headers=ann).get_json()
    assert (selection["job_ids"], selection["chosen_by"]) == ([best_public], "default")


def test_scores_revealed_by_a_past_deadline_cannot_be_hidden_without_moving_it(client, class_a):
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    reveal(client, class_a, deadline=past)
    response = client.patch(
        f"/admin/challenges/{challenge_id(class_a)}",
        json={"private_revealed": False},
        headers=login(client, "teacher-a"),
    )
    assert response.status_code == 409 and "deadline" in response.get_json()["detail"]


def test_disabled_students_leave_the_leaderboard(client, class_a):
    add_scored(class_a, "ann", 0.80, 0.70)
    add_scored(class_a, "bob", 0.90, 0.60)
    teacher = login(client, "teacher-a")
    bob_id = next(
        u["id"] for u in client.get("/admin/users", headers=teacher).get_json() if u["username"] == "bob"
    )
    client.post(f"/admin/users/{bob_id}/disable", headers=teacher)
    assert [row["student"] for row in board(client, "ann")["public"]] == ["ann"]


def test_leaderboard_rows_are_written_as_marshmallow_writes_nested_rows():
    """`Rows` writes each cell with its field's own writer: the JSON is byte for byte that of
    `List(Nested(...))`, whole-number floats, missing scores and times included."""
    import json

    from marshmallow import fields

    from service.http.result_schemas import LeaderboardSchema, PrivateEntrySchema, PublicEntrySchema

    class Reference(LeaderboardSchema):
        public = fields.List(fields.Nested(PublicEntrySchema))
        private = fields.List(fields.Nested(PrivateEntrySchema), allow_none=True)

    sent = datetime(2026, 3, 1, 12, 30, 5, 123456)
    public = [
        {"rank": 1, "student": "ann", "score": 1, "submitted_at": sent, "entries": 3, "you": True},
        {"rank": 2, "student": "bob", "score": 0.812345678, "submitted_at": sent.replace(tzinfo=UTC),
         "entries": 1, "you": False},
    ]  # fmt: skip
    private = [
        {"rank": 1, "student": "bob", "score": 0, "submitted_at": sent, "public_score": None, "gap": None,
         "public_rank": None, "rank_change": None, "you": False},
        {"rank": 2, "student": "ann", "score": 0.5, "submitted_at": sent, "public_score": 1, "gap": -0.5,
         "public_rank": 1, "rank_change": -1, "you": True},
    ]  # fmt: skip
    for rows in (private, None):
        board = {"challenge": "gmsc", "title": "t", "deadline": None, "private_revealed": False,
                 "public": public, "private": rows}  # fmt: skip
        assert json.dumps(LeaderboardSchema().dump(board)) == json.dumps(Reference().dump(board))
