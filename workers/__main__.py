"""`python -m workers [--fork]`: a grading worker with the app and the answer keys loaded once.

It outlives Redis: when Redis goes away, whatever the worker was doing, a new worker takes
over once Redis answers again (see `workers.worker.run_worker`). The process exits 0 when
asked to stop (SIGTERM, SIGINT), and non-zero on any other fatal error.
"""

from __future__ import annotations

import argparse

from rq.logutils import setup_loghandlers

from service.challenges.answer_keys import preload_answer_keys
from workers.tasks import worker_app
from workers.worker import GradingWorker, InlineGradingWorker, run_worker


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m workers", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--fork", action="store_true", help="fork a work horse per job (isolation over speed)"
    )
    args = parser.parse_args(argv)
    app = worker_app()
    redis = app.extensions.get("redis")
    if redis is None:
        raise SystemExit("set REDIS_URL: without Redis, jobs run inside the API process and need no worker")
    with app.app_context():
        # Loaded before any job (and before rq forks a work horse), so jobs find them in memory.
        preload_answer_keys()
    setup_loghandlers("INFO", name="workers")  # as rq logs its workers
    settings = app.config["SETTINGS"]
    worker_class = GradingWorker if args.fork else InlineGradingWorker
    raise SystemExit(
        run_worker(
            lambda: worker_class([settings.queue_name], connection=redis),
            max_wait_seconds=settings.worker_maintenance_seconds,
        )
    )


if __name__ == "__main__":
    main()
