"""Residents' suggestions in expert screening: the scale, an expert's queue, the round's screenings."""

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from accounts.models import User
from extensions import db
from review.models import Criterion, SuggestionReview
from solicitation.models import TAKEN_UP, Suggestion


def suggestion_scale(round_id: int) -> int:
    """The top of the scale a suggestion is screened on: the round's largest criterion maximum (10 without criteria)."""
    return db.session.scalar(select(func.max(Criterion.max_score)).where(Criterion.round_id == round_id)) or 10


def my_suggestion_reviews(expert: User) -> list[SuggestionReview]:
    """The suggestions sent to the expert for screening, those still to screen first."""
    query = (
        select(SuggestionReview)
        .options(selectinload(SuggestionReview.suggestion).selectinload(Suggestion.round))
        .where(SuggestionReview.expert_id == expert.id)
        .order_by(SuggestionReview.submitted_at.is_not(None), SuggestionReview.id)
    )
    return list(db.session.scalars(query))


def suggestion_reviews_of_round(round_id: int) -> list[SuggestionReview]:
    """Every screening of the round's suggestions, with its expert and suggestion."""
    query = (
        select(SuggestionReview)
        .join(SuggestionReview.suggestion)
        .options(
            selectinload(SuggestionReview.expert),
            # the ranking shows each suggestion's field and the proposals it fed
            selectinload(SuggestionReview.suggestion).selectinload(Suggestion.category),
            selectinload(SuggestionReview.suggestion).selectinload(Suggestion.proposals),
        )
        .where(Suggestion.round_id == round_id)
        .order_by(SuggestionReview.suggestion_id, SuggestionReview.id)
    )
    return list(db.session.scalars(query))


def suggestions_to_screen(round_id: int) -> list[Suggestion]:
    """The round's suggestions the office has taken up and not yet sent to expert screening."""
    sent = select(SuggestionReview.id).where(SuggestionReview.suggestion_id == Suggestion.id).exists()
    query = (
        select(Suggestion)
        .options(selectinload(Suggestion.category))
        .where(Suggestion.round_id == round_id, Suggestion.status.in_(TAKEN_UP), ~sent)
        .order_by(Suggestion.second_count.desc(), Suggestion.id)
    )
    return list(db.session.scalars(query))
