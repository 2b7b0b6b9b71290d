"""Processes started at once on a fresh store all come up; none starts on a store left behind."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import postgresql_url, service_environment

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from start import one_try  # noqa: E402  (bench/start.py: the benchmark runs the same try, many times)


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
def test_api_and_two_workers_started_at_once_on_a_fresh_store_all_stay_up(store, tmp_path, redis_url):
    database_url = ""
    if store == "postgresql":
        database_url = postgresql_url()

    result = one_try(tmp_path, redis_url, database_url)

    assert result.clean, f"{'; '.join(result.problems)}\n{result.report()}"


def test_worker_on_a_configured_store_never_upgraded_exits_naming_flask_db_upgrade(tmp_path, redis_url):
    store = tmp_path / "grader.db"
    env = service_environment(
        instance_path=tmp_path / "instance", database_url=f"sqlite:///{store}", redis_url=redis_url
    )

    worker = subprocess.run(
        [sys.executable, "-m", "workers"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )

    assert worker.returncode != 0
    assert "flask db upgrade" in worker.stdout + worker.stderr
    assert "Traceback" not in worker.stderr
    connection = sqlite3.connect(store)
    tables = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    connection.close()
    assert tables == []  # refused, not half-made
