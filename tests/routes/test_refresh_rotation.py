"""Refresh tokens rotate: each is good once; used again, every token of its sign-in stops working."""

import threading

import jwt as pyjwt
import pytest

from tests.routes.test_auth import bearer, tokens


def works(client, access: str) -> bool:
    return client.get("/me", headers=bearer(access)).status_code == 200


def claims(token: str) -> dict:
    return pyjwt.decode(token, options={"verify_signature": False})


@pytest.fixture(params=["store", "redis"])
def rotating_client(request, make_app, two_classes):
    """The test client of an app that keeps revocations in the store, or in a real Redis."""
    if request.param == "store":
        return make_app().test_client()
    redis_url = request.getfixturevalue("redis_url")
    return make_app(redis_url=redis_url).test_client()


def test_a_refresh_answers_a_new_pair_and_the_refresh_token_used_is_spent(rotating_client):
    client = rotating_client
    first = tokens(client)
    second = client.post("/refresh", headers=bearer(first["refresh_token"])).get_json()
    assert (
        set(second) >= {"access_token", "refresh_token"} and second["refresh_token"] != first["refresh_token"]
    )
    assert claims(second["refresh_token"])["sid"] == claims(first["refresh_token"])["sid"]
    # A refresh never lengthens the sign-in: the new refresh token ends when the first one did.
    assert claims(second["refresh_token"])["exp"] == claims(first["refresh_token"])["exp"]
    third = client.post("/refresh", headers=bearer(second["refresh_token"]))
    assert third.status_code == 200 and works(client, third.get_json()["access_token"])


def test_a_refresh_token_used_twice_ends_every_token_of_its_sign_in(rotating_client):
    client = rotating_client
    first = tokens(client)
    other_sign_in = tokens(client)
    second = client.post("/refresh", headers=bearer(first["refresh_token"])).get_json()
    replay = client.post("/refresh", headers=bearer(first["refresh_token"]))
    assert replay.status_code == 401
    for token in (first["access_token"], second["access_token"]):
        assert not works(client, token)
    assert client.post("/refresh", headers=bearer(second["refresh_token"])).status_code == 401
    assert works(client, other_sign_in["access_token"])  # another sign-in of the same person goes on


def test_two_refreshes_at_once_with_one_token_give_one_pair_and_end_the_sign_in(make_app, two_classes):
    app = make_app()
    first = tokens(app.test_client())
    answers = []

    def refresh():
        answers.append(app.test_client().post("/refresh", headers=bearer(first["refresh_token"])))

    racers = [threading.Thread(target=refresh) for _ in range(4)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join()
    assert sorted(a.status_code for a in answers)[0] in (200, 401)
    assert sum(a.status_code == 200 for a in answers) <= 1
    for answer in answers:
        if answer.status_code == 200:
            assert not works(app.test_client(), answer.get_json()["access_token"])


def test_logout_of_a_refresh_token_ends_the_access_tokens_it_minted(rotating_client):
    client = rotating_client
    first = tokens(client)
    second = client.post("/refresh", headers=bearer(first["refresh_token"])).get_json()
    assert works(client, first["access_token"]) and works(client, second["access_token"])
    assert client.post("/logout", headers=bearer(second["refresh_token"])).status_code == 204
    assert not works(client, first["access_token"]) and not works(client, second["access_token"])


def test_logout_of_an_access_token_ends_that_token_only(client, two_classes):
    body = tokens(client)
    assert client.post("/logout", headers=bearer(body["access_token"])).status_code == 204
    assert not works(client, body["access_token"])
    assert client.post("/refresh", headers=bearer(body["refresh_token"])).status_code == 200


def test_a_token_from_before_sign_in_ids_refreshes_once(app, client, two_classes):
    from flask_jwt_extended import create_refresh_token

    with app.app_context():
        old = create_refresh_token(identity=str(two_classes["student_a"]), additional_claims={"ver": 0})
    assert client.post("/refresh", headers=bearer(old)).status_code == 200
    assert client.post("/refresh", headers=bearer(old)).status_code == 401


def test_a_redis_that_restarts_empty_brings_no_spent_refresh_token_back(make_app, two_classes, redis_url):
    from redis import Redis

    client = make_app(redis_url=redis_url).test_client()
    first = tokens(client)
    second = client.post("/refresh", headers=bearer(first["refresh_token"])).get_json()
    Redis.from_url(redis_url).flushdb()
    assert client.post("/refresh", headers=bearer(first["refresh_token"])).status_code == 401
    assert not works(client, second["access_token"])
