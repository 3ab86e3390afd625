"""State changes of review, one module per record: criteria, conflicts, assignments, reviews."""

from extensions import db
from review.models import ReviewSettings
from review.queries import review_settings
from solicitation.models import Round


def settings_row(round: Round) -> ReviewSettings:
    """The round's review settings to change: its row, made from the defaults on the first change."""
    settings = db.session.get(ReviewSettings, round.id)
    if settings is None:
        settings = review_settings(round.id)
        db.session.add(settings)
    return settings
