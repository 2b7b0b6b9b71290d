"""The migrations own the schema: they build it, take it down and up again, match the models,
and carry a store's data from the first revision to the last."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask_migrate import downgrade
from sqlalchemy import create_engine, inspect, select, text

from service import create_app
from service.config import Settings
from service.extensions import db
from service.store.schema import MIGRATIONS, StoreOutOfDate, head_revision, migrate_store, migration_context
from tests.conftest import PROJECT, postgresql_url, service_environment
from tests.store.conftest import BACKENDS, _drop_everything

INITIAL = "0001"
TABLES = {
    "tenants", "users", "challenges", "submissions", "submission_files", "standings", "quota_usage",
    "answer_keys", "challenge_files", "prediction_signatures", "signature_bands",
    "quota_grants", "revoked_tokens", "people", "invited_names", "kept_predictions",
}  # fmt: skip


@pytest.fixture(params=BACKENDS)
def empty_store(request, tmp_path) -> Settings:
    """Settings naming an empty store: a SQLite file, or the PostgreSQL of TEST_DATABASE_URL."""
    if request.param == "sqlite":
        return Settings(database_url=f"sqlite:///{tmp_path / 'store.db'}", instance_path=tmp_path)
    url = postgresql_url()
    _drop_everything(url)
    return Settings(database_url=url, instance_path=tmp_path)


def tables_of(settings: Settings) -> set[str]:
    engine = create_engine(settings.sqlalchemy_url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_builds_every_table_and_downgrade_removes_them_all(empty_store):
    migrate_store(empty_store)
    assert tables_of(empty_store) == TABLES
    with migration_context(empty_store):
        downgrade(directory=str(MIGRATIONS), revision="base")
    assert tables_of(empty_store) == set()
    migrate_store(empty_store)
    assert tables_of(empty_store) == TABLES


def test_the_models_and_the_migrations_agree(empty_store):
    migrate_store(empty_store)
    with migration_context(empty_store), db.engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), db.metadata
        )
    assert differences == []


def file_of(submission_id: int) -> bytes:
    """A distinct upload per submission, up to about 150 KB, with bytes beyond ASCII."""
    return b"Id,Probability\r\n" + f"{submission_id},0.5é\n".encode() * (submission_id * 5000)


def test_a_store_at_the_initial_revision_upgrades_with_its_data_kept(empty_store):
    migrate_store(empty_store, INITIAL)
    engine = create_engine(empty_store.sqlalchemy_url)
    problems = [{"line": 2, "column": "Id", "message": "'x' is not an Id"}]
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO tenants (id, slug, name, created_at) VALUES (1, 'c', 'C', '2026-01-01')")
        )
        connection.execute(text(
            "INSERT INTO users (id, username, password_hash, role, tenant_id, disabled, tokens_valid_after, created_at) "
            "VALUES (1, 'ann', 'hash', 'STUDENT', 1, false, '2026-01-02', '2026-01-01')"
        ))  # fmt: skip
        connection.execute(text(
            "INSERT INTO challenges (id, tenant_id, slug, title, metric, created_at) "
            "VALUES (1, 1, 'gmsc', 'GMSC', 'roc_auc', '2026-01-01')"
        ))  # fmt: skip
        for submission_id, status, stored_problems, error, score in [
            (1, "FINISHED", None, None, 0.81),
            (2, "FAILED", json.dumps(problems), "Invalid submission: 1 problem", None),  # an invalid file
            (3, "FAILED", None, "the worker grading it was lost", None),  # a platform failure
            (4, "QUEUED", None, None, None),
        ]:
            connection.execute(
                text(
                    "INSERT INTO submissions (id, tenant_id, user_id, challenge_id, filename, content, sha256,"
                    " size_bytes, status, progress, attempts, final_selected, problems, error, public_score,"
                    " created_at) VALUES (:id, 1, 1, 1, 'p.csv', :content, :sha, 7, :status, 1.0, 1, false,"
                    " :problems, :error, :score, '2026-01-01')"
                ),
                {"id": submission_id, "content": file_of(submission_id), "sha": f"{submission_id:064d}",
                 "status": status, "problems": stored_problems, "error": error, "score": score},
            )  # fmt: skip
    engine.dispose()

    migrate_store(empty_store)

    engine = create_engine(empty_store.sqlalchemy_url)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT id, status, problems, error, public_score, content FROM submissions"
                " JOIN submission_files ON submission_files.submission_id = submissions.id ORDER BY id"
            )
        ).all()
        # The standings start from the history: one finished submission, which is the best.
        standing = connection.execute(
            text("SELECT user_id, challenge_id, entries, best_public_id FROM standings")
        )
        assert standing.all() == [(1, 1, 1, 1)]
        # A user reset before the upgrade keeps refusing the tokens issued before that reset.
        assert connection.execute(text("SELECT username, token_version FROM users")).one() == ("ann", 1)
    engine.dispose()
    statuses = [row.status for row in rows]
    assert statuses == ["FINISHED", "REJECTED", "FAILED", "QUEUED"]
    assert rows[0].public_score == 0.81
    assert [bytes(row.content) for row in rows] == [file_of(i) for i in (1, 2, 3, 4)]  # byte for byte
    stored = rows[1].problems if isinstance(rows[1].problems, list) else json.loads(rows[1].problems)
    assert stored == problems and rows[2].error == "the worker grading it was lost"


def _add_a_class_with_a_student(connection) -> None:
    """Class 1 and its student 1, as any revision from 0003 on stores them."""
    connection.execute(
        text("INSERT INTO tenants (id, slug, name, created_at) VALUES (1, 'c', 'C', '2026-01-01')")
    )
    connection.execute(text(
        "INSERT INTO users (id, username, password_hash, role, tenant_id, disabled, token_version, created_at) "
        "VALUES (1, 'ann', 'hash', 'STUDENT', 1, false, 0, '2026-01-01')"
    ))  # fmt: skip


def test_a_store_before_teachers_challenges_upgrades_with_its_challenges_kept_as_practice(empty_store):
    migrate_store(empty_store, "0005")
    engine = create_engine(empty_store.sqlalchemy_url)
    with engine.begin() as connection:
        _add_a_class_with_a_student(connection)
        connection.execute(text(
            "INSERT INTO challenges (id, tenant_id, slug, title, metric, deadline, created_at) "
            "VALUES (1, 1, 'gmsc', 'GMSC', 'roc_auc', '2026-02-01', '2026-01-01')"
        ))  # fmt: skip
        connection.execute(text(
            "INSERT INTO submissions (id, tenant_id, user_id, challenge_id, filename, sha256, size_bytes, status,"
            " progress, attempts, final_selected, public_score, created_at)"
            " VALUES (1, 1, 1, 1, 'p.csv', :sha, 7, 'FINISHED', 1.0, 1, false, 0.81, '2026-01-15')"
        ), {"sha": "0" * 64})  # fmt: skip
        connection.execute(text("INSERT INTO submission_files (submission_id, content) VALUES (1, :c)"),
                           {"c": file_of(1)})  # fmt: skip
    engine.dispose()

    migrate_store(empty_store)

    engine = create_engine(empty_store.sqlalchemy_url)
    with engine.connect() as connection:
        challenge = connection.execute(
            text(
                "SELECT slug, metric, answer_key_sha256, prediction_column, closed, description FROM challenges"
            )
        ).one()
        submission = connection.execute(text("SELECT public_score, late FROM submissions")).one()
        content = connection.execute(text("SELECT content FROM submission_files")).scalar_one()
    engine.dispose()
    assert tuple(challenge) == ("gmsc", "roc_auc", None, None, False, None)  # the practice key, open
    assert (submission.public_score, bool(submission.late)) == (0.81, False)
    assert bytes(content) == file_of(1)


def test_a_store_before_leaderboard_integrity_upgrades_to_exact_leaderboards_at_five_decimals(empty_store):
    migrate_store(empty_store, "0006")
    engine = create_engine(empty_store.sqlalchemy_url)
    with engine.begin() as connection:
        _add_a_class_with_a_student(connection)
        connection.execute(text(
            "INSERT INTO challenges (id, tenant_id, slug, title, metric, closed, created_at) "
            "VALUES (1, 1, 'gmsc', 'GMSC', 'roc_auc', false, '2026-01-01')"
        ))  # fmt: skip
        connection.execute(text(
            "INSERT INTO submissions (id, tenant_id, user_id, challenge_id, filename, sha256, size_bytes, status,"
            " progress, attempts, final_selected, late, public_score, created_at)"
            " VALUES (1, 1, 1, 1, 'p.csv', :sha, 7, 'FINISHED', 1.0, 1, false, false, 0.81, '2026-01-15')"
        ), {"sha": "0" * 64})  # fmt: skip
    engine.dispose()

    migrate_store(empty_store)

    engine = create_engine(empty_store.sqlalchemy_url)
    with engine.connect() as connection:
        challenge = connection.execute(
            text("SELECT score_precision, leaderboard_mode, ladder_alpha FROM challenges")
        ).one()
        submission = connection.execute(
            text("SELECT public_score, ladder_moved, ladder_p_value, changed_rows FROM submissions")
        ).one()
    engine.dispose()
    assert tuple(challenge) == (5, "exact", 0.05)
    assert tuple(submission) == (0.81, None, None, None)


def test_a_store_before_stored_samples_and_failure_causes_upgrades_with_its_rows(
    empty_store, answer_key_path, monkeypatch
):
    migrate_store(empty_store, "0007")
    engine = create_engine(empty_store.sqlalchemy_url)
    with engine.begin() as connection:
        _add_a_class_with_a_student(connection)
        connection.execute(text(
            "INSERT INTO challenges (id, tenant_id, slug, title, metric, closed, created_at, score_precision,"
            " leaderboard_mode, ladder_alpha) VALUES (1, 1, 'gmsc', 'GMSC', 'roc_auc', false, '2026-01-01', 5,"
            " 'exact', 0.05)"
        ))  # fmt: skip
        connection.execute(text(
            "INSERT INTO submissions (id, tenant_id, user_id, challenge_id, filename, sha256, size_bytes, status,"
            " progress, attempts, final_selected, late, error, created_at)"
            " VALUES (1, 1, 1, 1, 'p.csv', :sha, 7, 'FAILED', 1.0, 1, false, false, 'the worker was lost',"
            " '2026-01-15')"
        ), {"sha": "0" * 64})  # fmt: skip
    engine.dispose()

    migrate_store(empty_store)
    engine = create_engine(empty_store.sqlalchemy_url)
    with engine.connect() as connection:  # a failure from before says neither cause: it never charges
        assert tuple(connection.execute(text("SELECT status, error, failure FROM submissions")).one()) == (
            "FAILED", "the worker was lost", None)  # fmt: skip
    engine.dispose()

    app = create_app(
        {"database_url": empty_store.database_url, "instance_path": empty_store.instance_path,
         "answer_key_path": answer_key_path}, environment={},
    )  # fmt: skip
    import service.challenges.files as files
    from service.challenges.files import sample_submission_of
    from service.store.models import Challenge

    with app.app_context():
        challenge = db.session.get(Challenge, 1)
        assert challenge.sample_submission is None and challenge.slug == "gmsc"
        made = sample_submission_of(challenge)
        assert made.decode().splitlines()[:2] == ["Id,Probability", "1,0.5"]
        db.session.commit()  # as the route that serves it does
        db.session.remove()
        monkeypatch.setattr(files, "sample_submission", lambda key: pytest.fail("made twice"))
        assert sample_submission_of(db.session.get(Challenge, 1)) == made
        db.session.remove()
        db.engine.dispose()


def test_a_store_before_people_upgrades_with_same_named_users_of_two_classes_signing_in_as_before(
    empty_store, answer_key_path
):
    from service.accounts.passwords import hash_password
    from service.accounts.sign_in import authenticate

    migrate_store(empty_store, "0008")
    engine = create_engine(empty_store.sqlalchemy_url)
    with engine.begin() as connection:
        for tenant_id, slug in [(1, "alpha"), (2, "beta")]:
            connection.execute(text(
                "INSERT INTO tenants (id, slug, name, created_at) VALUES (:id, :slug, :slug, '2026-01-01')"
            ), {"id": tenant_id, "slug": slug})  # fmt: skip
        users = [  # (id, name, class, role, password, token version)
            (1, "ann", 1, "STUDENT", "alpha's ann pw", 3), (2, "ann", 2, "STUDENT", "beta's ann pw", 0),
            (3, "tina", 1, "TEACHER", "tina's password", 1),
        ]  # fmt: skip
        for user_id, name, tenant_id, role, password, version in users:
            connection.execute(text(
                "INSERT INTO users (id, username, email, password_hash, role, tenant_id, disabled, token_version,"
                " created_at) VALUES (:id, :name, :email, :hash, :role, :tenant, false, :version, '2026-01-01')"
            ), {"id": user_id, "name": name, "email": f"{name}{user_id}@example.org", "hash": hash_password(password),
                "role": role, "tenant": tenant_id, "version": version})  # fmt: skip
        connection.execute(text(
            "INSERT INTO challenges (id, tenant_id, slug, title, metric, closed, created_at, score_precision,"
            " leaderboard_mode, ladder_alpha) VALUES (1, 2, 'gmsc', 'GMSC', 'roc_auc', false, '2026-01-01', 5,"
            " 'exact', 0.05)"
        ))  # fmt: skip
        connection.execute(text(
            "INSERT INTO submissions (id, tenant_id, user_id, challenge_id, filename, sha256, size_bytes, status,"
            " progress, attempts, final_selected, late, public_score, created_at)"
            " VALUES (1, 2, 2, 1, 'p.csv', :sha, 7, 'FINISHED', 1.0, 1, false, false, 0.81, '2026-01-15')"
        ), {"sha": "0" * 64})  # fmt: skip
        connection.execute(text("INSERT INTO standings (user_id, challenge_id, entries, best_public_id) "
                                "VALUES (2, 1, 1, 1)"))  # fmt: skip
    engine.dispose()

    migrate_store(empty_store)

    app = create_app(
        {"database_url": empty_store.database_url, "instance_path": empty_store.instance_path,
         "answer_key_path": answer_key_path}, environment={},
    )  # fmt: skip
    from service.store.models import Person, Standing, Submission, User

    with app.app_context():
        alpha_ann = authenticate("ann", "alpha's ann pw", "alpha")
        beta_ann = authenticate("ann", "beta's ann pw", "beta")
        assert (alpha_ann.id, alpha_ann.token_version, alpha_ann.tenant.slug) == (1, 3, "alpha")
        assert (beta_ann.id, beta_ann.token_version, beta_ann.tenant.slug) == (2, 0, "beta")
        assert alpha_ann.person_id != beta_ann.person_id  # two people, as before
        assert authenticate("ann", "alpha's ann pw", "beta") is None
        assert authenticate("ann", "alpha's ann pw") is None  # the name alone names two people
        assert authenticate("tina", "tina's password").role.value == "teacher"
        assert [u.email for u in db.session.scalars(select(User).order_by(User.id))] == [
            "ann1@example.org", "ann2@example.org", "tina3@example.org"]  # fmt: skip
        submission = db.session.get(Submission, 1)
        assert (submission.user.username, submission.user.tenant.slug, submission.public_score) == (
            "ann", "beta", 0.81)  # fmt: skip
        assert db.session.get(Standing, (2, 1)).best_public_id == 1
        # New people get ids after the copied ones.
        newcomer = Person(username="new", password_hash="x")
        db.session.add(newcomer)
        db.session.commit()
        assert newcomer.id == 4
        db.session.remove()
        db.engine.dispose()


def test_a_store_before_chosen_passwords_upgrades_with_every_person_holding_a_staff_set_one(empty_store):
    migrate_store(empty_store, "0009")
    engine = create_engine(empty_store.sqlalchemy_url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO tenants (id, slug, name, created_at, join_listed_only) "
                                "VALUES (1, 'c', 'C', '2026-01-01', false)"))  # fmt: skip
        connection.execute(text("INSERT INTO people (id, username, password_hash, created_at) "
                                "VALUES (1, 'ann', 'hash', '2026-01-01')"))  # fmt: skip
        connection.execute(text(
            "INSERT INTO users (id, person_id, username, role, tenant_id, disabled, token_version, created_at) "
            "VALUES (1, 1, 'ann', 'STUDENT', 1, false, 2, '2026-01-01')"
        ))  # fmt: skip
    engine.dispose()

    migrate_store(empty_store)

    engine = create_engine(empty_store.sqlalchemy_url)
    with engine.connect() as connection:
        person = connection.execute(text("SELECT username, password_hash, password_chosen FROM people")).one()
        member = connection.execute(text("SELECT person_id, token_version FROM users")).one()
    engine.dispose()
    assert (person.username, person.password_hash, bool(person.password_chosen)) == ("ann", "hash", False)
    assert tuple(member) == (1, 2)


def test_a_store_before_kept_predictions_upgrades_and_its_next_job_reads_the_earlier_file_once(
    empty_store, answer_key_path, answer_key
):
    """A store at 0010 holds a finished submission and no kept predictions: after the upgrade, the next
    job counts the rows it changed from that submission's file, and keeps its own predictions."""
    import io

    import service.accounts.users as accounts
    from service.store.models import KeptPredictions, Role, Submission
    from tests.conftest import PASSWORD, login, submission_csv, wait_until_done

    migrate_store(empty_store)
    settings = {"database_url": empty_store.database_url, "instance_path": empty_store.instance_path,
                "answer_key_path": answer_key_path}  # fmt: skip
    app = create_app(settings, environment={})
    with app.app_context():
        accounts.create_user("ann", PASSWORD, accounts.create_tenant("class-a"), Role.STUDENT)
    client = app.test_client()
    ann = login(client, "ann")

    def send(scores) -> dict:
        data = submission_csv(answer_key.ids, scores)
        answer = client.post("/jobs", headers=ann, data={"file": (io.BytesIO(data), "p.csv")})
        return wait_until_done(client, ann, answer.headers["Location"])

    scores = answer_key.targets * 0.5 + 0.25
    first = send(scores)
    with app.app_context():
        db.engine.dispose()
    with migration_context(empty_store):  # the store as revision 0010 left it, with its data
        downgrade(directory=str(MIGRATIONS), revision="0010")
    assert "kept_predictions" not in tables_of(empty_store)

    migrate_store(empty_store)

    app = create_app(settings, environment={})
    client = app.test_client()
    ann = login(client, "ann")
    scores[:3] += 0.1
    second = send(scores)
    assert first["status"] == second["status"] == "finished"
    with app.app_context():
        assert db.session.get(Submission, second["id"]).changed_rows == 3
        assert db.session.scalars(select(KeptPredictions.submission_id)).all() == [second["id"]]
        db.engine.dispose()


def test_a_store_before_lz4_uploads_upgrades_with_its_files_read_as_before(
    empty_store, answer_key_path, answer_key
):
    """A store at 0011 holds a graded upload: after the upgrade it reads back byte for byte, and on
    PostgreSQL the next upload is stored with lz4 and kept predictions raw."""
    import io

    import service.accounts.users as accounts
    from service.store.models import Role, SubmissionFile
    from tests.conftest import PASSWORD, login, submission_csv, wait_until_done

    settings = {"database_url": empty_store.database_url, "instance_path": empty_store.instance_path,
                "answer_key_path": answer_key_path}  # fmt: skip
    migrate_store(empty_store)  # the app refuses a store behind the code: make the data at head...
    app = create_app(settings, environment={})
    with app.app_context():
        accounts.create_user("ann", PASSWORD, accounts.create_tenant("class-a"), Role.STUDENT)
    client = app.test_client()
    ann = login(client, "ann")
    files = [submission_csv(answer_key.ids, answer_key.targets * 0.5 + shift) for shift in (0.25, 0.2)]

    def send(data: bytes) -> dict:
        answer = client.post("/jobs", headers=ann, data={"file": (io.BytesIO(data), "p.csv")})
        return wait_until_done(client, ann, answer.headers["Location"])

    first = send(files[0])
    with app.app_context():
        db.engine.dispose()
    # ...then take it back to 0011 with its data, stored as 0011 stored them.
    with migration_context(empty_store):
        downgrade(directory=str(MIGRATIONS), revision="0011")
        if empty_store.database_url.startswith("postgresql"):
            with db.engine.begin() as connection:  # rewrite the upload as 0011 would have: pglz
                connection.execute(text("UPDATE submission_files SET content = content || ''::bytea"))

    migrate_store(empty_store)

    app = create_app(settings, environment={})
    client = app.test_client()
    ann = login(client, "ann")
    second = send(files[1])
    assert first["status"] == second["status"] == "finished"
    with app.app_context():
        stored_files = dict(
            db.session.execute(select(SubmissionFile.submission_id, SubmissionFile.content)).all()
        )
        assert stored_files == {first["id"]: files[0], second["id"]: files[1]}
        if db.engine.dialect.name == "postgresql":
            stored = dict(db.session.execute(text(
                "SELECT submission_id, pg_column_compression(content) FROM submission_files")).all())  # fmt: skip
            assert stored == {first["id"]: "pglz", second["id"]: "lz4"}
            storage = db.session.scalar(text(
                "SELECT attstorage FROM pg_attribute WHERE attrelid = 'kept_predictions'::regclass "
                "AND attname = 'values'"))  # fmt: skip
            assert storage == "e"  # external: stored as it is, never compressed
        db.engine.dispose()


def test_a_store_before_the_gradebook_index_upgrades_with_the_same_gradebook(
    empty_store, answer_key_path, answer_key
):
    """A store at 0012 with graded and rejected uploads: after the upgrade its gradebook reads the
    same, from the new index."""
    import io

    import service.accounts.users as accounts
    from service.store.models import Role
    from tests.conftest import PASSWORD, login, submission_csv, wait_until_done

    settings = {"database_url": empty_store.database_url, "instance_path": empty_store.instance_path,
                "answer_key_path": answer_key_path}  # fmt: skip
    migrate_store(empty_store)
    app = create_app(settings, environment={})
    with app.app_context():
        tenant = accounts.create_tenant("class-a")
        accounts.create_user("ann", PASSWORD, tenant, Role.STUDENT)
        accounts.create_user("tom", PASSWORD, tenant, Role.TEACHER)
    client = app.test_client()
    ann = login(client, "ann")
    for data in (submission_csv(answer_key.ids, answer_key.targets * 0.5 + 0.25), b"Id,Probability\n1,x\n"):
        answer = client.post("/jobs", headers=ann, data={"file": (io.BytesIO(data), "p.csv")})
        wait_until_done(client, ann, answer.headers["Location"])

    def gradebook() -> list:
        teacher = login(app.test_client(), "tom")
        return (
            app.test_client()
            .get("/admin/scores?best=true&practice=true&format=json", headers=teacher)
            .get_json()
        )

    before = gradebook()
    with app.app_context():
        db.engine.dispose()
    with migration_context(empty_store):
        downgrade(directory=str(MIGRATIONS), revision="0012")
    engine = create_engine(empty_store.sqlalchemy_url)
    assert "ix_submissions_challenge_id_status" in {
        i["name"] for i in inspect(engine).get_indexes("submissions")
    }
    engine.dispose()

    migrate_store(empty_store)

    app = create_app(settings, environment={})
    assert gradebook() == before
    assert [(row["student"], row["submissions"]) for row in before] == [("ann", 1)]
    engine = create_engine(empty_store.sqlalchemy_url)
    indexes = {i["name"]: i["column_names"] for i in inspect(engine).get_indexes("submissions")}
    engine.dispose()
    assert "ix_submissions_challenge_id_status" not in indexes
    assert indexes["ix_submissions_challenge_id_status_user_id_created_at"] == [
        "challenge_id", "status", "user_id", "created_at"
    ]  # fmt: skip
    with app.app_context():
        db.engine.dispose()


def test_a_configured_store_behind_the_code_is_refused_at_start_naming_the_command(
    empty_store, answer_key_path
):
    migrate_store(empty_store, INITIAL)
    overrides = {"database_url": empty_store.database_url, "instance_path": empty_store.instance_path,
                 "answer_key_path": answer_key_path}  # fmt: skip
    with pytest.raises(StoreOutOfDate, match="flask db upgrade"):
        create_app(overrides, environment={})
    migrate_store(empty_store)
    app = create_app(overrides, environment={})
    with app.app_context():
        assert (
            db.session.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
            == head_revision()
        )
        db.engine.dispose()


def test_flask_db_upgrade_mends_the_store_that_other_commands_refuse(tmp_path):
    store = tmp_path / "store.db"
    environment = service_environment(database_url=f"sqlite:///{store}", instance_path=tmp_path)

    def flask(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "flask", "--app", "api.py", *args], cwd=PROJECT, env=environment,
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    refused = flask("tenants", "create", "stats-101")
    assert refused.returncode != 0 and "flask db upgrade" in refused.stderr
    assert flask("db", "upgrade").returncode == 0
    created = flask("tenants", "create", "stats-101")
    assert created.returncode == 0, created.stderr
