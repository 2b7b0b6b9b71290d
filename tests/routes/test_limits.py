"""Rate limits: per signed-in student, per client address, and the headers that say so."""

import io

import pytest

from service import create_app
from service.grading import lifecycle
from tests.conftest import PASSWORD, login
from tests.web.helpers import signed_in_csrf


def limited_app(answer_key_path, tmp_path, **settings):
    return create_app(
        {"answer_key_path": answer_key_path, "instance_path": tmp_path / "instance", **settings},
        environment={},
    )


def add_students(app, *usernames: str) -> None:
    import service.accounts.users as accounts
    from service.store.models import Role

    with app.app_context():
        tenant = accounts.create_tenant("class-a")
        for username in usernames:
            accounts.create_user(username, PASSWORD, tenant, Role.STUDENT)


def post_submit(client, data: bytes, **kwargs):
    return client.post("/submit", data={"file": (io.BytesIO(data), "p.csv")}, **kwargs)


def test_jobs_are_limited_per_student_not_per_address(answer_key_path, tmp_path, good_submission):
    app = limited_app(answer_key_path, tmp_path, jobs_rate_limit="2 per minute")
    client = app.test_client()
    add_students(app, "ann", "bob")
    ann, bob = login(client, "ann"), login(client, "bob")  # same address, two students

    def upload(headers, n):
        return client.post(
            "/jobs", headers=headers, data={"file": (io.BytesIO(good_submission + b"\n" * n), "p.csv")}
        )

    assert [upload(ann, n).status_code for n in range(2)] == [202, 202]
    refused = upload(ann, 2)
    assert refused.status_code == 429 and refused.mimetype == "application/problem+json"
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.headers["X-RateLimit-Limit"] == "2" and refused.headers["X-RateLimit-Remaining"] == "0"
    assert upload(bob, 0).status_code == 202


def test_rotating_x_forwarded_for_resets_nothing_without_a_trusted_proxy(
    answer_key_path, tmp_path, good_submission
):
    client = limited_app(answer_key_path, tmp_path, submit_rate_limit="2 per minute").test_client()
    answers = [
        post_submit(client, good_submission, headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
        for n in range(4)
    ]
    assert answers == [200, 200, 429, 429]


def test_behind_a_trusted_proxy_the_address_it_appends_is_the_client(
    answer_key_path, tmp_path, good_submission
):
    client = limited_app(
        answer_key_path, tmp_path, submit_rate_limit="1 per minute", trusted_proxies=1
    ).test_client()
    # The client forges the first entry; our proxy appends the real address last.
    first = post_submit(client, good_submission, headers={"X-Forwarded-For": "1.1.1.1, 198.51.100.7"})
    forged = post_submit(client, good_submission, headers={"X-Forwarded-For": "2.2.2.2, 198.51.100.7"})
    other = post_submit(client, good_submission, headers={"X-Forwarded-For": "1.1.1.1, 198.51.100.8"})
    assert (first.status_code, forged.status_code, other.status_code) == (200, 429, 200)


def test_every_route_has_a_default_limit_with_standard_headers(answer_key_path, tmp_path, make_user):
    app = limited_app(answer_key_path, tmp_path, default_rate_limit="3 per minute")
    client = app.test_client()
    add_students(app, "ann")
    headers = login(client, "ann")
    answers = [client.get("/me", headers=headers) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert (
        answers[0].headers["X-RateLimit-Limit"] == "3" and answers[0].headers["X-RateLimit-Remaining"] == "2"
    )
    assert "X-RateLimit-Reset" in answers[0].headers


def test_unreachable_redis_is_reported_and_the_service_keeps_answering(
    answer_key_path, tmp_path, good_submission
):
    app = limited_app(answer_key_path, tmp_path, redis_url="redis://127.0.0.1:1/0")  # nothing listens there
    client = app.test_client()
    health = client.get("/health")
    assert health.status_code == 200
    assert health.get_json()["status"] == "degraded" and "unreachable" in health.get_json()["redis"]
    assert post_submit(client, good_submission).status_code == 200


def test_signed_in_routes_keep_working_while_redis_is_unreachable(answer_key_path, tmp_path, good_submission):
    app = limited_app(answer_key_path, tmp_path, redis_url="redis://127.0.0.1:1/0")
    client = app.test_client()
    add_students(app, "ann")
    headers = login(client, "ann")
    assert client.get("/me", headers=headers).status_code == 200
    accepted = client.post("/jobs", headers=headers, data={"file": (io.BytesIO(good_submission), "p.csv")})
    assert accepted.status_code == 202 and accepted.get_json()["status"] == "queued"  # kept in the store
    assert client.post("/logout", headers=headers).status_code == 204
    assert client.get("/me", headers=headers).status_code == 401  # the revocation held without Redis


@pytest.mark.parametrize("path", ["api", "web page"])
def test_a_student_has_at_most_two_submissions_in_flight_on_each_upload_path(
    make_app, redis_url, make_user, good_submission, path
):
    """Queued in Redis with no worker, two uploads wait; the third is refused until one finishes,
    whether sent by the API with a bearer token or by the upload page with its cookie and CSRF token."""
    app = make_app(redis_url=redis_url, max_submissions_in_flight=2)
    make_user("ann")
    client = app.test_client()
    headers = login(client, "ann") if path == "api" else {"X-CSRF-TOKEN": signed_in_csrf(client, "ann")}

    def upload(n: int):
        data = {"file": (io.BytesIO(good_submission + b"\n" * n), "p.csv")}  # distinct files, all valid
        return client.post("/jobs", headers=headers, data=data)

    accepted = [upload(n) for n in range(2)]
    assert [a.status_code for a in accepted] == [202, 202]
    refused = upload(2)
    assert refused.status_code == 429 and "2 submissions being graded" in refused.get_json()["detail"]
    assert refused.headers["Retry-After"] == "5" and refused.headers["X-Quota-Remaining"] == str(
        app.config["SETTINGS"].daily_submission_quota - 2
    )  # a refused upload spends no slot
    with app.app_context():
        assert lifecycle.finish(accepted[0].get_json()["id"], 0.8, 0.7)
    assert upload(2).status_code == 202
