"""`flask scores export` and `flask challenges ...`: a class's results, for teachers and the operator."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click
from flask.cli import AppGroup

import service.accounts.users as accounts
from service.cli.accounts import _fail_cleanly
from service.results.leaderboard import challenge_of
from service.challenges.reveal import set_deadline, set_revealed
from service.results.export import export_scores

scores_cli = AppGroup("scores", help="Export the scores of a class.")
challenges_cli = AppGroup("challenges", help="Reveal private scores and set deadlines.")


@scores_cli.command("export")
@click.option("--tenant", "tenant_slug", required=True, help="the tenant's slug")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--best", is_flag=True, help="the gradebook: one row per student and challenge")
@click.option("--challenge", "challenge_slug", help="only this challenge")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="write here instead of to standard output"
)
@_fail_cleanly
def export(tenant_slug: str, fmt: str, best: bool, challenge_slug: str | None, out: Path | None) -> None:
    """Every submission of a tenant (--best: the gradebook) as CSV or JSON."""
    result = export_scores(accounts.tenant_by_slug(tenant_slug), fmt, best, challenge_slug)
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


@challenges_cli.command("reveal")
@click.option("--tenant", "tenant_slug", required=True, help="the tenant's slug")
@click.option("--challenge", "challenge_slug", help="the challenge (default: the tenant's first)")
@click.option("--hide", is_flag=True, help="hide private scores again")
@_fail_cleanly
def reveal(tenant_slug: str, challenge_slug: str | None, hide: bool) -> None:
    """Show students their private scores and the private leaderboard now (or --hide them)."""
    challenge = challenge_of(accounts.tenant_by_slug(tenant_slug), challenge_slug)
    set_revealed(challenge, not hide)
    state = "revealed" if challenge.private_revealed else "hidden"
    click.echo(f"private scores of {tenant_slug}/{challenge.slug} are {state}")


@challenges_cli.command("deadline")
@click.argument("when")
@click.option("--tenant", "tenant_slug", required=True, help="the tenant's slug")
@click.option("--challenge", "challenge_slug", help="the challenge (default: the tenant's first)")
@_fail_cleanly
def deadline(when: str, tenant_slug: str, challenge_slug: str | None) -> None:
    """Reveal private scores at WHEN (ISO 8601, e.g. 2025-06-30T23:59+02:00; no zone: UTC), or 'none'."""
    try:
        moment = None if when.lower() == "none" else datetime.fromisoformat(when)
    except ValueError:
        raise click.BadParameter(f"{when!r} is not an ISO 8601 time such as 2025-06-30T23:59Z") from None
    challenge = set_deadline(challenge_of(accounts.tenant_by_slug(tenant_slug), challenge_slug), moment)
    shown = f"{challenge.deadline:%Y-%m-%d %H:%M} UTC" if challenge.deadline else "no deadline"
    click.echo(f"{tenant_slug}/{challenge.slug}: {shown}")
