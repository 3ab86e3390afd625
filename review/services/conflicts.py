"""Conflicts of interest (回避): declared by the expert, detected by the platform, entered by the office."""

from sqlalchemy import exists, select

from accounts import audit
from accounts.models import Role, User
from accounts.permissions import check_office
from extensions import db
from review.errors import ReviewError
from review.models import Assignment, Conflict, ConflictSource, ConflictStatus, Review, ReviewStatus
from review.queries import is_unit_conflict, unit_conflict
from review.services.standings import refresh_standings
from solicitation.models import Proposal, Round


def _existing(expert_id: int, proposal_id: int) -> Conflict | None:
    return db.session.scalar(
        select(Conflict).where(Conflict.expert_id == expert_id, Conflict.proposal_id == proposal_id)
    )


def _record(*, actor, expert: User, proposal: Proposal, source, status, reason: str) -> Conflict:
    conflict = _existing(expert.id, proposal.id)
    if conflict is not None and conflict.status is not ConflictStatus.dismissed:
        raise ReviewError("conflict_exists")
    if conflict is None:
        conflict = Conflict(expert=expert, proposal=proposal)
        db.session.add(conflict)
    conflict.source, conflict.status, conflict.reason = source, status, reason.strip()
    conflict.recorded_by_id = actor.id if actor else None
    audit.record(
        actor=actor,
        action=f"conflict.{source.value}",
        obj=conflict,
        after={"status": status.value, "reason": conflict.reason},
    )
    return conflict


def _drop_unreviewed_assignment(expert: User, proposal: Proposal) -> None:
    """A conflicted expert no longer reviews the proposal; a submitted review stays, flagged by the conflict."""
    assignment = db.session.scalar(
        select(Assignment).where(Assignment.expert_id == expert.id, Assignment.proposal_id == proposal.id)
    )
    if assignment is not None and (assignment.review is None or assignment.review.status is ReviewStatus.draft):
        db.session.delete(assignment)


def _refresh_if_reviewed(pairs: list[tuple[int, Proposal]]) -> None:
    """Recompute the standings of the rounds where one of these (expert, proposal) has a submitted review: a
    conflict leaves it out of the aggregates, a dismissed one brings it back."""
    rounds = set()
    for expert_id, proposal in pairs:
        reviewed = exists().where(
            Assignment.expert_id == expert_id,
            Assignment.proposal_id == proposal.id,
            Review.assignment_id == Assignment.id,
            Review.status == ReviewStatus.submitted,
        )
        if proposal.round_id not in rounds and db.session.scalar(select(reviewed)):
            rounds.add(proposal.round_id)
    for round_id in rounds:
        refresh_standings(round_id)


def declare_conflict(*, actor: User, proposal: Proposal, reason: str = "") -> Conflict:
    """An expert declares a conflict with a proposal (also the 'abstain' button of an assignment)."""
    if actor.role is not Role.expert:
        raise ReviewError("not_an_expert", name=actor.display_name)
    conflict = _record(
        actor=actor,
        expert=actor,
        proposal=proposal,
        source=ConflictSource.declared,
        status=ConflictStatus.confirmed,
        reason=reason,
    )
    _drop_unreviewed_assignment(actor, proposal)
    _refresh_if_reviewed([(actor.id, proposal)])
    db.session.commit()
    return conflict


def record_conflict(*, actor: User, expert: User, proposal: Proposal, reason: str) -> Conflict:
    """The office enters a conflict it knows of."""
    check_office(actor, ReviewError)
    conflict = _record(
        actor=actor,
        expert=expert,
        proposal=proposal,
        source=ConflictSource.office,
        status=ConflictStatus.confirmed,
        reason=reason,
    )
    _drop_unreviewed_assignment(expert, proposal)
    _refresh_if_reviewed([(expert.id, proposal)])
    db.session.commit()
    return conflict


def detect_conflicts(*, actor: User, round: Round) -> list[Conflict]:
    """Record the conflicts the platform sees (an expert works for the proposing unit or a cooperating one).

    They block from the start (review.queries.unit_conflict); recorded, they show on the office's board, confirmed:
    unassigned where no review was submitted, and not to be dismissed.
    """
    check_office(actor, ReviewError)
    recorded = exists().where(
        Conflict.expert_id == User.id, Conflict.proposal_id == Proposal.id, Conflict.status != ConflictStatus.dismissed
    )
    pairs = db.session.execute(
        select(User, Proposal)
        .join(Proposal, unit_conflict(User.id, Proposal.id))
        .where(User.role == Role.expert, Proposal.round_id == round.id, Proposal.submitted_at.is_not(None), ~recorded)
        .order_by(Proposal.id, User.id)
    ).all()
    found = []
    for expert, proposal in pairs:
        found.append(
            _record(
                actor=actor,
                expert=expert,
                proposal=proposal,
                source=ConflictSource.detected,
                status=ConflictStatus.confirmed,
                reason=expert.unit.name,
            )
        )
        _drop_unreviewed_assignment(expert, proposal)
    _refresh_if_reviewed([(expert.id, proposal) for expert, proposal in pairs])
    db.session.commit()
    return found


def decide_conflict(*, actor: User, conflict: Conflict, confirm: bool) -> Conflict:
    """The office confirms a suggested conflict (the expert leaves the proposal) or dismisses it."""
    check_office(actor, ReviewError)
    if not confirm and is_unit_conflict(conflict.expert_id, conflict.proposal_id):
        raise ReviewError("conflict_by_unit", name=conflict.expert.display_name)
    before = conflict.status
    conflict.status = ConflictStatus.confirmed if confirm else ConflictStatus.dismissed
    audit.record(
        actor=actor,
        action="conflict.confirm" if confirm else "conflict.dismiss",
        obj=conflict,
        before={"status": before.value},
        after={"status": conflict.status.value},
    )
    if confirm:
        _drop_unreviewed_assignment(conflict.expert, conflict.proposal)
    _refresh_if_reviewed([(conflict.expert_id, conflict.proposal)])
    db.session.commit()
    return conflict
