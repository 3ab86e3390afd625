"""Screening and decisions: the shortlist, the published decision, the funnel, a proposal's linked suggestions."""

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from accounts.models import User
from extensions import db
from review.models import Assignment, Decision, Review, ReviewStatus, Screening
from solicitation.models import Proposal, Suggestion, suggestion_proposals


def screenings(round_id: int, *, proposal_ids=None) -> dict[int, Screening]:
    """The round's screenings by proposal (of the proposals of `proposal_ids` only, when given)."""
    query = select(Screening).join(Screening.proposal).where(Proposal.round_id == round_id)
    if proposal_ids is not None:
        query = query.where(Screening.proposal_id.in_(proposal_ids))
    return {s.proposal_id: s for s in db.session.scalars(query)}


def screening_of(proposal_id: int) -> Screening | None:
    return db.session.get(Screening, proposal_id)


def published_decision(proposal_id: int) -> Screening | None:
    """The office's decision on a proposal once published (what the unit may read), else None."""
    screening = screening_of(proposal_id)
    return screening if screening is not None and screening.published_at is not None else None


def published_decisions(proposal_ids) -> list[Screening]:
    """The office's published decisions on these proposals, in one statement."""
    query = select(Screening).where(Screening.proposal_id.in_(list(proposal_ids)), Screening.published_at.is_not(None))
    return list(db.session.scalars(query))


def funnel(round_id: int) -> dict[str, int]:
    """Received → reviewed → shortlisted → selected, e.g. 108 → 30 → 11: each step the proposals that reached it or
    a later one, so each is part of the step before (the office may decide without a shortlist, or shortlist before
    any review is in: a proposal it selected has passed through shortlisting all the same)."""
    reviewed = (
        select(Assignment.id)
        .join(Review, Review.assignment_id == Assignment.id)
        .where(Assignment.proposal_id == Proposal.id, Review.status == ReviewStatus.submitted)
        .exists()
    )
    selected = Screening.decision == Decision.selected
    shortlisted = or_(Screening.shortlisted, selected)
    counted = func.count(Proposal.id)
    row = db.session.execute(
        select(
            counted, counted.filter(or_(reviewed, shortlisted)), counted.filter(shortlisted), counted.filter(selected)
        )
        .select_from(Proposal)
        .outerjoin(Screening, Screening.proposal_id == Proposal.id)
        .where(Proposal.round_id == round_id, Proposal.submitted_at.is_not(None))
    ).one()
    return dict(zip(("received", "reviewed", "shortlisted", "selected"), row, strict=True))


def linked_suggestions(proposal_id: int) -> list[Suggestion]:
    """Residents' suggestions the office linked to a proposal."""
    query = (
        select(Suggestion)
        .join(suggestion_proposals, suggestion_proposals.c.suggestion_id == Suggestion.id)
        .where(suggestion_proposals.c.proposal_id == proposal_id)
    )
    return list(db.session.scalars(query))


def proposals_by_id(ids) -> list[Proposal]:
    """The proposals of `ids` (the office ticked them in the ranking), by number, with their units."""
    query = select(Proposal).where(Proposal.id.in_(ids)).options(selectinload(Proposal.unit)).order_by(Proposal.id)
    return list(db.session.scalars(query))


def decision_recipients(proposal_ids) -> tuple[int, int]:
    """Whom publishing these proposals' decisions will mail: (their units, their active staff with an address)."""
    staff = and_(User.unit_id == Proposal.unit_id, User.active, User.email.is_not(None), User.email != "")
    return db.session.execute(
        select(func.count(func.distinct(Proposal.unit_id)), func.count(func.distinct(User.id)))
        .select_from(Proposal)
        .outerjoin(User, staff)
        .where(Proposal.id.in_(proposal_ids))
    ).one()
