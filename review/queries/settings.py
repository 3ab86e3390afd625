"""A round's review settings (its stage, reviewers per proposal, cut line), the defaults until the office sets them."""

from sqlalchemy import select

from extensions import db
from review.models import ReviewSettings, ReviewStage


def review_settings(round_id: int) -> ReviewSettings:
    """The round's review settings, the defaults when the office has not set them."""
    return db.session.get(ReviewSettings, round_id) or _default_settings(round_id)


def review_settings_of(round_ids) -> dict[int, ReviewSettings]:
    """Each round's review settings in one statement, the defaults where the office has not set them."""
    found = db.session.scalars(select(ReviewSettings).where(ReviewSettings.round_id.in_(round_ids)))
    settings = {row.round_id: row for row in found}
    return {round_id: settings.get(round_id) or _default_settings(round_id) for round_id in round_ids}


def _default_settings(round_id: int) -> ReviewSettings:
    return ReviewSettings(
        round_id=round_id,
        reviewers_per_proposal=3,
        trim_extremes=False,
        blind=False,
        cut_line=None,
        cut_percent=None,
        stage=ReviewStage.independent,
    )
