"""Reform project proposals (改革项目申报) from units, and their attachments."""

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, String, Table, Text, or_, select
from sqlalchemy.orm import Mapped, aliased, column_property, mapped_column, relationship

from accounts.models import Role, Unit, User
from core.models import LabelledEnum, StoredFile, Versioned, utcnow
from extensions import db
from solicitation.models.rounds import Category, Round, RoundStatus


class ProposalStatus(LabelledEnum):
    draft = "draft"
    submitted = "submitted"
    returned = "returned"
    resubmitted = "resubmitted"
    withdrawn = "withdrawn"

    @classmethod
    def _labels(cls):
        return {
            cls.draft: _l("Draft"),
            cls.submitted: _l("Submitted"),
            cls.returned: _l("Returned for revision"),
            cls.resubmitted: _l("Resubmitted"),
            cls.withdrawn: _l("Withdrawn"),
        }


# The unit may change a proposal only while it is in its hands.
PROPOSAL_EDITABLE = frozenset({ProposalStatus.draft, ProposalStatus.returned})
# The office acts on a proposal while it is in the office's hands.
PROPOSAL_WITH_OFFICE = frozenset({ProposalStatus.submitted, ProposalStatus.resubmitted})
# Once the plan is being drafted, proposals are what the review saw: nothing moves any more.
ROUND_OPEN_FOR_CHANGES = frozenset({RoundStatus.soliciting, RoundStatus.reviewing})

proposal_cooperating_units = Table(
    "proposal_cooperating_units",
    db.metadata,
    Column("proposal_id", ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id"), primary_key=True),
)


_author = aliased(User)


class Proposal(Versioned, db.Model):
    """A unit's proposed reform project, written as the seed's project write-ups are."""

    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(200))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    # The topic (点题) it answers, if any: the office compares a topic's answers side by side.
    topic_id: Mapped[int | None] = mapped_column(ForeignKey("topics.id"), index=True)
    background: Mapped[str] = mapped_column(Text, default="", info={"max_length": 20000})  # 立项背景 / 为解决……问题
    content: Mapped[str] = mapped_column(Text, default="", info={"max_length": 20000})  # 改革内容
    innovation: Mapped[str] = mapped_column(Text, default="", info={"max_length": 20000})  # 创新性和领先性
    goals: Mapped[str] = mapped_column(Text, default="", info={"max_length": 20000})  # 改革目标及预计成效
    contact_name: Mapped[str] = mapped_column(String(50), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    status: Mapped[ProposalStatus] = mapped_column(
        db.Enum(ProposalStatus, native_enum=False, length=20), default=ProposalStatus.draft, index=True
    )
    return_reason: Mapped[str] = mapped_column(Text, default="")
    # The unit's changes while the proposal is back with it (returned), sent only when it resubmits: until then
    # the office, the experts, every list and search read what was submitted (see RevisedProposal).
    revision: Mapped[dict | None] = mapped_column(db.JSON)
    # The residents' suggestion this proposal was drafted from, if any (it is also linked to it).
    source_suggestion_id: Mapped[int | None] = mapped_column(ForeignKey("suggestions.id"))
    # First submission: from then on the office sees the proposal, whatever happens to it.
    submitted_at: Mapped[datetime | None] = mapped_column()
    # The office member who recorded it on its unit's behalf (a past round entered afterwards, with the unit's
    # real submission date in submitted_at); None when the unit submitted it on the platform.
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # The office's part of who sees a proposal (solicitation.queries.proposal_visible_to), as SQL: from its first
    # submission on, whatever happened since; before, only a draft the office started (from a suggestion).
    seen_by_office: Mapped[bool] = column_property(
        or_(
            submitted_at.is_not(None),
            select(_author.id).where(_author.id == author_id, _author.role == Role.office).exists(),
        ),
        deferred=True,
    )

    round: Mapped[Round] = relationship()
    unit: Mapped[Unit] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])
    category: Mapped[Category | None] = relationship()
    topic: Mapped["Topic | None"] = relationship()  # noqa: F821
    source_suggestion: Mapped["Suggestion | None"] = relationship(foreign_keys=[source_suggestion_id])  # noqa: F821
    cooperating_units: Mapped[list[Unit]] = relationship(secondary=proposal_cooperating_units, order_by=Unit.name)
    # Every file, including those of a revision not yet sent; `attachments` are the ones the office was sent.
    files: Mapped[list["ProposalAttachment"]] = relationship(
        back_populates="proposal", order_by="ProposalAttachment.id", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return self.title

    @property
    def attachments(self) -> list["ProposalAttachment"]:
        """The files as submitted: not those the unit added in a revision it has not sent yet."""
        return [file for file in self.files if file.revision != FileRevision.added]

    def as_revised(self) -> "RevisedProposal":
        """The proposal as its unit is writing it: the submitted text with the unit's unsent changes."""
        return RevisedProposal(self)

    @property
    def in_review(self) -> bool:
        """Sent to the office once and not withdrawn: what the review ranks (review.queries.round_proposals)."""
        return self.submitted_at is not None and self.status is not ProposalStatus.withdrawn

    @property
    def returnable(self) -> bool:
        """In the office's hands while the round still takes changes: the one rule for the office to send it back,
        which the service enforces and the page asks before it offers the form."""
        return self.status in PROPOSAL_WITH_OFFICE and self.round.status in ROUND_OPEN_FOR_CHANGES

    def withdrawal_refusal(self) -> str | None:
        """The rule keeping the unit from withdrawing this proposal now (its code), or None when it may.

        The one condition the service enforces and the page asks before it offers the button.
        """
        if self.status is ProposalStatus.withdrawn:
            return "already_withdrawn"
        if self.round.status not in ROUND_OPEN_FOR_CHANGES:
            return "round_past_review"
        return None


class FileRevision(enum.Enum):
    """What the unit's unsent revision of a returned proposal does to a file."""

    added = "added"
    removed = "removed"


class ProposalAttachment(StoredFile, db.Model):
    """A file attached to a proposal."""

    __tablename__ = "proposal_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Added or removed by a revision the unit has not sent yet (None: as submitted).
    revision: Mapped[FileRevision | None] = mapped_column(db.Enum(FileRevision, native_enum=False, length=10))

    proposal: Mapped[Proposal] = relationship(back_populates="files")


# What a unit may change in a proposal; a revision holds the same names, cooperating units by id.
PROPOSAL_TEXT_FIELDS = ("title", "background", "content", "innovation", "goals", "contact_name", "contact_phone")


class RevisedProposal:
    """A proposal as its unit sees and edits it: while it is back with the unit, the submitted proposal with the
    unit's unsent changes (Proposal.revision); otherwise the proposal itself. Read-only; any other attribute is
    the proposal's."""

    def __init__(self, proposal: Proposal):
        self._proposal = proposal
        changes = proposal.revision or {}
        for name in PROPOSAL_TEXT_FIELDS:
            setattr(self, name, changes.get(name, getattr(proposal, name)))
        self.category_id = changes.get("category_id", proposal.category_id)
        self.topic_id = changes.get("topic_id", proposal.topic_id)
        self.changed = bool(changes) or any(file.revision for file in proposal.files)
        self.attachments = [file for file in proposal.files if file.revision != FileRevision.removed]

    def __getattr__(self, name):
        return getattr(self._proposal, name)

    @property
    def category(self) -> Category | None:
        if self.category_id == self._proposal.category_id:
            return self._proposal.category
        return db.session.get(Category, self.category_id) if self.category_id else None

    @property
    def cooperating_units(self) -> list[Unit]:
        ids = (self._proposal.revision or {}).get("cooperating_unit_ids")
        if ids is None:
            return self._proposal.cooperating_units
        return list(db.session.scalars(select(Unit).where(Unit.id.in_(ids)).order_by(Unit.name))) if ids else []
