"""Operator command: `flask worker`, the job worker as a process of its own."""

import click
from flask import current_app

from jobs import services


@click.command("worker")
@click.option("--once", is_flag=True, help="Run the jobs due now and stop.")
def worker_command(once):
    """Run the background jobs as they are queued (run it as its own process with JOBS_WORKER=none)."""

    def report(counts):
        click.echo(", ".join(f"{count} {state.value}" for state, count in counts.items()))

    services.run_worker(current_app.config["JOBS_INTERVAL_SECONDS"], once=once, report=report)
