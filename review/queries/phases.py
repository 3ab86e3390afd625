"""What a round's next phase needs from the review: the review's items of the round page's checklist."""

from sqlalchemy import exists, func, select

from extensions import db
from review.models import Assignment, Criterion, Decision, Review, ReviewStage, ReviewStatus, Screening
from review.queries.settings import review_settings
from solicitation.models import Proposal, ProposalStatus, Round, RoundStatus
from solicitation.queries import ChecklistItem


def _count(query) -> int:
    return db.session.scalar(query)


def review_checklist(round: Round) -> list[ChecklistItem]:
    """Before the review: criteria and experts; during it: published assignments, every review in, decisions."""
    in_round = Proposal.round_id == round.id
    round_assignments = select(func.count(Assignment.id)).join(Assignment.proposal).where(in_round)
    if round.status is RoundStatus.soliciting:
        unassigned = (
            select(func.count(Proposal.id))
            .where(in_round, Proposal.submitted_at.is_not(None), Proposal.status != ProposalStatus.withdrawn)
            .where(~exists().where(Assignment.proposal_id == Proposal.id))
        )
        has_criteria = select(func.count(Criterion.id)).where(Criterion.round_id == round.id)
        return [
            ChecklistItem("criteria", _count(has_criteria) > 0),
            ChecklistItem("experts_assigned", _count(round_assignments) > 0 and _count(unassigned) == 0),
        ]
    if round.status is RoundStatus.reviewing:
        unpublished = round_assignments.where(~Assignment.published)
        outstanding = (
            round_assignments.outerjoin(Assignment.review)
            .where(Assignment.published)
            .where(Review.id.is_(None) | (Review.status != ReviewStatus.submitted))
        )
        decisions = select(func.count(Screening.proposal_id)).join(Screening.proposal).where(in_round)
        decided = decisions.where(Screening.decision == Decision.selected)
        pending = decisions.where(Screening.decision.is_not(None), Screening.published_at.is_(None))
        return [
            ChecklistItem("assignments_published", _count(round_assignments) > 0 and _count(unpublished) == 0),
            ChecklistItem("reviews_in", _count(outstanding) == 0 and _count(round_assignments) > 0),
            ChecklistItem("decision_stage", review_settings(round.id).stage is ReviewStage.decision),
            ChecklistItem("decisions_published", _count(decided) > 0 and _count(pending) == 0),
        ]
    return []
