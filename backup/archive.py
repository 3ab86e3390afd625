"""The archive format: a gzipped tar of the database copy, the uploaded files and a manifest giving each file's
size and SHA-256. It is written under a temporary name, and read in full — to the end of the compressed stream,
every file against the manifest — before anything is restored from it.
"""

import hashlib
import io
import json
import shutil
import tarfile
import zlib
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import ClassVar

from flask import current_app

from backup.errors import BackupError
from core import clock

FORMAT = 1
MANIFEST = "manifest.json"
UPLOADS = "uploads"
DATABASE_FILES = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
MANIFEST_KEYS = {
    "sqlite": {"created_at", "schema_revision", "counts"},
    "postgresql": {"created_at", "schema_revision", "counts", "schemas"},  # the schemas pg_dump wrote
}
CHUNK = 1024 * 1024

# progress(step, done, total): the step under way (a key of cli.STEPS) and, for the long ones, how far it has got.
Progress = Callable[[str, int, int], None]


def quiet(step: str, done: int = 0, total: int = 0) -> None:
    pass


@dataclass
class Backup:
    """An archive on disk and its manifest; the audit log names it by its file name."""

    path: Path
    manifest: dict
    id: ClassVar[None] = None  # not a database record

    def __str__(self) -> str:
        return self.path.name


@dataclass
class Unpacked:
    """An archive checked in full and unpacked into a temporary folder, ready to restore."""

    path: Path
    folder: Path
    manifest: dict


def backup_folder() -> Path:
    return Path(current_app.config["BACKUP_FOLDER"])


# Writing ----------------------------------------------------------------------------------------------


def new_archive_path(path: Path | None) -> Path:
    """Where a new archive goes: `path` (a file, or a folder to name it in), or BACKUP_FOLDER; never over another."""
    if path is None or path.is_dir():
        name = f"reform-backup-{clock.local_now():%Y%m%d-%H%M%S}.tar.gz"
        path = (path or backup_folder()) / name
    if path.exists():
        raise BackupError("exists", path=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_archive(path: Path, *, kind: str, database: Path, described: dict, progress: Progress) -> dict:
    """Write the archive of the database copy `database`, then of the uploaded files; return its manifest."""
    partial = path.with_name(path.name + ".part")  # never listed nor restored while half written
    try:
        with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
            files = [_add_file(archive, database, database.name)]
            files += _add_uploads(archive, progress)
            manifest = {
                "format": FORMAT,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "database": kind,
                **described,
                "files": files,
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(datetime.now(UTC).timestamp())
            archive.addfile(info, io.BytesIO(data))
        partial.rename(path)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def _add_uploads(archive: tarfile.TarFile, progress: Progress) -> list[dict]:
    root = Path(current_app.config["UPLOAD_FOLDER"])
    found = sorted(path for path in root.rglob("*") if path.is_file()) if root.is_dir() else []
    sizes = {path: path.stat().st_size for path in found}
    total, done, added = sum(sizes.values()), 0, []
    for path in found:
        name = f"{UPLOADS}/{path.relative_to(root).as_posix()}"
        with suppress(FileNotFoundError):  # removed since it was listed: its record was deleted before the file
            added.append(_add_file(archive, path, name))
        done += sizes[path]
        progress("files", done, total)
    return added


def _add_file(archive: tarfile.TarFile, path: Path, name: str) -> dict:
    with path.open("rb") as file:
        info = archive.gettarinfo(arcname=name, fileobj=file)
        reader = _Hashing(file)
        archive.addfile(info, reader)
    return {"name": name, "size": info.size, "sha256": reader.hash.hexdigest()}


class _Hashing:
    """A file being read, hashed as it goes (so each file is read once)."""

    def __init__(self, file):
        self.file, self.hash = file, hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.file.read(size)
        self.hash.update(data)
        return data


# Reading ----------------------------------------------------------------------------------------------


def existing_archive(path: Path) -> Path:
    """The archive at `path`, or by that name in BACKUP_FOLDER (as `backup list` shows it)."""
    for candidate in (path, backup_folder() / path):
        if candidate.is_file():
            return candidate
    raise BackupError("not_found", path=str(path))


def unpack(path: Path, folder: Path, progress: Progress) -> dict:
    """Unpack the archive at `path` into `folder`, checking every file against the manifest; return the manifest."""
    return _manifest(folder, _extract(path, folder, progress))


def _extract(path: Path, folder: Path, progress: Progress) -> dict[str, dict]:
    """Write every member under `folder`; return what was found of each (size, sha256)."""
    found = {}
    total = path.stat().st_size
    try:
        with path.open("rb") as raw, tarfile.open(fileobj=raw, mode="r:gz") as archive:
            for member in archive:
                name = PurePosixPath(member.name)
                if not member.isfile() or name.is_absolute() or ".." in name.parts or str(name) in found:
                    raise BackupError("mismatch", name=member.name)
                target = folder / name
                target.parent.mkdir(parents=True, exist_ok=True)
                reader = _Hashing(archive.extractfile(member))
                with target.open("wb") as file:
                    shutil.copyfileobj(reader, file, CHUNK)
                found[str(name)] = {"size": member.size, "sha256": reader.hash.hexdigest()}
                progress("check", raw.tell(), total)
            # tarfile stops at a damaged header as if the archive ended there: read the compressed stream to
            # its end, where gzip checks its checksum and length.
            while archive.fileobj.read(CHUNK):
                pass
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise BackupError("unreadable", reason=str(error) or type(error).__name__) from error
    return found


def _manifest(folder: Path, found: dict[str, dict]) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        listed = {entry["name"]: {"size": entry["size"], "sha256": entry["sha256"]} for entry in manifest["files"]}
        kind = manifest["database"]
        if manifest["format"] != FORMAT or kind not in DATABASE_FILES or not MANIFEST_KEYS[kind] <= set(manifest):
            raise ValueError(manifest["format"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise BackupError("no_manifest") from error
    found = {name: entry for name, entry in found.items() if name != MANIFEST}
    for name in sorted(set(listed) | set(found) | {DATABASE_FILES[kind]}):
        if name not in listed or listed[name] != found.get(name):
            raise BackupError("mismatch", name=name)
    return manifest


def stage_uploads(source: Path) -> Path:
    """The uploaded files unpacked at `source`, moved beside UPLOAD_FOLDER (its own file system, so the swap is
    a rename); the folder in use is not touched yet, so a failure here (a full disk) leaves it whole."""
    root = Path(current_app.config["UPLOAD_FOLDER"])
    staged = root.with_name(f".{root.name}.restoring")
    shutil.rmtree(staged, ignore_errors=True)  # what an interrupted restore left
    root.parent.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        shutil.move(source, staged)
    else:
        staged.mkdir()
    return staged


def swap_uploads(staged: Path) -> None:
    """Put the staged files in UPLOAD_FOLDER's place by two renames, then remove the old ones."""
    root = Path(current_app.config["UPLOAD_FOLDER"])
    replaced = root.with_name(f".{root.name}.replaced")
    shutil.rmtree(replaced, ignore_errors=True)
    if root.exists():
        root.rename(replaced)
    staged.rename(root)
    shutil.rmtree(replaced, ignore_errors=True)
