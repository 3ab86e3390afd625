"""The annual plan (改革计划文本) of a round, its key projects (重点改革项目) and their quarterly milestones."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import Unit, User
from core.models import LabelledEnum, StoredFile, Versioned, utcnow
from extensions import db
from plan.numerals import chinese_number
from solicitation.models import Category, Proposal, Round


class PlanStatus(LabelledEnum):
    draft = "draft"
    submitted_for_review = "submitted_for_review"  # 送审稿
    approved = "approved"  # 审议通过
    published = "published"

    @classmethod
    def _labels(cls):
        return {
            cls.draft: _l("Draft"),
            cls.submitted_for_review: _l("Submitted for approval (送审稿)"),
            cls.approved: _l("Approved (审议通过)"),
            cls.published: _l("Published"),
        }


# The office's moves. Back from "submitted" when the meeting asks for changes; a published plan
# changes only through a new version, which starts again as a draft.
PLAN_TRANSITIONS: dict[PlanStatus, tuple[PlanStatus, ...]] = {
    PlanStatus.draft: (PlanStatus.submitted_for_review,),
    PlanStatus.submitted_for_review: (PlanStatus.approved, PlanStatus.draft),
    PlanStatus.approved: (PlanStatus.published,),
    PlanStatus.published: (PlanStatus.draft,),
}


class Rating(LabelledEnum):
    """考核: the year-end rating of a key project."""

    excellent = "excellent"
    good = "good"
    fair = "fair"
    poor = "poor"

    @classmethod
    def _labels(cls):
        return {cls.excellent: _l("Excellent"), cls.good: _l("Good"), cls.fair: _l("Fair"), cls.poor: _l("Poor")}


class Plan(Versioned, db.Model):
    """A round's plan; its text is its key projects, in order."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[PlanStatus] = mapped_column(
        db.Enum(PlanStatus, native_enum=False, length=30), default=PlanStatus.draft
    )
    version: Mapped[int] = mapped_column(default=1)
    # The meeting that approved it, e.g. 区委全面深化改革领导小组第十三次会议, and when.
    meeting: Mapped[str] = mapped_column(String(200), default="")
    # Quarterly reports are due on this day of the quarter's last month (e.g. the 25th of March).
    report_day: Mapped[int] = mapped_column(default=25, server_default="25")
    approved_on: Mapped[date | None]
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[Round] = relationship()
    projects: Mapped[list["KeyProject"]] = relationship(
        back_populates="plan", order_by="KeyProject.position", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return self.title


key_project_cooperating_units = Table(
    "key_project_cooperating_units",
    db.metadata,
    Column("key_project_id", ForeignKey("key_projects.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id"), primary_key=True),
)


class KeyProject(Versioned, db.Model):
    """重点改革项目: numbered in the plan, led by a district leader and a lead unit."""

    __tablename__ = "key_projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]  # 1, 2, 3 … shown as 一、二、三
    # The proposal it was selected from; None for a task handed down (e.g. by the city).
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    origin: Mapped[str] = mapped_column(String(200), default="")  # where a task not proposed came from
    title: Mapped[str] = mapped_column(String(200))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    problem: Mapped[str] = mapped_column(Text, default="", info={"max_length": 20000})  # 为解决……问题
    principles: Mapped[str] = mapped_column(Text, default="", info={"max_length": 20000})  # 基本原则
    content: Mapped[str] = mapped_column(Text, default="", info={"max_length": 20000})  # 改革内容
    innovation: Mapped[str] = mapped_column(Text, default="", info={"max_length": 20000})  # 创新性和领先性
    goals: Mapped[str] = mapped_column(Text, default="", info={"max_length": 20000})  # 改革目标
    lead_leader: Mapped[str] = mapped_column(String(100), default="")  # 牵头区领导, as written
    # 牵头区领导 with an account: their to-do list and page follow the project; the text stays for one without.
    lead_leader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    lead_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))  # 牵头单位
    # 考核 at the end of the year: a rating, a written evaluation, and experience worth replicating.
    rating: Mapped[Rating | None] = mapped_column(db.Enum(Rating, native_enum=False, length=20))
    evaluation: Mapped[str] = mapped_column(Text, default="", info={"max_length": 10000})
    replicable: Mapped[bool] = mapped_column(default=False)  # 可复制推广
    assessed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    plan: Mapped[Plan] = relationship(back_populates="projects")
    proposal: Mapped[Proposal | None] = relationship()
    category: Mapped[Category | None] = relationship()
    lead_unit: Mapped[Unit | None] = relationship(foreign_keys=[lead_unit_id])
    lead_leader_account: Mapped[User | None] = relationship(foreign_keys=[lead_leader_id])
    cooperating_units: Mapped[list[Unit]] = relationship(secondary=key_project_cooperating_units, order_by=Unit.name)
    milestones: Mapped[list["Milestone"]] = relationship(
        back_populates="key_project", order_by="Milestone.quarter", cascade="all, delete-orphan"
    )
    tasks: Mapped[list["Task"]] = relationship(
        back_populates="key_project", order_by="[Task.due_quarter, Task.id]", cascade="all, delete-orphan"
    )

    @property
    def number(self) -> str:
        return chinese_number(self.position)

    @property
    def lead_leader_name(self) -> str:
        """The lead leader as every page, export and document names them: the account's name when linked."""
        return self.lead_leader_account.display_name if self.lead_leader_account else self.lead_leader

    def __str__(self) -> str:
        return f"{self.number}、{self.title}"


class Milestone(db.Model):
    """挂图作战: what a key project is to reach by the end of a quarter of the plan year."""

    __tablename__ = "milestones"
    __table_args__ = (
        UniqueConstraint("key_project_id", "quarter", name="uq_milestones_project_quarter"),
        CheckConstraint("quarter BETWEEN 1 AND 4", name="quarter_in_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key_project_id: Mapped[int] = mapped_column(ForeignKey("key_projects.id", ondelete="CASCADE"), index=True)
    quarter: Mapped[int]
    target: Mapped[str] = mapped_column(Text, info={"max_length": 2000})

    key_project: Mapped[KeyProject] = relationship(back_populates="milestones")


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


class PlanVersion(db.Model):
    """An immutable snapshot of the plan at one of its transitions, to compare and to publish from."""

    __tablename__ = "plan_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    status: Mapped[PlanStatus] = mapped_column(db.Enum(PlanStatus, native_enum=False, length=30))
    snapshot: Mapped[dict] = mapped_column(db.JSON)  # the plan and its projects as they stood
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    plan: Mapped[Plan] = relationship()
    created_by: Mapped[User | None] = relationship()

    def __str__(self) -> str:
        return f"v{self.version} · {self.status.label}"


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
