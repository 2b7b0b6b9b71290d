"""Where grading jobs go: an rq queue in Redis, or threads of the API process without Redis.

Either way a job carries only the submission's id; the store holds everything else.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
import weakref
from concurrent.futures import ThreadPoolExecutor

from flask import Flask, current_app
from redis.exceptions import RedisError
from rq import Callback, Queue, Retry
from rq.exceptions import NoSuchJobError
from rq.job import Job

from service.config import Settings
from service.extensions import db
from service.grading import lifecycle
from service.grading.job import grade
from service.grading.recovery import requeue_lost_submissions, sweep_lost_submissions
from service.grading.retries import (
    WORKER_LOST,
    failure_reason,
    is_platform_fault,
    is_store_outage,
)
from service.store.outage import store_waits

JOB_FUNCTION = "workers.tasks.grade_submission"
FAILURE_CALLBACK = "workers.tasks.on_failure"
log = logging.getLogger(__name__)


def job_id(submission_id: int) -> str:
    return f"submission-{submission_id}"


class RedisGradingQueue:
    """The real queue: rq workers on any machine take the jobs.

    Jobs Redis lost (it restarted empty) are enqueued again from the store by a sweep
    (`sweep_lost_submissions`) that two kinds of processes run:
    - every grading worker, at each maintenance pass and as soon as it has reconnected to
      Redis (a new worker's first pass comes before its first job);
    - every API process that serves requests, on a thread, every REQUEUE_AFTER_SECONDS.
    The workers are enough while one of them lives; the API's sweep makes the recovery
    independent of them: plain `rq worker` processes do not sweep, and workers that are
    down or still reconnecting cannot. A claim in Redis (SET NX EX) lets one process
    sweep at a time whoever it is, so many API processes and workers do not all sweep at once.
    """

    def __init__(self, app: Flask, settings: Settings):
        self.app = app
        self.settings = settings
        self.queue = Queue(settings.queue_name, connection=app.extensions["redis"])
        self._sweeper: threading.Thread | None = None
        self._sweeper_started = threading.Lock()
        self.sweeper_stopped = threading.Event()

    def enqueue(self, submission_id: int) -> None:
        self.queue.enqueue(
            JOB_FUNCTION,
            submission_id,
            job_id=job_id(submission_id),
            job_timeout=self.settings.job_timeout_seconds,
            retry=Retry(max=self.settings.job_retries) if self.settings.job_retries else None,
            on_failure=Callback(FAILURE_CALLBACK),
            failure_ttl=7 * 24 * 3600,
        )

    def failure_reason(self, submission_id: int) -> tuple[str, bool]:
        """Why rq gave up on a submission's job, as its failure callback wrote it down before it
        could reach the store; and whether the fault was the platform's."""
        try:
            meta = Job.fetch(job_id(submission_id), connection=self.queue.connection).get_meta(refresh=False)
        except NoSuchJobError:
            meta = {}
        return meta.get("reason", WORKER_LOST), bool(meta.get("platform_fault"))

    def job_states(self, submission_ids: list[int]) -> dict[int, str | None]:
        """The rq status of each submission's job (None when Redis has no such job), read in one
        round trip however many there are: the sweep asks about every open submission."""
        with self.queue.connection.pipeline(transaction=False) as pipeline:
            for submission_id in submission_ids:
                pipeline.hget(Job.key_for(job_id(submission_id)), "status")
            statuses = pipeline.execute()
        return {i: s.decode() if s is not None else None for i, s in zip(submission_ids, statuses)}

    def claim_sweep(self, seconds: int) -> bool:
        """True for the first process to ask in `seconds`: it sweeps, the others skip."""
        key = f"grading:sweep-claim:{self.queue.name}"
        owner = f"{socket.gethostname()}:{os.getpid()}"  # for an operator who looks
        return bool(self.queue.connection.set(key, owner, nx=True, ex=max(1, int(seconds))))

    def sweep(self) -> list[int] | None:
        """One sweep of the API's thread; any failure is logged and the next sweep tries again."""
        with self.app.app_context():
            try:
                return sweep_lost_submissions(self, self.settings)
            except RedisError as error:
                log.warning("lost submissions not swept, Redis unreachable: %s", error)
            except Exception:  # noqa: BLE001 - the store is down, say: the thread goes on
                db.session.rollback()
                log.exception("the sweep of lost submissions failed")
        return None

    def serving(self, by_a_server: bool) -> None:
        """A request is being served (`service.http.serving` says so before each one).

        Only a process that a WSGI server runs sweeps on a thread: workers and `flask` commands
        build the app too, and have no use for it; an app a test drives through its test client
        sweeps only when the test says so (`sweep()`).
        """
        if self._sweeper is not None or not by_a_server:
            return
        with self._sweeper_started:
            if self._sweeper is None:
                self._sweeper = threading.Thread(
                    target=_sweep_periodically, name="grading-sweep", daemon=True,
                    args=(weakref.ref(self), self.settings.requeue_after_seconds, self.sweeper_stopped),
                )  # fmt: skip
                self._sweeper.start()


def _sweep_periodically(queue_ref: weakref.ref, interval: float, stopped: threading.Event) -> None:
    """Sweep every `interval` seconds (give or take a fifth, so API processes drift apart) until
    `stopped` is set or the queue is gone (an app of a test, say): the thread holds no app."""
    while not stopped.wait(max(1.0, interval) * random.uniform(0.8, 1.2)):
        queue = queue_ref()
        if queue is None:
            return
        queue.sweep()
        del queue


class InProcessGradingQueue:
    """No Redis: jobs run on a thread of the API process, through the same states."""

    def __init__(self, app: Flask, settings: Settings):
        self.app = app
        self.settings = settings
        self.executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="grading")
        self.pending: set[int] = set()
        self._resumed = threading.Event()

    def serving(self, by_a_server: bool) -> None:
        """Jobs of an earlier process died with it. They are resumed by the process that serves
        requests (a test client's too), not by every `flask` command that builds the app."""
        if self._resumed.is_set():
            return
        self._resumed.set()
        requeue_lost_submissions(self, older_than_seconds=0)

    def enqueue(self, submission_id: int) -> None:
        self.pending.add(submission_id)
        self.executor.submit(self._run, submission_id)

    def job_states(self, submission_ids: list[int]) -> dict[int, str | None]:
        # Jobs of an earlier process died with it: at start every open submission is requeued.
        return {i: "queued" if i in self.pending else None for i in submission_ids}

    def _run(self, submission_id: int) -> None:
        with self.app.app_context():
            try:
                self._grade_with_retries(submission_id)
            finally:
                self.pending.discard(submission_id)

    def _grade_with_retries(self, submission_id: int) -> None:
        """Grade; a store outage is waited out for up to STORE_RETRY_SECONDS, looking again with a
        capped backoff; any other fault is retried JOB_RETRIES times; then the submission fails with
        its reason."""
        faults, waits, patience_ends = 0, store_waits(), None
        while True:
            try:
                grade(submission_id)
                return
            except Exception as error:  # noqa: BLE001 - any fault: retry, then fail with a reason
                _roll_back()  # a failed flush leaves the session unusable
                log.exception("grading submission %s failed", submission_id)
                failure = type(error)
            if is_store_outage(failure):
                patience_ends = patience_ends or time.monotonic() + self.settings.store_retry_seconds
                if time.monotonic() < patience_ends:
                    time.sleep(next(waits))
                    continue
            else:
                faults += 1
                if faults <= self.settings.job_retries:
                    continue
            break
        reason = failure_reason(failure, self.settings.job_timeout_seconds, self.settings.store_retry_seconds)
        try:
            lifecycle.fail(submission_id, reason, platform_fault=is_platform_fault(failure))
        except Exception:  # noqa: BLE001 - the store itself is down: start-up requeues it later
            _roll_back()
            log.exception("could not mark submission %s failed", submission_id)


def _roll_back() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is gone: the pool replaces it
        log.warning("could not roll back the session", exc_info=True)


def init_queue(app: Flask, settings: Settings) -> None:
    kind = RedisGradingQueue if "redis" in app.extensions else InProcessGradingQueue
    app.extensions["grading_queue"] = kind(app, settings)


def grading_queue() -> RedisGradingQueue | InProcessGradingQueue:
    return current_app.extensions["grading_queue"]
