"""Review criteria of a round."""

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from solicitation.models import Round


class Criterion(db.Model):
    """A scored review criterion (评审指标) of one round."""

    __tablename__ = "criteria"
    __table_args__ = (
        UniqueConstraint("round_id", "name", name="uq_criteria_round_name"),
        CheckConstraint("weight > 0", name="weight_positive"),
        CheckConstraint("max_score > 0", name="max_score_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    description: Mapped[str] = mapped_column(Text, default="")
    weight: Mapped[float]
    max_score: Mapped[int] = mapped_column(default=10)
    position: Mapped[int] = mapped_column(default=0)

    round: Mapped[Round] = relationship()

    def __str__(self) -> str:
        return self.name
