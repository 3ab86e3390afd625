"""Read-only selects for rounds, categories and proposals."""

from sqlalchemy import Select, false, func, or_, select

from accounts.models import Role, Unit, UnitKind
from extensions import db
from solicitation.models import Proposal, ProposalStatus, Round, RoundStatus


def rounds(*, q: str = "", status: RoundStatus | None = None) -> Select:
    """Rounds matching the filters, newest year first."""
    query = select(Round).order_by(Round.year.desc())
    if q:
        query = query.where(Round.title.ilike(f"%{q.strip()}%"))
    if status is not None:
        query = query.where(Round.status == status)
    return query


def soliciting_rounds() -> list[Round]:
    """Rounds open for solicitation, newest first."""
    return list(db.session.scalars(rounds(status=RoundStatus.soliciting)))


def visible_proposals(user) -> Select:
    """Proposals `user` may see: their own unit's, or every submitted one for the office."""
    query = select(Proposal)
    if user.role is Role.office:
        return query.where(Proposal.submitted_at.is_not(None))
    if user.role is Role.unit_staff:
        return query.where(Proposal.unit_id == user.unit_id)
    return query.where(false())


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
    query = visible_proposals(user).join(Proposal.unit).where(Proposal.round_id == round_id)
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
    """How many of the selected proposals are in each status."""
    selected = query.order_by(None).subquery()
    counts = dict(db.session.execute(select(selected.c.status, func.count()).group_by(selected.c.status)).all())
    return {status: counts[status] for status in ProposalStatus if status in counts}
