"""Quarterly progress (季度进展): the lead unit's reports, each task's progress, their files, the reminders."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.models import LabelledEnum, StoredFile, utcnow
from extensions import db
from plan.models.key_projects import KeyProject
from plan.models.plans import Plan
from plan.models.tasks import Task


class ProgressStatus(LabelledEnum):
    """How the project stands, in the lead unit's words."""

    on_track = "on_track"
    lagging = "lagging"
    completed = "completed"

    @classmethod
    def _labels(cls):
        return {cls.on_track: _l("On track"), cls.lagging: _l("Lagging"), cls.completed: _l("Completed")}


class ReportState(LabelledEnum):
    """Where a quarterly report is between the lead unit and the office."""

    draft = "draft"
    submitted = "submitted"
    accepted = "accepted"
    returned = "returned"

    @classmethod
    def _labels(cls):
        return {
            cls.draft: _l("Draft"),
            cls.submitted: _l("Submitted"),
            cls.accepted: _l("Accepted by the office"),
            cls.returned: _l("Returned for revision"),
        }


# A report in these states has reached the office: it counts as in.
REACHED_OFFICE = frozenset({ReportState.submitted, ReportState.accepted})


class ProgressReport(db.Model):
    """季度进展: the lead unit's report on a key project for one quarter of the plan year."""

    __tablename__ = "progress_reports"
    __table_args__ = (
        UniqueConstraint("key_project_id", "quarter", name="uq_progress_reports_project_quarter"),
        CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_in_year"),
        CheckConstraint("percent BETWEEN 0 AND 100", name="percent_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key_project_id: Mapped[int] = mapped_column(ForeignKey("key_projects.id", ondelete="CASCADE"), index=True)
    quarter: Mapped[int]
    percent: Mapped[int] = mapped_column(default=0)
    status: Mapped[ProgressStatus] = mapped_column(
        db.Enum(ProgressStatus, native_enum=False, length=20), default=ProgressStatus.on_track
    )
    achievements: Mapped[str] = mapped_column(Text, default="", info={"max_length": 20000})
    problems: Mapped[str] = mapped_column(Text, default="", info={"max_length": 20000})
    next_steps: Mapped[str] = mapped_column(Text, default="", info={"max_length": 20000})
    state: Mapped[ReportState] = mapped_column(
        db.Enum(ReportState, native_enum=False, length=20), default=ReportState.draft
    )
    office_comment: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None]
    reviewed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    key_project: Mapped[KeyProject] = relationship()
    task_progress: Mapped[list["TaskProgress"]] = relationship(back_populates="report", cascade="all, delete-orphan")
    attachments: Mapped[list["ProgressAttachment"]] = relationship(
        back_populates="report", order_by="ProgressAttachment.id", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return f"{self.key_project} · Q{self.quarter}"


class TaskProgress(db.Model):
    """How far one task had come by a quarterly report."""

    __tablename__ = "task_progress"
    __table_args__ = (CheckConstraint("percent BETWEEN 0 AND 100", name="percent_in_range"),)

    report_id: Mapped[int] = mapped_column(ForeignKey("progress_reports.id", ondelete="CASCADE"), primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    percent: Mapped[int]

    report: Mapped[ProgressReport] = relationship(back_populates="task_progress")
    task: Mapped[Task] = relationship()


class ProgressAttachment(StoredFile, db.Model):
    """A file sent with a quarterly report: minutes, photos, a policy document issued."""

    __tablename__ = "progress_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("progress_reports.id", ondelete="CASCADE"), index=True)

    report: Mapped[ProgressReport] = relationship(back_populates="attachments")


class ProgressReminder(db.Model):
    """A reminder sent to the lead units whose report for a quarter was not in: by the office or on schedule."""

    __tablename__ = "progress_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    quarter: Mapped[int]
    projects: Mapped[int]  # how many projects' lead units were mailed
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the scheduled command
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)

    plan: Mapped[Plan] = relationship()
    sent_by: Mapped[User | None] = relationship()
