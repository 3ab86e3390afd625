"""Themes (议题归类): a round's suggestions grouped by what they are about, the office's edits kept across
recomputes, and each recompute's record of what it changed."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models import utcnow
from extensions import db
from solicitation.models.suggestions import Suggestion


class Theme(db.Model):
    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    named_by_office: Mapped[bool] = mapped_column(default=False)
    kept: Mapped[bool] = mapped_column(default=False)
    words: Mapped[list] = mapped_column(JSON, default=list)
    size: Mapped[int] = mapped_column(default=0)
    centroid: Mapped[dict | None] = mapped_column(JSON)
    published: Mapped[bool] = mapped_column(default=False)
    public_reply: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ThemeMember(db.Model):
    __tablename__ = "theme_members"

    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestions.id"), primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"), index=True)
    by_hand: Mapped[bool] = mapped_column(default=False)
    closeness: Mapped[float] = mapped_column(default=0.0)

    suggestion: Mapped[Suggestion] = relationship()
    theme: Mapped[Theme] = relationship()


class ThemeRun(db.Model):
    __tablename__ = "theme_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id"), index=True)
    job_id: Mapped[int | None] = mapped_column(ForeignKey("jobs.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
