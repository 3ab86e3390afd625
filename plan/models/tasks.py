"""任务分解: the weighted tasks of a key project's work plan."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import Unit
from core.models import utcnow
from extensions import db
from plan.models.key_projects import KeyProject


class Task(db.Model):
    """任务分解: one task of a key project's work plan; the project's progress rolls up from its tasks by weight."""

    __tablename__ = "tasks"
    __table_args__ = (
        CheckConstraint("due_quarter BETWEEN 1 AND 4", name="due_quarter_in_year"),
        CheckConstraint("weight BETWEEN 1 AND 100", name="weight_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key_project_id: Mapped[int] = mapped_column(ForeignKey("key_projects.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    weight: Mapped[int] = mapped_column(default=1)
    owner_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # 责任单位
    due_quarter: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    key_project: Mapped[KeyProject] = relationship(back_populates="tasks")
    owner_unit: Mapped[Unit | None] = relationship()

    def __str__(self) -> str:
        return self.title
