from datetime import timedelta

import pytest
from flask_jwt_extended import create_access_token
from sqlalchemy import func, select

from service import create_app
from service.config import ConfigError
from service.extensions import db
from service.store.models import RevokedToken, User
from tests.conftest import PASSWORD, login


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def tokens(client, username="student-a", password=PASSWORD) -> dict:
    response = client.post("/login", json={"username": username, "password": password})
    assert response.status_code == 200
    return response.get_json()


def test_login_answers_tokens_and_me_shows_tenant_and_role(client, two_classes):
    body = tokens(client)
    assert set(body) >= {"access_token", "refresh_token"}
    me = client.get("/me", headers=bearer(body["access_token"]))
    assert me.status_code == 200
    assert (me.get_json()["username"], me.get_json()["role"], me.get_json()["tenant"]) == (
        "student-a", "student", "class-a",
    )  # fmt: skip


def test_login_accepts_a_form_post(client, two_classes):
    response = client.post("/login", data={"username": "teacher-b", "password": PASSWORD})
    assert response.status_code == 200
    me = client.get("/me", headers=bearer(response.get_json()["access_token"])).get_json()
    assert (me["role"], me["tenant"]) == ("teacher", "class-b")


def test_unknown_user_and_wrong_password_get_the_same_401(client, two_classes):
    unknown = client.post("/login", json={"username": "nobody", "password": PASSWORD})
    wrong = client.post("/login", json={"username": "student-a", "password": "not the password"})
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.get_json() == wrong.get_json()
    assert unknown.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"username": "student-a"},
        {"password": PASSWORD},
        {"username": 5, "password": PASSWORD},
        {"username": "student-a", "password": ["a"]},
        {"username": "student-a", "password": "x" * 1_000_000},
        {"username": "u" * 65, "password": PASSWORD},
    ],
)
def test_bad_sign_in_input_is_a_clear_400_and_writes_nothing(app, client, two_classes, body):
    def counts():
        with app.app_context():
            return [db.session.scalar(select(func.count()).select_from(m)) for m in (User, RevokedToken)]

    before = counts()
    response = client.post("/login", json=body)
    assert response.status_code == 400
    assert response.get_json()["detail"]
    assert counts() == before


def test_non_json_garbage_body_is_400(client, two_classes):
    response = client.post("/login", data=b"\xff\x00garbage", content_type="application/json")
    assert response.status_code == 400


def test_refresh_token_gives_a_new_access_token(client, two_classes):
    body = tokens(client)
    refreshed = client.post("/refresh", headers=bearer(body["refresh_token"]))
    assert refreshed.status_code == 200
    assert client.get("/me", headers=bearer(refreshed.get_json()["access_token"])).status_code == 200


def test_wrong_token_types_are_rejected(client, two_classes):
    body = tokens(client)
    assert client.post("/refresh", headers=bearer(body["access_token"])).status_code == 401
    assert client.get("/me", headers=bearer(body["refresh_token"])).status_code == 401


def test_expired_token_is_rejected(app, client, two_classes):
    with app.app_context():
        token = create_access_token(
            identity=str(two_classes["student_a"]), expires_delta=timedelta(seconds=-5)
        )
    response = client.get("/me", headers=bearer(token))
    assert response.status_code == 401 and "expired" in response.get_json()["detail"]


def test_tampered_token_is_rejected(client, two_classes):
    token = tokens(client)["access_token"]
    header, payload, signature = token.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    assert client.get("/me", headers=bearer(f"{header}.{payload}.{flipped}")).status_code == 401


def test_token_signed_with_another_secret_is_rejected(client, two_classes, tmp_path, answer_key_path):
    other = create_app(
        {"instance_path": tmp_path / "other", "answer_key_path": answer_key_path}, environment={}
    )
    with other.app_context():
        forged = create_access_token(identity=str(two_classes["admin"]))
    assert client.get("/me", headers=bearer(forged)).status_code == 401


def test_logout_revokes_the_token(client, two_classes):
    body = tokens(client)
    assert client.post("/logout", headers=bearer(body["access_token"])).status_code == 204
    response = client.get("/me", headers=bearer(body["access_token"]))
    assert response.status_code == 401 and "revoked" in response.get_json()["detail"]
    assert client.post("/logout", headers=bearer(body["refresh_token"])).status_code == 204
    assert client.post("/refresh", headers=bearer(body["refresh_token"])).status_code == 401


def test_disabled_user_cannot_sign_in_and_their_tokens_stop_working(client, two_classes):
    student = login(client, "student-a")
    teacher = login(client, "teacher-a")
    assert client.post(f"/admin/users/{two_classes['student_a']}/disable", headers=teacher).status_code == 200
    assert client.get("/me", headers=student).status_code == 401
    assert client.post("/login", json={"username": "student-a", "password": PASSWORD}).status_code == 401


def test_missing_authorization_is_401_with_www_authenticate(client):
    response = client.get("/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_generated_secret_is_kept_so_tokens_survive_a_restart(tmp_path, answer_key_path, client, two_classes):
    settings = {"instance_path": tmp_path / "instance", "answer_key_path": answer_key_path}
    token = tokens(client)["access_token"]
    restarted = create_app(settings, environment={})
    assert restarted.test_client().get("/me", headers=bearer(token)).status_code == 200
    secret_file = tmp_path / "instance" / "jwt-secret"
    assert len(secret_file.read_text().strip()) >= 32
    assert secret_file.stat().st_mode & 0o077 == 0


def test_short_configured_secret_is_refused_at_start(tmp_path, answer_key_path):
    with pytest.raises(ConfigError, match="at least 32"):
        create_app(
            {"instance_path": tmp_path, "answer_key_path": answer_key_path, "jwt_secret_key": "short"},
            environment={},
        )


def test_revoked_tokens_live_in_redis_and_every_api_process_sees_them(tmp_path, answer_key_path, redis_url):
    settings = {
        "instance_path": tmp_path / "shared",
        "answer_key_path": answer_key_path,
        "redis_url": redis_url,
    }
    first, second = (
        create_app(settings, environment={}),
        create_app(settings, environment={}),
    )  # two API processes, one store and Redis
    with first.app_context():
        import service.accounts.users as accounts
        from service.store.models import Role

        accounts.create_user("ann", PASSWORD, accounts.create_tenant("class-a"), Role.STUDENT)
    client_one, client_two = first.test_client(), second.test_client()
    headers = login(client_one, "ann")
    assert client_two.get("/me", headers=headers).status_code == 200
    assert client_one.post("/logout", headers=headers).status_code == 204
    assert client_two.get("/me", headers=headers).status_code == 401
    with first.app_context():
        assert db.session.scalar(select(func.count()).select_from(RevokedToken)) == 0  # not in the store
        assert any(k.startswith(b"revoked-token:") for k in first.extensions["redis"].keys())
