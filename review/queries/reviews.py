"""Reviews: a proposal's reviews, and the round's submitted scores that the ranking reads."""

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import selectinload

from accounts.queries import events_of_records
from extensions import db
from review.models import Assignment, Conflict, ConflictStatus, Criterion, Review, ReviewStatus, Score
from review.queries.assignments import assignment_visible_to
from review.queries.conflicts import blocking_conflict
from solicitation.models import Proposal


def review_events_visible_to(user) -> ColumnElement[bool]:
    """Which audit events of reviews `user` may read: those of a review on an assignment `user` sees."""
    visible = Review.assignment_id.in_(select(Assignment.id).where(assignment_visible_to(user)))
    return events_of_records(Review, visible)


def submitted_scores(round_id: int):
    """Scores of submitted reviews of the round, joined to their assignment, criterion and any standing conflict."""
    scores = select().select_from(Score).join(Review, Review.id == Score.review_id)
    return submitted_reviews(scores.join(Criterion, Criterion.id == Score.criterion_id), round_id)


def submitted_reviews(query: Select, round_id: int) -> Select:
    """`query`, which joins Review, kept to the submitted reviews of the round, joined to their assignment and any
    standing conflict. The conflict comes by an outer join (a set operation) rather than a test per row.
    """
    return (
        query.join(Assignment, Assignment.id == Review.assignment_id)
        .join(Proposal, and_(Proposal.id == Assignment.proposal_id, Proposal.round_id == round_id))
        .outerjoin(
            Conflict,
            and_(
                Conflict.expert_id == Assignment.expert_id,
                Conflict.proposal_id == Assignment.proposal_id,
                Conflict.status != ConflictStatus.dismissed,
            ),
        )
        .where(Review.status == ReviewStatus.submitted)
    )


def review_totals(round_id: int) -> list[tuple[int, int, float | None, bool, object]]:
    """(proposal, expert, weighted total, conflicted, recommendation) of each submitted review of the round."""
    columns = (Assignment.proposal_id, Assignment.expert_id, Review.total, Conflict.id.is_not(None))
    query = submitted_reviews(select(*columns, Review.recommendation).select_from(Review), round_id)
    return [tuple(row) for row in db.session.execute(query)]


def criterion_means(round_id: int, proposal_ids: list[int] | None = None) -> list[tuple[int, int, float, int]]:
    """(proposal, criterion, mean score, scores at or below its veto threshold) over the reviews that count.

    Conflicted reviews are left out, as from every aggregate. Of the given proposals only, if given.
    """
    at_veto = and_(Criterion.veto_at.is_not(None), Score.value <= Criterion.veto_at)
    query = (
        submitted_scores(round_id)
        .add_columns(
            Assignment.proposal_id, Score.criterion_id, func.avg(Score.value), func.count(Score.id).filter(at_veto)
        )
        .where(Conflict.id.is_(None))
        .group_by(Assignment.proposal_id, Score.criterion_id)
    )
    if proposal_ids is not None:
        query = query.where(Assignment.proposal_id.in_(proposal_ids))
    return [tuple(row) for row in db.session.execute(query)]


def reviews_of(proposal_id: int) -> list[Review]:
    """Every review of a proposal, submitted or draft, with its expert and scores."""
    query = (
        select(Review)
        .join(Review.assignment)
        .options(selectinload(Review.scores), selectinload(Review.assignment).selectinload(Assignment.expert))
        .where(Assignment.proposal_id == proposal_id)
        .order_by(Review.id)
    )
    return list(db.session.scalars(query))


def panel_reviews(proposal_id: int) -> list[Review]:
    """The submitted reviews of a proposal that count (no conflict): what the panel discusses."""
    query = (
        select(Review)
        .join(Review.assignment)
        .options(selectinload(Review.scores), selectinload(Review.assignment).selectinload(Assignment.expert))
        .where(
            Assignment.proposal_id == proposal_id,
            Review.status == ReviewStatus.submitted,
            ~blocking_conflict(Assignment.expert_id, Assignment.proposal_id),
        )
        .order_by(Review.id)
    )
    return list(db.session.scalars(query))


def round_reviews(round_id: int) -> list[tuple[Review, bool]]:
    """Every submitted review of the round with its scores, expert and proposal, and whether it is conflicted."""
    query = (
        select(Review, blocking_conflict(Assignment.expert_id, Assignment.proposal_id))
        .join(Review.assignment)
        .join(Assignment.proposal)
        .options(
            selectinload(Review.scores),
            selectinload(Review.assignment).selectinload(Assignment.expert),
            selectinload(Review.assignment).selectinload(Assignment.proposal).load_only(Proposal.id, Proposal.title),
        )
        .where(Proposal.round_id == round_id, Review.status == ReviewStatus.submitted)
        .order_by(Assignment.proposal_id, Assignment.expert_id)
    )
    return [(review, bool(conflicted)) for review, conflicted in db.session.execute(query)]
