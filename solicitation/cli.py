"""Operator commands: `flask rounds list`."""

import click

from extensions import db
from solicitation import queries

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
