"""Operator commands: `flask search rebuild | check | status` (`flask worker` applies the queue)."""

import os

import click

from search_index import queries, services
from search_index.backend import IndexUnreadable


@click.group("search", help="The full-text search index.")
def search_cli():
    pass


@search_cli.command("rebuild")
@click.option(
    "--processes",
    type=int,
    default=os.cpu_count() or 1,
    show_default="every core",
    help="Processes segmenting the texts side by side.",
)
def rebuild_command(processes):
    """Index every record again from scratch (after a restore, or to change backends)."""
    with click.progressbar(length=1, label="Indexing") as bar:

        def progress(done, total):
            bar.length = total
            bar.update(done - bar.pos)

        done = services.rebuild(progress, processes=processes)
    click.echo(f"{done} records indexed.")


@search_cli.command("check")
@click.option("--fix", is_flag=True, help="Queue every record found missing, stale or gone.")
def check_command(fix):
    """Compare the index with the records."""
    try:
        found = services.check(fix=fix)
    except IndexUnreadable as error:
        services.ask_for_rebuild()
        raise click.ClickException(
            "The search index cannot be read: the worker rebuilds it now (queued), or run `search rebuild`."
        ) from error
    for name, keys in found.items():
        click.echo(f"{name}: {len(keys)}" + (f"  e.g. {', '.join(keys[:5])}" if keys else ""))
    if fix and any(found.values()):
        click.echo("Queued for the worker.")


@search_cli.command("status")
def status_command():
    """How long the oldest queued change has waited, in seconds, and the changes that could not be applied."""
    backlog = queries.search_backlog()
    click.echo(f"queue age: {queries.age_of(backlog['oldest_at']):.1f} s")
    click.echo(f"failed changes: {backlog['failed']}")
    for row in backlog["failed_changes"]:
        click.echo(f"  {row.kind}:{row.record_id}  {row.failed_at:%Y-%m-%d %H:%M:%S}  {row.error}")
    if backlog["failed"] > len(backlog["failed_changes"]):
        click.echo(f"  … and {backlog['failed'] - len(backlog['failed_changes'])} more")
