"""Residents' reform needs and suggestions (群众改革需求、建议), however they arrived, and their seconds."""

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from accounts.models import Unit
from core import clock
from core.models import LabelledEnum, utcnow
from core.privacy import masked_contact
from extensions import db
from solicitation.models.proposals import Proposal
from solicitation.models.rounds import Category, Round


class Channel(LabelledEnum):
    web = "web"
    mobile = "mobile"
    wechat = "wechat"
    hotline = "hotline"
    forum = "forum"
    letter = "letter"
    batch_import = "import"

    @classmethod
    def _labels(cls):
        return {
            cls.web: _l("Website"),
            cls.mobile: _l("Mobile phone"),
            cls.wechat: _l("WeChat"),
            cls.hotline: _l("12345 hotline"),
            cls.forum: _l("Forum / symposium"),
            cls.letter: _l("Letter"),
            cls.batch_import: _l("Batch import"),
        }


# Residents reach the public form and the API through these; the office records the others.
PUBLIC_CHANNELS = (Channel.web, Channel.mobile, Channel.wechat)


class SuggestionStatus(LabelledEnum):
    received = "received"
    accepted = "accepted"
    rejected = "rejected"
    duplicate = "duplicate"
    referred = "referred"
    adopted = "adopted"
    not_adopted = "not_adopted"

    @classmethod
    def _labels(cls):
        return {
            cls.received: _l("Received"),
            cls.accepted: _l("Accepted"),
            cls.rejected: _l("Not accepted"),
            cls.duplicate: _l("Merged as a duplicate"),
            cls.referred: _l("Referred to a unit"),
            cls.adopted: _l("Adopted"),
            cls.not_adopted: _l("Not adopted"),
        }


St = SuggestionStatus
# The office's triage, step by step; a rejected or merged suggestion can be taken up again.
SUGGESTION_TRANSITIONS: dict[SuggestionStatus, tuple[SuggestionStatus, ...]] = {
    # Referring a received suggestion takes it up and refers it in one step.
    St.received: (St.accepted, St.rejected, St.duplicate, St.referred),
    # Back to received: an acceptance taken back while nothing followed it (reopen_refusal).
    St.accepted: (St.referred, St.adopted, St.not_adopted, St.duplicate, St.received),
    St.referred: (St.adopted, St.not_adopted, St.accepted),
    St.rejected: (St.accepted,),
    St.duplicate: (St.accepted,),
    St.adopted: (),
    St.not_adopted: (),
}


# Suggestions the office has taken up: they may go to expert screening and become proposals.
TAKEN_UP = frozenset({St.accepted, St.referred, St.adopted})


class RejectReason(LabelledEnum):
    spam = "spam"
    out_of_scope = "out_of_scope"
    other = "other"

    @classmethod
    def _labels(cls):
        return {
            cls.spam: _l("No usable content"),
            cls.out_of_scope: _l("Not a reform matter"),
            cls.other: _l("Other"),
        }


suggestion_proposals = Table(
    "suggestion_proposals",
    db.metadata,
    Column("suggestion_id", ForeignKey("suggestions.id", ondelete="CASCADE"), primary_key=True),
    Column("proposal_id", ForeignKey("proposals.id", ondelete="CASCADE"), primary_key=True),
)


REFERRED_UNANSWERED = "status = 'referred' AND unit_answered_at IS NULL"


class Suggestion(db.Model):
    __tablename__ = "suggestions"
    # The office's list, newest first, whole or filtered: a page is read from an index, not a sort of the round.
    __table_args__ = (
        Index("ix_suggestions_round_created", "round_id", "created_at", "id"),
        Index("ix_suggestions_round_status_created", "round_id", "status", "created_at", "id"),
        Index("ix_suggestions_round_channel_created", "round_id", "channel", "created_at", "id"),
        Index("ix_suggestions_round_category_created", "round_id", "category_id", "created_at", "id"),
        # /heard: the published ones, most seconded first
        Index("ix_suggestions_round_public_seconds", "round_id", "is_public", "second_count", "id"),
        # the office's to-do list: the referrals a unit has yet to answer
        Index(
            "ix_suggestions_referred_unanswered",
            "round_id",
            "id",
            postgresql_where=text(REFERRED_UNANSWERED),
            sqlite_where=text(REFERRED_UNANSWERED),
        ),
    )
    # active_history on the columns SuggestionCount is keyed on: a change's old value is read even when it was not
    # loaded, so that the summary counts take it from the right key.

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), active_history=True)  # led by the indexes below
    # What the resident keeps to look the suggestion up: random, never a sequence.
    tracking_code: Mapped[str] = mapped_column(String(16), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text, info={"max_length": 5000})
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True, active_history=True)
    location: Mapped[str] = mapped_column(String(200), default="")
    channel: Mapped[Channel] = mapped_column(
        db.Enum(Channel, native_enum=False, length=20), index=True, active_history=True
    )
    status: Mapped[SuggestionStatus] = mapped_column(
        db.Enum(SuggestionStatus, native_enum=False, length=20), default=St.received, index=True, active_history=True
    )
    # Personal information: shown only to the office, masked elsewhere, never indexed.
    contact_name: Mapped[str] = mapped_column(String(50), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    consent: Mapped[bool] = mapped_column(default=False)

    reject_reason: Mapped[RejectReason | None] = mapped_column(
        db.Enum(RejectReason, native_enum=False, length=20), active_history=True
    )
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("suggestions.id"))
    referred_unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    referral_note: Mapped[str] = mapped_column(Text, default="")
    unit_answer: Mapped[str] = mapped_column(Text, default="")
    unit_answered_at: Mapped[datetime | None]
    # The office's public reply; held (not shown) until reply_published_at is set.
    reply: Mapped[str] = mapped_column(Text, default="", active_history=True)
    reply_published_at: Mapped[datetime | None] = mapped_column(active_history=True)
    # Shown on the public "what we heard" page, where residents may second it.
    is_public: Mapped[bool] = mapped_column(default=False, active_history=True)
    second_count: Mapped[int] = mapped_column(default=0)

    received_on: Mapped[date] = mapped_column(default=clock.today)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    round: Mapped[Round] = relationship()
    category: Mapped[Category | None] = relationship()
    duplicate_of: Mapped["Suggestion | None"] = relationship(remote_side=[id])
    referred_unit: Mapped[Unit | None] = relationship()
    proposals: Mapped[list[Proposal]] = relationship(secondary=suggestion_proposals, order_by=Proposal.id)

    def __str__(self) -> str:
        return self.title

    @property
    def display_code(self) -> str:
        """The tracking code in groups of four, as residents read and type it."""
        code = self.tracking_code
        return "-".join(code[i : i + 4] for i in range(0, len(code), 4))

    @property
    def contact(self) -> dict[str, str]:
        """The resident's contact details as given (the reform office's to see): name, phone, email."""
        return {"name": self.contact_name, "phone": self.contact_phone, "email": self.contact_email}

    @property
    def masked_contact(self) -> dict[str, str]:
        """The resident's contact details as every reader but the reform office sees them."""
        return masked_contact(**self.contact)

    @property
    def reply_published(self) -> bool:
        return self.reply_published_at is not None

    @property
    def public_reply(self) -> str:
        """The office's reply as the public reads it: nothing while it is held."""
        return self.reply if self.reply_published else ""


class SuggestionSecond(db.Model):
    """One browser's second (附议) of a published suggestion."""

    __tablename__ = "suggestion_seconds"
    __table_args__ = (UniqueConstraint("suggestion_id", "voter", name="uq_suggestion_seconds_suggestion_voter"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestions.id", ondelete="CASCADE"), index=True)
    voter: Mapped[str] = mapped_column(String(64))  # a hash of the browser's random id, nothing personal
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


# Counter rows a key: each change adds to one of them, chosen at random, so that residents sending suggestions at
# once do not all wait on one row's lock; a reader sums them.
COUNT_SLOTS = 8


class SuggestionCount(db.Model):
    """How many of a round's suggestions have these values, kept exact by every flush that adds, changes or removes
    a suggestion (solicitation.services.suggestion_counts), in its transaction: what the lists' totals, /heard, the
    dashboard, the to-do lists and the home page count, without counting a round of a million rows each time.

    No category is category_id 0 and no reason "" (a key column is never NULL, so that one key is one row a slot).
    """

    __tablename__ = "suggestion_counts"

    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[SuggestionStatus] = mapped_column(
        db.Enum(SuggestionStatus, native_enum=False, length=20), primary_key=True
    )
    channel: Mapped[Channel] = mapped_column(db.Enum(Channel, native_enum=False, length=20), primary_key=True)
    category_id: Mapped[int] = mapped_column(primary_key=True)
    reject_reason: Mapped[str] = mapped_column(String(20), primary_key=True)
    reply_held: Mapped[bool] = mapped_column(primary_key=True)  # a reply written, not yet published
    reply_published: Mapped[bool] = mapped_column(primary_key=True)
    is_public: Mapped[bool] = mapped_column(primary_key=True)
    slot: Mapped[int] = mapped_column(primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
