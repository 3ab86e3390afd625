"""Topics (点题): the hard problems the office names in a round for units to answer with proposals."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models import LabelledEnum, utcnow
from extensions import db
from solicitation.models.rounds import Category, Round


class TopicStatus(LabelledEnum):
    draft = "draft"
    published = "published"
    withdrawn = "withdrawn"

    @classmethod
    def _labels(cls):
        return {cls.draft: _l("Draft"), cls.published: _l("Published"), cls.withdrawn: _l("Withdrawn")}


class Topic(db.Model):
    """点题: a problem the office sets in a round, its field and the result it expects; units answer it with a
    proposal once it is published."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"))
    problem: Mapped[str] = mapped_column(Text, default="", info={"max_length": 5000})
    expected_result: Mapped[str] = mapped_column(Text, default="", info={"max_length": 5000})
    status: Mapped[TopicStatus] = mapped_column(
        db.Enum(TopicStatus, native_enum=False, length=20), default=TopicStatus.draft
    )
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[Round] = relationship()
    category: Mapped[Category | None] = relationship()

    def __str__(self) -> str:
        return self.title
