"""The ranking's standings of a round, recomputed whole from its submitted reviews in the transaction of each change
to what they read: a review submitted or reopened, a conflict recorded, confirmed or dismissed."""

from sqlalchemy import delete, insert, select

from extensions import db
from review.models import ExpertBias, Standing
from review.ranking import standings_of
from solicitation.models import Round


def refresh_standings(round_id: int) -> None:
    """Recompute the round's standings and its experts' biases; flushed, the calling service commits.

    The round's row is locked first, so that two changes in one round at once recompute one after the other,
    the second reading what the first committed (on SQLite, writers take turns anyway).
    """
    db.session.execute(select(Round.id).where(Round.id == round_id).with_for_update())
    rows, biases = standings_of(round_id)
    db.session.execute(delete(Standing).where(Standing.round_id == round_id))
    db.session.execute(delete(ExpertBias).where(ExpertBias.round_id == round_id))
    if rows:
        db.session.execute(insert(Standing), rows)
    if biases:
        db.session.execute(
            insert(ExpertBias), [{"round_id": round_id, "expert_id": e, "bias": b} for e, b in biases.items()]
        )


def rebuild_standings(*, round_id: int) -> None:
    """Recompute a round's standings and commit: after rows were written around the services (a bulk load)."""
    refresh_standings(round_id)
    db.session.commit()
