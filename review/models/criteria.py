"""The scored review criteria (评审指标) of a round."""

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
    description: Mapped[str] = mapped_column(Text, default="", info={"max_length": 2000})
    weight: Mapped[float]
    max_score: Mapped[int] = mapped_column(default=10)
    # Labels for some points of the scale, e.g. {"0": "不可行", "10": "完全可行"}.
    scale_labels: Mapped[dict] = mapped_column(db.JSON, default=dict)
    # A criterion not counted (e.g. 适合试点?) is scored and shown but stays out of the weighted total.
    counted: Mapped[bool] = mapped_column(default=True)
    # A score at or below it raises a veto flag in the ranking (e.g. 可行性 ≤ 1).
    veto_at: Mapped[int | None]
    position: Mapped[int] = mapped_column(default=0)

    round: Mapped[Round] = relationship()

    def __str__(self) -> str:
        return self.name

    def point_label(self, point: int) -> str:
        """'7' or '7 · 较好' when the point has a label."""
        label = (self.scale_labels or {}).get(str(point))
        return f"{point} · {label}" if label else str(point)
