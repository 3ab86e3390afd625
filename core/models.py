"""Building blocks shared by every package's models."""

import enum
import functools
from datetime import UTC, datetime

from flask_babel import get_translations
from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from extensions import db


def utcnow() -> datetime:
    """Naive UTC now: stored the same way on SQLite and PostgreSQL, shown in the configured zone."""
    return datetime.now(UTC).replace(tzinfo=None)


def discard_changes() -> None:
    """Roll back what a failed or refused request changed, so its error page reads a clean session."""
    db.session.rollback()


class LabelledEnum(enum.Enum):
    """An enum whose members carry a translated label for display (see each `_labels`)."""

    @property
    def label(self) -> str:
        return _labels_in(type(self), get_translations())[self]

    @classmethod
    def _labels(cls) -> dict:
        raise NotImplementedError

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]


@functools.cache
def _lazy_labels(enum_class: type[LabelledEnum]) -> dict:
    # Lazy texts are translated when shown, so one dict a class serves every language; a list of 50 rows
    # otherwise made some 800 of them a page.
    return enum_class._labels()


@functools.lru_cache(maxsize=128)  # a class and catalogue (a language of an application): some 22 × 2 in use
def _labels_in(enum_class: type[LabelledEnum], catalogue) -> dict:
    # A class's labels translated once for the catalogue the reader's page is drawn in: each lazy text shown
    # looks its catalogue up anew through flask-babel's context, which cost the public pages 3-5 % (issue 19).
    return {member: str(text) for member, text in _lazy_labels(enum_class).items()}


class Versioned:
    """A record people edit through forms: every save makes a new `lock_version`, and the database refuses a
    write made from an older one (SQLAlchemy's version counter), so two editors cannot overwrite each other."""

    lock_version: Mapped[int] = mapped_column(default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.lock_version}


class StoredFile:
    """Columns of an uploaded file's record; its bytes live in the attachment storage, not the web root."""

    filename: Mapped[str] = mapped_column(String(200))
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __str__(self) -> str:
        return self.filename


class StoredBlob(db.Model):
    """An uploaded file's bytes, when the attachment storage is the database (STORAGE_BACKEND=database)."""

    __tablename__ = "stored_blobs"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def max_length(attribute) -> int:
    """The most characters a model's text column holds, the one limit forms and services check against: the
    length of a String, or for a Text (which the database does not bound) the `max_length` of its info."""
    column = attribute.property.columns[0]
    return column.type.length or column.info["max_length"]
