"""A damaged, truncated or foreign archive is refused with the reason before anything changes: neither the
database nor the uploaded files. On whichever database the suite runs."""

import io
import json
import tarfile
from pathlib import Path

import pytest

from backup import services
from backup.archive import DATABASE_FILES, MANIFEST
from backup.errors import BackupError
from extensions import db
from solicitation.models import Suggestion
from tests.backup.conftest import ON_POSTGRESQL, counts, upload_files
from tests.factories import make_suggestion


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
    ours, theirs = DATABASE_FILES["postgresql" if ON_POSTGRESQL else "sqlite"], DATABASE_FILES[kind]
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
    path = services.create_backup(path=tmp_path).path
    damage_archive, codes = DAMAGES[damage]
    damage_archive(path)
    late = make_suggestion(round=data["round"], title="路灯不亮")
    files, before, late_id = upload_files(app), counts(), late.id
    with pytest.raises(BackupError) as refused, services.unpacked(path):
        pass
    assert refused.value.code in codes

    result = runner.invoke(args=["backup", "restore", str(path), "--yes"])
    assert result.exit_code == 1 and refused.value.message in result.output
    assert db.session.get(Suggestion, late_id) is not None
    assert counts() == before and upload_files(app) == files
