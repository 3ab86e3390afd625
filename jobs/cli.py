"""Operator command: `flask worker`, the background worker as a process of its own."""

import click
from flask import current_app

from jobs import services


@click.command("worker")
@click.option("--once", is_flag=True, help="Do what is due now (mail, search changes, jobs) and stop.")
def worker_command(once):
    """Deliver the outbox, apply the search queue and run the background jobs as they come (run it as its own
    process with JOBS_WORKER=none)."""

    def report(name, counts):
        click.echo(f"{name}: " + ", ".join(f"{count} {outcome}" for outcome, count in counts.items()))

    services.run_worker(current_app.config["JOBS_INTERVAL_SECONDS"], once=once, report=report)
