"""Experts' short-form screening of residents' suggestions."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.models import utcnow
from extensions import db
from solicitation.models import Suggestion


class SuggestionReview(db.Model):
    """An expert's short-form screening of a residents' suggestion: one score, a comment, worth a project or not.

    The row is made when the office sends the suggestion to the expert; it is filled in once submitted_at is set.
    """

    __tablename__ = "suggestion_reviews"
    __table_args__ = (
        UniqueConstraint("suggestion_id", "expert_id", name="uq_suggestion_reviews_suggestion_expert"),
        CheckConstraint("score >= 0", name="score_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestions.id", ondelete="CASCADE"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    score: Mapped[int | None]  # on the round's scale, 0 to its largest criterion maximum
    comment: Mapped[str] = mapped_column(Text, default="", info={"max_length": 5000})
    worth_a_project: Mapped[bool | None]  # worth turning into a reform project?
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]

    suggestion: Mapped[Suggestion] = relationship()
    expert: Mapped[User] = relationship(foreign_keys=[expert_id])

    def __str__(self) -> str:
        return f"{self.expert.display_name} → {self.suggestion.title}"
