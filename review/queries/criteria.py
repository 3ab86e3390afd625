"""The round's criteria and their shares of the weight."""

from sqlalchemy import select

from extensions import db
from review.models import Criterion
from review.scoring import normalised_weights


def criteria_of(round_id: int) -> list[tuple[Criterion, float | None]]:
    """The round's criteria in order, each with its weight as a percentage of the counted ones' total.

    A criterion not counted has no share (None).
    """
    query = select(Criterion).where(Criterion.round_id == round_id).order_by(Criterion.position)
    criteria = list(db.session.scalars(query))
    shares = iter(normalised_weights([c.weight for c in criteria if c.counted]))
    return [(c, next(shares) if c.counted else None) for c in criteria]
