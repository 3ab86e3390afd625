"""Backups: an archive of the running database and the files restores them, the search included; a damaged
archive changes nothing; a backup taken while others write holds one moment's state; an older schema is
migrated on restore. On whichever database the suite runs."""

import io
import json
import os
import tarfile
import threading
from pathlib import Path

import pytest
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import func, insert, select

from accounts.models import AuditEvent, Unit, UnitKind, User
from app import create_app
from core import backup
from core.backup import MANIFEST, BackupError
from extensions import db
from search_index import queries
from search_index import services as search
from solicitation.models import Proposal, ProposalAttachment, Suggestion
from solicitation.services import proposals
from tests.conftest import TEST_DATABASE_URL
from tests.factories import make_open_round, make_proposal, make_suggestion, make_user, proposal_fields

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
WORDS = ("家庭医生", "一网通办", "路灯")
ON_POSTGRESQL = (TEST_DATABASE_URL or "").startswith("postgresql")


@pytest.fixture(autouse=True)
def _empty_index():
    """Leave no document of these tests in the index for the tests after them."""
    yield
    search.backend().clear()


@pytest.fixture
def data():
    """A round with a unit's proposal carrying an attachment and two residents' suggestions, all indexed."""
    office = make_user(role="office")
    author = make_user(role="unit_staff")
    round = make_open_round()
    proposal = make_proposal(round=round, author=author, title="推进家庭医生签约服务")
    attachment = proposals.add_attachment(actor=author, proposal=proposal, filename="方案.pdf", data=PDF)
    make_suggestion(round=round, title="建议推行“一网通办”")
    make_suggestion(round=round, title="社区食堂开到晚上", content="上班族下班后吃不上饭。")
    search.rebuild()
    return {"office": office, "author": author, "round": round, "proposal": proposal, "attachment": attachment}


def found(user) -> dict[str, set[str]]:
    return {word: {item.hit.title for item in queries.search(user=user, text=word)[1]} for word in WORDS}


def upload_files(app) -> dict[str, bytes]:
    root = Path(app.config["UPLOAD_FOLDER"])
    return {str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table)) for table in db.metadata.sorted_tables
    }


def restore(path: Path) -> dict:
    with backup.unpacked(path) as archive:
        return backup.restore_backup(archive=archive)


def test_a_restore_brings_back_the_data_the_attachment_and_the_search_as_they_were(app, runner, client, data, tmp_path):
    office, author, proposal, attachment = data["office"], data["author"], data["proposal"], data["attachment"]
    searched, files = found(office), upload_files(app)
    created = runner.invoke(args=["backup", "create", str(tmp_path)])
    assert created.exit_code == 0, created.output
    [archive] = tmp_path.glob("reform-backup-*.tar.gz")
    assert f"Written to {archive}" in created.output

    proposals.update_proposal(
        actor=author, proposal=proposal, fields=proposal_fields(data["round"], title="改过的标题")
    )
    proposals.remove_attachment(actor=author, attachment=attachment)
    late = make_suggestion(round=data["round"], title="路灯不亮", content="龙城大道路灯坏了。")
    search.rebuild()
    assert found(office) != searched and upload_files(app) != files

    ids = {"office": office.id, "author": author.id, "proposal": proposal.id, "attachment": attachment.id}
    late_id = late.id
    restored = runner.invoke(args=["backup", "restore", str(archive), "--yes"])
    assert restored.exit_code == 0, restored.output
    # The restore ended the session (as the command line's only one): load everything again.
    assert db.session.get(Proposal, ids["proposal"]).title == "推进家庭医生签约服务"
    assert db.session.get(Suggestion, late_id) is None
    assert db.session.get(ProposalAttachment, ids["attachment"]).filename == "方案.pdf"
    assert upload_files(app) == files
    client.login(db.session.get(User, ids["author"]))
    download = client.get(f"/proposals/{ids['proposal']}/attachments/{ids['attachment']}")
    assert download.status_code == 200 and download.data == PDF
    download.close()
    assert found(db.session.get(User, ids["office"])) == searched
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "backup.restore"))
    assert event.actor_id is None and event.source == "cli" and event.object_label == archive.name


def test_creating_a_backup_is_in_the_audit_log_and_backup_list_shows_it(app, runner, tmp_path):
    app.config["BACKUP_FOLDER"] = str(tmp_path)
    try:
        older = runner.invoke(args=["backup", "create", str(tmp_path / "older.tar.gz")])
        assert older.exit_code == 0, older.output
        os.utime(tmp_path / "older.tar.gz", (1_000_000_000, 1_000_000_000))
        newer = runner.invoke(args=["backup", "create"])
        assert newer.exit_code == 0, newer.output
        listed = runner.invoke(args=["backup", "list"]).output.splitlines()
    finally:
        app.config["BACKUP_FOLDER"] = str(Path(app.instance_path) / "backups")
    [made] = tmp_path.glob("reform-backup-*.tar.gz")
    assert [line.split("\t")[0] for line in listed] == [made.name, "older.tar.gz"]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "backup.create")).all()
    assert [(event.object_label, event.source, event.actor_id) for event in events] == [
        ("older.tar.gz", "cli", None),
        (made.name, "cli", None),
    ]


def test_restore_asks_before_it_replaces_anything(runner, data, tmp_path):
    path = backup.create_backup(path=tmp_path).path
    late = make_suggestion(round=data["round"], title="路灯不亮")
    result = runner.invoke(args=["backup", "restore", str(path)], input="n\n")
    assert result.exit_code == 1 and "Replace the database" in result.output
    assert db.session.get(Suggestion, late.id) is not None


def rewrite(path: Path, change) -> None:
    """Write the archive again with `change(members)` applied to its members (name: bytes)."""
    with tarfile.open(path, "r:gz") as archive:
        members = {member.name: archive.extractfile(member).read() for member in archive}
    change(members)
    with tarfile.open(path, "w:gz") as archive:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))


def edit_manifest(**fields):
    def change(members):
        members[MANIFEST] = json.dumps({**json.loads(members[MANIFEST]), **fields}).encode()

    return lambda path: rewrite(path, change)


def truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def flip_a_byte(path: Path) -> None:
    content = bytearray(path.read_bytes())
    content[len(content) // 2] ^= 0xFF
    path.write_bytes(bytes(content))


def change_the_attachment(members):
    name = next(name for name in members if name.startswith("uploads/"))
    members[name] = b"%PDF-1.4 something else"


def of_the_other_kind(members):
    """Make the archive look like a backup of the other kind of database."""
    kind = "sqlite" if ON_POSTGRESQL else "postgresql"
    ours, theirs = backup.DATABASE_FILES["postgresql" if ON_POSTGRESQL else "sqlite"], backup.DATABASE_FILES[kind]
    members[theirs] = members.pop(ours)
    manifest = json.loads(members[MANIFEST])
    for entry in manifest["files"]:
        entry["name"] = theirs if entry["name"] == ours else entry["name"]
    members[MANIFEST] = json.dumps({**manifest, "database": kind, "schemas": ["public"]}).encode()


DAMAGES = {
    "truncated": (truncate, {"unreadable"}),
    "not an archive": (lambda path: path.write_bytes(b"not a backup"), {"unreadable"}),
    "a byte flipped": (flip_a_byte, {"unreadable", "mismatch"}),
    "a file changed": (lambda path: rewrite(path, change_the_attachment), {"mismatch"}),
    "a file not listed": (
        lambda path: rewrite(path, lambda members: members.update({"uploads/x": b"x"})),
        {"mismatch"},
    ),
    "no manifest": (lambda path: rewrite(path, lambda members: members.pop(MANIFEST)), {"no_manifest"}),
    "another kind of database": (lambda path: rewrite(path, of_the_other_kind), {"other_database"}),
    "a newer schema": (edit_manifest(schema_revision="0123456789ab"), {"unknown_revision"}),
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_archive_is_refused_with_a_reason_and_changes_nothing(app, runner, data, tmp_path, damage):
    path = backup.create_backup(path=tmp_path).path
    damage_archive, codes = DAMAGES[damage]
    damage_archive(path)
    late = make_suggestion(round=data["round"], title="路灯不亮")
    files, before, late_id = upload_files(app), counts(), late.id
    with pytest.raises(BackupError) as refused, backup.unpacked(path):
        pass
    assert refused.value.code in codes

    result = runner.invoke(args=["backup", "restore", str(path), "--yes"])
    assert result.exit_code == 1 and refused.value.message in result.output
    assert db.session.get(Suggestion, late_id) is not None
    assert counts() == before and upload_files(app) == files


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
        made = backup.create_backup(path=tmp_path)
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
        script = backup._migrations()
        [head] = script.get_heads()
        older = script.get_revision(head).down_revision
        upgrade(directory=str(backup._migrations_folder()), revision=older)
        made = backup.create_backup(path=tmp_path)
        assert made.manifest["schema_revision"] == older
        upgrade(directory=str(backup._migrations_folder()))  # the app's new version

        restore(made.path)
        with db.engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == head
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "backup.restore"))
        assert event.after["migrated_to"] == head
        db.session.remove()
        db.engine.dispose()


@pytest.mark.skipif(not ON_POSTGRESQL, reason="SQLite needs no client tools")
def test_without_the_postgresql_client_tools_a_backup_says_what_to_install(app, runner, tmp_path):
    app.config["PG_BIN_DIR"] = str(tmp_path)  # a folder without pg_dump
    try:
        result = runner.invoke(args=["backup", "create", str(tmp_path)])
    finally:
        app.config["PG_BIN_DIR"] = ""
    assert result.exit_code == 1 and BackupError("tool_missing", tool="pg_dump").message in result.output
    assert not list(tmp_path.glob("*.tar.gz*"))
