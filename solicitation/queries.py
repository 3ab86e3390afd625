"""Read-only selects for rounds and categories."""

from sqlalchemy import Select, select

from solicitation.models import Round, RoundStatus


def rounds(*, q: str = "", status: RoundStatus | None = None) -> Select:
    """Rounds matching the filters, newest year first."""
    query = select(Round).order_by(Round.year.desc())
    if q:
        query = query.where(Round.title.ilike(f"%{q.strip()}%"))
    if status is not None:
        query = query.where(Round.status == status)
    return query
