"""Grading workers: rq workers tuned to notice dead workers fast, to heal the queue and to outlive
Redis and the store."""

from __future__ import annotations

import logging
import random
import signal
import time
from collections.abc import Callable
from contextlib import contextmanager

from redis import exceptions as redis_errors
from rq import Queue, SimpleWorker, Worker
from rq.job import JobStatus
from sqlalchemy import text

from service.extensions import db
from service.grading.queue import grading_queue
from service.grading.recovery import sweep_lost_submissions
from service.store.outage import STORE_ERRORS, short_reason, store_waits
from workers.tasks import worker_app

# rq adds 60 s to every heartbeat, so a killed worker's job would wait minutes to be
# retried; a few seconds of slack above the heartbeat interval is enough.
HEARTBEAT_SLACK_SECONDS = 10
# The first wait before reconnecting to a lost Redis; it doubles up to WORKER_MAINTENANCE_SECONDS.
FIRST_RECONNECT_SECONDS = 0.5
# rq's loop sends a worker heartbeat (three requests) before and after each wait for a job and
# after each job, each keeping the worker's key alive for worker_ttl + 60 s: nine requests a job
# under a rush. One a second, in one request, keeps it as alive. Never skipped: the one after a
# job's own heartbeat (which leaves the key a job's short TTL), and a job's own.
HEARTBEAT_EVERY_SECONDS = 1.0

log = logging.getLogger(__name__)


def is_redis_outage(error: BaseException) -> bool:
    """Redis is unreachable, restarting or loading: worth waiting for. A refused password is not."""
    return isinstance(error, (redis_errors.ConnectionError, redis_errors.TimeoutError)) and not isinstance(
        error, (redis_errors.AuthenticationError, redis_errors.AuthorizationError)
    )


class RedisLost(SystemExit):
    """Carries a lost Redis out of rq's work loop.

    rq 3.0's `Worker.work()` catches every exception of its loop but `SystemExit` (its cold
    shutdown), logs "found an unhandled exception, quitting..." and returns as if asked to
    stop, so the process exited 0 when Redis went away while a job was finishing or between
    jobs. Being a `SystemExit`, this one passes that catch-all; `run_worker` catches it and
    reconnects. Uncaught (plain `rq worker -w workers.worker.GradingWorker`), it exits 1.
    """

    def __init__(self, error: BaseException, doing: str):
        super().__init__(1)
        self.error = error
        self.doing = doing


@contextmanager
def _redis_outage_escapes(doing: str):
    try:
        yield
    except (redis_errors.ConnectionError, redis_errors.TimeoutError) as error:
        if is_redis_outage(error):
            raise RedisLost(error, doing) from error
        raise


class OutageEscapingQueue(Queue):
    """rq's wait for a job retries a lost Redis in place, and goes on as the same worker,
    whose registration a Redis restarted empty has forgotten, and which would sweep for lost
    jobs only at its next maintenance. Leaving like every other Redis failure, it is
    replaced by a new worker, registered, that sweeps before its first job."""

    @classmethod
    def dequeue_any(cls, *args, **kwargs):
        with _redis_outage_escapes("waiting for a job"):
            return super().dequeue_any(*args, **kwargs)


class FewerRoundTrips:
    """rq's bookkeeping less its repeats, for a worker that takes jobs back to back."""

    # When the last worker heartbeat with the full TTL went out (monotonic clock); None after a
    # job's own heartbeat, whose TTL is a job's: the next worker heartbeat must go out then.
    _full_beat_at: float | None = None

    def heartbeat(self, timeout=None, pipeline=None):
        if timeout is not None or pipeline is not None:  # a job's heartbeat, or one in rq's pipeline
            self._full_beat_at = None
            super().heartbeat(timeout, pipeline)
            return
        if self._full_beat_at is not None and time.monotonic() - self._full_beat_at < HEARTBEAT_EVERY_SECONDS:
            return
        with self.connection.pipeline() as beat:  # its three commands in one request
            super().heartbeat(None, beat)
            beat.execute()
        self._full_beat_at = time.monotonic()

    def set_state(self, state, pipeline=None):
        # rq writes "idle" after each job and again as it waits for the next: once is enough.
        if pipeline is None and state == self.get_state():
            return
        super().set_state(state, pipeline)


class GradingWorkerMixin(FewerRoundTrips):
    queue_class = OutageEscapingQueue

    def __init__(self, *args, **kwargs):
        settings = worker_app().config["SETTINGS"]
        kwargs.setdefault("job_monitoring_interval", settings.worker_heartbeat_seconds)
        kwargs.setdefault("maintenance_interval", settings.worker_maintenance_seconds)
        # An idle worker waits on Redis for dequeue_timeout = worker_ttl - 15 s and runs its
        # maintenance only between waits: keep the wait as short as the maintenance interval.
        kwargs.setdefault("worker_ttl", settings.worker_maintenance_seconds + 15)
        super().__init__(*args, **kwargs)

    def get_heartbeat_ttl(self, job, working_time: float = 0.0) -> int:
        remaining = (
            job.timeout - working_time if job.timeout and job.timeout > 0 else self.job_monitoring_interval
        )
        return int(min(remaining, self.job_monitoring_interval)) + HEARTBEAT_SLACK_SECONDS

    def run_maintenance_tasks(self):
        with _redis_outage_escapes("running its maintenance"):
            super().run_maintenance_tasks()  # retries jobs whose worker stopped heart-beating
            app = worker_app()
            with app.app_context():
                # A new worker runs its maintenance before its first job, so a worker that
                # reconnected after Redis came back sweeps at once, not an interval later.
                try:
                    sweep_lost_submissions(grading_queue(), app.config["SETTINGS"])
                except STORE_ERRORS as error:
                    self.log.warning("Worker %s: no sweep, the store is unreachable: %s",
                                     self.name, short_reason(error))  # fmt: skip

    # What rq's work loop calls, and all that talks to Redis there: a lost Redis leaves it
    # as RedisLost, past the loop's catch-all, whatever the worker was doing (waiting for a
    # job, preparing or finishing one, its heartbeat, its maintenance).

    def check_for_suspension(self, burst: bool):
        with _redis_outage_escapes("checking for a suspension"):
            super().check_for_suspension(burst)

    def dequeue_job_and_maintain_ttl(self, timeout, max_idle_time=None):
        with _redis_outage_escapes("waiting for a job"):
            return super().dequeue_job_and_maintain_ttl(timeout, max_idle_time)

    def execute_job(self, job, queue):
        # The job itself writes its outcome to the store before rq's bookkeeping: a job
        # whose bookkeeping fails is still graded. If rq runs it again (its retry, or the
        # sweep once Redis lost it), grading finds the submission closed and writes nothing.
        try:
            with _redis_outage_escapes(f"running job {job.id}"):
                super().execute_job(job, queue)
        except RedisLost:
            if self.horse_pid:  # a forked work horse still grades: let it finish, not orphan it
                self.wait_for_horse()
                self._horse_pid = 0
            raise
        if job.get_status(refresh=False) != JobStatus.FINISHED:
            self.wait_for_the_store()

    def wait_for_the_store(self) -> None:
        """After a job that did not finish: while the store is unreachable, take no other job (it
        would fail the same way), but stay registered, heart-beating, until the store answers or
        the worker is asked to stop. A job the outage interrupted is back in the queue meanwhile."""
        waited = False
        for wait in store_waits():
            if self.stop_was_requested:
                return
            error = _store_error()
            if error is None:
                if waited:
                    self.log.warning("Worker %s: the store answers again", self.name)
                return
            self.log.warning("Worker %s: the store is unreachable (%s): looking again in %.1f s",
                             self.name, short_reason(error), wait)  # fmt: skip
            time.sleep(wait)
            self.heartbeat()
            waited = True

    def heartbeat(self, timeout=None, pipeline=None):
        with _redis_outage_escapes("sending its heartbeat"):
            super().heartbeat(timeout, pipeline)

    def maintain_heartbeats(self, job, execution):
        """A forked work horse grades on while Redis is away: the worker keeps waiting for it."""
        try:
            super().maintain_heartbeats(job, execution)
        except (redis_errors.ConnectionError, redis_errors.TimeoutError) as error:
            if not is_redis_outage(error):
                raise
            self.log.warning(
                "Worker %s: no heartbeat for job %s, Redis unreachable: %s", self.name, job.id, error
            )

    def teardown(self):
        """rq's, less its failure when Redis is gone (which would hide why the loop ended)."""
        if self.is_horse:
            return
        if self.scheduler:
            self.stop_scheduler()
        try:
            self.register_death()
        except (redis_errors.ConnectionError, redis_errors.TimeoutError) as error:
            self.log.warning(
                "Worker %s: could not register its death, Redis unreachable: %s", self.name, error
            )
        try:
            self.unsubscribe()
        except (redis_errors.ConnectionError, redis_errors.TimeoutError):
            self.pubsub_thread.stop()  # the thread closes its connection as it ends

    @property
    def stop_was_requested(self) -> bool:
        """SIGINT/SIGTERM (warm shutdown), or `rq` told it to stop."""
        return self._stop_requested or self._shutdown_requested_date is not None


class InlineGradingWorker(GradingWorkerMixin, SimpleWorker):
    """Grades in the worker process itself: no fork per job, answer keys stay in memory.

    The default of `python -m workers`; about 25 ms less per job than forking.
    """


class GradingWorker(GradingWorkerMixin, Worker):
    """Forks a work horse per job, as plain `rq worker` does: a crashing job cannot hurt the worker.

    `python -m workers --fork`, or `rq worker -w workers.worker.GradingWorker grading`.
    """

    def main_work_horse(self, job, queue):
        # The horse inherits the worker's pooled store connections: it must open its own, or both
        # processes would talk over one connection (SQLAlchemy's advice for os.fork()).
        with worker_app().app_context():
            db.engine.dispose(close=False)
        super().main_work_horse(job, queue)


def _store_error() -> Exception | None:
    """None when the store answers a query; the error otherwise."""
    with worker_app().app_context():
        try:
            db.session.execute(text("SELECT 1"))
            return None
        except STORE_ERRORS as error:
            return error


def _stop(signum, frame):
    raise SystemExit(0)


def _stop_on_signals() -> None:
    """Between two workers SIGTERM/SIGINT stop the process; rq installs its own handlers in work(),
    which must not outlive their worker (they would talk to its lost Redis)."""
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)


def run_worker(make_worker: Callable[[], GradingWorkerMixin], max_wait_seconds: float) -> int:
    """Run workers made by `make_worker` one after another until one is asked to stop; its exit status.

    A worker whose Redis goes away ends (RedisLost, or a Redis error while it starts or
    registers); after a wait that doubles from FIRST_RECONNECT_SECONDS up to
    `max_wait_seconds`, a new worker (a new registration in Redis) takes over. Answers 0 when
    a worker stopped on request (SIGTERM/SIGINT), 1 when rq's loop ended on any other error.
    """
    wait = FIRST_RECONNECT_SECONDS
    while True:
        _stop_on_signals()
        worker = None
        try:
            worker = make_worker()
            worker.work()
        except RedisLost as lost:
            error, doing = lost.error, lost.doing
        except (redis_errors.ConnectionError, redis_errors.TimeoutError) as raised:
            if not is_redis_outage(raised):
                raise
            error, doing = raised, "starting" if worker is None else "registering"
        else:
            _stop_on_signals()
            if worker.stop_was_requested:
                return 0
            # rq's loop logged the exception ("found an unhandled exception, quitting...").
            log.error(
                "Worker %s: its work loop ended on an error (above): exiting with status 1", worker.name
            )
            return 1
        _stop_on_signals()
        if worker is not None and worker.stop_was_requested:
            return 0
        if worker is not None and worker.birth_date is not None:
            wait = FIRST_RECONNECT_SECONDS  # it had connected: this is a new outage
        pause = wait * random.uniform(0.5, 1.0)  # jitter: the workers of a fleet reconnect apart
        log.warning(
            "Worker %s: Redis unreachable while %s (%s): a new worker connects in %.1f s",
            worker.name if worker is not None else "-", doing, error, pause,
        )  # fmt: skip
        time.sleep(pause)
        wait = min(wait * 2, max(max_wait_seconds, FIRST_RECONNECT_SECONDS))
