"""`flask scores export`: a class's scores, for teachers and the operator."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

import service.accounts.users as accounts
from service.cli.helpers import fail_cleanly
from service.results.export import export_scores

scores_cli = AppGroup("scores", help="Export the scores of a class.")


@scores_cli.command("export")
@click.option("--tenant", "tenant_slug", required=True, help="the tenant's slug")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--best", is_flag=True, help="the gradebook: one row per student and challenge")
@click.option("--challenge", "challenge_slug", help="only this challenge")
@click.option("--practice", is_flag=True, help="the gradebook: include the practice challenge")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="write here instead of to standard output"
)
@fail_cleanly
def export(
    tenant_slug: str, fmt: str, best: bool, challenge_slug: str | None, practice: bool, out: Path | None
) -> None:
    """Every submission of a tenant (--best: the gradebook) as CSV or JSON."""
    result = export_scores(accounts.tenant_by_slug(tenant_slug), fmt, best, challenge_slug, practice)
    if out is None:
        stream = sys.stdout.buffer
        for chunk in result.chunks:
            stream.write(chunk)
        stream.flush()
        return
    with out.open("wb") as handle:
        for chunk in result.chunks:
            handle.write(chunk)
    click.echo(f"wrote {out}", err=True)
