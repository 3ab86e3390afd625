"""The ranking as kept: each proposal's aggregates of the reviews that count, and each expert's estimated bias.

Written whole for a round by review.services.standings whenever what the aggregates read changes (a review
submitted or reopened, a conflict recorded or decided), in that change's transaction; the ranking page reads
them, ranks in SQL and loads the proposals of the page it shows only.
"""

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db


class Standing(db.Model):
    """A proposal's aggregates of its submitted reviews without a conflict: the weighted totals (0–100) summed up,
    the calibrated score, the recommendations; a proposal without any submitted review has no row."""

    __tablename__ = "standings"

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    n: Mapped[int]  # reviews with a total that count
    mean: Mapped[float | None]
    median: Mapped[float | None]
    stdev: Mapped[float | None]
    spread: Mapped[float | None]  # the highest total less the lowest
    trimmed: Mapped[float | None]
    calibrated: Mapped[float | None]
    excluded: Mapped[int]  # submitted reviews left out because of a conflict of interest
    recommendations: Mapped[dict] = mapped_column(db.JSON)  # recommendation value -> experts giving it


class ExpertBias(db.Model):
    """An expert's estimated bias in a round, in points of 100 (the calibration's other half)."""

    __tablename__ = "expert_biases"

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    bias: Mapped[float]
