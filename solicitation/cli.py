"""Operator commands: `flask rounds list`, `flask rounds recount`, `flask rounds near-duplicates ROUND_ID`,
`flask rounds themes ROUND_ID`."""

import click

from extensions import db
from solicitation import queries
from solicitation.models import Round
from solicitation.services.near_duplicates import queue_round_near_duplicate_search
from solicitation.services.suggestion_counts import recount_suggestions
from solicitation.services.themes import compute_themes

rounds_cli = click.Group("rounds", help="Inspect the yearly rounds.")


@rounds_cli.command("list")
def list_rounds():
    """List rounds, newest first, with their status and dates."""
    found = False
    for round in db.session.scalars(queries.rounds()):
        found = True
        click.echo(
            f"{round.id}\t{round.year}\t{round.status.value}\t{round.title}\t"
            f"{round.solicitation_opens} → {round.solicitation_closes}, review {round.review_deadline}, "
            f"plan {round.plan_date}"
        )
    if not found:
        click.echo("No rounds yet.")


@rounds_cli.command("near-duplicates")
@click.argument("round_id", type=int)
def near_duplicates(round_id):
    """Look again for near-duplicates among all of a round's suggestions (the worker does it, with progress on
    /admin/jobs)."""
    if db.session.get(Round, round_id) is None:
        raise click.ClickException(f"No round {round_id}.")
    count = queue_round_near_duplicate_search(round_id)
    click.echo(f"Queued {count} suggestions of round {round_id}; the worker groups their near-copies.")


@rounds_cli.command("themes")
@click.argument("round_id", type=int)
def themes(round_id):
    """Compute a round's themes now, keeping the office's edits, and say what changed."""
    if db.session.get(Round, round_id) is None:
        raise click.ClickException(f"No round {round_id}.")

    def progress(done, total, message=""):
        click.echo(f"{done}/{total} {message}", err=True)

    summary = compute_themes(round_id=round_id, progress=progress)
    click.echo(
        f"{summary['themes']} themes of {summary['suggestions']} suggestions in {summary['seconds']} s: "
        f"{summary['made']} made, {summary['kept']} kept as the office left them, {summary['removed']} removed; "
        f"{summary['placed']} suggestions placed, {summary['regrouped']} regrouped, {summary['stayed']} stayed, "
        f"{summary['left']} left (rejected or merged)."
    )


@rounds_cli.command("recount")
def recount():
    """Count every round's suggestions anew into the summary counts (after rows were written past the platform:
    a bulk load with COPY, a hand-made correction)."""
    recount_suggestions()
    click.echo(f"Counted {queries.suggestion_figures().received} suggestions.")
