"""The store tests run on SQLite, and on PostgreSQL too when TEST_DATABASE_URL names one."""

import pytest
from sqlalchemy import create_engine, text

from service import create_app
from service.config import Settings
from service.extensions import db
from service.store.schema import migrate_store
from tests.conftest import postgresql_url

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def store_app(request, answer_key_path, tmp_path):
    overrides = {"answer_key_path": answer_key_path, "instance_path": tmp_path / "instance"}
    if request.param == "postgresql":
        url = postgresql_url()
        _drop_everything(url)
        overrides["database_url"] = url
        migrate_store(Settings(database_url=url))  # the operator's `flask db upgrade`
    app = create_app(overrides, environment={})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _drop_everything(url: str) -> None:
    """A clean schema per test: the tables (and revision) of an earlier test must not leak into this one."""
    engine = create_engine(Settings(database_url=url).sqlalchemy_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
