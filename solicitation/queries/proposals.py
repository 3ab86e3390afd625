"""Proposals: who sees one and its audit events, the round's lists, what a suggestion fed into."""

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select
from sqlalchemy.orm import aliased, contains_eager, load_only, selectinload

from accounts.models import AuditEvent, Role, Unit, UnitKind
from accounts.permissions import has_role
from extensions import db
from solicitation.models import (
    Proposal,
    ProposalStatus,
    suggestion_proposals,
)
from solicitation.queries.lists import counts_by

# What a list of proposals draws (title, unit, category, status, when sent): the long texts stay in the database.
PROPOSAL_ROW = (
    load_only(
        Proposal.id,
        Proposal.round_id,
        Proposal.title,
        Proposal.unit_id,
        Proposal.category_id,
        Proposal.topic_id,
        Proposal.status,
        Proposal.submitted_at,
    ),
    selectinload(Proposal.unit),
    selectinload(Proposal.category),
)


def proposal_visible_to(user) -> ColumnElement[bool]:
    """The one rule of who sees a proposal, as a SQL condition on Proposal.

    The proposing unit's staff always; the office from the first submission on (returned, resubmitted, withdrawn
    since: still), and a draft only if the office started it; nobody else. (An expert reads what they are
    assigned through review's own rule, which starts from this one.) The page's predicate, the lists, the search
    audience and the audit log all ask this.
    """
    if has_role(user, Role.unit_staff) and user.unit_id is not None:
        return Proposal.unit_id == user.unit_id
    if has_role(user, Role.office):
        return Proposal.seen_by_office
    return false()


def proposal_as_seen_by(user, proposal: Proposal):
    """The proposal as `user` reads it: its own unit with the changes it has not sent yet (RevisedProposal),
    everyone else as it was submitted."""
    if has_role(user, Role.unit_staff) and user.unit_id == proposal.unit_id:
        return proposal.as_revised()
    return proposal


def visible_proposals(user) -> Select:
    """Proposals `user` may see."""
    return select(Proposal).where(proposal_visible_to(user))


def proposal_is_visible(user, proposal_id: int) -> bool:
    """Whether `user` may see this one proposal: the rule asked of one row."""
    return db.session.scalar(select(exists().where(Proposal.id == proposal_id, proposal_visible_to(user))))


def proposals_fed_by(user, suggestion_ids: list[int]) -> dict[int, list[Proposal]]:
    """The proposals each suggestion fed into (linked or drafted from it) that `user` may see, in one query."""
    link = suggestion_proposals.c
    query = (
        visible_proposals(user)
        .add_columns(link.suggestion_id)
        .join(suggestion_proposals, link.proposal_id == Proposal.id)
        .options(selectinload(Proposal.unit))
        .where(link.suggestion_id.in_(suggestion_ids))
        .order_by(Proposal.id)
    )
    fed = {suggestion_id: [] for suggestion_id in suggestion_ids}
    for proposal, suggestion_id in db.session.execute(query):
        fed[suggestion_id].append(proposal)
    return fed


# The unit's saves of a proposal: once it has reached the office, those made while it is back with the unit
# (returned) are the unit's unsubmitted work until it resubmits.
PROPOSAL_SAVES = ("proposal.update", "proposal.attach", "proposal.detach")


def proposal_events_visible_to(user) -> ColumnElement[bool]:
    """Which audit events of proposals `user` may read, as a SQL condition on AuditEvent.

    Those of a proposal `user` may see; for the office, not the unit's saves made after a submission and not yet
    followed by another (a returned proposal is read as it was returned, until the unit resubmits it).
    """
    seen = AuditEvent.object_id.in_(select(Proposal.id).where(proposal_visible_to(user)))
    if not has_role(user, Role.office):
        return seen
    submit = aliased(AuditEvent)
    submitted = and_(
        submit.object_type == "Proposal", submit.object_id == AuditEvent.object_id, submit.action == "proposal.submit"
    )
    unsubmitted_save = and_(
        AuditEvent.action.in_(PROPOSAL_SAVES),
        exists().where(submitted, submit.id < AuditEvent.id),
        ~exists().where(submitted, submit.id > AuditEvent.id),
    )
    return and_(seen, ~unsubmitted_save)


def proposals(
    user,
    *,
    round_id: int,
    q: str = "",
    unit_id: int | None = None,
    unit_kind: UnitKind | None = None,
    category_id: int | None = None,
    status: ProposalStatus | None = None,
) -> Select:
    """The round's proposals `user` may see, filtered, newest first."""
    query = (
        visible_proposals(user)
        .join(Proposal.unit)
        .options(
            contains_eager(Proposal.unit), selectinload(Proposal.category), selectinload(Proposal.cooperating_units)
        )
        .where(Proposal.round_id == round_id)
    )
    if q:
        like = f"%{q.strip()}%"
        query = query.where(or_(Proposal.title.ilike(like), Proposal.content.ilike(like)))
    if unit_id is not None:
        query = query.where(Proposal.unit_id == unit_id)
    if unit_kind is not None:
        query = query.where(Unit.kind == unit_kind)
    if category_id is not None:
        query = query.where(Proposal.category_id == category_id)
    if status is not None:
        query = query.where(Proposal.status == status)
    return query.order_by(Proposal.updated_at.desc(), Proposal.id.desc())


def counts_by_status(query: Select) -> dict[ProposalStatus, int]:
    """How many of the selected proposals are in each status, in the statuses' order."""
    counts = dict(counts_by(Proposal.status, query))
    return {status: counts[status] for status in ProposalStatus if status in counts}


def submitted_proposals(round_id: int) -> list[Proposal]:
    """Proposals of the round the office can link a suggestion to: submitted and not withdrawn."""
    query = (
        select(Proposal)
        .options(selectinload(Proposal.unit))  # each is shown with its unit
        .where(
            Proposal.round_id == round_id,
            Proposal.submitted_at.is_not(None),
            Proposal.status != ProposalStatus.withdrawn,
        )
    )
    return list(db.session.scalars(query.order_by(Proposal.id)))
