"""What every command shares: domain errors as clean exits, passwords from stdin, private files."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from service.errors import ServiceError


def fail_cleanly(function):
    """Domain errors end the command with their message and exit code 1, not a traceback."""

    def run(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except ServiceError as exc:
            # Listed problems of a file (line, column, message); the detail names only the first.
            listed = [_problem_line(p) for p in exc.extra.get("problems") or () if isinstance(p, dict)]
            raise click.ClickException("\n".join([exc.detail, *listed])) from None

    run.__name__, run.__doc__ = function.__name__, function.__doc__
    return run


def _problem_line(problem: dict) -> str:
    where = ", ".join(part for part in (f"line {problem['line']}" if problem.get("line") else "",
                                        f"column {problem['column']}" if problem.get("column") else "") if part)  # fmt: skip
    return f"  {where}: {problem['message']}" if where else f"  {problem['message']}"


def read_password_from_stdin() -> str:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise click.ClickException("no password on standard input")
    return password


def new_private_file(path: Path):
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise click.ClickException(f"{path} exists already; name a new file for the passwords") from None
    except OSError as exc:
        raise click.ClickException(f"cannot create {path}: {exc.strerror}") from None
    return os.fdopen(descriptor, "w", newline="")
