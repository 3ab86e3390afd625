"""`flask backup`: an archive of the running database and the files restores them, the search included; creating
one is in the audit log and `backup list` shows it; a restore asks before it replaces anything; without the
PostgreSQL client tools the command says what to install; backups or a SQLite database inside the upload folder are
refused. On whichever database the suite runs."""

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from accounts.models import AuditEvent, User
from backup import services
from backup.errors import BackupError
from extensions import db
from search_index import queries
from search_index import services as search
from solicitation.models import Proposal, ProposalAttachment, Suggestion
from solicitation.services import proposals
from tests.backup.conftest import ON_POSTGRESQL, PDF, upload_files
from tests.factories import make_suggestion, proposal_fields

WORDS = ("家庭医生", "一网通办", "路灯")


def found(user) -> dict[str, set[str]]:
    return {word: {item.hit.title for item in queries.search(user=user, text=word)[1]} for word in WORDS}


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
    path = services.create_backup(path=tmp_path).path
    late = make_suggestion(round=data["round"], title="路灯不亮")
    result = runner.invoke(args=["backup", "restore", str(path)], input="n\n")
    assert result.exit_code == 1 and "Replace the database" in result.output
    assert db.session.get(Suggestion, late.id) is not None


@pytest.mark.skipif(not ON_POSTGRESQL, reason="SQLite needs no client tools")
def test_without_the_postgresql_client_tools_a_backup_says_what_to_install(app, runner, tmp_path):
    app.config["PG_BIN_DIR"] = str(tmp_path)  # a folder without pg_dump
    try:
        result = runner.invoke(args=["backup", "create", str(tmp_path)])
    finally:
        app.config["PG_BIN_DIR"] = ""
    assert result.exit_code == 1 and BackupError("tool_missing", tool="pg_dump").message in result.output
    assert not list(tmp_path.glob("*.tar.gz*"))


@pytest.fixture
def uploads(app, tmp_path, monkeypatch) -> Path:
    """An upload folder of the test's own holding one file, so nothing a backup test leaves reaches other tests."""
    folder = tmp_path / "uploads"
    folder.mkdir()
    (folder / "kept.pdf").write_bytes(PDF)
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    return folder.resolve()


def test_a_backup_into_the_upload_folder_is_refused_before_anything_is_written(
    app, runner, uploads, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "BACKUP_FOLDER", str(uploads / "backups"))
    configured = runner.invoke(args=["backup", "create"])
    monkeypatch.setitem(app.config, "BACKUP_FOLDER", str(tmp_path / "backups"))
    given = runner.invoke(args=["backup", "create", str(uploads / "here.tar.gz")])
    for result, place in ((configured, uploads / "backups"), (given, uploads / "here.tar.gz")):
        refused = BackupError("backups_in_uploads", path=str(place), uploads=str(uploads)).message
        assert result.exit_code == 1 and refused in result.output
    assert upload_files(app) == {"kept.pdf": PDF}
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.action == "backup.create")).all()


def test_a_restore_with_backups_inside_the_upload_folder_is_refused_before_anything_is_replaced(
    app, runner, uploads, tmp_path, monkeypatch
):
    path = services.create_backup(path=tmp_path / "backup.tar.gz").path
    late = make_suggestion(title="路灯不亮")
    (uploads / "backups").mkdir()
    shutil.copy(path, uploads / "backups")  # an older backup the restore's swap of the folder would take away
    monkeypatch.setitem(app.config, "BACKUP_FOLDER", str(uploads / "backups"))
    files = upload_files(app)
    result = runner.invoke(args=["backup", "restore", str(path), "--yes"])
    refused = BackupError("backups_in_uploads", path=str(uploads / "backups"), uploads=str(uploads)).message
    assert result.exit_code == 1 and refused in result.output
    assert db.session.get(Suggestion, late.id) is not None and upload_files(app) == files


@pytest.mark.skipif(ON_POSTGRESQL, reason="a PostgreSQL database is no file")
def test_a_backup_of_a_sqlite_database_inside_the_upload_folder_is_refused(app, runner, tmp_path, monkeypatch):
    database = Path(db.engine.url.database)
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(database.parent))
    monkeypatch.setitem(app.config, "BACKUP_FOLDER", str(tmp_path))
    result = runner.invoke(args=["backup", "create"])
    uploads = database.parent.resolve()
    refused = BackupError("database_in_uploads", path=str(database), uploads=str(uploads)).message
    assert result.exit_code == 1 and refused in result.output
    assert not list(tmp_path.iterdir())
