"""`python -m workers [--fork]`: a grading worker with the app and the answer keys loaded once."""

from __future__ import annotations

import argparse

from service.challenges.answer_keys import preload_answer_keys
from workers.tasks import worker_app
from workers.worker import GradingWorker, InlineGradingWorker


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m workers", description=__doc__)
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
    worker_class = GradingWorker if args.fork else InlineGradingWorker
    worker_class([app.config["SETTINGS"].queue_name], connection=redis).work()


if __name__ == "__main__":
    main()
