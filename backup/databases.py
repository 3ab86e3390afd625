"""The database's copy and restore, the way its own engine copies a live database: SQLite's online backup API,
PostgreSQL's pg_dump in its custom format, both reading one moment's state while others write. So the copy is
exact (schema, sequences, Alembic's revision, the search backend's table) and restores, in one transaction, into
the same kind of database.
"""

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import suppress
from pathlib import Path

from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from flask import current_app
from sqlalchemy import URL, create_engine, func, inspect, select, text
from sqlalchemy.pool import NullPool

from backup.archive import CHUNK
from backup.errors import BackupError
from extensions import db


def database_kind() -> str:
    """sqlite or postgresql: the kind of database this app uses."""
    kind = db.engine.url.get_backend_name()
    if kind not in _SNAPSHOTS:
        raise BackupError("unsupported_database", kind=kind)
    return kind


def migrations_folder() -> Path:
    return Path(current_app.root_path) / "migrations"


def migrations() -> ScriptDirectory:
    config = current_app.extensions["migrate"].migrate.get_config(str(migrations_folder()))
    return ScriptDirectory.from_config(config)


# Copying ----------------------------------------------------------------------------------------------


def snapshot(kind: str, target: Path) -> dict:
    """Copy the running database into the file `target`; return what the copy holds (schema revision, counts)."""
    return _SNAPSHOTS[kind](target)


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
    source = sqlite3.connect(sqlite_path(), timeout=30)
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


def check_restorable(manifest: dict, database: Path) -> None:
    """The backup fits this app: the same kind of database, a schema revision it knows, a readable database."""
    kind = database_kind()
    if manifest["database"] != kind:
        raise BackupError("other_database", backup=manifest["database"], current=kind)
    script = migrations()
    for revision in (manifest["schema_revision"] or "").split():
        try:
            script.get_revision(revision)
        except CommandError as error:
            raise BackupError("unknown_revision", revision=revision) from error
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


def restore(manifest: dict, database: Path) -> None:
    """Replace the running database, in one transaction, with the copy `database` that `manifest` describes."""
    _RESTORES[manifest["database"]](database, manifest)


def _restore_sqlite(database: Path, manifest: dict) -> None:
    # The backup API again, the other way: the live file is rewritten in one transaction of its own.
    source = sqlite3.connect(database)
    live = sqlite3.connect(sqlite_path(), timeout=30)
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


# Tools ------------------------------------------------------------------------------------------------


def sqlite_path() -> str:
    """The SQLite database's file (when database_kind() is sqlite)."""
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
