"""A person with several classes: a teacher makes a class, students join by its invite link, and a
token acts for one class at a time."""

import io

import pytest

from service.extensions import db
from service.store.models import Tenant, User
from tests.conftest import PASSWORD, wait_until_done


def bearer(answer) -> dict:
    assert answer.status_code == 200, answer.get_json()
    return {"Authorization": f"Bearer {answer.get_json()['access_token']}"}


def sign_in(client, username, class_slug=None, password=PASSWORD):
    body = {"username": username, "password": password} | ({"class": class_slug} if class_slug else {})
    return client.post("/login", json=body)


OWN_PASSWORD = "one I chose myself"


def choose_own_password(client, headers) -> dict:
    changed = client.post("/me/password", headers=headers,
                          json={"current_password": PASSWORD, "new_password": OWN_PASSWORD})  # fmt: skip
    return bearer(changed)


def code_of(join_url: str) -> str:
    return join_url.rsplit("/", 1)[1]


@pytest.fixture
def alpha_teacher(make_user):
    make_user("tina", "teacher", "alpha")
    make_user("sam", "student", "alpha")


def test_a_teacher_makes_a_class_a_student_joins_and_uploads_and_only_its_token_sees_it(
    client, alpha_teacher, good_submission
):
    alpha = bearer(sign_in(client, "tina", "alpha"))
    made = client.post("/classes", headers=alpha, json={"slug": "gamma", "title": "Gamma"})
    assert made.status_code == 201, made.get_json()
    assert (made.get_json()["slug"], made.get_json()["role"]) == ("gamma", "teacher")
    join_url = made.get_json()["join_url"]
    assert "/web/join/" in join_url
    listed = client.get("/classes", headers=alpha).get_json()
    assert [(c["slug"], c["role"]) for c in listed] == [("alpha", "teacher"), ("gamma", "teacher")]

    joined = client.post(
        f"/join/{code_of(join_url)}", json={"username": "newbie", "password": "a long password"}
    )
    assert joined.status_code == 201, joined.get_json()
    assert (joined.get_json()["slug"], joined.get_json()["role"]) == ("gamma", "student")
    student = bearer(sign_in(client, "newbie", "gamma", password="a long password"))
    sent = client.post("/jobs", headers=student, data={"file": (io.BytesIO(good_submission), "p.csv")})
    assert sent.status_code == 202, sent.get_json()
    assert wait_until_done(client, student, sent.headers["Location"])["status"] == "finished"

    gamma = bearer(sign_in(client, "tina", "gamma"))  # the same account, the same password
    assert "newbie" in [u["username"] for u in client.get("/admin/users", headers=gamma).get_json()]
    assert [(j["student"], j["status"]) for j in client.get("/jobs", headers=gamma).get_json()] == [
        ("newbie", "finished")]  # fmt: skip
    assert "newbie" not in [u["username"] for u in client.get("/admin/users", headers=alpha).get_json()]
    assert client.get("/jobs", headers=alpha).get_json() == []

    renewed = client.post("/classes/gamma/join-link", headers=alpha, json={})
    assert renewed.status_code == 201 and renewed.get_json()["join_url"] != join_url
    old = client.post(f"/join/{code_of(join_url)}", json={"username": "late", "password": "a long password"})
    wrong = client.post("/join/not-a-code-at-all", json={"username": "late", "password": "a long password"})
    assert old.status_code == wrong.status_code == 404
    assert old.get_json()["detail"] == wrong.get_json()["detail"]


def test_a_switch_trades_a_token_for_another_class_of_the_same_person(client, alpha_teacher):
    alpha = bearer(sign_in(client, "tina"))  # one class so far: no class needed
    client.post("/classes", headers=alpha, json={"slug": "gamma"})
    switched = client.post("/switch", headers=alpha, json={"class": "gamma"})
    assert switched.status_code == 200 and switched.get_json()["class"] == "gamma"
    assert client.get("/me", headers=bearer(switched)).get_json()["tenant"] == "gamma"
    sam = bearer(sign_in(client, "sam"))
    refused = client.post("/switch", headers=sam, json={"class": "gamma"})
    assert refused.status_code == 404  # not sam's class: as if there were none


def test_a_signed_in_student_joins_another_class_with_the_same_account(client, alpha_teacher, make_user, app):
    make_user("bea", "teacher", "beta")
    with app.app_context():
        beta = db.session.query(Tenant).filter_by(slug="beta").one()
        beta.join_code = "beta-code-0123456"
        db.session.commit()
    sam = bearer(sign_in(client, "sam"))
    refused = client.post("/join/beta-code-0123456", headers=sam, json={})
    assert refused.status_code == 403 and "choose their own password" in refused.get_json()["detail"]
    sam = choose_own_password(client, sam)
    joined = client.post("/join/beta-code-0123456", headers=sam, json={})
    assert joined.status_code == 201 and joined.get_json()["slug"] == "beta"
    assert [c["slug"] for c in client.get("/classes", headers=sam).get_json()] == ["alpha", "beta"]
    assert sign_in(client, "sam", "beta", password=OWN_PASSWORD).status_code == 200
    assert sign_in(client, "sam", password=OWN_PASSWORD).get_json()["class"] == "alpha"  # the first joined


def test_a_link_for_listed_names_lets_each_name_join_once(client, alpha_teacher):
    alpha = bearer(sign_in(client, "tina"))
    link = client.post("/classes/alpha/join-link", headers=alpha, json={"listed_only": True}).get_json()
    assert (
        client.put(
            "/classes/alpha/invited-names", headers=alpha, json={"names": ["S-1001", "Ada L"]}
        ).status_code
        == 200
    )
    code = code_of(link["join_url"])
    unlisted = client.post(
        f"/join/{code}", json={"username": "eve", "password": "a long password", "listed_name": "S-9"}
    )
    assert unlisted.status_code == 403
    first = client.post(
        f"/join/{code}", json={"username": "ada", "password": "a long password", "listed_name": "ada  l"}
    )
    assert first.status_code == 201
    again = client.post(
        f"/join/{code}", json={"username": "ada2", "password": "a long password", "listed_name": "Ada L"}
    )
    assert again.status_code == 403 and again.get_json() == unlisted.get_json()  # claimed: as if not listed
    names = client.get("/classes/alpha/invited-names", headers=alpha).get_json()
    assert [(n["name"], n["claimed_by"] is not None) for n in names] == [("Ada L", True), ("S-1001", False)]


def test_an_expired_or_turned_off_link_answers_as_a_wrong_one(client, alpha_teacher, app):
    alpha = bearer(sign_in(client, "tina"))
    code = code_of(client.post("/classes/alpha/join-link", headers=alpha, json={}).get_json()["join_url"])
    assert client.delete("/classes/alpha/join-link", headers=alpha).status_code == 204
    off = client.post(f"/join/{code}", json={"username": "x1", "password": "a long password"})
    code = code_of(client.post("/classes/alpha/join-link", headers=alpha,
                               json={"expires_at": "2099-01-01T00:00:00"}).get_json()["join_url"])  # fmt: skip
    with app.app_context():
        db.session.query(Tenant).filter_by(slug="alpha").one().join_expires_at = db.func.current_timestamp()
        db.session.commit()
    expired = client.post(f"/join/{code}", json={"username": "x2", "password": "a long password"})
    assert off.status_code == expired.status_code == 404
    assert off.get_json() == expired.get_json()


def test_students_and_assistants_may_not_make_classes_or_links(client, alpha_teacher, app):
    sam = bearer(sign_in(client, "sam"))
    assert client.post("/classes", headers=sam, json={"slug": "mine"}).status_code == 403
    assert client.post("/classes/alpha/join-link", headers=sam, json={}).status_code == 403
    assert client.get("/classes/alpha/join-link", headers=sam).status_code == 403
    alpha = bearer(sign_in(client, "tina"))
    added = client.post("/classes/alpha/staff", headers=alpha, json={"username": "sam", "role": "assistant"})
    assert added.status_code == 201 and added.get_json()["role"] == "assistant"
    assistant = bearer(sign_in(client, "sam"))
    assert client.get("/admin/users", headers=assistant).status_code == 200
    assert client.post("/classes/alpha/join-link", headers=assistant, json={}).status_code == 403


def test_staff_reset_the_password_only_of_someone_in_no_other_class(client, alpha_teacher, make_user, app):
    """A password is the person's: a teacher of one class must not take over an account that also
    belongs to another class (a teacher elsewhere, say) by resetting its password."""
    make_user("bea", "teacher", "beta")
    make_user("solo", "student", "beta")
    with app.app_context():
        db.session.query(Tenant).filter_by(slug="beta").one().join_code = "beta-code-0123456"
        db.session.commit()
    sam = choose_own_password(client, bearer(sign_in(client, "sam")))
    assert client.post("/join/beta-code-0123456", headers=sam, json={}).status_code == 201
    beta = bearer(sign_in(client, "bea"))
    members = {u["username"]: u["id"] for u in client.get("/admin/users", headers=beta).get_json()}
    refused = client.post(f"/admin/users/{members['sam']}/password", headers=beta, json={})
    assert refused.status_code == 403 and "another class" in refused.get_json()["detail"]
    assert sign_in(client, "sam", "alpha", password=OWN_PASSWORD).status_code == 200  # the password holds
    reset = client.post(f"/admin/users/{members['solo']}/password", headers=beta, json={})
    assert reset.status_code == 200
    assert sign_in(client, "solo", password=reset.get_json()["password"]).status_code == 200


def test_an_assistant_may_not_change_a_challenge_over_http(client, alpha_teacher, make_user):
    make_user("asa", "assistant", "alpha")
    assistant = bearer(sign_in(client, "asa"))
    [challenge] = client.get("/challenges", headers=assistant).get_json()
    assert client.get("/admin/integrity?challenge=gmsc", headers=assistant).status_code == 200
    assert client.get("/admin/scores", headers=assistant).status_code == 200
    for change in ({"private_revealed": True}, {"score_precision": 2}, {"title": "Mine"}):
        assert (
            client.patch(f"/admin/challenges/{challenge['id']}", headers=assistant, json=change).status_code
            == 403
        )
    assert client.put("/admin/quota", headers=assistant, json={"daily_quota": 99}).status_code == 403
    assert (
        client.post("/admin/users", headers=assistant, json={"username": "t2", "role": "teacher"}).status_code
        == 403
    )


def test_nobody_joining_by_a_link_can_take_a_name_in_use_and_lock_its_owner_out(
    client, alpha_teacher, make_user
):
    make_user("operator", "admin", None)
    code = code_of(client.post("/classes/alpha/join-link", headers=bearer(sign_in(client, "tina")), json={})
                   .get_json()["join_url"])  # fmt: skip
    for taken in ("operator", "tina"):
        answer = client.post(f"/join/{code}", json={"username": taken, "password": "a long password"})
        assert answer.status_code == 409 and "is taken" in answer.get_json()["detail"]
    assert sign_in(client, "operator").status_code == 200 and sign_in(client, "tina").status_code == 200


def test_a_switch_never_lasts_longer_than_the_token_traded(client, alpha_teacher, app):
    import jwt as pyjwt

    tokens = sign_in(client, "tina").get_json()
    client.post(
        "/classes", headers={"Authorization": f"Bearer {tokens['access_token']}"}, json={"slug": "gamma"}
    )
    by_access = client.post("/switch", headers={"Authorization": f"Bearer {tokens['access_token']}"},
                            json={"class": "gamma"}).get_json()  # fmt: skip
    assert "refresh_token" not in by_access  # an access token buys an access token only...
    claims = [
        pyjwt.decode(t, options={"verify_signature": False})
        for t in (tokens["access_token"], by_access["access_token"])
    ]
    assert (
        claims[1]["exp"] <= claims[0]["exp"] and claims[1]["sid"] == claims[0]["sid"]
    )  # ...ending as it does
    with app.app_context():  # an access token near its end buys one that ends with it
        from datetime import timedelta

        from flask_jwt_extended import create_access_token

        tina_id = member_of(app, "tina", "alpha")
        ending = create_access_token(identity=str(tina_id), additional_claims={"ver": 0, "sid": claims[0]["sid"]},
                                     expires_delta=timedelta(seconds=40))  # fmt: skip
    late = client.post(
        "/switch", headers={"Authorization": f"Bearer {ending}"}, json={"class": "gamma"}
    ).get_json()
    late_exp = pyjwt.decode(late["access_token"], options={"verify_signature": False})["exp"]
    assert late_exp <= pyjwt.decode(ending, options={"verify_signature": False})["exp"]
    refresh = {"Authorization": f"Bearer {tokens['refresh_token']}"}
    by_refresh = client.post("/switch", headers=refresh, json={"class": "gamma"})
    assert by_refresh.status_code == 200 and by_refresh.get_json()["class"] == "gamma"
    assert client.post("/refresh", headers=refresh).status_code == 401  # spent by the switch


def test_a_disabled_member_neither_lists_the_class_nor_sees_its_link(client, alpha_teacher, make_user, app):
    make_user("ava", "assistant", "alpha")
    ava = choose_own_password(client, bearer(sign_in(client, "ava")))
    tina = bearer(sign_in(client, "tina"))
    client.post("/classes", headers=tina, json={"slug": "beta"})
    beta_link = client.get(
        "/classes/beta/join-link",
        headers=bearer(client.post("/switch", headers=tina, json={"class": "beta"})),
    ).get_json()
    assert client.post(f"/join/{code_of(beta_link['join_url'])}", headers=ava, json={}).status_code == 201
    ava_id = member_of(app, "ava", "alpha")
    assert client.post(f"/admin/users/{ava_id}/disable", headers=tina).status_code == 200
    in_beta = bearer(sign_in(client, "ava", "beta", password=OWN_PASSWORD))
    assert [c["slug"] for c in client.get("/classes", headers=in_beta).get_json()] == ["beta"]


def test_adding_staff_whose_name_is_used_in_the_class_is_a_conflict(client, alpha_teacher, make_user):
    make_user("sam", "teacher", "beta")  # another person named sam, from before names were unique
    sam_of_beta = choose_own_password(client, bearer(sign_in(client, "sam", "beta")))
    assert sam_of_beta
    tina = bearer(sign_in(client, "tina"))
    answer = client.post(
        "/classes/alpha/staff",
        headers=tina,
        json={"username": "sam", "role": "assistant", "from_class": "beta"},
    )
    assert answer.status_code == 409 and "already named 'sam'" in answer.get_json()["detail"]


def test_a_nul_character_in_a_path_is_the_clients_error(client, alpha_teacher):
    tina = bearer(sign_in(client, "tina"))
    for path in ("/join/a%00b", "/classes/a%00/join-link", "/web/join/a%00b"):
        assert client.get(path, headers=tina).status_code in (400, 405), path
    assert client.post("/join/a%00b", json={}).status_code == 400


def test_a_removed_student_comes_back_with_their_account_and_signs_in_to_their_other_class_meanwhile(
    client, alpha_teacher, make_user, app
):
    sam = choose_own_password(client, bearer(sign_in(client, "sam")))
    make_user("bea", "teacher", "beta")
    with app.app_context():
        db.session.query(Tenant).filter_by(slug="beta").one().join_code = "beta-code-0123456"
        db.session.commit()
    client.post("/join/beta-code-0123456", headers=sam, json={})
    tina = bearer(sign_in(client, "tina"))
    sam_id = member_of(app, "sam", "alpha")
    with app.app_context():
        import service.accounts.users as accounts

        accounts.remove_member(
            db.session.get(User, sam_id), db.session.get(User, member_of(app, "tina", "alpha"))
        )
    assert sign_in(client, "sam", password=OWN_PASSWORD).get_json()["class"] == "beta"  # alpha is gone
    back = client.post("/admin/users", headers=tina, json={"username": "sam"})
    assert back.status_code == 201 and back.get_json()["generated_password"] is None  # their own password
    assert sign_in(client, "sam", "alpha", password=OWN_PASSWORD).status_code == 200


def member_of(app, username: str, class_slug: str) -> int:
    with app.app_context():
        return db.session.scalar(
            db.select(User.id).join(Tenant, Tenant.id == User.tenant_id)
            .where(User.username == username, Tenant.slug == class_slug)
        )  # fmt: skip


def test_a_password_staff_reset_again_keeps_the_account_out_of_other_classes(
    client, alpha_teacher, make_user, app
):
    make_user("bea", "teacher", "beta")
    with app.app_context():
        db.session.query(Tenant).filter_by(slug="beta").one().join_code = "beta-code-0123456"
        db.session.commit()
    choose_own_password(client, bearer(sign_in(client, "sam")))
    tina = bearer(sign_in(client, "tina"))
    reset = client.post(
        f"/admin/users/{member_of(app, 'sam', 'alpha')}/password", headers=tina, json={}
    ).get_json()
    sam = bearer(sign_in(client, "sam", password=reset["password"]))  # a password tina knows
    assert client.post("/join/beta-code-0123456", headers=sam, json={}).status_code == 403
