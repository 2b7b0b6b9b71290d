"""What students are shown of the hidden key: scores at the challenge's precision, and a Ladder."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.results.feedback import NOT_MOVED, format_score
from tests.conftest import login, wait_until_done

ROWS = 3000


def binary_key(seed: int = 0):
    rng = np.random.default_rng(seed)
    labels = (rng.random(ROWS) < 0.15).astype(int)
    usage = np.where(rng.random(ROWS) < 0.5, "Public", "Private")
    text = "Id,y,Usage\n" + "".join(f"{i},{y},{u}\n" for i, (y, u) in enumerate(zip(labels, usage), start=1))
    return labels, text.encode()


def make(client, teacher, slug: str, key: bytes, **fields):
    data = {"slug": slug, "title": slug, "metric": "roc_auc", "prediction_column": "Probability",
            "answer_key": (io.BytesIO(key), "key.csv"), "daily_quota": "100", **fields}  # fmt: skip
    response = client.post("/admin/challenges", headers=teacher, data=data)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def upload(client, headers, slug: str, predictions) -> dict:
    body = "Id,Probability\n" + "".join(f"{i},{p!r}\n" for i, p in enumerate(predictions.tolist(), start=1))
    response = client.post("/jobs", headers=headers, data={"file": (io.BytesIO(body.encode()), "p.csv"),
                                                          "challenge": slug})  # fmt: skip
    assert response.status_code == 202, response.get_json()
    return wait_until_done(client, headers, response.headers["Location"])


@pytest.fixture
def app(make_app):
    return make_app(jobs_rate_limit="1000 per minute")  # a prober's 30 uploads; the limit has its own tests


@pytest.fixture
def people(client, two_classes):
    return login(client, "teacher-a"), login(client, "student-a")


def test_ladder_moves_for_a_better_model_at_once_and_hardly_for_thirty_probes(client, people):
    teacher, student = people
    labels, key = binary_key()
    make(client, teacher, "ladder", key, leaderboard_mode="ladder")
    rng = np.random.default_rng(1)
    baseline = labels * 0.6 + rng.normal(0, 0.5, ROWS)
    first = upload(client, student, "ladder", baseline)
    assert first["leaderboard"]["moved"] is True and first["public_score"] is not None

    moves, unmoved = [], []
    probe = baseline.copy()
    for _ in range(30):  # each changes a few rows of the one before, as a prober reads labels off
        probe = probe.copy()
        rows = rng.choice(ROWS, size=5, replace=False)
        probe[rows] = rng.normal(0.3, 0.5, 5)
        job = upload(client, student, "ladder", probe)
        moves.append(job["leaderboard"]["moved"])
        if not job["leaderboard"]["moved"]:
            assert job["public_score"] is None  # no measurement of the key for the student
            assert job["leaderboard"] == {"moved": False, "message": NOT_MOVED}
            unmoved.append(
                {k: v for k, v in job.items() if k not in ("id", "created_at", "started_at", "finished_at")}
            )
            exact = client.get(f"/jobs/{job['id']}", headers=teacher).get_json()
            assert exact["public_score"] is not None and 0 <= exact["leaderboard"]["p_value"] <= 1
    assert sum(moves) <= 4, moves
    # Every job that did not move reads the same to its student, ids and times aside.
    assert len(unmoved) >= 20 and all(each == unmoved[0] for each in unmoved)

    board = client.get("/leaderboard?challenge=ladder", headers=student).get_json()
    held = board["public"][0]["score"]
    better = upload(client, student, "ladder", labels * 2.0 + rng.normal(0, 0.5, ROWS))
    assert better["leaderboard"]["moved"] is True and better["public_score"] > held
    board = client.get("/leaderboard?challenge=ladder", headers=student).get_json()
    assert board["public"][0]["score"] == better["public_score"]


def test_leaving_ladder_mode_gives_each_student_their_best_public_score_again(client, people):
    teacher, student = people
    labels, key = binary_key(2)
    challenge = make(client, teacher, "back", key, leaderboard_mode="ladder")
    rng = np.random.default_rng(3)
    base = labels * 0.6 + rng.normal(0, 0.5, ROWS)
    held = upload(client, student, "back", base)
    nudged = base.copy()
    nudged[np.flatnonzero(labels == 1)[:2]] += 5  # two positives ranked first: a real but tiny gain
    tiny = upload(client, student, "back", nudged)
    assert tiny["leaderboard"]["moved"] is False
    exact = {job["id"]: client.get(f"/jobs/{job['id']}", headers=teacher).get_json()["public_score"]
             for job in (held, tiny)}  # fmt: skip
    assert exact[tiny["id"]] > exact[held["id"]]
    assert (
        client.get("/leaderboard?challenge=back", headers=teacher).get_json()["public"][0]["score"]
        == exact[held["id"]]
    )
    client.patch(f"/admin/challenges/{challenge['id']}", headers=teacher, json={"leaderboard_mode": "exact"})
    board = client.get("/leaderboard?challenge=back", headers=teacher).get_json()
    assert board["public"][0]["score"] == exact[tiny["id"]]


def decimals(value: float) -> int:
    return max(0, -Decimal(repr(value)).as_tuple().exponent)


def numbers_in(document) -> list[float]:
    if isinstance(document, dict):
        return [n for key, v in document.items() if key not in ("id", "job_id", "rank", "entries", "rows")
                for n in numbers_in(v)]  # fmt: skip
    if isinstance(document, list):
        return [n for v in document for n in numbers_in(v)]
    return [document] if isinstance(document, float) else []


@pytest.mark.parametrize("precision", [0, 2, 3, 7])
def test_no_route_or_page_a_student_reaches_shows_more_digits_than_set(client, people, precision):
    teacher, student = people
    labels, key = binary_key(4)
    challenge = make(client, teacher, "digits", key, score_precision=str(precision))
    job = upload(client, student, "digits", labels * 0.5 + np.random.default_rng(5).normal(0, 0.5, ROWS))
    client.patch(f"/admin/challenges/{challenge['id']}", headers=teacher, json={"private_revealed": True})
    routes = [
        f"/jobs/{job['id']}",
        "/jobs",
        "/scores",
        "/leaderboard?challenge=digits",
        f"/jobs/{job['id']}/roc",
    ]
    for route in routes:
        found = numbers_in(client.get(route, headers=student).get_json())
        assert found and all(decimals(n) <= precision for n in found if n not in (0.0, 1.0)), (route, found)
    exact = client.get(f"/jobs/{job['id']}", headers=teacher).get_json()["public_score"]
    assert decimals(exact) > precision  # the teacher's is exact
    cookie = client.post("/login", json={"username": "student-a", "password": "correct horse battery"})
    assert cookie.status_code == 200
    client.set_cookie("access_token_cookie", cookie.get_json()["access_token"])
    for page in (
        f"/web/jobs/{job['id']}",
        "/web/submissions?challenge=digits",
        "/web/leaderboard?challenge=digits",
    ):
        html = client.get(page).get_data(as_text=True)
        html = re.sub(
            r'<text class="tick"[^>]*>[^<]*</text>', "", html
        )  # axis ticks, laid out from shown scores
        shown = {float(n) for n in re.findall(r"\b\d+\.\d+\b", html)}
        assert round(exact, precision) in shown or precision == 0, page
        # No number on the page tells a digit of the score beyond the precision.
        assert not any(decimals(n) > precision and abs(n - exact) < 10 ** -(precision + 1) for n in shown), (
            page
        )


@settings(max_examples=300, deadline=None)
@given(st.floats(-1e6, 1e6, allow_nan=False), st.integers(0, 10))
def test_a_rounded_score_as_a_page_writes_it_has_at_most_the_precisions_decimals(value, precision):
    written = format_score(round(value, precision))
    assert "e" not in written and len(written.partition(".")[2]) <= precision
    assert float(written) == round(value, precision)


def test_the_boosting_attack_climbs_an_exact_leaderboard_and_not_the_ladder(client, people):
    """Blum and Hardt's attack: 100 random files, keep those the leaderboard says look better than
    chance, send their majority (mean rank). Exact: the shown score climbs; Ladder: it stays at chance."""
    teacher, student = people
    rows = 4000
    rng = np.random.default_rng(11)
    labels = np.resize([0, 1], rows)
    usage = np.where(rng.random(rows) < 0.8, "Public", "Private")
    key = (
        "Id,y,Usage\n" + "".join(f"{i},{y},{u}\n" for i, (y, u) in enumerate(zip(labels, usage), 1))
    ).encode()
    files = [rng.random(rows).round(6) for _ in range(100)]
    shown = {}
    for mode in ("exact", "ladder"):
        make(client, teacher, mode, key, leaderboard_mode=mode, daily_quota="200")
        kept = []
        for predictions in files:
            job = upload(client, student, mode, predictions)
            looks_better = job["public_score"] > 0.5 if mode == "exact" else job["leaderboard"]["moved"]
            if looks_better:
                kept.append(predictions)
        vote = np.mean([np.argsort(np.argsort(f)) for f in kept], axis=0) / rows
        upload(client, student, mode, vote)
        shown[mode] = client.get(f"/leaderboard?challenge={mode}", headers=student).get_json()["public"][0][
            "score"
        ]
    assert shown["exact"] > 0.525, shown  # visibly climbed, on random files
    assert abs(shown["ladder"] - 0.5) <= 0.02, shown


def test_a_final_selection_never_shows_the_score_the_ladder_withheld(client, people):
    """Selecting an unmoved job as final once put it on the public leaderboard at its exact score."""
    teacher, student = people
    labels, key = binary_key(6)
    make(client, teacher, "finals", key, leaderboard_mode="ladder")
    rng = np.random.default_rng(7)
    base = labels * 0.6 + rng.normal(0, 0.5, ROWS)
    held = upload(client, student, "finals", base)
    nudged = base.copy()
    nudged[np.flatnonzero(labels == 1)[:3]] += 5  # better, but not significantly
    tiny = upload(client, student, "finals", nudged)
    assert tiny["leaderboard"]["moved"] is False
    assert client.put("/final-submissions", headers=student, json={"challenge": "finals",
                      "job_ids": [tiny["id"]]}).status_code == 200  # fmt: skip
    board = client.get("/leaderboard?challenge=finals", headers=student).get_json()
    assert [row["score"] for row in board["public"]] == [held["public_score"]]


def test_a_holder_that_no_longer_reads_is_not_replaced_untested(app, client, people):
    from service.extensions import db
    from service.store.models import KeptPredictions, Submission

    teacher, student = people
    labels, key = binary_key(8)
    make(client, teacher, "unread", key, leaderboard_mode="ladder")
    rng = np.random.default_rng(9)
    held = upload(client, student, "unread", rng.random(ROWS))
    with app.app_context():  # as if accepted under older rules that today's reader refuses, and
        db.session.get(Submission, held["id"]).content = b"Id,Probability\n"  # finished before
        db.session.delete(db.session.get(KeptPredictions, held["id"]))  # predictions were kept
        db.session.commit()
    better = upload(client, student, "unread", labels * 2.0 + rng.normal(0, 0.5, ROWS))
    assert better["leaderboard"] == {"moved": False, "message": NOT_MOVED} and better["public_score"] is None
    assert (
        client.get(f"/jobs/{better['id']}", headers=teacher).get_json()["leaderboard"]["compared_with"]
        == held["id"]
    )


def test_after_a_reveal_a_file_fitted_to_the_private_labels_never_becomes_a_final(client, people):
    teacher, student = people
    labels, key = binary_key(12)
    challenge = make(client, teacher, "revealed", key)
    rng = np.random.default_rng(13)
    honest = upload(client, student, "revealed", labels * 0.3 + rng.normal(0, 0.5, ROWS))
    url = f"/admin/challenges/{challenge['id']}"
    assert client.patch(url, headers=teacher, json={"private_revealed": True}).status_code == 200
    fitted = upload(client, student, "revealed", labels.astype(float))  # read off the revealed scores
    assert fitted["late"] is True
    finals = client.get("/final-submissions?challenge=revealed", headers=student).get_json()
    assert finals["job_ids"] == [honest["id"]] and finals["locked"] is True
    board = client.get("/leaderboard?challenge=revealed", headers=student).get_json()
    shown = client.get(f"/jobs/{honest['id']}", headers=student).get_json()["private_score"]
    assert [row["score"] for row in board["private"]] == [shown] and shown < 0.9
    assert client.patch(url, headers=teacher, json={"private_revealed": False}).status_code == 200
    again = upload(client, student, "revealed", labels * 0.9 + rng.normal(0, 0.1, ROWS))
    assert again["late"] is True  # hidden again, the finals stay locked: so do the rankings
