from service.extensions import db
from service.store.models import Challenge, Tenant
from tests.conftest import login


def challenge_id_of(app, tenant_slug: str) -> int:
    with app.app_context():
        tenant = db.session.scalar(db.select(Tenant).where(Tenant.slug == tenant_slug))
        return db.session.scalar(db.select(Challenge.id).where(Challenge.tenant_id == tenant.id))


def test_every_tenant_gets_the_default_challenge(client, two_classes):
    challenges = client.get("/challenges", headers=login(client, "student-a")).get_json()
    assert [(c["slug"], c["metric"], c["tenant"]) for c in challenges] == [("gmsc", "roc_auc", "class-a")]


def test_student_asking_for_another_tenants_challenge_gets_404(app, client, two_classes):
    student = login(client, "student-a")
    assert client.get(f"/challenges/{challenge_id_of(app, 'class-a')}", headers=student).status_code == 200
    response = client.get(f"/challenges/{challenge_id_of(app, 'class-b')}", headers=student)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_the_practice_sample_submission_is_made_once_and_stored(app, client, two_classes, monkeypatch):
    import pytest

    import service.challenges.files as files

    student, challenge_id = login(client, "student-a"), challenge_id_of(app, "class-a")
    with app.app_context():
        assert db.session.get(Challenge, challenge_id).sample_submission is None  # older than stored samples
    first = client.get(f"/challenges/{challenge_id}/sample-submission.csv", headers=student)
    assert first.status_code == 200 and first.data.startswith(b"Id,Probability\n")
    with app.app_context():
        assert (
            db.session.get(Challenge, challenge_id).sample_submission == first.data
        )  # the route committed it
    monkeypatch.setattr(files, "sample_submission", lambda key: pytest.fail("made twice"))
    again = client.get(f"/challenges/{challenge_id}/sample-submission.csv", headers=student)
    assert again.data == first.data
