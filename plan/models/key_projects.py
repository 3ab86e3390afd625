"""The plan's key projects (重点改革项目), their quarterly milestones and year-end rating."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import Unit, User
from core.models import LabelledEnum, Versioned, utcnow
from extensions import db
from plan.models.plans import Plan, PlanPart
from plan.numerals import chinese_number
from solicitation.models import Category, Proposal


class Rating(LabelledEnum):
    """考核: the year-end rating of a key project."""

    excellent = "excellent"
    good = "good"
    fair = "fair"
    poor = "poor"

    @classmethod
    def _labels(cls):
        return {cls.excellent: _l("Excellent"), cls.good: _l("Good"), cls.fair: _l("Fair"), cls.poor: _l("Poor")}


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
    # 1, 2, 3 … through the plan, its parts' projects together in their parts' order (number_of: 一、二、三 …)
    position: Mapped[int]
    part_id: Mapped[int | None] = mapped_column(ForeignKey("plan_parts.id"), index=True)  # 板块
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
    part: Mapped[PlanPart | None] = relationship()
    proposal: Mapped[Proposal | None] = relationship()
    category: Mapped[Category | None] = relationship()
    lead_unit: Mapped[Unit | None] = relationship(foreign_keys=[lead_unit_id])
    lead_leader_account: Mapped[User | None] = relationship(foreign_keys=[lead_leader_id])
    cooperating_units: Mapped[list[Unit]] = relationship(secondary=key_project_cooperating_units, order_by=Unit.name)
    milestones: Mapped[list["Milestone"]] = relationship(
        back_populates="key_project", order_by="Milestone.quarter", cascade="all, delete-orphan"
    )
    tasks: Mapped[list["Task"]] = relationship(  # noqa: F821
        back_populates="key_project", order_by="[Task.due_quarter, Task.id]", cascade="all, delete-orphan"
    )

    @property
    def number(self) -> str:
        return chinese_number(self.plan.number_of(self))

    @property
    def part_title(self) -> str:
        """The title of the part (板块) it is in; "" when in none."""
        return self.part.title if self.part else ""

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
