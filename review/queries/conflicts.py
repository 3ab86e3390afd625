"""Conflicts of interest: the one rule of who may be assigned and review what, and the round's recorded conflicts."""

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.orm import aliased

from accounts.models import User
from extensions import db
from review.models import Conflict, ConflictStatus
from solicitation.models import Proposal, proposal_cooperating_units


def unit_conflict(expert_id, proposal_id) -> ColumnElement[bool]:
    """The SQL condition 'the expert works for the proposing unit or a cooperating one': a conflict of interest
    from the moment it is true, whether or not anyone has detected or recorded it."""
    expert, proposal, cooperating = aliased(User), aliased(Proposal), proposal_cooperating_units.alias()
    cooperating_units = select(cooperating.c.unit_id).where(cooperating.c.proposal_id == proposal.id)
    return exists().where(
        expert.id == expert_id,
        proposal.id == proposal_id,
        or_(expert.unit_id == proposal.unit_id, expert.unit_id.in_(cooperating_units)),
    )


def blocking_conflict(expert_id, proposal_id) -> ColumnElement[bool]:
    """The SQL condition 'a conflict of interest stands between this expert and proposal': the expert's own unit
    proposes or cooperates, or a conflict is on record (declared, entered, detected) and not dismissed.

    The one rule of who may be assigned and review what: hand, automatic and spreadsheet assignment, the
    expert's pages and saves, and the detection all go through it.
    """
    recorded = exists().where(
        Conflict.expert_id == expert_id,
        Conflict.proposal_id == proposal_id,
        Conflict.status != ConflictStatus.dismissed,
    )
    return or_(unit_conflict(expert_id, proposal_id), recorded)


def is_unit_conflict(expert_id: int, proposal_id: int) -> bool:
    return db.session.scalar(select(unit_conflict(expert_id, proposal_id)))


def is_conflicted(expert_id: int, proposal_id: int) -> bool:
    return db.session.scalar(select(blocking_conflict(expert_id, proposal_id)))


def conflicted_pairs(proposal_ids: list[int], expert_ids: list[int]) -> set[tuple[int, int]]:
    """(proposal, expert) pairs of these between which a conflict stands, in one query."""
    query = (
        select(Proposal.id, User.id)
        .join(User, blocking_conflict(User.id, Proposal.id))
        .where(Proposal.id.in_(proposal_ids), User.id.in_(expert_ids))
    )
    return {(proposal_id, expert_id) for proposal_id, expert_id in db.session.execute(query)}


def round_conflicts(round_id: int) -> list[Conflict]:
    query = select(Conflict).join(Conflict.proposal).where(Proposal.round_id == round_id)
    return list(db.session.scalars(query.order_by(Conflict.status, Conflict.id)))
