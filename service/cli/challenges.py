"""`flask challenges reveal|deadline`: when students see private scores."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

import service.accounts.users as accounts
from service.challenges.lookup import challenge_of
from service.challenges.reveal import set_deadline, set_revealed
from service.cli.helpers import fail_cleanly

challenges_cli = AppGroup("challenges", help="Reveal private scores and set deadlines.")


@challenges_cli.command("reveal")
@click.option("--tenant", "tenant_slug", required=True, help="the tenant's slug")
@click.option("--challenge", "challenge_slug", help="the challenge (default: the tenant's first)")
@click.option("--hide", is_flag=True, help="hide private scores again")
@fail_cleanly
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
@fail_cleanly
def deadline(when: str, tenant_slug: str, challenge_slug: str | None) -> None:
    """Reveal private scores at WHEN (ISO 8601, e.g. 2025-06-30T23:59+02:00; no zone: UTC), or 'none'."""
    try:
        moment = None if when.lower() == "none" else datetime.fromisoformat(when)
    except ValueError:
        raise click.BadParameter(f"{when!r} is not an ISO 8601 time such as 2025-06-30T23:59Z") from None
    challenge = set_deadline(challenge_of(accounts.tenant_by_slug(tenant_slug), challenge_slug), moment)
    shown = f"{challenge.deadline:%Y-%m-%d %H:%M} UTC" if challenge.deadline else "no deadline"
    click.echo(f"{tenant_slug}/{challenge.slug}: {shown}")
