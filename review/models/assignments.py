"""Experts' profiles and their assignments (评审分配): who reviews which proposal, and how many they can take."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.models import utcnow
from extensions import db
from solicitation.models import Proposal


class ExpertProfile(db.Model):
    """What the office knows of an expert: where they come from, what they know, how much they can take."""

    __tablename__ = "expert_profiles"
    __table_args__ = (CheckConstraint("max_load >= 0", name="max_load_not_negative"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    # An outside institution; an expert from a district unit has it as their user's unit.
    institution: Mapped[str] = mapped_column(String(200), default="")
    expertise: Mapped[str] = mapped_column(String(500), default="")  # fields, e.g. 民生事业、城市建设
    max_load: Mapped[int] = mapped_column(default=10)

    user: Mapped[User] = relationship()


class Assignment(db.Model):
    """评审分配: an expert is to review a proposal; the expert sees it once the office publishes it."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("expert_id", "proposal_id", name="uq_assignments_expert_proposal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    published: Mapped[bool] = mapped_column(default=False)
    reminded_at: Mapped[datetime | None]  # the last reminder sent to the expert about it
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    expert: Mapped[User] = relationship(foreign_keys=[expert_id])
    proposal: Mapped[Proposal] = relationship()
    review: Mapped["Review | None"] = relationship(  # noqa: F821
        back_populates="assignment", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return f"{self.expert.display_name} → {self.proposal.title}"
