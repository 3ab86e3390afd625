"""State changes of review, one module per record: criteria, conflicts, assignments, reviews."""

from accounts.models import Role, User
from extensions import db
from review.errors import ReviewError
from review.models import ReviewSettings
from review.queries import review_settings
from solicitation.models import Round


def require_office(actor: User | None) -> None:
    """Refuse a change that only the reform office may make."""
    if actor is None or actor.role is not Role.office:
        raise ReviewError("office_only")


def settings_row(round: Round) -> ReviewSettings:
    """The round's review settings to change: its row, made from the defaults on the first change."""
    settings = db.session.get(ReviewSettings, round.id)
    if settings is None:
        settings = review_settings(round.id)
        db.session.add(settings)
    return settings
