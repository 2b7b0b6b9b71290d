"""bench/scale.py runs end to end on a tiny store: every timed route answers 200, and it says the store's size."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import configured_postgresql_url

ROOT = Path(__file__).resolve().parent.parent


def test_scale_bench_fills_a_tiny_store_and_times_every_route():
    # Always the embedded SQLite store; with TEST_DATABASE_URL (CI) the bench times PostgreSQL beside it.
    url = configured_postgresql_url()
    extra = ["--database-url", url] if url else []
    tiny = ["--classes", "1", "--students", "6", "--submissions", "3", "--small", "4x2", "--requests", "1"]

    done = subprocess.run(
        [sys.executable, "bench/scale.py", "--quick", *tiny, "--full-every", "4", "--isolation", *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip

    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    routes = [line for line in done.stdout.splitlines() if line.startswith("  GET ")]
    databases = 2 if extra else 1
    # Per store: 17 routes for each timed class; the big store times two classes, the small one alone one.
    assert len(routes) == databases * 17 * 3, done.stdout
    assert "not 200" not in done.stdout, done.stdout
    assert sum(line.startswith("  store: ") for line in done.stdout.splitlines()) == databases * 2
    assert done.stdout.count("worst ratio") == databases
    assert "26 submissions" in done.stdout  # 6 x 3 and 4 x 2, made through the service's code
