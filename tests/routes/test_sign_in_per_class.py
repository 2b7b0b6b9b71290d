"""Names are unique per class, and a reset or a disable ends every token issued before it, to the instant."""

import service.accounts.sign_in as sign_in_module
import service.accounts.users as accounts
from service.extensions import db
from service.store.models import User
from tests.conftest import PASSWORD


def sign_in(client, username: str, class_slug: str | None = None, password: str = PASSWORD):
    body = {"username": username, "password": password}
    if class_slug is not None:
        body["class"] = class_slug
    return client.post("/login", json=body)


def me(client, token: str):
    return client.get("/me", headers={"Authorization": f"Bearer {token}"})


def test_two_classes_each_have_an_ann_who_signs_in_with_her_class(client, make_user):
    make_user("ann", "student", "class-a")
    make_user("ann", "student", "class-b")
    for class_slug in ("class-a", "class-b"):
        answer = sign_in(client, "ann", class_slug)
        assert answer.status_code == 200
        assert me(client, answer.get_json()["access_token"]).get_json()["tenant"] == class_slug


def test_an_ambiguous_name_without_its_class_is_refused_as_any_wrong_sign_in_is(client, make_user):
    make_user("ann", "student", "class-a")
    make_user("ann", "student", "class-b")
    ambiguous = sign_in(client, "ann")
    wrong_password = sign_in(client, "ann", "class-a", password="not the password")
    unknown = sign_in(client, "nobody")
    assert ambiguous.status_code == wrong_password.status_code == unknown.status_code == 401
    assert (
        ambiguous.get_json()["detail"] == wrong_password.get_json()["detail"] == unknown.get_json()["detail"]
    )


def test_a_name_in_one_class_only_signs_in_without_its_class(client, make_user):
    make_user("bob", "student", "class-a")
    assert sign_in(client, "bob").status_code == 200
    assert sign_in(client, "bob", "class-b").status_code == 401


def test_a_token_issued_in_the_same_second_as_a_reset_is_refused_after_it(app, client, make_user):
    user_id = make_user("ann", "student", "class-a")
    tokens = sign_in(client, "ann").get_json()
    with app.app_context():
        accounts.reset_password(db.session.get(User, user_id), "a brand new password")
    assert me(client, tokens["access_token"]).status_code == 401
    refreshed = client.post("/refresh", headers={"Authorization": f"Bearer {tokens['refresh_token']}"})
    assert refreshed.status_code == 401


def test_a_token_issued_before_a_disable_stays_refused_after_enabling_again(app, client, make_user):
    user_id = make_user("ann", "student", "class-a")
    token = sign_in(client, "ann").get_json()["access_token"]
    with app.app_context():
        accounts.disable_user(db.session.get(User, user_id))
        assert me(client, token).status_code == 401
        accounts.enable_user(db.session.get(User, user_id))
    assert me(client, token).status_code == 401
    assert me(client, sign_in(client, "ann").get_json()["access_token"]).status_code == 200


def test_a_sign_in_that_raced_a_reset_issues_nothing(app, client, make_user, monkeypatch):
    """The old password was being checked while the teacher reset it: no token comes out."""
    user_id = make_user("ann", "student", "class-a")
    real_verify = sign_in_module.verify_password

    def verify_while_the_teacher_resets(password_hash, password):
        verified = real_verify(password_hash, password)
        with app.app_context():  # another session: the teacher's request, committed meanwhile
            accounts.reset_password(db.session.get(User, user_id), "the teacher's new one")
        return verified

    monkeypatch.setattr(sign_in_module, "verify_password", verify_while_the_teacher_resets)
    assert sign_in(client, "ann").status_code == 401
    monkeypatch.setattr(sign_in_module, "verify_password", real_verify)
    assert sign_in(client, "ann", password="the teacher's new one").status_code == 200
