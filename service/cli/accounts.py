"""`flask` commands for the operator and teachers: tenants, users, rosters."""

from __future__ import annotations

import csv
import os
import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

import service.accounts.users as accounts
from service.errors import ServiceError
from service.grading.jobs import requeue_lost_submissions
from service.store.models import Role
from service.grading.queue import grading_queue

# AppGroup runs each command inside an app context, so the store is at hand.
tenants_cli = AppGroup("tenants", help="Create tenants (classes).")
users_cli = AppGroup("users", help="Create, reset and disable users.")
roster_cli = AppGroup("roster", help="Import a class roster.")
jobs_cli = AppGroup("jobs", help="Look after the grading queue.")


def _fail_cleanly(function):
    """Domain errors end the command with their message and exit code 1, not a traceback."""

    def run(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except ServiceError as exc:
            raise click.ClickException(exc.detail) from None

    run.__name__, run.__doc__ = function.__name__, function.__doc__
    return run


def _read_password_from_stdin() -> str:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise click.ClickException("no password on standard input")
    return password


@tenants_cli.command("create")
@click.argument("slug")
@click.option("--name", help="display name (default: the slug)")
@_fail_cleanly
def create_tenant(slug: str, name: str | None) -> None:
    """Create tenant SLUG with its default challenge."""
    tenant = accounts.create_tenant(slug, name)
    click.echo(f"created tenant {tenant.slug}")


@users_cli.command("create")
@click.argument("username")
@click.option("--tenant", "tenant_slug", help="the tenant's slug (not for an admin)")
@click.option("--role", type=click.Choice([r.value for r in Role]), default="student", show_default=True)
@click.option("--email")
@click.option("--password-stdin", is_flag=True, required=True, help="read the password from standard input")
@_fail_cleanly
def create_user(
    username: str, tenant_slug: str | None, role: str, email: str | None, password_stdin: bool
) -> None:
    """Create USERNAME; the password is read from standard input, never from the command line."""
    tenant = accounts.tenant_by_slug(tenant_slug) if tenant_slug else None
    user = accounts.create_user(username, _read_password_from_stdin(), tenant, Role(role), email)
    click.echo(f"created {user.role.value} {user.username}" + (f" in {tenant.slug}" if tenant else ""))


@users_cli.command("reset-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="read the new password from standard input")
@_fail_cleanly
def reset_password(username: str, password_stdin: bool) -> None:
    """Set USERNAME's password (from standard input), or generate one and print it once."""
    user = accounts.user_by_username(username)
    chosen = _read_password_from_stdin() if password_stdin else None
    password = accounts.reset_password(user, chosen)
    click.echo(f"password of {username} changed" if chosen else f"new password of {username}: {password}")


@users_cli.command("disable")
@click.argument("username")
@_fail_cleanly
def disable_user(username: str) -> None:
    """Disable USERNAME: sign-in refused, existing tokens rejected."""
    accounts.disable_user(accounts.user_by_username(username))
    click.echo(f"disabled {username}")


@roster_cli.command("import")
@click.argument("roster_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--tenant", "tenant_slug", required=True, help="the tenant's slug")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="CSV for generated passwords")
@_fail_cleanly
def import_roster(roster_file: Path, tenant_slug: str, out: Path | None) -> None:
    """Create a student per row (username,email[,password]) of ROSTER_FILE, all or none.

    Passwords the roster leaves empty are generated and written to --out only.
    """
    tenant = accounts.tenant_by_slug(tenant_slug)
    # The password file is created (new, owner-only) before any student exists, so a
    # file that cannot be written never leaves students whose passwords nobody has.
    handle = _new_private_file(out) if out is not None else None
    try:
        entries = accounts.import_roster(roster_file.read_bytes(), tenant, may_generate=handle is not None)
        generated = [e for e in entries if e.generated_password]
        if handle is not None:
            writer = csv.writer(handle)
            writer.writerow(["username", "email", "password"])
            writer.writerows([e.username, e.email or "", e.generated_password] for e in generated)
    except BaseException:
        if handle is not None:
            handle.close()
            out.unlink()
        raise
    if handle is not None:
        handle.close()
    click.echo(
        f"imported {len(entries)} students into {tenant.slug}"
        + (f"; passwords in {out}" if generated else "")
    )


def _new_private_file(path: Path):
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise click.ClickException(f"{path} exists already; name a new file for the passwords") from None
    except OSError as exc:
        raise click.ClickException(f"cannot create {path}: {exc.strerror}") from None
    return os.fdopen(descriptor, "w", newline="")


@jobs_cli.command("requeue")
@click.option("--older-than", default=0, show_default=True, help="only submissions older than this (seconds)")
def requeue(older_than: int) -> None:
    """Enqueue again every open submission the queue has lost (after Redis restarted empty)."""
    requeued = requeue_lost_submissions(grading_queue(), older_than)
    click.echo(
        f"requeued {len(requeued)} submission(s)" + (f": {', '.join(map(str, requeued))}" if requeued else "")
    )


def register_commands(app: Flask) -> None:
    from service.cli.results import challenges_cli, scores_cli  # imported late: it reuses this module's helpers

    for group in (tenants_cli, users_cli, roster_cli, jobs_cli, scores_cli, challenges_cli):
        app.cli.add_command(group)
