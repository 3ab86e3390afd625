"""Where uploaded files live: one small interface, a folder outside the web root by default."""

import io
import re
import uuid
from pathlib import Path

from flask import abort, current_app, send_file

KEY = re.compile(r"^[0-9a-f]{32}$")


class LocalStorage:
    """Files in a folder, named by random keys: a client's file name never reaches the disk."""

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


def attachment_storage() -> LocalStorage:
    """The storage configured for this app (UPLOAD_FOLDER, by default instance/uploads)."""
    return LocalStorage(current_app.config["UPLOAD_FOLDER"])


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
    """Delete the bytes of records that were not written, so no orphan file stays behind."""
    storage = attachment_storage()
    for record in records:
        storage.delete(record.storage_key)
