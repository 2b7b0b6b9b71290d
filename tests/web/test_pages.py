"""The web pages through the test client: cookie sign-in, CSRF, and what each page shows."""

import io
import re

import pytest

from tests.conftest import PASSWORD, login, wait_until_done
from tests.routes.scored import add_scored
from tests.web.helpers import form_token, signed_in_csrf, web_sign_in


@pytest.mark.parametrize(
    "path",
    [
        "/web/upload",
        "/web/submissions",
        "/web/leaderboard",
        "/web/teacher",
        "/web/jobs/1",
        "/web/challenges",
        "/web/challenges/1",
    ],
)
def test_pages_send_a_signed_out_visitor_to_sign_in_and_back(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/web/signin?next={path}"


def test_sign_in_sets_an_http_only_session_cookie_and_returns_to_the_page(client, two_classes):
    response = web_sign_in(client, "student-a", next_page="/web/submissions")
    assert response.status_code == 302 and response.headers["Location"] == "/web/submissions"
    cookies = response.headers.getlist("Set-Cookie")
    access = next(c for c in cookies if c.startswith("access_token_cookie="))
    assert "HttpOnly" in access and "SameSite=Lax" in access
    assert client.get("/web/submissions").status_code == 200


def test_wrong_password_shows_the_form_again_with_the_reason(client, two_classes):
    response = web_sign_in(client, "student-a", password="not the password")
    assert response.status_code == 401
    assert "wrong username, class or password" in response.get_data(as_text=True)
    assert client.get("/web/upload").status_code == 302


def test_sign_in_needs_the_forms_own_token(client, two_classes):
    response = client.post("/web/signin", data={"username": "student-a", "password": "correct horse battery"})
    assert response.status_code == 400
    assert not any(c.startswith("access_token_cookie=") for c in response.headers.getlist("Set-Cookie"))


def test_sign_in_never_redirects_to_another_site(client, two_classes):
    for target in ("https://evil.example/", "//evil.example/web/", "/admin/scores"):
        assert web_sign_in(client, "student-a", next_page=target).headers["Location"] == "/web/"


def test_cookie_signed_changes_need_the_csrf_token(client, two_classes, good_submission):
    token = signed_in_csrf(client, "student-a")
    upload = {"file": (io.BytesIO(good_submission), "p.csv")}
    refused = client.post("/jobs", data=upload)
    assert refused.status_code == 403 and "CSRF" in refused.get_json()["detail"]
    upload = {"file": (io.BytesIO(good_submission), "p.csv")}
    accepted = client.post("/jobs", data=upload, headers={"X-CSRF-TOKEN": token})
    assert accepted.status_code == 202
    assert client.post("/web/final-submissions", data={"job_ids": ["1"]}).status_code == 403
    assert client.post("/web/signout").status_code == 403


def test_bearer_api_clients_need_no_csrf_token(client, two_classes, good_submission):
    signed_in_csrf(client, "student-a")  # a cookie is present too; the header wins
    response = client.post(
        "/jobs", headers=login(client, "student-a"), data={"file": (io.BytesIO(good_submission), "p.csv")}
    )
    assert response.status_code == 202


def test_sign_out_revokes_the_session(client, two_classes):
    token = signed_in_csrf(client, "student-a")
    cookie = client.get_cookie("access_token_cookie").value
    assert client.post("/web/signout", data={"csrf_token": token}).headers["Location"] == "/web/signin"
    client.set_cookie("access_token_cookie", cookie)  # a copied cookie is dead too
    assert client.get("/web/upload").status_code == 302


def test_job_page_shows_the_result_and_links_the_curve(client, two_classes, good_submission):
    token = signed_in_csrf(client, "student-a")
    location = client.post(
        "/jobs", data={"file": (io.BytesIO(good_submission), "p.csv")}, headers={"X-CSRF-TOKEN": token}
    ).headers["Location"]
    job = wait_until_done(client, {}, location)
    html = client.get(f"/web/jobs/{job['id']}").get_data(as_text=True)
    assert f'data-roc-url="/jobs/{job["id"]}/roc"' in html
    assert repr(job["public_score"]) in html and "hidden until your teacher reveals it" in html
    assert client.get(f"/jobs/{job['id']}/roc").status_code == 200  # the page's script may fetch it


def test_someone_elses_job_page_is_404(client, app, two_classes):
    job = add_scored(app, "student-b", 0.8, 0.7)
    signed_in_csrf(client, "student-a")
    response = client.get(f"/web/jobs/{job}")
    assert response.status_code == 404 and "no job" in response.get_data(as_text=True)


def test_my_submissions_page_draws_the_chart_and_saves_the_final_selection(client, app, two_classes):
    jobs = [add_scored(app, "student-a", 0.70 + i / 50, 0.6, minute=i) for i in range(3)]
    add_scored(app, "student-a", None, None, minute=9, status="failed")
    token = signed_in_csrf(client, "student-a")
    html = client.get("/web/submissions").get_data(as_text=True)
    assert html.count('<circle class="dot public"') == 3 and 'class="dot private"' not in html
    response = client.post("/web/final-submissions", data={"csrf_token": token, "job_ids": [str(jobs[0])]})
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your final selection is saved" in html
    assert re.search(rf'id="final-{jobs[0]}"[^>]*checked', html)
    assert not re.search(rf'id="final-{jobs[1]}"[^>]*checked', html)
    too_many = client.post(
        "/web/final-submissions", data={"csrf_token": token, "job_ids": [str(j) for j in jobs]}
    )
    assert too_many.status_code == 422 and "at most 2" in too_many.get_data(as_text=True)


def test_leaderboard_page_shows_private_ranks_after_the_teacher_reveals(client, app, two_classes, make_user):
    make_user("ann", "student", "class-a")
    add_scored(app, "student-a", 0.80, 0.60, minute=1)
    add_scored(app, "ann", 0.75, 0.70, minute=2)
    signed_in_csrf(client, "student-a")
    html = client.get("/web/leaderboard").get_data(as_text=True)
    assert 'id="public-board"' in html and 'id="private-board"' not in html and ">0.6<" not in html
    assert "You are <strong>#1</strong> of 2" in html

    teacher = app.test_client()
    token = signed_in_csrf(teacher, "teacher-a")
    page = teacher.get("/web/teacher").get_data(as_text=True)
    assert 'href="/admin/scores?format=csv"' in page
    assert teacher.get("/admin/scores?format=csv").status_code == 200  # the export button works by cookie
    challenge = page.split('id="challenge-')[1].split('"')[0]
    teacher.post(f"/web/teacher/challenges/{challenge}", data={"csrf_token": token, "action": "reveal"})

    html = client.get("/web/leaderboard").get_data(as_text=True)
    assert 'id="private-board"' in html
    assert "<strong>#2</strong> of 2: 0.6 on the private one, -0.2 from your public score" in html


def test_teacher_sets_a_deadline_in_utc(client, app, two_classes):
    token = signed_in_csrf(client, "teacher-a")
    page = client.get("/web/teacher").get_data(as_text=True)
    challenge = page.split('id="challenge-')[1].split('"')[0]
    url = f"/web/teacher/challenges/{challenge}"
    client.post(url, data={"csrf_token": token, "action": "deadline", "deadline": "2030-06-30T23:59"})
    assert "deadline 2030-06-30 23:59:00 UTC" in client.get("/web/teacher").get_data(as_text=True)
    bad = client.post(url, data={"csrf_token": token, "action": "deadline", "deadline": "soon"})
    assert bad.status_code == 400


def test_the_teacher_page_is_for_staff_only(client, two_classes):
    signed_in_csrf(client, "student-a")
    assert client.get("/web/teacher").status_code == 403


def test_pages_forbid_inline_scripts_and_framing(client):
    response = client.get("/web/signin")
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "<script>" not in response.get_data(as_text=True)
    assert form_token(response.get_data(as_text=True))


def test_a_refusal_on_a_page_is_an_html_page_and_the_same_refusal_on_the_api_is_problem_json(make_app):
    client = make_app(login_rate_limit="1 per minute").test_client()
    web_sign_in(client, "nobody")
    refused_page = web_sign_in(client, "nobody")
    assert refused_page.status_code == 429 and refused_page.mimetype == "text/html"
    assert "Retry-After" in refused_page.headers and "rate limit" in refused_page.get_data(as_text=True)
    client.post("/login", json={"username": "nobody", "password": "x" * 8})
    refused_api = client.post("/login", json={"username": "nobody", "password": "x" * 8})
    assert refused_api.status_code == 429 and refused_api.mimetype == "application/problem+json"


def test_a_class_sign_in_link_fills_the_class_and_signs_in_the_right_ann(client, make_user):
    make_user("ann", "student", "class-a")
    make_user("ann", "student", "class-b")
    form = client.get("/web/signin?class=class-b").get_data(as_text=True)
    assert 'name="class" value="class-b"' in form
    answer = client.post(
        "/web/signin",
        data={"csrf_token": form_token(form), "username": "ann", "password": PASSWORD, "class": "class-b"},
    )
    assert answer.status_code == 302
    assert "class-b" in client.get("/web/upload").get_data(as_text=True)


def test_a_long_leaderboard_comes_in_pages_of_ranks_and_the_notice_ranks_among_all(
    client, app, two_classes, make_user, monkeypatch
):
    import service.web.pages as pages

    monkeypatch.setattr(pages, "LEADERBOARD_ROWS_PER_PAGE", 2)
    for name in ("ann", "bob"):
        make_user(name, "student", "class-a")
    for minute, (name, public, private) in enumerate(
        [("student-a", 0.7, 0.9), ("ann", 0.9, 0.6), ("bob", 0.8, 0.7)], start=1
    ):
        add_scored(app, name, public, private, minute=minute)
    signed_in_csrf(client, "student-a")

    def public_board(page: str) -> tuple[str, list[str]]:
        html = client.get(f"/web/leaderboard{page}").get_data(as_text=True)
        board = html.split('id="public-board"')[1].split("</table>")[0]
        return html, re.findall(r'<td class="num">(\d+)</td>\s*<td>([a-z-]+)', board)

    first, first_rows = public_board("")
    second, second_rows = public_board("?page=2")
    assert first_rows == [("1", "ann"), ("2", "bob")] and second_rows == [("3", "student-a")]
    assert "You are <strong>#3</strong> of 3" in first  # on the first page, though its row is on the second
    assert "Ranks 1–2 of 3 · page 1 of 2" in first and 'page=2" rel="next"' in first
    assert "Ranks 3–3 of 3 · page 2 of 2" in second and 'page=1" rel="prev"' in second
    assert public_board("?page=99")[1] == second_rows  # past the end: the last page
    assert public_board("?page=x")[1] == first_rows

    teacher = app.test_client()
    signed_in_csrf(teacher, "teacher-a")
    html = teacher.get("/web/leaderboard?page=2").get_data(as_text=True)
    private = html.split('id="private-board"')[1].split("</table>")[0]
    assert re.findall(r'<td class="num">(\d+)</td>\s*<td>([a-z-]+)', private) == [("3", "ann")]
