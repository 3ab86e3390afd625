"""Near-duplicate suggestions: each suggestion's locality-sensitive hash bands, and the groups of near-copies found
through them (a copy points at its group's original, the earliest received)."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, SmallInteger
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models import utcnow
from extensions import db
from solicitation.models.suggestions import Suggestion


class SuggestionBand(db.Model):
    """One band of a suggestion's MinHash signature, hashed: two suggestions sharing a band are candidates. Kept in
    the database so that every worker, on every machine, finds the copies the others have seen."""

    __tablename__ = "suggestion_bands"
    __table_args__ = (Index("ix_suggestion_bands_lookup", "round_id", "bucket"),)

    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestions.id", ondelete="CASCADE"), primary_key=True)
    band: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    bucket: Mapped[int] = mapped_column(BigInteger)


class NearDuplicateCheck(db.Model):
    """A suggestion sent but not yet looked at for near-copies: the queue one job drains for every suggestion
    waiting, rather than a job row a suggestion (a million job rows in a round of a million)."""

    __tablename__ = "near_duplicate_checks"

    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestions.id", ondelete="CASCADE"), primary_key=True)


class NearDuplicate(db.Model):
    """A suggestion found to be a near-copy of its group's original (character 5-grams overlapping by a Jaccard
    similarity of at least the threshold, directly or through another copy)."""

    __tablename__ = "near_duplicates"

    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestions.id", ondelete="CASCADE"), primary_key=True)
    original_id: Mapped[int] = mapped_column(ForeignKey("suggestions.id", ondelete="CASCADE"), index=True)
    similarity: Mapped[float]
    found_at: Mapped[datetime] = mapped_column(default=utcnow)

    suggestion: Mapped[Suggestion] = relationship(foreign_keys=[suggestion_id])
    original: Mapped[Suggestion] = relationship(foreign_keys=[original_id])
