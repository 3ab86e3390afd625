"""Where uploaded files live: one small interface, a folder outside the web root or the database itself."""

import io
import re
import shutil
import uuid
from pathlib import Path
from typing import IO, Protocol

from flask import abort, current_app, send_file
from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session

from core.models import StoredBlob
from extensions import db

KEY = re.compile(r"^[0-9a-f]{32}$")


class Storage(Protocol):
    """Bytes under random keys (a client's file name never names what is stored) that follow the transaction
    of their record: a file saved is kept only if the session commits, one discarded is gone once it does."""

    def save(self, data: bytes | IO[bytes]) -> str:
        """Store `data` (bytes, or a file read from its start) and return its new key."""

    def read(self, key: str) -> bytes:
        """The bytes stored under `key`; FileNotFoundError when there are none."""

    def discard(self, key: str) -> None:
        """Forget `key` when the session commits; nothing happens when it is unknown."""


class LocalStorage:
    """Files in a folder (STORAGE_BACKEND=local, the default): one machine, or a folder every machine mounts.

    A file cannot join a database transaction, so the session's end settles it: a file saved in a transaction
    that ends without a commit is removed, and one discarded is removed only after the commit.
    """

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not KEY.match(key):
            raise ValueError(f"not a storage key: {key!r}")
        return self.root / key[:2] / key

    def save(self, data: bytes | IO[bytes]) -> str:
        key = uuid.uuid4().hex
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:  # a large export: copied a piece at a time, never whole in memory
            data.seek(0)
            with path.open("wb") as stored:
                shutil.copyfileobj(data, stored)
        _pending(db.session(), "saved").append(path)
        return key

    def read(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def discard(self, key: str) -> None:
        _pending(db.session(), "discarded").append(self._path(key))


def _pending(session: Session, what: str) -> list[Path]:
    """The files the session's transaction settles when it ends (begun now if it was not: its end must come)."""
    if not session.in_transaction():
        session.begin()
    return session.info.setdefault(f"storage_{what}", [])


@event.listens_for(Session, "after_commit")
def _remove_discarded(session: Session) -> None:
    for path in session.info.pop("storage_discarded", []):
        path.unlink(missing_ok=True)
    session.info.pop("storage_saved", None)


@event.listens_for(Session, "after_transaction_end")
def _remove_unsaved(session: Session, transaction) -> None:
    if transaction.parent is None:  # the outermost: rolled back or closed without a commit (which clears these)
        for path in session.info.pop("storage_saved", []):
            path.unlink(missing_ok=True)
        session.info.pop("storage_discarded", None)


class DatabaseStorage:
    """Files as rows of the records' own database (STORAGE_BACKEND=database): every server on every machine
    reads what any of them saved, and a file is written or removed in its record's own transaction."""

    def save(self, data: bytes | IO[bytes]) -> str:
        key = uuid.uuid4().hex
        if not isinstance(data, bytes):
            data.seek(0)
            data = data.read()  # a row holds its bytes whole: large exports want STORAGE_BACKEND=local
        db.session.add(StoredBlob(key=key, data=data))
        return key

    def read(self, key: str) -> bytes:
        data = db.session.scalar(select(StoredBlob.data).where(StoredBlob.key == key))
        if data is None:
            raise FileNotFoundError(key)
        return data

    def discard(self, key: str) -> None:
        db.session.execute(delete(StoredBlob).where(StoredBlob.key == key))


def attachment_storage() -> Storage:
    """The storage configured for this app: STORAGE_BACKEND `local` (UPLOAD_FOLDER) or `database`."""
    backend = current_app.config["STORAGE_BACKEND"]
    if backend == "database":
        return DatabaseStorage()
    if backend == "local":
        return LocalStorage(current_app.config["UPLOAD_FOLDER"])
    raise ValueError(f"STORAGE_BACKEND must be local or database, not {backend!r}")


def download_response(key: str, *, content_type: str, filename: str, inline: bool = False):
    """Send a stored file as a download under its original name (`inline`: to show in the page, as an image);
    404 when its bytes are gone."""
    try:
        data = attachment_storage().read(key)
    except FileNotFoundError:
        abort(404)
    return send_file(io.BytesIO(data), mimetype=content_type, as_attachment=not inline, download_name=filename)


def store_files(model, checked: list[tuple[str, str, bytes]]) -> list:
    """Save checked uploads and return a `model` record (a StoredFile) for each, to attach and commit."""
    storage = attachment_storage()
    return [
        model(filename=name, storage_key=storage.save(data), content_type=content_type, size=len(data))
        for name, content_type, data in checked
    ]


def discard_files(records) -> None:
    """Forget the bytes of records being removed, once the session commits."""
    storage = attachment_storage()
    for record in records:
        storage.discard(record.storage_key)
