"""The database's copy: a backup taken while others write holds one moment's state, and a backup of an older
schema is migrated when restored. On whichever database the suite runs."""

import threading

from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import insert, select

from accounts.models import AuditEvent, Unit, UnitKind
from app import create_app
from backup import databases, services
from extensions import db
from tests.backup.conftest import counts, restore


def test_a_backup_taken_while_another_connection_writes_holds_one_moments_state(app, tmp_path):
    stop, written = threading.Event(), []

    def write_pairs():
        """Each transaction adds a unit and its audit event: a consistent copy never has one without the other."""
        with app.app_context():
            while not stop.is_set():
                with db.engine.begin() as connection:
                    unit = connection.scalar(
                        insert(Unit).values(name=f"并发单位{len(written)}", kind=UnitKind.department).returning(Unit.id)
                    )
                    connection.execute(
                        insert(AuditEvent).values(action="test.write", object_type="Unit", object_id=unit)
                    )
                written.append(unit)

    writer = threading.Thread(target=write_pairs)
    writer.start()
    try:
        while len(written) < 20 and writer.is_alive():
            stop.wait(0.01)
        made = services.create_backup(path=tmp_path)
        at_backup = len(written)
        while len(written) < at_backup + 20 and writer.is_alive():  # the writer goes on after the snapshot
            stop.wait(0.01)
    finally:
        stop.set()
        writer.join()
    snapshot = made.manifest["counts"]
    assert 20 <= snapshot["units"] < len(written)
    assert snapshot["audit_events"] == snapshot["units"]

    restore(made.path)
    restored = counts()
    assert restored["units"] == snapshot["units"] and restored["audit_events"] == snapshot["audit_events"] + 1
    unchanged = set(snapshot) - {"audit_events", "search_queue"}  # the restore's event; the rebuild's queue
    assert {name: restored[name] for name in unchanged} == {name: snapshot[name] for name in unchanged}


def test_a_backup_of_an_older_schema_is_migrated_when_restored(empty_database_url, tmp_path):
    other = create_app(
        {"TESTING": True, "INSTANCE_PATH": str(tmp_path / "instance"), "SQLALCHEMY_DATABASE_URI": empty_database_url}
    )
    with other.app_context():
        script = databases.migrations()
        [head] = script.get_heads()
        older = script.get_revision(head).down_revision
        upgrade(directory=str(databases.migrations_folder()), revision=older)
        made = services.create_backup(path=tmp_path)
        assert made.manifest["schema_revision"] == older
        upgrade(directory=str(databases.migrations_folder()))  # the app's new version

        restore(made.path)
        with db.engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == head
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "backup.restore"))
        assert event.after["migrated_to"] == head
        db.session.remove()
        db.engine.dispose()
