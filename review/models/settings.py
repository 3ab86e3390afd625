"""How a round is reviewed: its settings and the stage its review is in."""

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from core.models import LabelledEnum
from extensions import db


class ReviewStage(LabelledEnum):
    """The stages of a round's review, which the office moves through in order."""

    independent = "independent"  # experts score alone and see nothing of each other
    discussion = "discussion"  # the panel sees every score, the most disputed proposals first
    decision = "decision"  # reviews are closed; the office shortlists and decides

    @classmethod
    def _labels(cls):
        return {
            cls.independent: _l("Independent scoring"),
            cls.discussion: _l("Panel discussion"),
            cls.decision: _l("Office decision"),
        }


class ReviewSettings(db.Model):
    """How a round is reviewed: reviewers per proposal, the trimmed mean, blind review, the stage and its dates."""

    __tablename__ = "review_settings"
    __table_args__ = (CheckConstraint("reviewers_per_proposal > 0", name="reviewers_positive"),)

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), primary_key=True)
    reviewers_per_proposal: Mapped[int] = mapped_column(default=3)
    # 去掉一个最高分和一个最低分, for proposals with five reviews or more
    trim_extremes: Mapped[bool] = mapped_column(default=False)
    # A blind round hides the proposing unit and its contacts from the experts.
    blind: Mapped[bool] = mapped_column(default=False)
    # The cut line of the screening by the mean: the top N, or the top x % of the reviewed proposals.
    cut_line: Mapped[int | None]
    cut_percent: Mapped[int | None]
    stage: Mapped[ReviewStage] = mapped_column(
        db.Enum(ReviewStage, native_enum=False, length=20), default=ReviewStage.independent
    )
    # Independent scoring ends at the round's review deadline; the later stages' planned ends:
    discussion_until: Mapped[date | None]
    decision_until: Mapped[date | None]
