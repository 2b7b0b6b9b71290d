import io

import pytest

from tests.conftest import PASSWORD, login

ADMIN_ROUTES = [
    ("get", "/admin/users"),
    ("post", "/admin/users"),
    ("get", "/admin/users/{student_a}"),
    ("post", "/admin/users/{student_a}/password"),
    ("post", "/admin/users/{student_a}/disable"),
    ("post", "/admin/roster"),
    ("get", "/admin/tenants"),
    ("post", "/admin/tenants"),
]


def call(client, method, path, ids, headers=None, **kwargs):
    return getattr(client, method)(path.format(**ids), headers=headers or {}, **kwargs)


@pytest.mark.parametrize("method, path", ADMIN_ROUTES)
def test_every_admin_route_needs_a_token(client, two_classes, method, path):
    assert call(client, method, path, two_classes).status_code == 401


@pytest.mark.parametrize("method, path", ADMIN_ROUTES)
def test_every_admin_route_refuses_students(client, two_classes, method, path):
    response = call(client, method, path, two_classes, login(client, "student-a"), json={})
    assert response.status_code == 403


@pytest.mark.parametrize("method, path", [r for r in ADMIN_ROUTES if "tenants" in r[1]])
def test_tenant_routes_refuse_teachers(client, two_classes, method, path):
    response = call(client, method, path, two_classes, login(client, "teacher-a"), json={"slug": "x-class"})
    assert response.status_code == 403


def test_teacher_lists_only_their_own_users(client, two_classes):
    response = client.get("/admin/users", headers=login(client, "teacher-a"))
    assert sorted(u["username"] for u in response.get_json()) == ["student-a", "teacher-a"]


@pytest.mark.parametrize(
    "method, path",
    [("get", "/admin/users/{student_b}"), ("post", "/admin/users/{student_b}/password"),
     ("post", "/admin/users/{student_b}/disable"), ("get", "/admin/users/{teacher_b}")],
)  # fmt: skip
def test_teacher_cannot_read_or_change_another_tenants_users(app, client, two_classes, method, path):
    response = call(client, method, path, two_classes, login(client, "teacher-a"), json={})
    assert response.status_code == 404
    # and student-b is untouched: still signs in with the old password
    assert client.post("/login", json={"username": "student-b", "password": PASSWORD}).status_code == 200


def test_teacher_cannot_name_another_tenant(client, two_classes):
    teacher = login(client, "teacher-a")
    assert client.get("/admin/users?tenant=class-b", headers=teacher).status_code == 403
    new_user = {"username": "intruder", "password": PASSWORD}
    assert client.post("/admin/users?tenant=class-b", headers=teacher, json=new_user).status_code == 403
    roster = {"file": (io.BytesIO(b"x1,x1@example.org,password123\n"), "roster.csv")}
    assert client.post("/admin/roster?tenant=class-b", headers=teacher, data=roster).status_code == 403


def test_teacher_creates_a_student_who_can_sign_in(client, two_classes):
    teacher = login(client, "teacher-a")
    response = client.post("/admin/users", headers=teacher, json={"username": "newbie", "password": PASSWORD})
    assert response.status_code == 201
    assert response.get_json()["tenant"] == "class-a" and response.get_json()["role"] == "student"
    me = client.get("/me", headers=login(client, "newbie")).get_json()
    assert me["tenant"] == "class-a"


def test_a_name_taken_in_the_same_class_is_409(client, two_classes):
    teacher = login(client, "teacher-a")
    response = client.post(
        "/admin/users", headers=teacher, json={"username": "student-a", "password": PASSWORD}
    )
    assert response.status_code == 409


def test_a_name_is_one_persons_across_the_service(client, two_classes):
    """As on Kaggle or GitHub: a name taken in another class (or by the operator) is taken, so that
    nobody can make signing in by name alone ambiguous for someone else."""
    teacher = login(client, "teacher-a")
    for taken in ("student-b", "operator"):
        response = client.post(
            "/admin/users", headers=teacher, json={"username": taken, "password": PASSWORD}
        )
        assert response.status_code == 409 and "is taken" in response.get_json()["detail"]
    roster = b"username,email\nteacher-b,\nfresh-one,\n"
    imported = client.post("/admin/roster", headers=teacher, data={"file": (io.BytesIO(roster), "r.csv")})
    assert (
        imported.status_code == 400
        and "row 1: the username 'teacher-b' is taken" in imported.get_json()["detail"]
    )
    names = [u["username"] for u in client.get("/admin/users", headers=teacher).get_json()]
    assert names == sorted(["teacher-a", "student-a"])  # nothing made
    login(client, "operator")  # still signs in by name alone


def test_teacher_imports_a_roster_over_http_and_gets_generated_passwords(client, two_classes):
    teacher = login(client, "teacher-a")
    roster = b"username,email,password\nann,ann@example.org,\nbob,bob@example.org,bob-secret-1\n"
    response = client.post("/admin/roster", headers=teacher, data={"file": (io.BytesIO(roster), "r.csv")})
    assert response.status_code == 201
    entries = {e["username"]: e for e in response.get_json()}
    assert entries["bob"]["generated_password"] is None
    login(client, "ann", entries["ann"]["generated_password"])
    login(client, "bob", "bob-secret-1")


def test_roster_with_a_bad_row_creates_nobody(client, two_classes):
    teacher = login(client, "teacher-a")
    roster = b"carol,carol@example.org,carol-secret\nstudent-a,dup@example.org,whatever-1\n"
    response = client.post("/admin/roster", headers=teacher, data={"file": (io.BytesIO(roster), "r.csv")})
    assert response.status_code == 400
    assert "row 2" in response.get_json()["detail"]
    assert client.post("/login", json={"username": "carol", "password": "carol-secret"}).status_code == 401


def test_teacher_resets_a_password_and_the_old_one_stops_working(client, two_classes):
    teacher = login(client, "teacher-a")
    response = client.post(f"/admin/users/{two_classes['student_a']}/password", headers=teacher, json={})
    new_password = response.get_json()["password"]
    assert client.post("/login", json={"username": "student-a", "password": PASSWORD}).status_code == 401
    login(client, "student-a", new_password)


def test_operator_manages_any_tenant(client, two_classes):
    admin = login(client, "operator")
    assert client.post("/admin/tenants", headers=admin, json={"slug": "class-c"}).status_code == 201
    slugs = [t["slug"] for t in client.get("/admin/tenants", headers=admin).get_json()]
    assert slugs == ["class-a", "class-b", "class-c"]
    users = client.get("/admin/users?tenant=class-b", headers=admin).get_json()
    assert sorted(u["username"] for u in users) == ["student-b", "teacher-b"]
    assert client.get(f"/admin/users/{two_classes['student_b']}", headers=admin).status_code == 200


def test_password_reset_ends_the_old_sessions(client, two_classes):
    import time

    old = client.post("/login", json={"username": "student-a", "password": PASSWORD}).get_json()
    time.sleep(1.1)  # token times have whole seconds
    teacher = login(client, "teacher-a")
    new_password = client.post(
        f"/admin/users/{two_classes['student_a']}/password", headers=teacher, json={}
    ).get_json()["password"]
    assert client.get("/me", headers={"Authorization": f"Bearer {old['access_token']}"}).status_code == 401
    assert (
        client.post("/refresh", headers={"Authorization": f"Bearer {old['refresh_token']}"}).status_code
        == 401
    )
    assert client.get("/me", headers=login(client, "student-a", new_password)).status_code == 200


def test_a_teacher_adds_a_student_without_a_password_and_gets_one_generated_once(client, two_classes):
    teacher = login(client, "teacher-a")
    created = client.post("/admin/users", headers=teacher, json={"username": "dora"})
    assert created.status_code == 201
    password = created.get_json()["generated_password"]
    assert len(password) >= 12
    login(client, "dora", password)
    shown_again = client.get(f"/admin/users/{created.get_json()['id']}", headers=teacher).get_json()
    assert "generated_password" not in shown_again
