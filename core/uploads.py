"""Check uploaded files by their content, not their name, and keep their names harmless."""

import io
import re
import zipfile
from pathlib import PurePosixPath

from flask import current_app
from flask_babel import lazy_gettext as _l

from core.errors import DomainError

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy Office (.doc, .xls)

# kind: (content type, the file name endings that may carry it)
KINDS = {
    "pdf": ("application/pdf", {".pdf"}),
    "png": ("image/png", {".png"}),
    "jpeg": ("image/jpeg", {".jpg", ".jpeg"}),
    "gif": ("image/gif", {".gif"}),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", {".docx"}),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {".xlsx"}),
    "doc": ("application/msword", {".doc"}),
    "xls": ("application/vnd.ms-excel", {".xls"}),
}
DOCUMENT_KINDS = frozenset(KINDS)
# What a browser draws as a picture and cannot run: never SVG, which may carry script.
IMAGE_KINDS = frozenset({"png", "jpeg"})


class UploadError(DomainError):
    messages = {
        "empty": _l("The file is empty."),
        "too_large": _l("The file is larger than %(limit)s MB."),
        "type_not_allowed": _l("Only PDF, Word, Excel and image files (PNG, JPEG, GIF) can be attached."),
        "image_only": _l("Only a PNG or JPEG image can be used (not SVG or any other kind of file)."),
        "name_mismatch": _l("The file's content does not match its name (%(name)s)."),
        "too_many": _l("At most %(limit)s files can be attached."),
    }
    statuses = {"too_large": 413}


def sniff(data: bytes, extension: str = "") -> str | None:
    """The kind of a file from its first bytes (and, for Office containers, what is inside)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return None
    if data.startswith(OLE):
        # One container for both; only the name can tell them apart.
        return "xls" if extension == ".xls" else "doc"
    return None


def safe_filename(name: str) -> str:
    """The last part of a client's file name, without control characters, at most 200 characters."""
    name = PurePosixPath((name or "").replace("\\", "/")).name
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip().lstrip(".")
    return name[-200:] or "file"


def check_size(data: bytes, *, max_bytes: int, field: str = "file") -> None:
    """Raise UploadError (answered 413) if a file is larger than `max_bytes`."""
    if len(data) > max_bytes:
        raise UploadError("too_large", field=field, limit=max_bytes // (1024 * 1024))


def check_upload(
    *, filename: str, data: bytes, max_bytes: int, kinds=DOCUMENT_KINDS, field: str = "file"
) -> tuple[str, str]:
    """Return (safe file name, content type) of an acceptable upload, or raise UploadError on `field`."""
    name = safe_filename(filename)
    if not data:
        raise UploadError("empty", field=field)
    check_size(data, max_bytes=max_bytes, field=field)
    extension = PurePosixPath(name).suffix.lower()
    kind = sniff(data, extension)
    if kind is None or kind not in kinds:
        raise UploadError("image_only" if kinds <= IMAGE_KINDS else "type_not_allowed", field=field)
    content_type, extensions = KINDS[kind]
    if extension not in extensions:
        raise UploadError("name_mismatch", field=field, name=name)
    return name, content_type


def check_uploads(files: list[tuple[str, bytes]], *, already: int = 0) -> list[tuple[str, str, bytes]]:
    """Check a batch of uploads before any is stored: (safe name, content type, bytes) each, or UploadError.

    `already` counts the files the record holds, so the batch cannot take it past the configured limit.
    """
    limit = current_app.config["ATTACHMENTS_PER_PROPOSAL"]
    if already + len(files) > limit:
        raise UploadError("too_many", field="file", limit=limit)
    max_bytes = current_app.config["ATTACHMENT_MAX_BYTES"]
    return [(*check_upload(filename=name, data=data, max_bytes=max_bytes), data) for name, data in files]
