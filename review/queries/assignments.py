"""Assignments: what an expert reviews, who sees an assignment, the round's proposals, experts and loads, and the
experts' progress."""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, select
from sqlalchemy.orm import contains_eager, selectinload

from accounts.models import Role, User
from accounts.permissions import has_role
from extensions import db
from review.models import Assignment, ExpertProfile, Review, ReviewStatus
from review.queries.conflicts import blocking_conflict, conflicted_pairs
from review.solver import Problem
from solicitation.models import Proposal, ProposalStatus
from solicitation.queries import PROPOSAL_ROW, proposal_visible_to

DEFAULT_MAX_LOAD = 10  # an expert without a profile takes at most this many proposals of a round


def reviewing(expert: User) -> ColumnElement[bool]:
    """The one rule of what an expert reads and reviews, as a SQL condition on Assignment: a proposal the office
    sees (solicitation's rule) and has not been withdrawn, assigned to the expert, the assignment published, no
    conflict standing."""
    under_review = select(Proposal.id).where(Proposal.seen_by_office, Proposal.status != ProposalStatus.withdrawn)
    return and_(
        Assignment.proposal_id.in_(under_review),
        Assignment.expert_id == expert.id,
        Assignment.published,
        ~blocking_conflict(Assignment.expert_id, Assignment.proposal_id),
    )


def assignment_visible_to(user) -> ColumnElement[bool]:
    """The one rule of who sees an assignment (and the review written on it), as a SQL condition on Assignment.

    The office, those of a proposal it sees (solicitation's rule); an expert, those they review (`reviewing`);
    nobody else (a proposing unit reads the published decision, never the reviews). The audit log asks this; the
    expert's queue and review page ask `reviewing`, the office's review pages the proposal's rule: the same two
    conditions, which tests/test_visibility_agreement.py checks against each other.
    """
    if has_role(user, Role.office):
        return Assignment.proposal_id.in_(select(Proposal.id).where(proposal_visible_to(user)))
    if has_role(user, Role.expert):
        return reviewing(user)
    return false()


def my_assignments(expert: User) -> Select:
    """The assignments the expert reviews (`reviewing`), those still to review first."""
    return (
        select(Assignment)
        .join(Assignment.proposal)
        .outerjoin(Assignment.review)
        # what the expert's list shows of each: read with the assignments, not one query per row
        .options(
            contains_eager(Assignment.review),
            contains_eager(Assignment.proposal).options(
                selectinload(Proposal.round), selectinload(Proposal.unit), selectinload(Proposal.category)
            ),
        )
        .where(reviewing(expert))
        .order_by(Review.submitted_at.is_not(None), Assignment.id)
    )


def my_assignment_list(expert: User) -> list[Assignment]:
    """The expert's assignments, read, in the order of `my_assignments`."""
    return list(db.session.scalars(my_assignments(expert)))


def assignment_of(expert: User, proposal_id: int) -> Assignment | None:
    """The expert's assignment to the proposal, if any."""
    return db.session.scalar(
        select(Assignment).where(Assignment.expert_id == expert.id, Assignment.proposal_id == proposal_id)
    )


def reviews_assignment(expert: User, assignment_id: int) -> bool:
    """Whether the expert reviews this assignment: the rule asked of one row."""
    return db.session.scalar(
        select(exists().where(Assignment.id == assignment_id, Proposal.id == Assignment.proposal_id, reviewing(expert)))
    )


def reviews_proposal(expert: User, proposal_id: int) -> bool:
    """Whether the expert reviews this proposal: the rule asked of one proposal."""
    return db.session.scalar(
        select(exists().where(Proposal.id == proposal_id, Assignment.proposal_id == Proposal.id, reviewing(expert)))
    )


def round_proposals(round_id: int) -> list[Proposal]:
    """The round's proposals under review: submitted and not withdrawn."""
    query = (
        select(Proposal)
        .options(*PROPOSAL_ROW)
        .where(
            Proposal.round_id == round_id,
            Proposal.submitted_at.is_not(None),
            Proposal.status != ProposalStatus.withdrawn,
        )
    )
    return list(db.session.scalars(query.order_by(Proposal.id)))


def round_assignments(round_id: int) -> list[Assignment]:
    """The round's assignments, each with its expert and review read in one statement per kind, not per row."""
    query = (
        select(Assignment)
        .join(Assignment.proposal)
        .where(Proposal.round_id == round_id)
        .options(selectinload(Assignment.expert), selectinload(Assignment.review))
    )
    return list(db.session.scalars(query.order_by(Assignment.id)))


def experts_with_load(round_id: int) -> list[tuple[User, ExpertProfile | None, int]]:
    """Active experts, their profile and how many proposals of the round they are assigned."""
    loads = dict(
        db.session.execute(
            select(Assignment.expert_id, func.count(Assignment.id))
            .join(Assignment.proposal)
            .where(Proposal.round_id == round_id)
            .group_by(Assignment.expert_id)
        ).all()
    )
    query = (
        select(User, ExpertProfile)
        .outerjoin(ExpertProfile, ExpertProfile.user_id == User.id)
        .options(selectinload(User.unit))
        .where(User.role == Role.expert, User.active)
        .order_by(User.display_name)
    )
    return [(user, profile, loads.get(user.id, 0)) for user, profile in db.session.execute(query)]


def expert_profile(expert_id: int) -> ExpertProfile | None:
    """The expert's profile, if the office has filled it in."""
    return db.session.get(ExpertProfile, expert_id)


def expertise_matches(items, fields: dict[int, str]) -> set[tuple[int, int]]:
    """(item, expert) pairs where the item's category (a proposal's, a suggestion's) is among the expert's fields."""
    return {
        (item.id, expert_id)
        for item in items
        for expert_id, text in fields.items()
        if item.category and text and item.category.name in text
    }


def assignment_problem(round_id: int, k: int) -> Problem:
    """The round's assignment as the solver sees it: proposals, experts' caps, what stands, what is barred."""
    proposals = round_proposals(round_id)
    experts = experts_with_load(round_id)
    assigned = {(a.proposal_id, a.expert_id) for a in round_assignments(round_id)}
    ids = [p.id for p in proposals]
    conflicts = conflicted_pairs(ids, [expert.id for expert, _profile, _load in experts])
    fields = {expert.id: (profile.expertise if profile else "") for expert, profile, _load in experts}
    matches = expertise_matches(proposals, fields)
    caps = {expert.id: (profile.max_load if profile else DEFAULT_MAX_LOAD) for expert, profile, _load in experts}
    return Problem(proposals=ids, experts=caps, k=k, existing=assigned, conflicts=conflicts, matches=matches)


@dataclass
class ExpertProgress:
    expert: User
    assigned: int
    submitted: int
    drafts: int
    reminded_at: object  # datetime of the last reminder, or None

    @property
    def outstanding(self) -> int:
        return self.assigned - self.submitted


def expert_progress(round_id: int) -> list[ExpertProgress]:
    """Each expert with published assignments in the round: assigned, submitted, drafts, last reminder.

    Conflicted assignments do not count: the expert no longer sees them.
    """
    submitted = Review.status == ReviewStatus.submitted
    query = (
        select(
            User,
            func.count(Assignment.id),
            func.count(Review.id).filter(submitted),
            func.count(Review.id).filter(Review.status == ReviewStatus.draft),
            func.max(Assignment.reminded_at),
        )
        .join(Assignment, Assignment.expert_id == User.id)
        .join(Proposal, and_(Proposal.id == Assignment.proposal_id, Proposal.round_id == round_id))
        .outerjoin(Review, Review.assignment_id == Assignment.id)
        .where(
            Assignment.published,
            Proposal.status != ProposalStatus.withdrawn,
            ~blocking_conflict(Assignment.expert_id, Assignment.proposal_id),
        )
        .group_by(User.id)
        .order_by(User.display_name)
    )
    return [ExpertProgress(*row) for row in db.session.execute(query)]
