"""Operator commands: `flask backup create | restore | list`."""

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app

from backup import databases, services
from backup.archive import UPLOADS, backup_folder
from backup.errors import BackupError
from core import clock

backup_cli = click.Group("backup", help="Back up and restore the database and the uploaded files.")

STEPS = {
    "snapshot": "Copying the database",
    "files": "Copying the uploaded files",
    "check": "Checking the archive",
    "restore": "Replacing the database",
    "replace_files": "Replacing the uploaded files",
    "migrations": "Migrating the database to this version's schema",
    "index": "Rebuilding the search index",
}
# The counts a person checks a backup by before restoring it.
MAIN_TABLES = ("users", "rounds", "proposals", "suggestions", "reviews", "key_projects", "progress_reports")


class _Steps:
    """Show each step on its own line, and a step that counts how far it has got as a progress bar."""

    def __init__(self):
        self.step, self.bar = None, None

    def __call__(self, step: str, done: int = 0, total: int = 0) -> None:
        if step != self.step:
            self.finish()
            self.step = step
            if total:
                self.bar = click.progressbar(length=total, label=STEPS[step])
            else:
                click.echo(f"{STEPS[step]} …")
        if self.bar is not None:
            self.bar.update(done - self.bar.pos)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.render_finish()
        self.step, self.bar = None, None


def _size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _local(moment: datetime) -> str:
    return moment.astimezone(clock.zone()).strftime("%Y-%m-%d %H:%M")


def _summary(manifest: dict) -> str:
    counts = manifest["counts"]
    files = [entry for entry in manifest["files"] if entry["name"].startswith(f"{UPLOADS}/")]
    heads = " ".join(sorted(databases.migrations().get_heads()))
    revision = manifest["schema_revision"] or "none (made without migrations)"
    created = _local(datetime.fromisoformat(manifest["created_at"]))
    lines = [
        f"Backup of {created} ({manifest['database']} database, schema revision {revision}; this version's is {heads})",
        "  " + ", ".join(f"{table} {counts[table]}" for table in MAIN_TABLES if table in counts),
        f"  {sum(counts.values())} rows in {len(counts)} tables; {len(files)} uploaded files"
        f" ({_size(sum(entry['size'] for entry in files))})",
    ]
    return "\n".join(lines)


@backup_cli.command("create")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def create_command(path):
    """Write one archive of the running database, the uploaded files and a manifest (to BACKUP_FOLDER)."""
    steps = _Steps()
    try:
        made = services.create_backup(path=path, progress=steps)
    except BackupError as error:
        raise click.ClickException(error.message) from error
    finally:
        steps.finish()
    click.echo(_summary(made.manifest))
    click.echo(f"Written to {made.path} ({_size(made.path.stat().st_size)}).")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database and the files.")
def restore_command(path, yes):
    """Replace the database and the uploaded files with a backup's, migrate them, rebuild the search index."""
    steps = _Steps()
    try:
        with services.unpacked(path, progress=steps) as archive:
            steps.finish()
            click.echo(_summary(archive.manifest))
            if not yes:
                click.confirm(
                    f"Replace the database and the files in {current_app.config['UPLOAD_FOLDER']} with this backup?",
                    abort=True,
                )
            services.restore_backup(archive=archive, progress=steps)
    except BackupError as error:
        raise click.ClickException(error.message) from error
    finally:
        steps.finish()
    click.echo(f"Restored {archive.path.name}.")


@backup_cli.command("list")
def list_command():
    """List the archives in BACKUP_FOLDER, newest first."""
    found = services.list_backups()
    if not found:
        click.echo(f"No backups in {backup_folder()}.")
    for path in found:
        stat = path.stat()
        click.echo(f"{path.name}\t{_size(stat.st_size)}\t{_local(datetime.fromtimestamp(stat.st_mtime, UTC))}")
