"""A teacher's challenge through the pages: the form that makes it, the forms that change it, its page."""

import io
import re

import numpy as np
import pytest
from sklearn.datasets import load_diabetes

from tests.conftest import wait_until_done
from tests.web.helpers import signed_in_csrf

TRAIN = b"age,bmi,progression\n0.038,0.062,151\n-0.002,-0.051,75\n"
DESCRIPTION = (
    "Predict the **progression** a year on.\n\n<script>alert('hi')</script>\n\n[run](javascript:alert(1))"
)


def diabetes_key() -> bytes:
    target = load_diabetes().target
    return ("Id,progression\n" + "".join(f"{i},{t}\n" for i, t in enumerate(target, start=1))).encode()


def new_challenge(client, token: str, key: bytes, query: str = "", **fields):
    data = {
        "csrf_token": token, "slug": "diabetes", "title": "Diabetes progression", "description": DESCRIPTION,
        "metric": "rmse", "answer_key": (io.BytesIO(key), "key.csv"), "prediction_column": "",
        "target_column": "", "public_fraction": "0.25", "seed": "7", "deadline": "2030-06-30T23:59",
        "daily_quota": "5", "files": [(io.BytesIO(TRAIN), "train.csv")], **fields,
    }  # fmt: skip
    return client.post(f"/web/teacher/challenges{query}", data=data, content_type="multipart/form-data")


@pytest.fixture
def diabetes(app, two_classes) -> int:
    """The diabetes challenge of class-a, made by its teacher through the form; answers its id."""
    teacher = app.test_client()
    made = new_challenge(teacher, signed_in_csrf(teacher, "teacher-a"), diabetes_key())
    assert made.status_code == 302, made.get_data(as_text=True)
    location = made.headers["Location"]
    assert re.fullmatch(r"/web/teacher#challenge-\d+", location)
    return int(location.rsplit("-", 1)[1])


def test_the_class_page_offers_the_metric_menu_and_marks_the_practice_challenge(client, two_classes):
    signed_in_csrf(client, "teacher-a")
    html = client.get("/web/teacher").get_data(as_text=True)
    assert 'action="/web/teacher/challenges"' in html and 'enctype="multipart/form-data"' in html
    assert '<option value="rmse">RMSE (lower is better)</option>' in html
    assert '<option value="roc_auc" selected>ROC AUC (higher is better)</option>' in html
    assert "Practice: graded on the public practice key, which anyone can read — not for grades." in html


def test_a_teacher_makes_a_challenge_with_the_form(client, diabetes):
    signed_in_csrf(client, "teacher-a")
    html = client.get("/web/teacher").get_data(as_text=True)
    card = html.split(f'id="challenge-{diabetes}"')[1].split("</section>")[0]
    assert (
        "Diabetes progression" in card
        and "RMSE, lower is better" in card
        and "<code>Id,progression</code>" in card
    )
    assert "deadline 2030-06-30 23:59:00 UTC" in card and "5 uploads a day" in card
    assert f'href="/challenges/{diabetes}/files/train.csv"' in card and "Practice:" not in card


def test_a_student_reads_the_challenge_page_and_downloads_its_files(client, diabetes):
    signed_in_csrf(client, "student-a")
    listing = client.get("/web/challenges").get_data(as_text=True)
    assert f'<a href="/web/challenges/{diabetes}">Diabetes progression</a>' in listing
    assert '<li><a href="/web/challenges" aria-current="page">Challenges</a></li>' in listing  # the nav entry

    html = client.get(f"/web/challenges/{diabetes}").get_data(as_text=True)
    assert "Predict the <strong>progression</strong> a year on." in html
    assert "<p>&lt;script&gt;alert('hi')&lt;/script&gt;</p>" in html and "<script>alert" not in html
    assert 'href="javascript:' not in html
    assert "RMSE: lower is better" in html and '<code id="submission-header">Id,progression</code>' in html
    public = round(0.25 * len(load_diabetes().target))
    rows = re.search(r'<dd id="rows">(\d+) public .* and (\d+) private', html).groups()
    assert abs(int(rows[0]) - public) <= 10 and sum(map(int, rows)) == len(load_diabetes().target)
    assert "Practice:" not in html and "Open for uploads" in html

    files = re.findall(r'href="(/challenges/\d+/[^"]+)" download', html)
    assert files == [
        f"/challenges/{diabetes}/files/train.csv",
        f"/challenges/{diabetes}/sample-submission.csv",
    ]
    assert client.get(files[0]).data == TRAIN  # by the page's cookie, as the browser follows it
    assert client.get(files[1]).data.decode().splitlines()[:2] == ["Id,progression", "1,0.5"]
    assert (
        'href="/web/upload?challenge=diabetes"' in html
        and 'href="/web/leaderboard?challenge=diabetes"' in html
    )


def test_a_student_of_another_class_never_sees_the_challenge(client, diabetes):
    signed_in_csrf(client, "student-b")
    assert client.get(f"/web/challenges/{diabetes}").status_code == 404
    assert "Diabetes" not in client.get("/web/challenges").get_data(as_text=True)
    assert client.get(f"/challenges/{diabetes}/files/train.csv").status_code == 404


def test_a_refused_key_shows_every_problem_and_keeps_what_was_typed(client, two_classes):
    token = signed_in_csrf(client, "teacher-a")
    bad = diabetes_key().replace(b"\n3,141.0\n", b"\n3,lots\n").replace(b"\n5,135.0\n", b"\n4,135.0\n")
    refused = new_challenge(client, token, bad)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "<li>line 6, column Id: Id &#39;4&#39; appears again (first on line 5)</li>" in html
    assert "<li>line 4, column progression: &#39;lots&#39; is not a finite number</li>" in html
    assert 'name="slug" required maxlength="64"' in html and 'value="diabetes"' in html
    assert '<option value="rmse" selected>' in html
    assert "Diabetes progression</h2>" not in html  # no challenge was made
    twice = [(io.BytesIO(TRAIN), "train.csv"), (io.BytesIO(TRAIN), "train.csv")]
    refused = new_challenge(client, token, diabetes_key(), files=twice)  # refused once the challenge is made
    assert refused.status_code == 400 and "two files have the same name" in refused.get_data(as_text=True)
    assert new_challenge(client, token, diabetes_key(), seed="-1").status_code == 400
    assert new_challenge(client, token, diabetes_key(), daily_quota="many").status_code == 400
    assert "Diabetes progression</h2>" not in client.get("/web/teacher").get_data(as_text=True)


def test_a_teacher_edits_closes_and_reopens_a_challenge(client, diabetes):
    token = signed_in_csrf(client, "teacher-a")
    url = f"/web/teacher/challenges/{diabetes}"
    edit = {"csrf_token": token, "action": "edit", "title": "Diabetes, one year on", "description": "New *words*",
            "daily_quota": "", "files": [(io.BytesIO(b"Id,age\n1,0.03\n"), "test.csv")]}  # fmt: skip
    saved = client.post(url, data=edit, content_type="multipart/form-data")
    assert saved.status_code == 302 and saved.headers["Location"] == f"/web/teacher#challenge-{diabetes}"
    page = client.get(f"/web/challenges/{diabetes}").get_data(as_text=True)
    assert "<h1>Diabetes, one year on</h1>" in page and "<em>words</em>" in page and "a day" not in page
    assert "files/test.csv" in page and "files/train.csv" in page

    client.post(url, data={"csrf_token": token, "action": "remove-file", "file": "train.csv"})
    client.post(url, data={"csrf_token": token, "action": "close"})
    page = client.get(f"/web/challenges/{diabetes}").get_data(as_text=True)
    assert (
        "files/train.csv" not in page and "Closed: uploads are refused" in page and "upload-link" not in page
    )
    client.post(url, data={"csrf_token": token, "action": "open"})
    assert "Open for uploads" in client.get(f"/web/challenges/{diabetes}").get_data(as_text=True)

    refused = client.post(url, data={"csrf_token": token, "action": "remove-file", "file": "nothing.csv"})
    card = refused.get_data(as_text=True).split(f'id="challenge-{diabetes}"')[1]
    assert refused.status_code == 400 and "the challenge has no file &#39;nothing.csv&#39;" in card
    untitled = {**edit, "title": " ", "description": "Typed, not saved", "files": []}
    refused = client.post(url, data=untitled, content_type="multipart/form-data")
    card = refused.get_data(as_text=True).split(f'id="challenge-{diabetes}"')[1]
    assert refused.status_code == 400 and "title: a title has 1 to" in card
    assert "<details open>" in card and ">Typed, not saved</textarea>" in card  # the edit comes back as typed
    assert "Diabetes, one year on" in client.get(f"/web/challenges/{diabetes}").get_data(as_text=True)


def test_an_rmse_is_shown_as_a_number_on_every_page(client, diabetes):
    token = signed_in_csrf(client, "student-a")
    target = load_diabetes().target
    predictions = target + np.random.default_rng(3).normal(0, 50, len(target))
    body = "Id,progression\n" + "".join(f"{i},{p}\n" for i, p in enumerate(predictions, start=1))
    sent = client.post("/jobs", data={"file": (io.BytesIO(body.encode()), "p.csv"), "challenge": "diabetes"},
                       headers={"X-CSRF-TOKEN": token})  # fmt: skip
    job = wait_until_done(client, {}, sent.headers["Location"])
    shown = repr(job["public_score"])
    assert job["status"] == "finished" and 30 < job["public_score"] < 80

    page = client.get(f"/web/jobs/{job['id']}").get_data(as_text=True)
    assert f'<dt>Public RMSE</dt><dd id="public-score">{shown}</dd>' in page
    assert "data-roc-url" not in page  # no ROC curve without a 0/1 target
    board = client.get("/web/leaderboard?challenge=diabetes").get_data(as_text=True)
    assert f'<td class="num">{shown}</td>' in board and "is scored by RMSE: lower is better" in board
    assert '<option value="diabetes" selected>' in board and '<select id="challenge-pick"' in board
    mine = client.get("/web/submissions?challenge=diabetes").get_data(as_text=True)
    ticks = [float(t) for t in re.findall(r'<text class="tick"[^>]*text-anchor="end">([0-9.]+)</text>', mine)]
    assert min(ticks) <= job["public_score"] <= max(ticks) and max(ticks) > 1
    assert '<option value="diabetes" data-title="Diabetes progression" data-header="Id,progression"' in (
        client.get("/web/upload?challenge=diabetes").get_data(as_text=True)
    )


def test_the_operator_makes_a_challenge_for_a_class(client, two_classes):
    token = signed_in_csrf(client, "operator")
    made = new_challenge(client, token, diabetes_key(), query="?tenant=class-b")
    assert made.status_code == 302 and made.headers["Location"].startswith(
        "/web/teacher?tenant=class-b#challenge-"
    )
    made_id = made.headers["Location"].rsplit("-", 1)[1]
    page = client.get(f"/web/challenges/{made_id}").get_data(as_text=True)
    board = re.search(r'id="leaderboard-link" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert board == "/web/leaderboard?challenge=diabetes&tenant=class-b"
    html = client.get(board).get_data(as_text=True)
    assert '<input type="hidden" name="tenant" value="class-b">' in html and "Diabetes progression" in html
    assert "class-b" in client.get("/web/challenges").get_data(as_text=True)  # the operator sees every class
    student = client.application.test_client()
    signed_in_csrf(student, "student-b")
    assert "Diabetes progression" in student.get("/web/challenges").get_data(as_text=True)


def test_the_class_page_sets_what_students_are_shown(client, make_user):
    from tests.web.helpers import signed_in_csrf

    make_user("teacher-a", "teacher", "class-a")
    token = signed_in_csrf(client, "teacher-a")
    page = client.get("/web/teacher").get_data(as_text=True)
    assert "5 decimals, exact leaderboard" in page
    challenge_id = client.get("/challenges").get_json()[0]["id"]
    sent = client.post(f"/web/teacher/challenges/{challenge_id}", data={
        "csrf_token": token, "action": "feedback", "score_precision": "2", "leaderboard_mode": "ladder",
        "ladder_alpha": "0.01",
    })  # fmt: skip
    assert sent.status_code == 302
    shown = client.get(f"/challenges/{challenge_id}").get_json()
    assert (shown["score_precision"], shown["leaderboard_mode"], shown["ladder_alpha"]) == (2, "ladder", 0.01)
    refused = client.post(f"/web/teacher/challenges/{challenge_id}", data={
        "csrf_token": token, "action": "feedback", "score_precision": "11"})  # fmt: skip
    # The API's message for the same value: the page reads the form through its schema.
    said = "score_precision: Must be greater than or equal to 0 and less than or equal to 10."
    assert refused.status_code == 400 and said in refused.get_data(as_text=True)


def test_a_label_challenge_page_lists_its_classes(client, two_classes):
    from tests.conftest import login
    from tests.routes.test_teacher_challenges import create, key_csv

    labels = np.resize(["cat", "dog", "zebra"], 60)
    made = create(
        client, login(client, "teacher-a"), "animals", "accuracy", key_csv(range(1, 61), labels, "kind")
    )
    assert made.status_code == 201, made.get_json()
    signed_in_csrf(client, "student-a")
    page = client.get(f"/web/challenges/{made.get_json()['id']}").get_data(as_text=True)
    assert re.search(r'id="classes"><code>cat</code>, <code>dog</code>, <code>zebra</code>', page)
