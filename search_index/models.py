"""What the search keeps in the database: the queue of records to (re)index, and the office's domain terms."""

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from core.models import utcnow
from extensions import db

REBUILD = "*"  # a queue entry of this kind asks for the whole index to be rebuilt


class SearchQueue(db.Model):
    """A record changed: written in the same transaction as the change, applied to the index by the worker."""

    __tablename__ = "search_queue"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # proposal, suggestion, key_project, progress_report, or REBUILD
    record_id: Mapped[int] = mapped_column(default=0)
    queued_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Set when the change could not be applied (its record cannot be made a document): the queue goes on
    # past it, and `search status` and /health show it, until the record changes again.
    failed_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(String(500))

    def __str__(self) -> str:
        return f"{self.kind}:{self.record_id}"


class SearchTerm(db.Model):
    """The office's change to the domain terms the segmenter keeps whole (营商环境, 一网通办 …): a term
    added, or (`removed`) one of the shipped terms taken out."""

    __tablename__ = "search_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(String(50), unique=True)
    removed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __str__(self) -> str:
        return self.term
