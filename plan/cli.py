"""Operator commands: `flask plan remind-progress`, run daily by the scheduler (cron); `flask plan make-pdfs`, once
after an upgrade or after installing LibreOffice."""

import click

from core import clock
from plan.services import documents, progress


@click.group("plan", help="The annual plan's quarterly tracking.")
def plan_cli():
    pass


@plan_cli.command("remind-progress")
@click.option("--days", default=7, show_default=True, help="Remind this many days before a quarter's deadline.")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Run as on this day (default: today).")
def remind_progress(days, today):
    """Mail the lead units whose quarterly report is not in, once, when the deadline is near."""
    sent = progress.remind_before_deadline(today=today.date() if today else clock.today(), days=days)
    for plan, quarter, projects in sent:
        click.echo(f"{plan.title}\tQ{quarter}\t{projects} projects' lead units reminded")
    if not sent:
        click.echo("No report falls due soon without a reminder sent.")


@plan_cli.command("make-pdfs")
def make_pdfs():
    """Queue the PDF of every published plan and issued bulletin that has none, for the background worker."""
    click.echo(f"{documents.queue_missing_pdfs()} PDFs queued.")
