"""The groups of near-duplicate suggestions a round holds, largest first, and the campaigns among them."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased, joinedload

from extensions import db
from solicitation.models import NearDuplicate, Suggestion, SuggestionStatus


@dataclass
class NearDuplicateGroup:
    """An original and its near-copies; `open_copies` are those not yet merged into it."""

    original: Suggestion
    copies: list[Suggestion]
    similarity: dict[int, float]

    @property
    def open_copies(self) -> list[Suggestion]:
        return [copy for copy in self.copies if copy.status is not SuggestionStatus.duplicate]

    @property
    def campaign(self) -> bool:
        """Many near-copies in a short time (CAMPAIGN_MIN_COPIES within CAMPAIGN_HOURS)."""
        return is_campaign(len(self.copies), [self.original.created_at, *(copy.created_at for copy in self.copies)])


def is_campaign(copies: int, times: list[datetime]) -> bool:
    hours = timedelta(hours=current_app.config["CAMPAIGN_HOURS"])
    return copies >= current_app.config["CAMPAIGN_MIN_COPIES"] and max(times) - min(times) <= hours


def _group_sizes(round_id: int, *, open_only: bool) -> Select:
    """Per original: its copies (those still open, if `open_only`), and when the group's first and last arrived."""
    copy = aliased(Suggestion)
    query = (
        select(
            NearDuplicate.original_id,
            func.count().label("copies"),
            func.min(copy.created_at).label("first"),
            func.max(copy.created_at).label("last"),
        )
        .join(copy, copy.id == NearDuplicate.suggestion_id)
        .where(copy.round_id == round_id)
        .group_by(NearDuplicate.original_id)
    )
    if open_only:
        query = query.where(copy.status != SuggestionStatus.duplicate)
    return query


def group_originals(round_id: int, *, open_only: bool = True) -> Select:
    """The originals of the round's groups (of those with copies still open, if `open_only`), largest first."""
    sizes = _group_sizes(round_id, open_only=open_only).subquery()
    return select(sizes.c.original_id).order_by(sizes.c.copies.desc(), sizes.c.original_id)


def near_duplicate_groups(originals: list[int]) -> list[NearDuplicateGroup]:
    """The groups of these originals, in their order, each with its copies as received."""
    suggestions = {
        suggestion.id: suggestion
        for suggestion in db.session.scalars(select(Suggestion).where(Suggestion.id.in_(originals)))
    }
    groups = {original: NearDuplicateGroup(suggestions[original], [], {}) for original in originals}
    rows = db.session.execute(
        select(NearDuplicate, Suggestion)
        .join(Suggestion, Suggestion.id == NearDuplicate.suggestion_id)
        .where(NearDuplicate.original_id.in_(originals))
        .order_by(Suggestion.received_on, Suggestion.id)
    )
    for near, copy in rows:
        groups[near.original_id].copies.append(copy)
        groups[near.original_id].similarity[copy.id] = near.similarity
    return list(groups.values())


def campaign_count(round_id: int) -> int:
    """How many of the round's groups are campaigns."""
    sizes = _group_sizes(round_id, open_only=False).subquery()
    original = aliased(Suggestion)
    rows = db.session.execute(
        select(sizes.c.copies, sizes.c.first, sizes.c.last, original.created_at)
        .join(original, original.id == sizes.c.original_id)
        .where(sizes.c.copies >= current_app.config["CAMPAIGN_MIN_COPIES"])
    )
    return sum(is_campaign(copies, [first, last, made]) for copies, first, last, made in rows)


def near_duplicate_of(suggestion_id: int) -> NearDuplicate | None:
    """The suggestion's place in a group of near-copies, if it is a copy."""
    return db.session.get(NearDuplicate, suggestion_id)


def near_copy_count(suggestion_id: int) -> int:
    """How many near-copies an original has."""
    return db.session.scalar(select(func.count()).where(NearDuplicate.original_id == suggestion_id))


def near_duplicate_rows(round_id: int) -> Select:
    """Every copy of the round, with its original, group by group: the export's rows."""
    return (
        select(NearDuplicate)
        .join(Suggestion, Suggestion.id == NearDuplicate.suggestion_id)
        .where(Suggestion.round_id == round_id)
        .options(joinedload(NearDuplicate.suggestion), joinedload(NearDuplicate.original))
        .order_by(NearDuplicate.original_id, Suggestion.received_on, Suggestion.id)
    )
