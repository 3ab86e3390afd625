"""Rounds and their categories: the lists, those soliciting, those the public sees."""

from sqlalchemy import ColumnElement, Select, select

from extensions import db
from solicitation.models import (
    Category,
    Round,
    RoundStatus,
)


def rounds(*, q: str = "", status: RoundStatus | None = None) -> Select:
    """Rounds matching the filters, newest year first."""
    query = select(Round).order_by(Round.year.desc())
    if q:
        query = query.where(Round.title.ilike(f"%{q.strip()}%"))
    if status is not None:
        query = query.where(Round.status == status)
    return query


def soliciting_rounds() -> list[Round]:
    """Rounds open for solicitation, newest first."""
    return list(db.session.scalars(rounds(status=RoundStatus.soliciting)))


def publicly_visible_rounds() -> ColumnElement[bool]:
    """Which rounds the public sees (on /heard): every one out of preparation."""
    return Round.status != RoundStatus.preparing


def public_rounds() -> list[Round]:
    """The rounds the public sees, those soliciting first, each newest first: /heard's choice."""
    soliciting_first = Round.status != RoundStatus.soliciting  # false sorts first
    query = select(Round).where(publicly_visible_rounds()).order_by(soliciting_first, Round.year.desc())
    return list(db.session.scalars(query))


def category_in_round(category_id: int | None, round_id: int) -> bool:
    """Whether a chosen category belongs to the round (no category at all is fine)."""
    if category_id is None:
        return True
    category = db.session.get(Category, category_id)
    return category is not None and category.round_id == round_id
