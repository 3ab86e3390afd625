"""Read-only selects for review criteria."""

from sqlalchemy import select

from extensions import db
from review.models import Criterion
from review.scoring import normalised_weights


def criteria_of(round_id: int) -> list[tuple[Criterion, float]]:
    """The round's criteria in order, each with its weight as a percentage of the total."""
    criteria = list(
        db.session.scalars(select(Criterion).where(Criterion.round_id == round_id).order_by(Criterion.position))
    )
    return list(zip(criteria, normalised_weights([c.weight for c in criteria]), strict=True))
