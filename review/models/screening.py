"""The office's screening of a proposal: shortlisted (入围) or not, and its decision."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models import LabelledEnum
from extensions import db
from solicitation.models import Proposal


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
