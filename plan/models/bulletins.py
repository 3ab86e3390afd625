"""The office's quarterly bulletins (季度跟踪通报)."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models import utcnow
from extensions import db
from plan.models.plans import Plan


class Bulletin(db.Model):
    """季度通报: the office's quarterly summary of every key project, lagging ones first, with its remarks."""

    __tablename__ = "bulletins"
    __table_args__ = (
        UniqueConstraint("plan_id", "quarter", name="uq_bulletins_plan_quarter"),
        CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_in_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    quarter: Mapped[int]
    summary: Mapped[str] = mapped_column(Text, default="")  # the office's overall remarks
    remarks: Mapped[dict] = mapped_column(db.JSON, default=dict)  # key project id (as text) -> remark
    issued_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    plan: Mapped[Plan] = relationship()

    def __str__(self) -> str:
        return f"{self.plan.title} · Q{self.quarter}"


class BulletinRead(db.Model):
    """A user has opened an issued bulletin: it is no longer news on their to-do list (a leader's unread bulletin)."""

    __tablename__ = "bulletin_reads"

    bulletin_id: Mapped[int] = mapped_column(ForeignKey("bulletins.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    read_at: Mapped[datetime] = mapped_column(default=utcnow)
