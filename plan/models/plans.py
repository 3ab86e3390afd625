"""The plans (改革计划文本) of a round, their states, and the snapshots of their versions."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.models import LabelledEnum, Versioned, utcnow
from extensions import db
from solicitation.models import Round


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


class Numbering(LabelledEnum):
    """How the plan numbers its key projects where it has parts (板块)."""

    continuous = "continuous"  # 一、二… through the whole plan
    within_parts = "within_parts"  # 一、二… again under each part's heading

    @classmethod
    def _labels(cls):
        return {
            cls.continuous: _l("Continuously through the plan"),
            cls.within_parts: _l("Afresh within each part"),
        }


class Plan(Versioned, db.Model):
    """One named list of a round (a round may publish several, e.g. 工作要点 and 点题); its text is its key
    projects, in order."""

    __tablename__ = "plans"
    __table_args__ = (UniqueConstraint("round_id", "title", name="uq_plans_round_title"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
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
    numbering: Mapped[Numbering] = mapped_column(
        db.Enum(Numbering, native_enum=False, length=20), default=Numbering.continuous, server_default="continuous"
    )
    # Whether 送审稿 needs a lead district leader on every project: Longgang's lists name them, Jinwan's do not.
    requires_lead_leader: Mapped[bool] = mapped_column(default=True, server_default=true())
    # 发文字号 in the 版头 of its official document, e.g. 深龙改办〔2017〕3号; optional.
    document_number: Mapped[str] = mapped_column(String(100), default="", server_default="")
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[Round] = relationship()
    projects: Mapped[list["KeyProject"]] = relationship(  # noqa: F821
        back_populates="plan", order_by="KeyProject.position", cascade="all, delete-orphan"
    )
    parts: Mapped[list["PlanPart"]] = relationship(
        back_populates="plan", order_by="PlanPart.position", cascade="all, delete-orphan"
    )

    def number_of(self, project) -> int:
        """A project's number: its place in the plan, or in its part where the plan numbers within parts."""
        if self.numbering is Numbering.continuous or project.part_id is None:
            return project.position
        return sum(1 for p in self.projects if p.part_id == project.part_id and p.position <= project.position)

    def __str__(self) -> str:
        return self.title


class PlanPart(db.Model):
    """板块: a heading of the plan under which its key projects are grouped (经济提升, 民生提升 …)."""

    __tablename__ = "plan_parts"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    position: Mapped[int]

    plan: Mapped[Plan] = relationship(back_populates="parts")

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
