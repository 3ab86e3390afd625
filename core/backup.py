"""Backups: one archive holding a consistent snapshot of the running database, the uploaded files and a manifest.

The database is copied the way its own engine copies a live database — SQLite's online backup API, PostgreSQL's
pg_dump in its custom format, both reading one moment's state while others write — so the copy is exact
(schema, sequences, Alembic's revision, the search backend's table) and restores into the same kind of
database. A restore checks the whole archive before it changes anything, replaces the database in one
transaction, then the files, migrates a schema older than the code and rebuilds the search index.

A backup spans every package (the audit log, the migrations, the search index), so only app.py wires it in.
"""

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import ClassVar
from zoneinfo import ZoneInfo

import click
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_migrate import upgrade
from sqlalchemy import URL, create_engine, func, inspect, select, text
from sqlalchemy.pool import NullPool

from accounts import audit
from core.errors import DomainError
from extensions import db
from search_index.services import rebuild

FORMAT = 1
MANIFEST = "manifest.json"
UPLOADS = "uploads"
DATABASE_FILES = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
MANIFEST_KEYS = {
    "sqlite": {"created_at", "schema_revision", "counts"},
    "postgresql": {"created_at", "schema_revision", "counts", "schemas"},  # the schemas pg_dump wrote
}
CHUNK = 1024 * 1024

# progress(step, done, total): the step under way (a key of STEPS) and, for the long ones, how far it has got.
Progress = Callable[[str, int, int], None]


def _quiet(step: str, done: int = 0, total: int = 0) -> None:
    pass


class BackupError(DomainError):
    messages = {
        "unsupported_database": _l("Backups support SQLite and PostgreSQL databases, not %(kind)s."),
        "exists": _l("%(path)s exists already."),
        "not_found": _l("There is no backup archive at %(path)s."),
        "unreadable": _l("The archive cannot be read (%(reason)s): it is damaged or truncated. Nothing was changed."),
        "no_manifest": _l(
            "The archive has no readable manifest: it is not a backup of this platform, or it is damaged. "
            "Nothing was changed."
        ),
        "mismatch": _l(
            "%(name)s is missing from the archive, not in its manifest, or differs from its checksum: "
            "the archive is damaged. Nothing was changed."
        ),
        "other_database": _l(
            "The backup is of a %(backup)s database and this app uses %(current)s: restore it into the same kind "
            "of database. Nothing was changed."
        ),
        "unknown_revision": _l(
            "The backup's schema revision %(revision)s is unknown to this version of the app: install the version "
            "that made it. Nothing was changed."
        ),
        "tool_missing": _l(
            "%(tool)s was not found: install the PostgreSQL client tools of the server's major version or newer "
            "(Debian: apt-get install postgresql-client), or set PG_BIN_DIR to their folder."
        ),
        "tool_failed": _l("%(tool)s failed: %(error)s"),
    }


@dataclass
class Backup:
    """An archive on disk and its manifest; the audit log names it by its file name."""

    path: Path
    manifest: dict
    id: ClassVar[None] = None  # not a database record

    def __str__(self) -> str:
        return self.path.name


@dataclass
class Unpacked:
    """An archive checked in full and unpacked into a temporary folder, ready to restore."""

    path: Path
    folder: Path
    manifest: dict


def backup_folder() -> Path:
    return Path(current_app.config["BACKUP_FOLDER"])


def database_kind() -> str:
    """sqlite or postgresql: the kind of database this app uses."""
    kind = db.engine.url.get_backend_name()
    if kind not in DATABASE_FILES:
        raise BackupError("unsupported_database", kind=kind)
    return kind


def list_backups() -> list[Path]:
    """The archives in BACKUP_FOLDER, newest first."""
    folder = backup_folder()
    if not folder.is_dir():
        return []
    return sorted(folder.glob("*.tar.gz"), key=lambda path: path.stat().st_mtime, reverse=True)


# Creating ---------------------------------------------------------------------------------------------


def create_backup(*, path: Path | None = None, progress: Progress = _quiet) -> Backup:
    """Write an archive of the running database and the uploaded files (to `path`, a file or a folder)."""
    kind = database_kind()
    path = _new_archive_path(path)
    partial = path.with_name(path.name + ".part")  # never listed nor restored while half written
    try:
        with tempfile.TemporaryDirectory(prefix=".backup-", dir=path.parent) as work:
            progress("snapshot", 0, 0)
            snapshot = Path(work) / DATABASE_FILES[kind]
            described = _SNAPSHOTS[kind](snapshot)
            # The files after the database: a file is written before the commit that records it, so every
            # file the snapshot refers to is on disk by now (files never change once written).
            with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
                files = [_add_file(archive, snapshot, snapshot.name)]
                files += _add_uploads(archive, progress)
                manifest = {
                    "format": FORMAT,
                    "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "database": kind,
                    **described,
                    "files": files,
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime = len(data), int(datetime.now(UTC).timestamp())
                archive.addfile(info, io.BytesIO(data))
        partial.rename(path)
    finally:
        partial.unlink(missing_ok=True)
    backup = Backup(path=path, manifest=manifest)
    audit.record(
        actor=None,
        action="backup.create",
        obj=backup,
        after={"path": str(path), "size": path.stat().st_size, "files": len(files) - 1},
    )
    db.session.commit()
    return backup


def _new_archive_path(path: Path | None) -> Path:
    if path is None or path.is_dir():
        zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
        name = f"reform-backup-{datetime.now(zone):%Y%m%d-%H%M%S}.tar.gz"
        path = (path or backup_folder()) / name
    if path.exists():
        raise BackupError("exists", path=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _add_uploads(archive: tarfile.TarFile, progress: Progress) -> list[dict]:
    root = Path(current_app.config["UPLOAD_FOLDER"])
    found = sorted(path for path in root.rglob("*") if path.is_file()) if root.is_dir() else []
    sizes = {path: path.stat().st_size for path in found}
    total, done, added = sum(sizes.values()), 0, []
    for path in found:
        name = f"{UPLOADS}/{path.relative_to(root).as_posix()}"
        with suppress(FileNotFoundError):  # removed since it was listed: its record was deleted before the file
            added.append(_add_file(archive, path, name))
        done += sizes[path]
        progress("files", done, total)
    return added


def _add_file(archive: tarfile.TarFile, path: Path, name: str) -> dict:
    with path.open("rb") as file:
        info = archive.gettarinfo(arcname=name, fileobj=file)
        reader = _Hashing(file)
        archive.addfile(info, reader)
    return {"name": name, "size": info.size, "sha256": reader.hash.hexdigest()}


class _Hashing:
    """A file being read, hashed as it goes (so each file is read once)."""

    def __init__(self, file):
        self.file, self.hash = file, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.hash.update(data)
        return data


def _describe(connection) -> dict:
    """The schema revision and the number of rows of every table of the app, as `connection` sees them."""
    present = set(inspect(connection).get_table_names())
    revision = None
    if "alembic_version" in present:
        revision = " ".join(sorted(connection.execute(text("SELECT version_num FROM alembic_version")).scalars()))
    counts = {
        table.name: connection.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name in present
    }
    return {"schema_revision": revision or None, "counts": dict(sorted(counts.items()))}


def _snapshot_sqlite(target: Path) -> dict:
    source = sqlite3.connect(_sqlite_path(), timeout=30)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)  # in one step, under one read lock: one moment's state, however others write
    finally:
        copy.close()
        source.close()
    engine = create_engine(URL.create("sqlite", database=str(target)), poolclass=NullPool)
    with engine.connect() as connection:
        described = _describe(connection)
    engine.dispose()
    return described


def _snapshot_postgresql(target: Path) -> dict:
    """pg_dump reads the snapshot of a transaction held open here, so the counts are of the very same moment."""
    dump = _tool("pg_dump")
    uri, env = _libpq()
    options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
    with db.engine.connect().execution_options(**options) as connection, connection.begin():
        snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
        described = _describe(connection)
        described["schemas"] = list(
            connection.scalars(
                text(
                    "SELECT nspname FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema' "
                    "ORDER BY nspname"
                )
            )
        )
        _run([dump, "--format=custom", f"--snapshot={snapshot}", f"--file={target}", f"--dbname={uri}"], env)
    return described


_SNAPSHOTS = {"sqlite": _snapshot_sqlite, "postgresql": _snapshot_postgresql}


# Checking ---------------------------------------------------------------------------------------------


@contextmanager
def unpacked(path: Path, *, progress: Progress = _quiet) -> Iterator[Unpacked]:
    """Check an archive in full and unpack it into a temporary folder, changing nothing; raise BackupError."""
    path = _existing_archive(path)
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=current_app.instance_path) as work:
        folder = Path(work)
        found = _unpack(path, folder, progress)
        manifest = _manifest(folder, found)
        _check_restorable(manifest, folder)
        yield Unpacked(path=path, folder=folder, manifest=manifest)


def _existing_archive(path: Path) -> Path:
    """The archive at `path`, or by that name in BACKUP_FOLDER (as `backup list` shows it)."""
    for candidate in (path, backup_folder() / path):
        if candidate.is_file():
            return candidate
    raise BackupError("not_found", path=str(path))


def _unpack(path: Path, folder: Path, progress: Progress) -> dict[str, dict]:
    """Write every member under `folder`; return what was found of each (size, sha256)."""
    found = {}
    total = path.stat().st_size
    try:
        with path.open("rb") as raw, tarfile.open(fileobj=raw, mode="r:gz") as archive:
            for member in archive:
                name = PurePosixPath(member.name)
                if not member.isfile() or name.is_absolute() or ".." in name.parts or str(name) in found:
                    raise BackupError("mismatch", name=member.name)
                target = folder / name
                target.parent.mkdir(parents=True, exist_ok=True)
                reader = _Hashing(archive.extractfile(member))
                with target.open("wb") as file:
                    shutil.copyfileobj(reader, file, CHUNK)
                found[str(name)] = {"size": member.size, "sha256": reader.hash.hexdigest()}
                progress("check", raw.tell(), total)
            # tarfile stops at a damaged header as if the archive ended there: read the compressed stream to
            # its end, where gzip checks its checksum and length.
            while archive.fileobj.read(CHUNK):
                pass
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError("unreadable", reason=str(error) or type(error).__name__) from error
    return found


def _manifest(folder: Path, found: dict[str, dict]) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        listed = {entry["name"]: {"size": entry["size"], "sha256": entry["sha256"]} for entry in manifest["files"]}
        kind = manifest["database"]
        if manifest["format"] != FORMAT or kind not in DATABASE_FILES or not MANIFEST_KEYS[kind] <= set(manifest):
            raise ValueError(manifest["format"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BackupError("no_manifest") from error
    found = {name: entry for name, entry in found.items() if name != MANIFEST}
    for name in sorted(set(listed) | set(found) | {DATABASE_FILES[kind]}):
        if name not in listed or listed[name] != found.get(name):
            raise BackupError("mismatch", name=name)
    return manifest


def _check_restorable(manifest: dict, folder: Path) -> None:
    """The backup fits this app: the same kind of database, a schema revision it knows, a readable database."""
    kind = database_kind()
    if manifest["database"] != kind:
        raise BackupError("other_database", backup=manifest["database"], current=kind)
    script = _migrations()
    for revision in (manifest["schema_revision"] or "").split():
        try:
            script.get_revision(revision)
        except CommandError as error:
            raise BackupError("unknown_revision", revision=revision) from error
    database = folder / DATABASE_FILES[kind]
    if kind == "sqlite":
        connection = sqlite3.connect(database)
        try:
            verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.DatabaseError as error:
            verdict = str(error)
        finally:
            connection.close()
        if verdict != "ok":
            raise BackupError("tool_failed", tool="SQLite", error=verdict)
    else:
        _tool("psql")
        _restore_list(database)


# Restoring --------------------------------------------------------------------------------------------


def restore_backup(*, archive: Unpacked, progress: Progress = _quiet) -> dict:
    """Replace the database and the uploaded files with the backup's, migrate, rebuild the search index.

    Returns the manifest; the restore's own audit event is written into the restored database.
    """
    manifest = archive.manifest
    kind = manifest["database"]
    db.session.remove()
    db.engine.dispose()  # no connection of this process keeps the old tables
    progress("restore", 0, 0)
    _RESTORES[kind](archive.folder / DATABASE_FILES[kind], manifest)
    progress("replace_files", 0, 0)
    _replace_uploads(archive.folder / UPLOADS)
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


def _restore_sqlite(database: Path, manifest: dict) -> None:
    # The backup API again, the other way: the live file is rewritten in one transaction of its own.
    source = sqlite3.connect(database)
    live = sqlite3.connect(_sqlite_path(), timeout=30)
    try:
        source.backup(live)
    finally:
        live.close()
        source.close()


# Run before the dump's own statements, in the same transaction: empty the dump's schemas of every relation,
# type and routine (but an extension's), so nothing of a newer schema stays beside the restored one.
CLEAR = """
SET LOCAL lock_timeout = '60s';
SET LOCAL client_min_messages = warning;
{create}
DO $clear$
DECLARE
    statement text;
BEGIN
    FOR statement IN
        SELECT format('DROP %s IF EXISTS %I.%I CASCADE',
                      CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
                                     WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
                      n.nspname, c.relname)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY ({schemas}) AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
        UNION ALL
        SELECT format('DROP %s IF EXISTS %I.%I CASCADE', CASE t.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END,
                      n.nspname, t.typname)
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = ANY ({schemas}) AND t.typtype IN ('e', 'd', 'r')
          AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = t.oid AND d.deptype = 'e')
        UNION ALL
        SELECT format('DROP ROUTINE IF EXISTS %I.%I(%s) CASCADE', n.nspname, p.proname,
                      pg_get_function_identity_arguments(p.oid))
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = ANY ({schemas}) AND p.prokind IN ('f', 'p')
          AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE statement;
    END LOOP;
END
$clear$;
"""
# A line of pg_restore's table of contents that creates a schema: the schemas exist (CLEAR makes them).
SCHEMA_ENTRY = re.compile(r"^\d+; \d+ \d+ SCHEMA ")


def _restore_postgresql(dump: Path, manifest: dict) -> None:
    """Pipe pg_restore's SQL into psql inside one transaction, committed only once pg_restore has succeeded."""
    uri, env = _libpq()
    entries = dump.with_suffix(".list")
    entries.write_text(
        "".join(line for line in _restore_list(dump).splitlines(keepends=True) if not SCHEMA_ENTRY.match(line)),
        encoding="utf-8",
    )
    schemas = manifest["schemas"]
    clear = CLEAR.format(
        create="\n".join(f"CREATE SCHEMA IF NOT EXISTS {_identifier(name)};" for name in schemas),
        schemas="ARRAY[" + ", ".join(_literal(name) for name in schemas) + "]",
    )
    reader_args = [_tool("pg_restore"), "--no-owner", "--no-acl", f"--use-list={entries}", "--file=-", str(dump)]
    writer_args = [_tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", f"--dbname={uri}"]
    with tempfile.TemporaryFile() as reader_errors, tempfile.TemporaryFile() as writer_errors:
        writer = subprocess.Popen(
            writer_args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=writer_errors, env=env
        )
        reader = subprocess.Popen(reader_args, stdout=subprocess.PIPE, stderr=reader_errors, env=env)
        try:
            writer.stdin.write(f"BEGIN;\n{clear}\n".encode())
            shutil.copyfileobj(reader.stdout, writer.stdin, CHUNK)
            if reader.wait() == 0:
                writer.stdin.write(b"COMMIT;\n")
        except BrokenPipeError:
            pass  # psql stopped at an error, so its transaction is rolled back; its message says why
        finally:
            with suppress(BrokenPipeError):
                writer.stdin.close()  # without a COMMIT, psql ends by rolling everything back
            if reader.poll() is None:
                reader.kill()
            reader.stdout.close()
            reader.wait()
            writer.wait()
        for tool, process, errors in (("psql", writer, writer_errors), ("pg_restore", reader, reader_errors)):
            if process.returncode:
                errors.seek(0)
                raise BackupError("tool_failed", tool=tool, error=errors.read().decode(errors="replace").strip())


_RESTORES = {"sqlite": _restore_sqlite, "postgresql": _restore_postgresql}


def _replace_uploads(source: Path) -> None:
    root = Path(current_app.config["UPLOAD_FOLDER"])
    root.mkdir(parents=True, exist_ok=True)
    for entry in root.iterdir():
        shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    if source.is_dir():
        for entry in source.iterdir():
            shutil.move(entry, root / entry.name)


def _migrate(revision: str | None, progress: Progress) -> str | None:
    """Bring a backup of an older schema up to this code's; returns the revision it reached, if it moved.

    A database made without Alembic (no revision) has the schema of the code that made it, and is left as is.
    """
    heads = sorted(_migrations().get_heads())
    if revision is None or sorted(revision.split()) == heads:
        return None
    progress("migrations", 0, 0)
    upgrade(directory=str(_migrations_folder()), revision="heads")
    return " ".join(heads)


# Tools ------------------------------------------------------------------------------------------------


def _migrations_folder() -> Path:
    return Path(current_app.root_path) / "migrations"


def _migrations() -> ScriptDirectory:
    config = current_app.extensions["migrate"].migrate.get_config(str(_migrations_folder()))
    return ScriptDirectory.from_config(config)


def _sqlite_path() -> str:
    return db.engine.url.database


def _libpq() -> tuple[str, dict]:
    """The database's address for the PostgreSQL client tools, and their environment (the password)."""
    url = db.engine.url
    address = URL.create(
        "postgresql", username=url.username, host=url.host, port=url.port, database=url.database, query=url.query
    )
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    return address.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    folder = current_app.config["PG_BIN_DIR"]
    found = shutil.which(name, path=folder) if folder else shutil.which(name)
    if found is None:
        raise BackupError("tool_missing", tool=name)
    return found


def _run(args: list[str], env: dict) -> str:
    result = subprocess.run(args, capture_output=True, env=env, check=False)
    if result.returncode:
        raise BackupError("tool_failed", tool=Path(args[0]).name, error=result.stderr.decode(errors="replace").strip())
    return result.stdout.decode(errors="replace")


def _restore_list(dump: Path) -> str:
    """pg_restore's table of contents of a dump (reading it proves the dump is one this pg_restore can read)."""
    _, env = _libpq()
    return _run([_tool("pg_restore"), "--list", str(dump)], env)


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


# Operator commands: `flask backup create | restore | list` ---------------------------------------------

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
    return moment.astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).strftime("%Y-%m-%d %H:%M")


def _summary(manifest: dict) -> str:
    counts = manifest["counts"]
    files = [entry for entry in manifest["files"] if entry["name"].startswith(f"{UPLOADS}/")]
    heads = " ".join(sorted(_migrations().get_heads()))
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
        made = create_backup(path=path, progress=steps)
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
        with unpacked(path, progress=steps) as archive:
            steps.finish()
            click.echo(_summary(archive.manifest))
            if not yes:
                click.confirm(
                    f"Replace the database and the files in {current_app.config['UPLOAD_FOLDER']} with this backup?",
                    abort=True,
                )
            restore_backup(archive=archive, progress=steps)
    except BackupError as error:
        raise click.ClickException(error.message) from error
    finally:
        steps.finish()
    click.echo(f"Restored {archive.path.name}.")


@backup_cli.command("list")
def list_command():
    """List the archives in BACKUP_FOLDER, newest first."""
    found = list_backups()
    if not found:
        click.echo(f"No backups in {backup_folder()}.")
    for path in found:
        stat = path.stat()
        click.echo(f"{path.name}\t{_size(stat.st_size)}\t{_local(datetime.fromtimestamp(stat.st_mtime, UTC))}")
