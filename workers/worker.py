"""Grading workers: rq workers tuned to notice dead workers fast and to heal the queue."""

from __future__ import annotations

from rq import SimpleWorker, Worker

from service.grading.queue import grading_queue
from service.grading.recovery import requeue_lost_submissions
from workers.tasks import worker_app

# rq adds 60 s to every heartbeat, so a killed worker's job would wait minutes to be
# retried; a few seconds of slack above the heartbeat interval is enough.
HEARTBEAT_SLACK_SECONDS = 10


class GradingWorkerMixin:
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
        super().run_maintenance_tasks()  # retries jobs whose worker stopped heart-beating
        app = worker_app()
        with app.app_context():
            requeue_lost_submissions(grading_queue(), app.config["SETTINGS"].requeue_after_seconds)


class InlineGradingWorker(GradingWorkerMixin, SimpleWorker):
    """Grades in the worker process itself: no fork per job, answer keys stay in memory.

    The default of `python -m workers`; about 25 ms less per job than forking.
    """


class GradingWorker(GradingWorkerMixin, Worker):
    """Forks a work horse per job, as plain `rq worker` does: a crashing job cannot hurt the worker.

    `python -m workers --fork`, or `rq worker -w workers.worker.GradingWorker grading`.
    """
