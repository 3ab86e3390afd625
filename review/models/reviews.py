"""Experts' reviews (专家评审意见): scores per criterion, comment, recommendation."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models import LabelledEnum, utcnow
from extensions import db
from review.models.assignments import Assignment
from review.models.criteria import Criterion


class Recommendation(LabelledEnum):
    recommend = "recommend"
    recommend_if_revised = "recommend_if_revised"
    not_recommended = "not_recommended"
    merge = "merge"
    duplicate = "duplicate"

    @classmethod
    def _labels(cls):
        return {
            cls.recommend: _l("Recommend"),
            cls.recommend_if_revised: _l("Recommend if revised"),
            cls.not_recommended: _l("Do not recommend"),
            cls.merge: _l("Merge with another"),
            cls.duplicate: _l("Duplicate"),
        }


class Familiarity(LabelledEnum):
    high = "high"
    medium = "medium"
    low = "low"

    @classmethod
    def _labels(cls):
        return {cls.high: _l("Expert in the field"), cls.medium: _l("Familiar"), cls.low: _l("Not my field")}


class ReviewStatus(LabelledEnum):
    draft = "draft"
    submitted = "submitted"

    @classmethod
    def _labels(cls):
        return {cls.draft: _l("Draft"), cls.submitted: _l("Submitted")}


class Review(db.Model):
    """专家评审意见: an expert's scores per criterion, comment and recommendation on one assignment."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), unique=True)
    status: Mapped[ReviewStatus] = mapped_column(
        db.Enum(ReviewStatus, native_enum=False, length=20), default=ReviewStatus.draft
    )
    comment: Mapped[str] = mapped_column(Text, default="", info={"max_length": 10000})  # 点评
    recommendation: Mapped[Recommendation | None] = mapped_column(db.Enum(Recommendation, native_enum=False, length=30))
    familiarity: Mapped[Familiarity | None] = mapped_column(db.Enum(Familiarity, native_enum=False, length=20))
    submitted_at: Mapped[datetime | None]
    # The weighted total on 0–100 over the counted criteria, fixed on submission: the criteria are
    # frozen from then on, so the ranking reads one number a review instead of summing its scores.
    total: Mapped[float | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    assignment: Mapped[Assignment] = relationship(back_populates="review")
    scores: Mapped[list["Score"]] = relationship(back_populates="review", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return str(self.assignment)


class Score(db.Model):
    """One criterion's score in a review; one per expert per criterion, by constraint."""

    __tablename__ = "scores"
    __table_args__ = (
        UniqueConstraint("review_id", "criterion_id", name="uq_scores_review_criterion"),
        CheckConstraint("value >= 0", name="value_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criteria.id"))
    value: Mapped[int]
    comment: Mapped[str] = mapped_column(String(500), default="")

    review: Mapped[Review] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()
