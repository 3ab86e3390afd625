"""Where uploaded files live: one small interface, a folder outside the web root or the database itself."""

import io
import re
import uuid
from datetime import datetime
from pathlib import Path
from typing import Protocol

from flask import abort, current_app, send_file
from sqlalchemy import LargeBinary, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from core.models import utcnow
from extensions import db

KEY = re.compile(r"^[0-9a-f]{32}$")


class Storage(Protocol):
    """Bytes under random keys: a client's file name never names what is stored."""

    def save(self, data: bytes) -> str:
        """Store `data` and return its new key."""

    def read(self, key: str) -> bytes:
        """The bytes stored under `key`; FileNotFoundError when there are none."""

    def delete(self, key: str) -> None:
        """Forget `key`, once its record is gone or was never written; nothing happens when it is unknown."""


class LocalStorage:
    """Files in a folder (STORAGE_BACKEND=local, the default): one machine, or a folder every machine mounts."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not KEY.match(key):
            raise ValueError(f"not a storage key: {key!r}")
        return self.root / key[:2] / key

    def save(self, data: bytes) -> str:
        key = uuid.uuid4().hex
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return key

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


class StoredBlob(db.Model):
    """An uploaded file's bytes, for DatabaseStorage."""

    __tablename__ = "stored_blobs"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DatabaseStorage:
    """Files as rows of the records' own database (STORAGE_BACKEND=database): every server on every machine
    reads what any of them saved.

    A saved file joins the session's transaction, so it is written together with its record or not at all.
    """

    def save(self, data: bytes) -> str:
        key = uuid.uuid4().hex
        db.session.add(StoredBlob(key=key, data=data))
        return key

    def read(self, key: str) -> bytes:
        data = db.session.scalar(select(StoredBlob.data).where(StoredBlob.key == key))
        if data is None:
            raise FileNotFoundError(key)
        return data

    def delete(self, key: str) -> None:
        if not db.session.is_active:
            return  # the failed transaction that saved it is rolled back, the file with it
        db.session.execute(delete(StoredBlob).where(StoredBlob.key == key))
        db.session.commit()


def attachment_storage() -> Storage:
    """The storage configured for this app: STORAGE_BACKEND `local` (UPLOAD_FOLDER) or `database`."""
    backend = current_app.config["STORAGE_BACKEND"]
    if backend == "database":
        return DatabaseStorage()
    if backend == "local":
        return LocalStorage(current_app.config["UPLOAD_FOLDER"])
    raise ValueError(f"STORAGE_BACKEND must be local or database, not {backend!r}")


def download_response(key: str, *, content_type: str, filename: str):
    """Send a stored file as a download under its original name; 404 when its bytes are gone."""
    try:
        data = attachment_storage().read(key)
    except FileNotFoundError:
        abort(404)
    return send_file(io.BytesIO(data), mimetype=content_type, as_attachment=True, download_name=filename)


def store_files(model, checked: list[tuple[str, str, bytes]]) -> list:
    """Save checked uploads and return a `model` record (a StoredFile) for each, to attach and commit."""
    storage = attachment_storage()
    return [
        model(filename=name, storage_key=storage.save(data), content_type=content_type, size=len(data))
        for name, content_type, data in checked
    ]


def forget_files(records) -> None:
    """Delete the bytes of records that were not written, or no longer are, so no orphan file stays behind."""
    storage = attachment_storage()
    for record in records:
        storage.delete(record.storage_key)
