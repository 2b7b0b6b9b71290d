"""The class pages through the Flask test client: the invite link's answers, the roster's actions,
every submission's filters, and what an assistant and the operator may do."""

from __future__ import annotations

import io

import pytest

from service.extensions import db
from service.store.models import Challenge, Tenant, User
from tests.conftest import PASSWORD
from tests.routes.scored import add_scored
from tests.web.helpers import form_token, signed_in_csrf, web_sign_in

NEW_PASSWORD = "a new long password"


@pytest.fixture
def gamma(app, make_user):
    """Class gamma with its teacher tina, students ann and bob, and a live invite link."""
    make_user("tina", "teacher", "gamma")
    make_user("ann", "student", "gamma")
    make_user("bob", "student", "gamma")
    with app.app_context():
        db.session.scalar(db.select(Tenant).where(Tenant.slug == "gamma")).join_code = "gamma-code-123456"
        db.session.commit()
    return "gamma-code-123456"


def member_id(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(User.id).where(User.username == username))


def test_a_wrong_expired_or_turned_off_link_shows_one_page(app, client, gamma):
    wrong = client.get("/web/join/not-a-code")
    with app.app_context():
        db.session.scalar(db.select(Tenant).where(Tenant.slug == "gamma")).join_code = None
        db.session.commit()
    off = client.get(f"/web/join/{gamma}")
    assert wrong.status_code == off.status_code == 404
    assert wrong.get_data() == off.get_data() and b"wrong, expired or turned off" in wrong.get_data()


def test_joining_by_the_page_makes_the_account_and_signs_it_in(client, gamma):
    client.get(f"/web/join/{gamma}")
    stale = client.post(
        f"/web/join/{gamma}", data={"csrf_token": "forged", "username": "zed", "password": NEW_PASSWORD}
    )
    assert stale.status_code == 400 and b"expired" in stale.get_data()
    joined = client.post(f"/web/join/{gamma}",
                         data={"csrf_token": form_token(stale.get_data(as_text=True)), "username": "zed", "password": NEW_PASSWORD})  # fmt: skip
    assert joined.status_code == 302
    landed = client.get(joined.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "Welcome to gamma: you joined as zed." in landed and "zed · student · gamma" in landed


def test_a_signed_in_student_of_another_class_joins_with_the_same_account(client, make_user, gamma):
    make_user("sol", "student", "alpha")
    token = signed_in_csrf(client, "sol")
    page = client.get(f"/web/join/{gamma}").get_data(as_text=True)
    assert "You are signed in as <strong>sol</strong>" in page
    refused = client.post(f"/web/join/{gamma}", data={"csrf_token": token})
    assert refused.status_code == 403 and "choose their own password" in refused.get_data(as_text=True)
    changed = client.post("/web/account/password", data={"csrf_token": token, "current_password": PASSWORD,
                                                          "new_password": NEW_PASSWORD}, follow_redirects=True)  # fmt: skip
    assert "Your password is changed" in changed.get_data(as_text=True)
    token = form_token(client.get(f"/web/join/{gamma}").get_data(as_text=True))
    assert client.post(f"/web/join/{gamma}", data={"csrf_token": token}).status_code == 302
    classes = client.get("/web/classes").get_data(as_text=True)
    assert 'id="switch-class"' in classes and "gamma (student)" in classes and "alpha (student)" in classes


def test_guessing_invite_codes_is_throttled_like_sign_in(make_app, make_user):
    app = make_app(login_failure_limits="3 per minute")
    client = app.test_client()
    answers = [
        client.post(f"/join/guess-{n}", json={"username": "x1", "password": NEW_PASSWORD}) for n in range(5)
    ]
    assert [a.status_code for a in answers] == [404, 404, 404, 429, 429]
    assert int(answers[3].headers["Retry-After"]) >= 1


def test_the_roster_lists_each_member_and_its_actions_are_confirmed(app, client, gamma):
    add_scored(app, "ann", 0.8123456789, 0.7, minute=1)
    token = signed_in_csrf(client, "tina")
    roster = client.get("/web/roster").get_data(as_text=True)
    assert 'data-username="ann"' in roster and 'data-username="bob"' in roster
    assert '<span class="exact" title="0.8123456789">0.812346</span>' in roster  # best public, 6 digits
    ann = member_id(app, "ann")
    reset = client.post(f"/web/roster/{ann}", data={"csrf_token": token, "action": "reset-password"})
    password = reset.get_data(as_text=True).split('data-username="ann">')[1].split("<")[0]
    assert "ann&#39;s password was reset." in reset.get_data(as_text=True) and len(password) >= 8
    removed = client.post(
        f"/web/roster/{ann}", data={"csrf_token": token, "action": "remove"}, follow_redirects=True
    )
    assert "ann removed from the class (their submissions stay)." in removed.get_data(as_text=True)
    listed = client.get(f"/web/class-submissions?student={ann}").get_data(as_text=True)
    assert 'ann <span class="hint">(removed)</span>' in listed
    assert web_sign_in(app.test_client(), "ann", password).status_code == 401  # no longer in the class


def test_a_long_roster_comes_in_pages_each_with_its_members_activity(
    app, client, gamma, make_user, monkeypatch
):
    import service.results.class_overview as overview

    monkeypatch.setattr(overview, "MEMBERS_PER_PAGE", 2)  # tina, ann | bob, cy
    make_user("cy", "student", "gamma")
    add_scored(app, "cy", 0.75, 0.7, minute=1)
    add_scored(app, "cy", 0.5, 0.4, minute=2)
    signed_in_csrf(client, "tina")
    first, second = (client.get(f"/web/roster?page={n}").get_data(as_text=True) for n in (1, 2))
    listed = [[name for name in ("tina", "ann", "bob", "cy") if f'data-username="{name}"' in html]
              for html in (first, second)]  # fmt: skip
    assert listed == [["tina", "ann"], ["bob", "cy"]]
    assert "4 members · page 1 of 2" in first and 'href="/web/roster?page=2" rel="next"' in first
    assert 'href="/web/roster?page=1" rel="prev"' in second
    cy = second.split('data-username="cy"')[1].split("</tr>")[0]
    assert f'?student={member_id(app, "cy")}">2</a>' in cy and "0.75" in cy  # cy's own uploads and best
    assert (
        client.get("/web/roster?page=99").get_data(as_text=True).count("data-username=") == 2
    )  # the last page


def test_a_bad_roster_file_lists_every_problem_and_makes_nobody(app, client, gamma):
    token = signed_in_csrf(client, "tina")
    bad = b"username,email\nok-one,\nb!d,\nann,\n"
    answer = client.post("/web/roster/import", data={"csrf_token": token, "file": (io.BytesIO(bad), "r.csv")},
                         content_type="multipart/form-data")  # fmt: skip
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "Nothing was imported" in html
    assert "row 2:" in html and "row 3: the username &#39;ann&#39; is taken" in html
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.username == "ok-one")) is None
    not_text = client.post("/web/roster/import", data={"csrf_token": token, "file": (io.BytesIO(b"\xff\xfe"), "r.csv")},
                           content_type="multipart/form-data")  # fmt: skip
    assert not_text.status_code == 400 and "not UTF-8" in not_text.get_data(as_text=True)


def test_the_submissions_page_filters_and_takes_any_query_without_failing(app, client, gamma):
    add_scored(app, "ann", 0.8, 0.7, minute=1)
    add_scored(app, "bob", 0.6, 0.7, minute=2, late=True)
    signed_in_csrf(client, "tina")
    everything = client.get("/web/class-submissions").get_data(as_text=True)
    assert "2 submissions" in everything
    late = client.get("/web/class-submissions?late=yes").get_data(as_text=True)
    assert "1 submissions" in late and "bob" in late and '<td class="student">ann' not in late
    for query in ("student=abc", "challenge=99999999999", "status=zzz", "late=maybe", "page=99999999",
                  "page=-1", "page=1e9"):  # fmt: skip
        assert client.get(f"/web/class-submissions?{query}").status_code == 200, query


def test_an_assistant_sees_the_class_but_may_not_change_a_challenge(app, client, make_user, gamma):
    make_user("asa", "assistant", "gamma")
    token = signed_in_csrf(client, "asa")
    assert client.get("/web/roster").status_code == 200
    assert client.get("/web/class-submissions").status_code == 200
    page = client.get("/web/teacher").get_data(as_text=True)
    assert 'id="new-challenge"' not in page and 'value="reveal"' not in page
    with app.app_context():
        challenge_id = db.session.scalar(db.select(Challenge.id).join(Tenant).where(Tenant.slug == "gamma"))
    refused = client.post(
        f"/web/teacher/challenges/{challenge_id}", data={"csrf_token": token, "action": "reveal"}
    )
    assert refused.status_code == 403
    assert (
        client.post("/web/roster/join-link", data={"csrf_token": token, "action": "off"}).status_code == 403
    )


def test_the_operator_makes_a_class_and_its_teacher_on_the_web(app, client, make_user):
    make_user("root", "admin", None)
    token = signed_in_csrf(client, "root")
    made = client.post("/web/classes/with-teacher", data={"csrf_token": token, "slug": "delta", "title": "Delta",
                                                          "teacher": "dana"}).get_data(as_text=True)  # fmt: skip
    password = made.split('id="teacher-password">')[1].split("<")[0]
    teacher = app.test_client()
    assert web_sign_in(teacher, "dana", password).status_code == 302
    assert "dana · teacher · delta" in teacher.get("/web/roster").get_data(as_text=True)
    assert PASSWORD != password
