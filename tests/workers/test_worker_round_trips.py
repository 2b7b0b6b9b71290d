"""A worker taking jobs back to back asks Redis only what a job needs: rq's loop alone would send a
worker heartbeat (three requests) three times a job and write the same state twice."""

from __future__ import annotations

from datetime import timedelta

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
    # rq's three heartbeats (nine requests) and second "idle" a job are left out; the job's own are kept.
    assert plain - lean >= 10, (plain, lean)


def test_its_heartbeat_goes_out_once_a_second_has_passed(redis_url):
    connection = Redis.from_url(redis_url)
    worker = LeanWorker([Queue("beats", connection=connection)], connection=connection)
    worker.register_birth()
    born = connection.hget(worker.key, "last_heartbeat")
    worker.heartbeat()  # within the second: nothing sent
    assert connection.hget(worker.key, "last_heartbeat") == born
    worker.last_heartbeat -= timedelta(seconds=HEARTBEAT_EVERY_SECONDS)
    worker.heartbeat()
    assert connection.hget(worker.key, "last_heartbeat") != born
    assert connection.ttl(worker.key) > worker.worker_ttl  # rq's worker_ttl + 60 s, renewed
    worker.register_death()
