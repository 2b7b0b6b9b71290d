"""`flask` commands, one module per area; `register_commands` adds them all to the app."""

from flask import Flask

from service.cli.accounts import roster_cli, tenants_cli, users_cli
from service.cli.challenges import challenges_cli
from service.cli.jobs import jobs_cli
from service.cli.results import scores_cli


def register_commands(app: Flask) -> None:
    for group in (tenants_cli, users_cli, roster_cli, jobs_cli, scores_cli, challenges_cli):
        app.cli.add_command(group)
