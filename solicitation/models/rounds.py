"""Yearly rounds, their categories, and late submissions allowed to a unit."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import Unit
from core.models import LabelledEnum, Versioned, utcnow
from extensions import db


class RoundStatus(LabelledEnum):
    """The statuses of a round, in the order a round goes through them."""

    preparing = "preparing"
    soliciting = "soliciting"
    reviewing = "reviewing"
    planning = "planning"
    implementing = "implementing"
    closed = "closed"

    @classmethod
    def _labels(cls):
        return {
            cls.preparing: _l("Preparing"),
            cls.soliciting: _l("Soliciting"),
            cls.reviewing: _l("Under review"),
            cls.planning: _l("Drafting the plan"),
            cls.implementing: _l("Implementing"),
            cls.closed: _l("Closed"),
        }

    @property
    def step(self) -> int:
        """Position in the cycle, so a move can be told forward from back."""
        return list(RoundStatus).index(self)


# The legal moves. Forward one step; back one step only to reopen solicitation or review
# while the plan is not yet in force.
ROUND_TRANSITIONS: dict[RoundStatus, tuple[RoundStatus, ...]] = {
    RoundStatus.preparing: (RoundStatus.soliciting,),
    RoundStatus.soliciting: (RoundStatus.reviewing, RoundStatus.preparing),
    RoundStatus.reviewing: (RoundStatus.planning, RoundStatus.soliciting),
    RoundStatus.planning: (RoundStatus.implementing, RoundStatus.reviewing),
    RoundStatus.implementing: (RoundStatus.closed,),
    RoundStatus.closed: (),
}


class Round(Versioned, db.Model):
    """One year's reform-plan cycle (年度改革计划征集轮次)."""

    __tablename__ = "rounds"
    __table_args__ = (
        CheckConstraint(
            "solicitation_opens <= solicitation_closes AND solicitation_closes <= review_deadline "
            "AND review_deadline <= plan_date",
            name="dates_in_order",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="", info={"max_length": 5000})
    status: Mapped[RoundStatus] = mapped_column(
        db.Enum(RoundStatus, native_enum=False, length=20), default=RoundStatus.preparing
    )
    solicitation_opens: Mapped[date]
    solicitation_closes: Mapped[date]
    review_deadline: Mapped[date]
    plan_date: Mapped[date]
    # False for a round that only makes plans of tasks handed down (无征集): it starts in "Drafting the plan" and
    # never opens solicitation or review.
    solicits: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    categories: Mapped[list["Category"]] = relationship(
        back_populates="round", order_by="Category.position", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return self.title

    @property
    def next_statuses(self) -> tuple[RoundStatus, ...]:
        return ROUND_TRANSITIONS[self.status]

    def transition_refusal(self, target: RoundStatus) -> str | None:
        """The rule keeping the round from moving to `target` now (its code), or None when it may.

        The one condition the service enforces and the round page asks before it offers the move.
        """
        if target not in ROUND_TRANSITIONS[self.status]:
            return "transition_not_allowed"
        if not self.solicits and target in (RoundStatus.soliciting, RoundStatus.reviewing):
            return "round_without_solicitation"
        if target is RoundStatus.soliciting and not self.categories:
            return "no_categories"
        return None


class Category(db.Model):
    """A reform field (改革领域) of one round."""

    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("round_id", "name", name="uq_categories_round_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    description: Mapped[str] = mapped_column(Text, default="", info={"max_length": 2000})
    position: Mapped[int] = mapped_column(default=0)

    round: Mapped[Round] = relationship(back_populates="categories")

    def __str__(self) -> str:
        return self.name


class LateAllowance(db.Model):
    """The office lets one unit propose after solicitation closed, until a date."""

    __tablename__ = "late_allowances"
    __table_args__ = (UniqueConstraint("round_id", "unit_id", name="uq_late_allowances_round_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    until: Mapped[date]
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[Round] = relationship()
    unit: Mapped[Unit] = relationship()

    def __str__(self) -> str:
        return f"{self.unit.name} → {self.until}"
