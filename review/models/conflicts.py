"""Conflicts of interest (回避) between an expert and a proposal: declared, detected or entered."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.models import LabelledEnum, utcnow
from extensions import db
from solicitation.models import Proposal


class ConflictSource(LabelledEnum):
    declared = "declared"
    detected = "detected"
    office = "office"

    @classmethod
    def _labels(cls):
        return {
            cls.declared: _l("Declared by the expert"),
            cls.detected: _l("Detected by the platform"),
            cls.office: _l("Entered by the office"),
        }


class ConflictStatus(LabelledEnum):
    suggested = "suggested"
    confirmed = "confirmed"
    dismissed = "dismissed"

    @classmethod
    def _labels(cls):
        return {
            cls.suggested: _l("To be confirmed"),
            cls.confirmed: _l("Confirmed"),
            cls.dismissed: _l("Dismissed"),
        }


class Conflict(db.Model):
    """A conflict of interest (回避) between an expert and a proposal; any but a dismissed one blocks review."""

    __tablename__ = "conflicts"
    __table_args__ = (UniqueConstraint("expert_id", "proposal_id", name="uq_conflicts_expert_proposal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    source: Mapped[ConflictSource] = mapped_column(db.Enum(ConflictSource, native_enum=False, length=20))
    status: Mapped[ConflictStatus] = mapped_column(db.Enum(ConflictStatus, native_enum=False, length=20))
    reason: Mapped[str] = mapped_column(Text, default="", info={"max_length": 500})
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    expert: Mapped[User] = relationship(foreign_keys=[expert_id])
    proposal: Mapped[Proposal] = relationship()

    def __str__(self) -> str:
        return f"{self.expert.display_name} × {self.proposal.title}"
