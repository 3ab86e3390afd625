"""Field visits: who sees one, a proposal's visits, a round's counts."""

from sqlalchemy import ColumnElement, and_, exists, false, func, select

from accounts.models import Role
from accounts.permissions import has_role
from accounts.queries import events_of_records
from extensions import db
from review.models import Assignment, FieldVisit
from review.queries.assignments import reviewing
from solicitation.models import Proposal
from solicitation.queries import proposal_visible_to


def field_visit_visible_to(user) -> ColumnElement[bool]:
    """Who sees a field visit, as a SQL condition on FieldVisit: the office, those of a proposal it sees; an
    expert, those of a proposal they review (`reviewing`); nobody else."""
    if has_role(user, Role.office):
        return FieldVisit.proposal_id.in_(select(Proposal.id).where(proposal_visible_to(user)))
    if has_role(user, Role.expert):
        return FieldVisit.proposal_id.in_(select(Assignment.proposal_id).where(reviewing(user)))
    return false()


def field_visit_is_visible(user, visit_id: int) -> bool:
    """Whether `user` may see this one field visit: the rule asked of one row."""
    return db.session.scalar(select(exists().where(FieldVisit.id == visit_id, field_visit_visible_to(user))))


def field_visit_events_visible_to(user) -> ColumnElement[bool]:
    """Which audit events of field visits `user` may read: those of a visit `user` sees."""
    return events_of_records(FieldVisit, field_visit_visible_to(user))


def field_visits(proposal_id: int) -> list[FieldVisit]:
    query = select(FieldVisit).where(FieldVisit.proposal_id == proposal_id).order_by(FieldVisit.visited_on)
    return list(db.session.scalars(query))


def field_visit_counts(round_id: int) -> dict[int, int]:
    """How many field visits each proposal of the round had."""
    query = (
        select(FieldVisit.proposal_id, func.count(FieldVisit.id))
        .join(Proposal, and_(Proposal.id == FieldVisit.proposal_id, Proposal.round_id == round_id))
        .group_by(FieldVisit.proposal_id)
    )
    return dict(db.session.execute(query).all())
