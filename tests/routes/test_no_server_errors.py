"""No route answers a server error, whatever the input: the cases found by hand and by the fuzz
(tests/test_fuzz.py), each one named. The store's limits run on SQLite and, when TEST_DATABASE_URL
names one, on PostgreSQL, which refuses what SQLite lets through (long text, NUL, 64-bit ids)."""

from __future__ import annotations

import io

import pytest
from flask import url_for

from service.config import Settings
from service.store.schema import migrate_store
from tests.conftest import PASSWORD, login, postgresql_url
from tests.store.conftest import _drop_everything
from tests.web.helpers import web_sign_in

CSV = b"Id,Probability\n1,0.5\n"

# --- OPTIONS, on every route -------------------------------------------------------------


def every_url(app) -> list[str]:
    """One URL per route of the app: 1 for every id, a file name for static files."""
    with app.test_request_context():
        return sorted(
            url_for(
                rule.endpoint, **{name: "site.css" if name == "filename" else 1 for name in rule.arguments}
            )
            for rule in app.url_map.iter_rules()
        )


@pytest.mark.parametrize("who", ["nobody", "student-a", "teacher-a", "operator", "a refused token"])
def test_every_route_answers_options(app, client, two_classes, who):
    fixed = {"nobody": {}, "a refused token": {"Authorization": "Bearer not-a-token"}}
    headers = fixed[who] if who in fixed else login(client, who)
    urls = every_url(app)
    assert "/jobs" in urls and "/jobs/1" in urls
    answers = {url: client.options(url, headers=headers) for url in urls}
    wrong = {
        url: a.status_code for url, a in answers.items() if a.status_code != 200 or "Allow" not in a.headers
    }
    assert not wrong


def test_options_on_jobs_tells_the_methods_and_no_quota(client, two_classes):
    for url in ("/jobs", "/jobs/1", "/jobs/1/roc"):
        answer = client.options(url, headers=login(client, "student-a"))
        assert answer.status_code == 200
        assert "GET" in answer.headers["Allow"]
        assert "X-Quota-Limit" not in answer.headers  # no token is verified on OPTIONS


def add_users(app) -> None:
    """class-a's teacher and student, and the operator, in `app`'s store."""
    import service.accounts.users as accounts
    from service.store.models import Role

    with app.app_context():
        tenant = accounts.create_tenant("class-a")
        accounts.create_user("teacher-a", PASSWORD, tenant, Role.TEACHER)
        accounts.create_user("student-a", PASSWORD, tenant, Role.STUDENT)
        accounts.create_user("operator", PASSWORD, None, Role.ADMIN)


# --- pagination ----------------------------------------------------------------------------


@pytest.mark.parametrize("page", [2**31, 2**63 // 10 + 1, 2**63 - 1, 2**63, 2**70])
def test_a_page_past_any_database_integer_is_empty(client, two_classes, page):
    answer = client.get(f"/jobs?page={page}", headers=login(client, "teacher-a"))
    assert answer.status_code == 200
    assert answer.get_json() == []
    assert '"total": 0' in answer.headers["X-Pagination"]


# --- oversized bodies on POST /jobs ------------------------------------------------------------


def assert_too_large(answer) -> None:
    assert answer.status_code == 413
    assert answer.mimetype == "application/problem+json"
    assert answer.get_json()["status"] == 413


def test_a_100_mb_upload_is_a_413(client, two_classes):
    student = login(client, "student-a")
    answer = client.post("/jobs", headers=student, data={"file": (io.BytesIO(b"1" * 100_000_000), "big.csv")})
    assert_too_large(answer)
    assert answer.headers["X-Quota-Remaining"] == "5"  # the quota is still told, of the default challenge


def test_a_2_mb_text_field_is_a_413(client, two_classes):
    student = login(client, "student-a")
    answer = client.post(
        "/jobs", headers=student, data={"file": (io.BytesIO(CSV), "p.csv"), "challenge": "x" * 2_000_000}
    )
    assert_too_large(answer)


def test_an_oversized_body_refused_before_the_route_runs_keeps_its_refusal(make_app):
    """A rate limit refuses before the route reads the body: the quota headers must not read it either."""
    app = make_app(jobs_rate_limit="1 per minute")
    add_users(app)
    client = app.test_client()
    student = login(client, "student-a")
    assert client.post("/jobs", headers=student, data={"file": (io.BytesIO(CSV), "p.csv")}).status_code == 202
    answer = client.post(
        "/jobs", headers=student, data={"file": (io.BytesIO(CSV), "p.csv"), "challenge": "x" * 2_000_000}
    )
    assert answer.status_code == 429
    assert "X-Quota-Remaining" in answer.headers  # told, of the default challenge (the body is unread)


# --- the sign-in page's redirect -------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/web/\r\nSet-Cookie: a=b",
        "/web/upload\n",
        "/web/\rupload",
        "/web/\tupload",
        "/web/\\\\evil",
    ],
)
def test_sign_in_with_a_control_character_in_next_goes_home(client, two_classes, target):
    answer = web_sign_in(client, "student-a", next_page=target)
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/web/"


def test_sign_in_still_returns_to_a_plain_page(client, two_classes):
    answer = web_sign_in(client, "student-a", next_page="/web/submissions?challenge=gmsc")
    assert answer.headers["Location"] == "/web/submissions?challenge=gmsc"


# --- the store's limits, on SQLite and PostgreSQL --------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def store_client(request, make_app):
    """A client of an app on either store, with class-a's teacher and student and the operator."""
    from service.extensions import db

    settings = {}
    if request.param == "postgresql":
        url = postgresql_url()
        _drop_everything(url)
        migrate_store(Settings(database_url=url))
        settings["database_url"] = url
    app = make_app(**settings)
    add_users(app)
    yield app.test_client()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def email_of_length(length: int) -> str:
    """A well-formed address of `length` characters: a 64-character local part, the domain padded."""
    return "a" * 64 + "@" + "b" * (length - 64 - 1 - len(".example")) + ".example"


def assert_refused(answer, status: int, *words: str) -> None:
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert answer.mimetype == "application/problem+json"
    detail = answer.get_json()["detail"]
    assert all(word in detail for word in words), detail


def test_a_tenant_name_over_200_characters_is_a_400(store_client):
    operator = login(store_client, "operator")
    answer = store_client.post(
        "/admin/tenants", headers=operator, json={"slug": "long-name", "name": "n" * 300}
    )
    assert_refused(answer, 400, "name", "200")
    assert store_client.get("/admin/tenants", headers=operator).get_json()[-1]["slug"] == "class-a"
    answer = store_client.post(
        "/admin/tenants", headers=operator, json={"slug": "long-name", "name": "n" * 200}
    )
    assert answer.status_code == 201


def test_a_roster_email_over_254_characters_is_a_400_and_imports_nobody(store_client):
    teacher = login(store_client, "teacher-a")
    assert len(email_of_length(262)) == 262
    roster = f"ann,{email_of_length(254)}\nbob,{email_of_length(262)}\n".encode()
    answer = store_client.post("/admin/roster", headers=teacher, data={"file": (io.BytesIO(roster), "r.csv")})
    assert_refused(answer, 400, "row 2", "email", "254")
    users = store_client.get("/admin/users", headers=teacher).get_json()
    assert sorted(u["username"] for u in users) == ["student-a", "teacher-a"]
    roster = f"ann,{email_of_length(254)}\n".encode()
    answer = store_client.post("/admin/roster", headers=teacher, data={"file": (io.BytesIO(roster), "r.csv")})
    assert answer.status_code == 201


def test_a_new_users_email_over_254_characters_is_a_400(store_client):
    teacher = login(store_client, "teacher-a")
    new_user = {"username": "carl", "password": PASSWORD, "email": "c" * 64 + "@" + "d.d" * 66 + ".org"}
    answer = store_client.post("/admin/users", headers=teacher, json=new_user)
    assert_refused(answer, 400, "email", "254")


NUL = "a\x00b"


@pytest.mark.parametrize(
    "who, method, url, body",
    [
        ("student-a", "get", "/quota?challenge=a%00b", None),
        ("student-a", "get", "/leaderboard?challenge=a%00b", None),
        ("operator", "get", "/leaderboard?tenant=a%00b", None),
        ("student-a", "get", "/final-submissions?challenge=a%00b", None),
        ("student-a", "put", "/final-submissions", {"challenge": NUL, "job_ids": []}),
        ("teacher-a", "get", "/admin/scores?challenge=a%00b", None),
        ("operator", "get", "/admin/scores?tenant=a%00b", None),
        ("operator", "get", "/admin/users?tenant=a%00b", None),
        ("operator", "post", "/admin/tenants", {"slug": "new-class", "name": NUL}),
        ("teacher-a", "put", "/admin/quota", {"challenge": NUL, "daily_quota": 3}),
        ("teacher-a", "post", "/admin/users/1/extra-submissions", {"extra": 1, "reason": NUL}),
        ("teacher-a", "post", "/admin/users/1/extra-submissions", {"extra": 1, "challenge": NUL}),
    ],
)
def test_a_nul_character_in_a_parameter_is_a_400(store_client, who, method, url, body):
    answer = getattr(store_client, method)(url, headers=login(store_client, who), json=body)
    assert_refused(answer, 400, "NUL")


def test_a_nul_character_in_an_upload_is_refused_or_dropped(store_client):
    student = login(store_client, "student-a")
    answer = store_client.post(
        "/jobs", headers=student, data={"file": (io.BytesIO(CSV), "p.csv"), "challenge": NUL}
    )
    assert_refused(answer, 400, "challenge", "NUL")
    answer = store_client.post(
        "/jobs", headers={**student, "Idempotency-Key": NUL}, data={"file": (io.BytesIO(CSV), "p.csv")}
    )
    assert_refused(answer, 400, "Idempotency-Key", "NUL")
    answer = store_client.post("/jobs", headers=student, data={"file": (io.BytesIO(CSV), "p\x00.csv")})
    assert answer.status_code == 202 and answer.get_json()["filename"] == "p.csv"


@pytest.mark.parametrize("job_id", [2**31, 2**40, 2**63 - 1])
def test_a_job_id_past_the_stores_integers_is_a_404(store_client, job_id):
    student = login(store_client, "student-a")
    for url in (f"/jobs/{job_id}", f"/jobs/{job_id}/roc", f"/challenges/{job_id}"):
        assert_refused(store_client.get(url, headers=student), 404)
    teacher = login(store_client, "teacher-a")
    for method, url in (("get", f"/admin/users/{job_id}"), ("post", f"/admin/users/{job_id}/disable"),
                        ("patch", f"/admin/challenges/{job_id}")):  # fmt: skip
        assert_refused(getattr(store_client, method)(url, headers=teacher, json={}), 404)
    answer = store_client.put("/final-submissions", headers=student, json={"job_ids": [job_id]})
    assert_refused(answer, 400, "job_ids")


@pytest.mark.parametrize(
    "send",
    [
        lambda client: client.post("/login", json={"username": NUL, "password": "long enough"}),
        lambda client: client.post(
            "/login", json={"username": "student-a", "class": NUL, "password": "x" * 9}
        ),
        lambda client: client.post("/login", data={"username": NUL, "password": "long enough"}),
        lambda client: client.post("/web/signin", data={"username": NUL, "password": "long enough"}),
        lambda client: client.get("/web/leaderboard?challenge=a%00b"),
        lambda client: client.post(
            "/web/signin", data={"username": "a", "password": "b", "next": "/web/\x00"}
        ),
    ],
)
def test_a_nul_character_in_sign_in_or_a_page_is_a_400(store_client, send):
    answer = send(store_client)
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
