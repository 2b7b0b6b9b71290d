"""`flask challenges create|list|reveal|deadline`: a class's challenges, and when students see private scores."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

import service.accounts.users as accounts
from scoring import METRICS
from service.challenges.authoring import ChallengeDraft, Upload, create_challenge, edit_challenge, part_rows
from service.challenges.lookup import tenant_challenge_by_slug
from service.challenges.reveal import set_deadline, set_revealed
from service.cli.helpers import fail_cleanly
from service.extensions import db
from service.store.models import Challenge, Tenant

challenges_cli = AppGroup(
    "challenges", help="Make and list challenges, reveal private scores, set deadlines."
)
# What `python split.py --out DIR` writes: the key, and the files students get.
SPLIT_KEY, SPLIT_FILES = "answer-key.csv", ("train.csv", "test-features.csv")


@challenges_cli.command("create")
@click.argument("slug")
@click.option("--tenant", "tenant_slug", required=True, help="the class's slug")
@click.option("--title", help="what students see (default: the slug)")
@click.option("--metric", type=click.Choice(list(METRICS)), help="how submissions are scored")
@click.option("--answer-key", "answer_key", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV: Id, the target, optionally Usage (Public/Private)")  # fmt: skip
@click.option("--from-split", "split_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="a folder `python split.py --out` wrote: GMSC's key and files, ROC AUC")  # fmt: skip
@click.option("--file", "files", multiple=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="a file for students (repeat for several)")  # fmt: skip
@click.option("--description", help="Markdown shown on the challenge's page")
@click.option("--description-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="the description from a Markdown file (UTF-8)")  # fmt: skip
@click.option("--prediction-column", help="a submission's header beside Id (default: the key's target)")
@click.option("--target-column", help="the key's target, when it has other columns too")
@click.option("--public-fraction", type=float, default=0.3, show_default=True, help="without Usage")
@click.option("--seed", type=int, default=0, show_default=True, help="without Usage: the split's seed")
@click.option("--deadline", help="ISO 8601; no zone: UTC")
@click.option("--daily-quota", type=click.IntRange(0, 10_000), help="submissions per student and day")
@fail_cleanly
def create(
    slug: str, tenant_slug: str, answer_key: Path | None, split_dir: Path | None, files, **options
) -> None:
    """Make challenge SLUG in a class from an answer key (or a split folder)."""
    if (answer_key is None) == (split_dir is None):
        raise click.UsageError("give --answer-key FILE or --from-split DIR")
    if split_dir is not None:
        answer_key = split_dir / SPLIT_KEY
        files = (*files, *(split_dir / name for name in SPLIT_FILES if (split_dir / name).is_file()))
        options["metric"] = options["metric"] or "roc_auc"
        options["prediction_column"] = options["prediction_column"] or "Probability"
        options["title"] = options["title"] or "Give Me Some Credit"
        options["target_column"] = options["target_column"] or "SeriousDlqin2yrs"
    if options["metric"] is None:
        raise click.UsageError("--metric is required with --answer-key")
    description_file = options.pop("description_file")
    if description_file is not None:
        if options["description"] is not None:
            raise click.UsageError("give --description or --description-file, not both")
        try:
            options["description"] = description_file.read_text(encoding="utf-8-sig")  # CRLF read as LF
        except UnicodeDecodeError:
            raise click.UsageError(f"{description_file} is not UTF-8 text") from None
    draft = ChallengeDraft(
        slug=slug, title=options["title"] or slug, metric=options["metric"], answer_key=_upload(answer_key),
        description=options["description"], prediction_column=options["prediction_column"],
        target_column=options["target_column"],
        public_fraction=options["public_fraction"], seed=options["seed"],
        deadline=_moment(options["deadline"]), daily_quota=options["daily_quota"],
        files=tuple(_upload(path) for path in files),
    )  # fmt: skip
    limit = current_app.config["SETTINGS"].max_answer_key_bytes
    challenge = create_challenge(accounts.tenant_by_slug(tenant_slug), draft, limit)
    rows = part_rows(challenge)
    click.echo(f"{tenant_slug}/{challenge.slug} (id {challenge.id}): {challenge.metric}, "
               f"{rows['public']:,} Public and {rows['private']:,} Private rows, {len(challenge.files)} file(s)")  # fmt: skip


@challenges_cli.command("feedback")
@click.option("--tenant", "tenant_slug", required=True, help="the class's slug")
@click.option("--challenge", "challenge_slug", help="the challenge (default: the class's first)")
@click.option("--precision", "score_precision", type=click.IntRange(0, 10), help="decimals students see")
@click.option(
    "--mode", "leaderboard_mode", type=click.Choice(["exact", "ladder"]), help="the public leaderboard"
)
@click.option(
    "--alpha",
    "ladder_alpha",
    type=float,
    help="the Ladder's budget over a student's whole history (default 0.05)",
)
@fail_cleanly
def feedback(tenant_slug: str, challenge_slug: str | None, **settings) -> None:
    """What students are shown: the decimals of their scores, an exact or a Ladder leaderboard."""
    challenge = tenant_challenge_by_slug(accounts.tenant_by_slug(tenant_slug), challenge_slug)
    edit_challenge(challenge, {name: value for name, value in settings.items() if value is not None})
    click.echo(f"{tenant_slug}/{challenge.slug}: scores to {challenge.score_precision} decimals, "
               f"{challenge.leaderboard_mode} leaderboard"
               + (f" (budget {challenge.ladder_alpha:g})" if challenge.leaderboard_mode == "ladder" else ""))  # fmt: skip


@challenges_cli.command("list")
@click.option("--tenant", "tenant_slug", help="only this class")
@fail_cleanly
def list_challenges(tenant_slug: str | None) -> None:
    """Every challenge, one a line: class/slug, id, metric, state, deadline, what students are shown."""
    query = select(Challenge).join(Tenant).order_by(Tenant.slug, Challenge.id)
    if tenant_slug is not None:
        query = query.where(Challenge.tenant_id == accounts.tenant_by_slug(tenant_slug).id)
    for challenge in db.session.scalars(query):
        state = "closed" if challenge.closed else "practice" if challenge.practice else "open"
        deadline = f"{challenge.deadline:%Y-%m-%d %H:%M} UTC" if challenge.deadline else "no deadline"
        feedback = f"{challenge.leaderboard_mode}, {challenge.score_precision} decimals"
        click.echo(f"{challenge.tenant.slug}/{challenge.slug}\tid {challenge.id}\t{challenge.metric}\t{state}"
                   f"\t{deadline}\t{feedback}")  # fmt: skip


def _upload(path: Path) -> Upload:
    try:
        return Upload(path.name, path.read_bytes())
    except OSError as error:
        raise click.ClickException(f"cannot read {path}: {error.strerror}") from None


def _moment(when: str | None) -> datetime | None:
    if when is None or when.lower() == "none":
        return None
    try:
        return datetime.fromisoformat(when)
    except ValueError:
        raise click.BadParameter(f"{when!r} is not an ISO 8601 time such as 2025-06-30T23:59Z") from None


@challenges_cli.command("reveal")
@click.option("--tenant", "tenant_slug", required=True, help="the tenant's slug")
@click.option("--challenge", "challenge_slug", help="the challenge (default: the tenant's first)")
@click.option("--hide", is_flag=True, help="hide private scores again")
@fail_cleanly
def reveal(tenant_slug: str, challenge_slug: str | None, hide: bool) -> None:
    """Show students their private scores and the private leaderboard now (or --hide them)."""
    challenge = tenant_challenge_by_slug(accounts.tenant_by_slug(tenant_slug), challenge_slug)
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
    challenge = set_deadline(
        tenant_challenge_by_slug(accounts.tenant_by_slug(tenant_slug), challenge_slug), _moment(when)
    )
    shown = f"{challenge.deadline:%Y-%m-%d %H:%M} UTC" if challenge.deadline else "no deadline"
    click.echo(f"{tenant_slug}/{challenge.slug}: {shown}")
