"""A worker taking jobs back to back asks Redis only what a job needs: rq's loop alone would send a
worker heartbeat (three requests) three times a job and write the same state twice."""

from __future__ import annotations

import time

from redis import Redis
from rq import Queue, SimpleWorker
from rq.registry import FinishedJobRegistry

from workers.worker import HEARTBEAT_EVERY_SECONDS, FewerRoundTrips

JOBS = 30


class LeanWorker(FewerRoundTrips, SimpleWorker):
    pass


def _requests_a_job(worker_class, redis_url: str, round_trips: list) -> float:
    """Requests to Redis a job, for `worker_class` taking JOBS jobs that do nothing in a row."""
    connection = Redis.from_url(redis_url)
    queue = Queue(f"round-trips-{worker_class.__name__}", connection=connection)
    for _ in range(JOBS):
        queue.enqueue("builtins.len", "x")
    worker = worker_class([queue], connection=connection)
    round_trips.clear()
    worker.work(burst=True, logging_level="WARNING")
    sent = len(round_trips)
    assert FinishedJobRegistry(queue=queue).count == JOBS  # every job ran, and finished
    return sent / JOBS


def test_back_to_back_jobs_cost_ten_fewer_requests_each_than_rq_alone(redis_url, round_trips):
    plain = _requests_a_job(SimpleWorker, redis_url, round_trips)
    lean = _requests_a_job(LeanWorker, redis_url, round_trips)
    # Of rq's three worker heartbeats a job (nine requests) one goes out, in one request; its second
    # "idle" a job is left out; the job's own requests are all kept.
    assert plain - lean >= 8, (plain, lean)


def test_its_heartbeat_goes_out_once_a_second_and_always_after_a_jobs_own(redis_url, round_trips):
    connection = Redis.from_url(redis_url)
    worker = LeanWorker([Queue("beats", connection=connection)], connection=connection)
    worker.register_birth()
    worker.heartbeat()
    assert connection.ttl(worker.key) > worker.worker_ttl  # rq's worker_ttl + 60 s
    round_trips.clear()
    worker.heartbeat()  # within the second: nothing sent
    assert round_trips == []
    # A job's own heartbeat leaves the key a job's short TTL; the next worker heartbeat restores it.
    with connection.pipeline() as job_start:
        worker.heartbeat(worker.worker_ttl - 5, pipeline=job_start)
        job_start.execute()
    assert connection.ttl(worker.key) <= worker.worker_ttl - 5
    worker.heartbeat()
    assert connection.ttl(worker.key) > worker.worker_ttl
    beat = connection.hget(worker.key, "last_heartbeat")
    time.sleep(HEARTBEAT_EVERY_SECONDS)
    round_trips.clear()
    worker.heartbeat()
    assert len(round_trips) == 1 and connection.hget(worker.key, "last_heartbeat") != beat
    worker.register_death()
