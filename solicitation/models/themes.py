"""Themes (议题归类): a round's suggestions grouped by what they ask for, computed in the background and kept as the
office edits them (solicitation.services.themes)."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models import utcnow
from extensions import db
from solicitation.models.rounds import Round
from solicitation.models.suggestions import Suggestion


class Theme(db.Model):
    """A group of a round's suggestions asking for the same thing, named by its most telling words until the
    office names it."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    # The office gave the name: a recompute never renames it.
    named_by_office: Mapped[bool] = mapped_column(default=False)
    # The office named, merged or split it: a recompute keeps its members (and adds new ones to it).
    kept: Mapped[bool] = mapped_column(default=False)
    words: Mapped[list] = mapped_column(JSON, default=list)  # the most telling first
    size: Mapped[int] = mapped_column(default=0)
    # Its centre in the words' space (weights, their idf): what placing a new suggestion needs, without a refit.
    centroid: Mapped[dict] = mapped_column(JSON, default=dict)
    # When the centre last changed: each process keeps its round's centres as one matrix until a theme's does.
    centred_at: Mapped[datetime] = mapped_column(default=utcnow)
    published: Mapped[bool] = mapped_column(default=False)
    public_reply: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    round: Mapped[Round] = relationship()

    def __str__(self) -> str:
        return self.name


class ThemeMember(db.Model):
    """A suggestion's place in a theme: one theme a suggestion."""

    __tablename__ = "theme_members"
    # A theme's suggestions, the most representative first.
    __table_args__ = (Index("ix_theme_members_theme_closeness", "theme_id", "closeness"),)

    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestions.id", ondelete="CASCADE"), primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id", ondelete="CASCADE"))
    # The office put it there: a recompute never moves it.
    by_hand: Mapped[bool] = mapped_column(default=False)
    closeness: Mapped[float] = mapped_column(default=0.0)  # cosine to the theme's centre

    suggestion: Mapped[Suggestion] = relationship()
    theme: Mapped[Theme] = relationship()


class ThemeRun(db.Model):
    """One computation of a round's themes, and what it changed (shown to the office)."""

    __tablename__ = "theme_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
