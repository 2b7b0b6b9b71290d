"""The integrity report's queries (window functions, grouped bands) on PostgreSQL too."""

from __future__ import annotations

import pytest

from service.config import Settings
from service.extensions import db
from service.store.schema import migrate_store
from tests.conftest import login, postgresql_url
from tests.integrity.conftest import PROBES, build_class, report
from tests.store.conftest import _drop_everything


@pytest.fixture
def app(make_app):
    url = postgresql_url()
    _drop_everything(url)
    migrate_store(Settings(database_url=url))  # the operator's `flask db upgrade`
    app = make_app(database_url=url)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_report_names_the_copiers_and_the_prober_and_nobody_else_on_postgresql(
    client, two_classes, make_user
):
    scenario = build_class(client, make_user, "roc_auc")
    found = report(client, login(client, "teacher-a"), scenario.slug)
    pairs = {frozenset(p["students"]) for p in found["shared_predictions"]["pairs"]}
    assert pairs == {frozenset({"copier-a", "copier-b"}), frozenset({"twin-a", "twin-b"})}
    [run] = found["probe_runs"]
    assert (run["student"], run["submissions"]) == ("prober", PROBES)
