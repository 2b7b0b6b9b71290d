"""`flask` commands for the operator and teachers: tenants, users, rosters."""

from __future__ import annotations

import csv
from pathlib import Path

import click
from flask.cli import AppGroup

import service.accounts.users as accounts
from service.cli.helpers import fail_cleanly, new_private_file, read_password_from_stdin
from service.store.models import Role

# AppGroup runs each command inside an app context, so the store is at hand.
tenants_cli = AppGroup("tenants", help="Create tenants (classes).")
users_cli = AppGroup("users", help="Create, reset and disable users.")
roster_cli = AppGroup("roster", help="Import a class roster.")


@tenants_cli.command("create")
@click.argument("slug")
@click.option("--name", help="display name (default: the slug)")
@fail_cleanly
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
@fail_cleanly
def create_user(
    username: str, tenant_slug: str | None, role: str, email: str | None, password_stdin: bool
) -> None:
    """Create USERNAME; the password is read from standard input, never from the command line."""
    tenant = accounts.tenant_by_slug(tenant_slug) if tenant_slug else None
    user = accounts.create_user(username, read_password_from_stdin(), tenant, Role(role), email)
    click.echo(f"created {user.role.value} {user.username}" + (f" in {tenant.slug}" if tenant else ""))


@users_cli.command("reset-password")
@click.argument("username")
@click.option("--tenant", "tenant_slug", help="the user's class, when several classes have that name")
@click.option("--password-stdin", is_flag=True, help="read the new password from standard input")
@fail_cleanly
def reset_password(username: str, tenant_slug: str | None, password_stdin: bool) -> None:
    """Set USERNAME's password (from standard input), or generate one and print it once."""
    user = accounts.user_by_username(username, tenant_slug)
    chosen = read_password_from_stdin() if password_stdin else None
    password = accounts.reset_password(user, chosen)
    click.echo(f"password of {username} changed" if chosen else f"new password of {username}: {password}")


@users_cli.command("disable")
@click.argument("username")
@click.option("--tenant", "tenant_slug", help="the user's class, when several classes have that name")
@fail_cleanly
def disable_user(username: str, tenant_slug: str | None) -> None:
    """Disable USERNAME: sign-in refused, existing tokens rejected."""
    accounts.disable_user(accounts.user_by_username(username, tenant_slug))
    click.echo(f"disabled {username}")


@users_cli.command("enable")
@click.argument("username")
@click.option("--tenant", "tenant_slug", help="the user's class, when several classes have that name")
@fail_cleanly
def enable_user(username: str, tenant_slug: str | None) -> None:
    """Let a disabled USERNAME sign in again (tokens from before the disable stay refused)."""
    accounts.enable_user(accounts.user_by_username(username, tenant_slug))
    click.echo(f"enabled {username}")


@users_cli.command("list")
@click.option("--tenant", "tenant_slug", help="only this class")
@fail_cleanly
def list_users(tenant_slug: str | None) -> None:
    """Every user (of one class): class, username, role, email, and whether disabled."""
    tenant = accounts.tenant_by_slug(tenant_slug) if tenant_slug else None
    for user in accounts.all_users(tenant):
        state = "disabled" if user.disabled else "active"
        click.echo(
            f"{user.tenant.slug if user.tenant else '-'}\t{user.username}\t{user.role.value}\t{user.email or ''}\t{state}"
        )


@tenants_cli.command("list")
def list_tenants() -> None:
    """Every class: slug, name."""
    for tenant in accounts.list_tenants():
        click.echo(f"{tenant.slug}\t{tenant.name}")


@roster_cli.command("import")
@click.argument("roster_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--tenant", "tenant_slug", required=True, help="the tenant's slug")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="CSV for generated passwords")
@fail_cleanly
def import_roster(roster_file: Path, tenant_slug: str, out: Path | None) -> None:
    """Create a student per row (username,email[,password]) of ROSTER_FILE, all or none.

    Passwords the roster leaves empty are generated and written to --out only.
    """
    tenant = accounts.tenant_by_slug(tenant_slug)
    # The password file is created (new, owner-only) before any student exists, so a
    # file that cannot be written never leaves students whose passwords nobody has.
    handle = new_private_file(out) if out is not None else None
    try:
        entries = accounts.import_roster(roster_file.read_bytes(), tenant, may_generate=handle is not None)
        generated = [e for e in entries if e.generated_password]
        if handle is not None:
            writer = csv.writer(handle, lineterminator="\n")  # LF: what every shell tool reads
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
