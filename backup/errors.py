"""Why a backup or a restore was refused, as codes with the messages people read."""

from flask_babel import lazy_gettext as _l

from core.errors import DomainError


class BackupError(DomainError):
    messages = {
        "unsupported_database": _l("Backups support SQLite and PostgreSQL databases, not %(kind)s."),
        "exists": _l("%(path)s exists already."),
        "not_found": _l("There is no backup archive at %(path)s."),
        "unreadable": _l("The archive cannot be read (%(reason)s): it is damaged or truncated. Nothing was changed."),
        "no_manifest": _l(
            "The archive has no readable manifest: it is not a backup of this platform, or it is damaged. "
            "Nothing was changed."
        ),
        "mismatch": _l(
            "%(name)s is missing from the archive, not in its manifest, or differs from its checksum: "
            "the archive is damaged. Nothing was changed."
        ),
        "other_database": _l(
            "The backup is of a %(backup)s database and this app uses %(current)s: restore it into the same kind "
            "of database. Nothing was changed."
        ),
        "unknown_revision": _l(
            "The backup's schema revision %(revision)s is unknown to this version of the app: install the version "
            "that made it. Nothing was changed."
        ),
        "tool_missing": _l(
            "%(tool)s was not found: install the PostgreSQL client tools of the server's major version or newer "
            "(Debian: apt-get install postgresql-client), or set PG_BIN_DIR to their folder."
        ),
        "tool_failed": _l("%(tool)s failed: %(error)s"),
        "backups_in_uploads": _l(
            "%(path)s lies inside UPLOAD_FOLDER (%(uploads)s): a backup would archive the backups there with the "
            "uploaded files, and a restore would take them away with the files it replaces. Keep backups "
            "(BACKUP_FOLDER) outside it. Nothing was changed."
        ),
        "database_in_uploads": _l(
            "The SQLite database %(path)s lies inside UPLOAD_FOLDER (%(uploads)s): a backup would archive it as an "
            "uploaded file, and a restore would take it away with the files it replaces. Keep the database "
            "outside it. Nothing was changed."
        ),
    }
