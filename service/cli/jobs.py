"""`flask jobs requeue`: the grading queue's recovery, on demand."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from service.grading.queue import grading_queue
from service.grading.recovery import requeue_lost_submissions

# AppGroup runs each command inside an app context, so the store is at hand.
jobs_cli = AppGroup("jobs", help="Look after the grading queue.")


@jobs_cli.command("requeue")
@click.option("--older-than", default=0, show_default=True, help="only submissions older than this (seconds)")
def requeue(older_than: int) -> None:
    """Enqueue again every open submission the queue has lost (after Redis restarted empty)."""
    requeued = requeue_lost_submissions(grading_queue(), older_than)
    click.echo(
        f"requeued {len(requeued)} submission(s)" + (f": {', '.join(map(str, requeued))}" if requeued else "")
    )
