"""Review criteria, expert profiles, conflicts of interest, assignments, reviews and their scores."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import User
from core.models import LabelledEnum, StoredFile, utcnow
from extensions import db
from solicitation.models import Proposal, Round, Suggestion


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


class ExpertProfile(db.Model):
    """What the office knows of an expert: where they come from, what they know, how much they can take."""

    __tablename__ = "expert_profiles"
    __table_args__ = (CheckConstraint("max_load >= 0", name="max_load_not_negative"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    # An outside institution; an expert from a district unit has it as their user's unit.
    institution: Mapped[str] = mapped_column(String(200), default="")
    expertise: Mapped[str] = mapped_column(String(500), default="")  # fields, e.g. 民生事业、城市建设
    max_load: Mapped[int] = mapped_column(default=10)

    user: Mapped[User] = relationship()


class ConflictSource(LabelledEnum):
    declared = "declared"
    detected = "detected"
    office = "office"

    @classmethod
    def _labels(cls):
        return {
            cls.declared: _l("Declared by the expert"),
            cls.detected: _l("Detected by the platform"),
            cls.office: _l("Entered by the office"),
        }


class ConflictStatus(LabelledEnum):
    suggested = "suggested"
    confirmed = "confirmed"
    dismissed = "dismissed"

    @classmethod
    def _labels(cls):
        return {
            cls.suggested: _l("To be confirmed"),
            cls.confirmed: _l("Confirmed"),
            cls.dismissed: _l("Dismissed"),
        }


class Conflict(db.Model):
    """A conflict of interest (回避) between an expert and a proposal; any but a dismissed one blocks review."""

    __tablename__ = "conflicts"
    __table_args__ = (UniqueConstraint("expert_id", "proposal_id", name="uq_conflicts_expert_proposal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    source: Mapped[ConflictSource] = mapped_column(db.Enum(ConflictSource, native_enum=False, length=20))
    status: Mapped[ConflictStatus] = mapped_column(db.Enum(ConflictStatus, native_enum=False, length=20))
    reason: Mapped[str] = mapped_column(Text, default="", info={"max_length": 500})
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    expert: Mapped[User] = relationship(foreign_keys=[expert_id])
    proposal: Mapped[Proposal] = relationship()

    def __str__(self) -> str:
        return f"{self.expert.display_name} × {self.proposal.title}"


class Assignment(db.Model):
    """评审分配: an expert is to review a proposal; the expert sees it once the office publishes it."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("expert_id", "proposal_id", name="uq_assignments_expert_proposal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    published: Mapped[bool] = mapped_column(default=False)
    reminded_at: Mapped[datetime | None]  # the last reminder sent to the expert about it
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    expert: Mapped[User] = relationship(foreign_keys=[expert_id])
    proposal: Mapped[Proposal] = relationship()
    review: Mapped["Review | None"] = relationship(back_populates="assignment", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return f"{self.expert.display_name} → {self.proposal.title}"


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


class FieldVisit(db.Model):
    """实地调研: a visit made to study a proposal on the ground, by the office or an assigned expert."""

    __tablename__ = "field_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), index=True)
    visited_on: Mapped[date]
    place: Mapped[str] = mapped_column(String(200))
    people_met: Mapped[str] = mapped_column(String(500), default="")
    findings: Mapped[str] = mapped_column(Text, info={"max_length": 10000})
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposal: Mapped[Proposal] = relationship()
    recorded_by: Mapped[User | None] = relationship()
    attachments: Mapped[list["FieldVisitAttachment"]] = relationship(
        back_populates="field_visit", cascade="all, delete-orphan", order_by="FieldVisitAttachment.id"
    )

    def __str__(self) -> str:
        return f"{self.proposal.title} · {self.visited_on}"


class FieldVisitAttachment(StoredFile, db.Model):
    """A photo, minutes or other file from a field visit."""

    __tablename__ = "field_visit_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    field_visit_id: Mapped[int] = mapped_column(ForeignKey("field_visits.id", ondelete="CASCADE"), index=True)

    field_visit: Mapped[FieldVisit] = relationship(back_populates="attachments")


class Decision(LabelledEnum):
    selected = "selected"
    not_selected = "not_selected"
    merged = "merged"
    duplicate = "duplicate"

    @classmethod
    def _labels(cls):
        return {
            cls.selected: _l("Selected as a key project"),
            cls.not_selected: _l("Not selected"),
            cls.merged: _l("Merged into another project"),
            cls.duplicate: _l("Duplicate"),
        }


class Screening(db.Model):
    """The office's screening of a proposal: shortlisted (入围) or not, and its decision, pending until published."""

    __tablename__ = "screenings"

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), primary_key=True)
    shortlisted: Mapped[bool] = mapped_column(default=False)
    # The office asks for field research (实地调研) before it decides.
    field_visit_requested: Mapped[bool] = mapped_column(default=False)
    decision: Mapped[Decision | None] = mapped_column(db.Enum(Decision, native_enum=False, length=20))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    reason: Mapped[str] = mapped_column(Text, default="", info={"max_length": 5000})
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]

    proposal: Mapped[Proposal] = relationship(foreign_keys=[proposal_id])
    merged_into: Mapped[Proposal | None] = relationship(foreign_keys=[merged_into_id])

    def __str__(self) -> str:
        return self.proposal.title


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
