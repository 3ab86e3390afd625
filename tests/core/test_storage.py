"""Attachments go through one storage: files in a folder by default, rows of the database when servers share it."""

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.models import StoredBlob
from core.storage import DatabaseStorage, LocalStorage, attachment_storage
from extensions import db
from solicitation.models import Proposal
from solicitation.services import proposals
from tests.factories import make_proposal

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture(params=["local", "database"])
def backend(request, app, monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", request.param)
    return request.param


def stored_blobs() -> int:
    return db.session.scalar(select(func.count()).select_from(StoredBlob))


def test_storage_backend_chooses_the_folder_or_the_database(backend):
    expected = {"local": LocalStorage, "database": DatabaseStorage}[backend]
    assert isinstance(attachment_storage(), expected)


def test_an_unknown_storage_backend_is_refused_by_name(app, monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "s3")
    with pytest.raises(ValueError, match="local or database"):
        attachment_storage()


def test_stored_bytes_read_back_until_discarded_and_committed(backend):
    storage = attachment_storage()
    key = storage.save(PDF)
    db.session.commit()  # the caller's commit, which writes the record beside the file
    assert storage.read(key) == PDF
    storage.discard(key)
    db.session.commit()
    with pytest.raises(FileNotFoundError):
        storage.read(key)
    storage.discard(key)  # forgetting twice is harmless
    db.session.commit()


def test_a_file_follows_its_transaction_saved_only_on_commit_and_discarded_only_on_commit(backend):
    storage = attachment_storage()
    kept = storage.save(PDF)
    db.session.commit()
    lost = storage.save(b"%PDF-1.4 of a record that is never written")
    storage.discard(kept)
    db.session.rollback()  # the service's commit failed
    with pytest.raises(FileNotFoundError):
        storage.read(lost)
    assert storage.read(kept) == PDF  # the discard went with the rolled-back transaction


def test_an_unknown_key_is_not_found(backend):
    with pytest.raises(FileNotFoundError):
        attachment_storage().read("0" * 32)


def test_a_proposal_attachment_downloads_and_goes_with_its_removal(backend, app, client, login_as):
    author = login_as("unit_staff")
    proposal = make_proposal(author=author)
    response = client.post(
        f"/proposals/{proposal.id}/attachments",
        data={"file": (io.BytesIO(PDF), "实施方案.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    [attachment] = db.session.get(Proposal, proposal.id).attachments
    with client.get(f"/proposals/{proposal.id}/attachments/{attachment.id}") as download:
        assert download.data == PDF
    on_disk = list(Path(app.config["UPLOAD_FOLDER"]).rglob(attachment.storage_key))
    assert (len(on_disk), stored_blobs()) == ((1, 0) if backend == "local" else (0, 1))
    proposals.remove_attachment(actor=author, attachment=attachment)
    assert stored_blobs() == 0 and not any(path.exists() for path in on_disk)


def test_a_file_saved_in_the_database_is_not_kept_when_its_record_fails_to_be_written():
    storage = DatabaseStorage()
    kept = storage.save(PDF)
    db.session.commit()
    lost = storage.save(b"the file of a record that is never written")
    db.session.add(StoredBlob(key=kept, data=b"a clash that makes the commit fail"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(FileNotFoundError):
        storage.read(lost)
    assert storage.read(kept) == PDF
