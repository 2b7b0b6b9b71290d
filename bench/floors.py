"""What the platform's own parts cost a queued job at the least, measured beside a rush.

Each floor does the least its part of the path does, in this process, with nothing of the
service around it: rq enqueues and carries a job that does nothing (`SimpleWorker`, as
`python -m workers` runs them), and the store writes the upload's bytes in a row of its own and
commits. On PostgreSQL the backend's CPU counts too, read from /proc as the rush reads it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from processes import cpu_seconds
from redis import Redis
from rq import Queue, SimpleWorker
from sqlalchemy import create_engine, text

from service.config import Settings
from workers.worker import FewerRoundTrips


class LeanSimpleWorker(FewerRoundTrips, SimpleWorker):
    """rq's SimpleWorker with the bookkeeping our grading workers leave out."""


@dataclass
class Floors:
    enqueue_ms: float  # the API's side of a job in rq
    rq_plain_ms: float  # a plain SimpleWorker's side of a job that does nothing
    rq_worker_ms: float  # the same, less the bookkeeping our workers leave out (FewerRoundTrips)
    store_write_ms: float  # one row holding the file, committed

    def lines(self, core_ms: float) -> list[str]:
        worker = core_ms + self.rq_worker_ms
        every = worker + self.enqueue_ms + self.store_write_ms
        return [
            f"  rq, enqueue (API side)        {self.enqueue_ms:6.2f} ms",
            f"  rq, a job doing nothing       {self.rq_plain_ms:6.2f} ms (plain SimpleWorker), "
            f"{self.rq_worker_ms:.2f} ms (as our workers run it)",
            f"  the store writing the file    {self.store_write_ms:6.2f} ms",
            f"  so a worker cannot go below core + rq = {worker / core_ms:.2f} x core, and a job (worker, "
            f"enqueue, the file written once) below {every / core_ms:.2f} x core, before HTTP, sign-in "
            f"and every read and write of the job's own",
        ]


def floors(redis_url: str, store_url: str, data: bytes, jobs: int = 300, writes: int = 100) -> Floors:
    # In turns, twice each, keeping the lesser: a slow spell weighs on both workers alike.
    plain, lean = [], []
    for _ in range(2):
        enqueue_ms, worker_ms = _rq_floor(redis_url, jobs, SimpleWorker)
        plain.append(worker_ms)
        lean.append(_rq_floor(redis_url, jobs, LeanSimpleWorker)[1])
    return Floors(enqueue_ms, min(plain), min(lean), _store_floor(store_url, data, writes))


def _rq_floor(redis_url: str, jobs: int, worker_class: type[SimpleWorker]) -> tuple[float, float]:
    connection = Redis.from_url(redis_url)
    queue = Queue("floor", connection=connection)
    start = time.process_time()
    for _ in range(jobs):
        queue.enqueue("builtins.len", "x")
    enqueued = time.process_time() - start
    worker = worker_class([queue], connection=connection)
    start = time.process_time()
    worker.work(burst=True, logging_level="WARNING")
    worked = time.process_time() - start
    queue.empty()
    connection.close()
    return enqueued / jobs * 1e3, worked / jobs * 1e3


def _store_floor(store_url: str, data: bytes, writes: int) -> float:
    """One INSERT of the file and a COMMIT, `writes` times, on the store's own settings (SQLite in
    WAL mode; PostgreSQL compressing with lz4, as uploads are stored)."""
    postgresql = store_url.startswith("postgresql")
    engine = create_engine(Settings(database_url=store_url).sqlalchemy_url)
    blob = "BYTEA COMPRESSION lz4" if postgresql else "BLOB"
    try:
        with engine.connect() as connection:
            if not postgresql:
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")
            connection.execute(text(f"CREATE TABLE floor_files (id INTEGER PRIMARY KEY, content {blob})"))
            connection.commit()
            backend = connection.execute(text("SELECT pg_backend_pid()")).scalar() if postgresql else None
            insert = text("INSERT INTO floor_files (id, content) VALUES (:id, :content)")
            start = time.process_time() + (cpu_seconds(backend) if backend else 0.0)
            for n in range(writes):
                connection.execute(insert, {"id": n, "content": data})
                connection.commit()
            spent = time.process_time() + (cpu_seconds(backend) if backend else 0.0) - start
            connection.execute(text("DROP TABLE floor_files"))
            connection.commit()
    finally:
        engine.dispose()
    return spent / writes * 1e3
