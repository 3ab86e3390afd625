"""Creating, checking and restoring backups, and listing them. Creating and restoring are written to the audit
log. A restore checks the whole archive before it changes anything, replaces the database in one transaction,
then the files, migrates a schema older than the code and rebuilds the search index.
"""

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import current_app
from flask_migrate import upgrade

from accounts import audit
from backup import databases
from backup.archive import (
    DATABASE_FILES,
    UPLOADS,
    Backup,
    Progress,
    Unpacked,
    backup_folder,
    existing_archive,
    new_archive_path,
    quiet,
    stage_uploads,
    swap_uploads,
    unpack,
    write_archive,
)
from backup.errors import BackupError
from extensions import db
from search_index.services import rebuild


def list_backups() -> list[Path]:
    """The archives in BACKUP_FOLDER, newest first."""
    folder = backup_folder()
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.tar.gz"), key=lambda path: path.stat().st_mtime, reverse=True)


def create_backup(*, path: Path | None = None, progress: Progress = quiet) -> Backup:
    """Write an archive of the running database and the uploaded files (to `path`, a file or a folder)."""
    kind = databases.database_kind()
    _refuse_inside_uploads(path or backup_folder())
    path = new_archive_path(path)
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=path.parent) as work:
        progress("snapshot", 0, 0)
        snapshot = Path(work) / DATABASE_FILES[kind]
        described = databases.snapshot(kind, snapshot)
        # The files after the database: a file is written before the commit that records it, so every file the
        # snapshot refers to is on disk by now (files never change once written).
        manifest = write_archive(path, kind=kind, database=snapshot, described=described, progress=progress)
    backup = Backup(path=path, manifest=manifest)
    audit.record(
        actor=None,
        action="backup.create",
        obj=backup,
        after={"path": str(path), "size": path.stat().st_size, "files": len(manifest["files"]) - 1},
    )
    db.session.commit()
    return backup


@contextmanager
def unpacked(path: Path, *, progress: Progress = quiet) -> Iterator[Unpacked]:
    """Check an archive in full and unpack it into a temporary folder, changing nothing; raise BackupError."""
    path = existing_archive(path)
    _refuse_inside_uploads(path)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=current_app.instance_path) as work:
        folder = Path(work)
        manifest = unpack(path, folder, progress)
        databases.check_restorable(manifest, folder / DATABASE_FILES[manifest["database"]])
        yield Unpacked(path=path, folder=folder, manifest=manifest)


def restore_backup(*, archive: Unpacked, progress: Progress = quiet) -> dict:
    """Replace the database and the uploaded files with the backup's, migrate, rebuild the search index.

    Returns the manifest; the restore's own audit event is written into the restored database.
    """
    manifest = archive.manifest
    db.session.remove()
    db.engine.dispose()  # no connection of this process keeps the old tables
    staged = stage_uploads(archive.folder / UPLOADS)  # before the database: a failure then changes nothing
    progress("restore", 0, 0)
    try:
        databases.restore(manifest, archive.folder / DATABASE_FILES[manifest["database"]])
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    progress("replace_files", 0, 0)
    swap_uploads(staged)
    migrated = _migrate(manifest["schema_revision"], progress)
    rebuild(lambda done, total: progress("index", done, total))
    audit.record(
        actor=None,
        action="backup.restore",
        obj=Backup(path=archive.path, manifest=manifest),
        after={
            "created_at": manifest["created_at"],
            "schema_revision": manifest["schema_revision"],
            "migrated_to": migrated,
        },
    )
    db.session.commit()
    return manifest


def _refuse_inside_uploads(archive: Path) -> None:
    """Refuse, before anything is done, when backups or the SQLite database lie inside UPLOAD_FOLDER: a backup
    would archive them as uploaded files, and a restore's swap of that folder would take them away."""
    uploads = Path(current_app.config["UPLOAD_FOLDER"]).resolve()
    for place in (backup_folder(), archive):
        if place.resolve().is_relative_to(uploads):
            raise BackupError("backups_in_uploads", path=str(place), uploads=str(uploads))
    if databases.database_kind() == "sqlite" and Path(databases.sqlite_path()).resolve().is_relative_to(uploads):
        raise BackupError("database_in_uploads", path=databases.sqlite_path(), uploads=str(uploads))


def _migrate(revision: str | None, progress: Progress) -> str | None:
    """Bring a backup of an older schema up to this code's; returns the revision it reached, if it moved.

    A database made without Alembic (no revision) has the schema of the code that made it, and is left as is.
    """
    heads = sorted(databases.migrations().get_heads())
    if revision is None or sorted(revision.split()) == heads:
        return None
    progress("migrations", 0, 0)
    upgrade(directory=str(databases.migrations_folder()), revision="heads")
    return " ".join(heads)
