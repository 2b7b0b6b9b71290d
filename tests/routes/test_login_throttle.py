"""Repeated failed sign-ins slow down, then lock, for a while only."""

import time

from service import create_app
from tests.conftest import PASSWORD


def throttled_app(answer_key_path, tmp_path, **settings):
    app = create_app({
        "answer_key_path": answer_key_path, "instance_path": tmp_path / "instance",
        "login_failure_limits": "3 per 2 seconds", "login_address_failure_limit": "6 per 2 seconds", **settings,
    }, environment={})  # fmt: skip
    with app.app_context():
        import service.accounts.users as accounts
        from service.store.models import Role

        tenant = accounts.create_tenant("class-a")
        for name in ("ann", "bob", "cid"):
            accounts.create_user(name, PASSWORD, tenant, Role.STUDENT)
    return app


def attempt(client, username, password, address="198.51.100.1"):
    return client.post(
        "/login", json={"username": username, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def test_hammering_a_username_is_locked_then_the_student_signs_in_after_the_lock(answer_key_path, tmp_path):
    client = throttled_app(answer_key_path, tmp_path).test_client()
    answers = [attempt(client, "ann", f"guess-{n}") for n in range(6)]
    assert [a.status_code for a in answers] == [401, 401, 401, 429, 429, 429]
    locked = answers[3]
    assert locked.mimetype == "application/problem+json" and 1 <= int(locked.headers["Retry-After"]) <= 3
    # Even the right password waits while this address is locked out of this username...
    assert attempt(client, "ann", PASSWORD).status_code == 429
    # ...but the real student, from their own address, is not locked out by the attacker.
    assert attempt(client, "ann", PASSWORD, address="192.0.2.50").status_code == 200
    time.sleep(int(locked.headers["Retry-After"]) + 0.2)
    assert attempt(client, "ann", PASSWORD).status_code == 200


def test_one_address_spraying_many_usernames_is_locked(answer_key_path, tmp_path):
    client = throttled_app(answer_key_path, tmp_path).test_client()
    answers = [attempt(client, name, "wrong-password") for name in ("ann", "bob", "cid") * 3]
    assert [a.status_code for a in answers][:6] == [401] * 6
    assert all(a.status_code == 429 for a in answers[6:])
    assert attempt(client, "bob", PASSWORD, address="192.0.2.50").status_code == 200


def test_successful_sign_ins_are_not_counted_as_failures(answer_key_path, tmp_path):
    client = throttled_app(answer_key_path, tmp_path).test_client()
    assert all(attempt(client, "ann", PASSWORD).status_code == 200 for _ in range(5))


def test_parallel_wrong_passwords_cannot_slip_past_the_limit(answer_key_path, tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    app = throttled_app(answer_key_path, tmp_path, login_failure_limits="3 per minute")

    def guess(n):
        return attempt(app.test_client(), "ann", f"guess-{n}").status_code

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(guess, range(20)))
    assert answers.count(401) == 3 and answers.count(429) == 17


def test_sixty_parallel_wrong_sign_ins_from_one_address_get_at_most_the_limit_of_401s(
    answer_key_path, tmp_path
):
    """Different usernames, one address: the address's limit is taken before each password check."""
    from concurrent.futures import ThreadPoolExecutor

    app = throttled_app(answer_key_path, tmp_path, login_address_failure_limit="10 per minute")

    def guess(n):
        return attempt(app.test_client(), f"nobody-{n}", "wrong-password").status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(guess, range(60)))
    assert answers.count(401) == 10 and answers.count(429) == 50


def test_a_class_behind_one_address_signs_in_past_the_failure_limit(answer_key_path, tmp_path):
    client = throttled_app(answer_key_path, tmp_path).test_client()
    assert all(attempt(client, name, PASSWORD).status_code == 200 for name in ("ann", "bob", "cid") * 4)
    assert attempt(client, "ann", "wrong-password").status_code == 401
