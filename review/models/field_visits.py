"""Field visits (实地调研) made to study a proposal, and their files."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.models import StoredFile, utcnow
from extensions import db
from solicitation.models import Proposal


class FieldVisit(db.Model):
    """实地调研: a visit made to study a proposal on the ground, by the office or an assigned expert."""

    __tablename__ = "field_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    visited_on: Mapped[date]
    place: Mapped[str] = mapped_column(String(200))
    people_met: Mapped[str] = mapped_column(String(500), default="")
    findings: Mapped[str] = mapped_column(Text, info={"max_length": 10000})
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship()
    recorded_by: Mapped[User | None] = relationship()
    attachments: Mapped[list["FieldVisitAttachment"]] = relationship(
        back_populates="field_visit", cascade="all, delete-orphan", order_by="FieldVisitAttachment.id"
    )

    def __str__(self) -> str:
        return f"{self.proposal.title} · {self.visited_on}"


class FieldVisitAttachment(StoredFile, db.Model):
    """A photo, minutes or other file from a field visit."""

    __tablename__ = "field_visit_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    field_visit_id: Mapped[int] = mapped_column(ForeignKey("field_visits.id", ondelete="CASCADE"), index=True)

    field_visit: Mapped[FieldVisit] = relationship(back_populates="attachments")
