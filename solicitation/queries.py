"""Read-only selects for rounds, categories, proposals and suggestions."""

from typing import NamedTuple

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, or_, select, true
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from accounts.models import AuditEvent, Role, Unit, UnitKind
from accounts.permissions import has_role
from accounts.queries import events_of_records
from extensions import db
from solicitation.models import (
    Category,
    Channel,
    Proposal,
    ProposalStatus,
    RejectReason,
    Round,
    RoundStatus,
    Suggestion,
    SuggestionStatus,
    suggestion_proposals,
)


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


def suggestion_visible_to(user) -> ColumnElement[bool]:
    """The one rule of who sees a suggestion on the staff side, as a SQL condition on Suggestion.

    The office, every one; a unit's staff, those referred to their unit (contact details masked); nobody else.
    (An expert reads what is sent to them for screening through review's own rule; the public reads
    `publicly_visible_suggestions`.) The page's predicate, the lists, the JSON API, the search audience and the
    audit log all ask this.
    """
    if has_role(user, Role.office):
        return true()
    if has_role(user, Role.unit_staff) and user.unit_id is not None:
        return Suggestion.referred_unit_id == user.unit_id
    return false()


def visible_suggestions(user) -> Select:
    """Suggestions `user` may see."""
    return select(Suggestion).where(suggestion_visible_to(user))


def suggestion_is_visible(user, suggestion_id: int) -> bool:
    """Whether `user` may see this one suggestion: the rule asked of one row."""
    return db.session.scalar(select(exists().where(Suggestion.id == suggestion_id, suggestion_visible_to(user))))


def suggestion_events_visible_to(user) -> ColumnElement[bool]:
    """Which audit events of suggestions `user` may read, as a SQL condition on AuditEvent: those of a suggestion
    `user` sees."""
    return events_of_records(Suggestion, suggestion_visible_to(user))


def suggestions(
    user,
    *,
    round_id: int,
    q: str = "",
    status: SuggestionStatus | None = None,
    channel: Channel | None = None,
    category_id: int | None = None,
    referred_unit_id: int | None = None,
    held_reply: bool = False,
) -> Select:
    """The round's suggestions `user` may see matching the filters, newest first (contact details are never
    searched)."""
    query = (
        visible_suggestions(user)
        .options(
            selectinload(Suggestion.category),
            selectinload(Suggestion.referred_unit),
            selectinload(Suggestion.proposals),
        )
        .where(Suggestion.round_id == round_id)
    )
    if q:
        like = f"%{q.strip()}%"
        code = q.strip().replace("-", "").upper()
        query = query.where(
            or_(Suggestion.title.ilike(like), Suggestion.content.ilike(like), Suggestion.tracking_code == code)
        )
    if status is not None:
        query = query.where(Suggestion.status == status)
    if channel is not None:
        query = query.where(Suggestion.channel == channel)
    if category_id is not None:
        query = query.where(Suggestion.category_id == category_id)
    if referred_unit_id is not None:
        query = query.where(Suggestion.referred_unit_id == referred_unit_id)
    if held_reply:
        query = query.where(Suggestion.reply != "", Suggestion.reply_published_at.is_(None))
    return query.order_by(Suggestion.created_at.desc(), Suggestion.id.desc())


def round_suggestions(round_id: int, ids: list[int]) -> list[Suggestion]:
    """The suggestions of the round among `ids` (an id of another round is ignored)."""
    return list(db.session.scalars(select(Suggestion).where(Suggestion.round_id == round_id, Suggestion.id.in_(ids))))


def all_rows(query: Select) -> list:
    """Every record a list's select finds, not a page of them (an export)."""
    return list(db.session.scalars(query))


def referred_to(user) -> Select:
    """Suggestions referred to the unit of `user` (those the rule shows its staff), those still waiting for its
    answer first."""
    return (
        visible_suggestions(user)
        .where(Suggestion.referred_unit_id.is_not(None))
        .order_by(Suggestion.unit_answered_at.is_not(None), Suggestion.created_at.desc())
    )


def counts_by(column, query: Select) -> list[tuple[object, int]]:
    """How many of the rows `query` selects have each value of `column` (one of theirs), most first."""
    # The same select with its joins and filters, grouped: no subquery copying the rows' columns.
    grouped = query.with_only_columns(column, func.count()).group_by(column).order_by(None)
    return sorted(db.session.execute(grouped).all(), key=lambda row: -row[1])


def publicly_visible_rounds() -> ColumnElement[bool]:
    """Which rounds the public sees (on /heard): every one out of preparation."""
    return Round.status != RoundStatus.preparing


def public_rounds() -> list[Round]:
    """The rounds the public sees, those soliciting first, each newest first: /heard's choice."""
    soliciting_first = Round.status != RoundStatus.soliciting  # false sorts first
    query = select(Round).where(publicly_visible_rounds()).order_by(soliciting_first, Round.year.desc())
    return list(db.session.scalars(query))


class Heard(NamedTuple):
    """What a round heard: every suggestion received, how many the office set aside (rejected: left out of the
    counts, never shown) by reason, and the others by category (its name; None: not classified) and by channel."""

    received: int
    set_aside: list[tuple[RejectReason | None, int]]
    by_category: list[tuple[str | None, int]]
    by_channel: list[tuple[Channel, int]]

    @property
    def counted(self) -> int:
        return self.received - sum(count for _reason, count in self.set_aside)


def heard_counts(round_id: int) -> Heard:
    """What a round heard, from one grouped count; each list most first."""
    rejected = Suggestion.status == SuggestionStatus.rejected
    query = (
        select(
            Suggestion.category_id, Category.name, Suggestion.channel, rejected, Suggestion.reject_reason, func.count()
        )
        .select_from(Suggestion)
        .outerjoin(Category, Category.id == Suggestion.category_id)
        .where(Suggestion.round_id == round_id)
        .group_by(Suggestion.category_id, Category.name, Suggestion.channel, rejected, Suggestion.reject_reason)
    )
    received, set_aside, by_category, by_channel, names = 0, {}, {}, {}, {}
    for category_id, name, channel, is_rejected, reason, count in db.session.execute(query):
        received += count
        if is_rejected:
            set_aside[reason] = set_aside.get(reason, 0) + count
            continue
        names[category_id] = name
        by_category[category_id] = by_category.get(category_id, 0) + count
        by_channel[channel] = by_channel.get(channel, 0) + count
    # most first; a tie in the order of the keys, not classified first
    categories = sorted(by_category.items(), key=lambda row: (-row[1], row[0] is not None, row[0] or 0))
    channels = sorted(by_channel.items(), key=lambda row: (-row[1], row[0].name))
    reasons = sorted(set_aside.items(), key=lambda row: (-row[1], row[0] is None, row[0].name if row[0] else ""))
    return Heard(received, reasons, [(names[key], count) for key, count in categories], channels)


class SuggestionFigures(NamedTuple):
    """How many suggestions residents sent, and how many the office has answered in public."""

    received: int
    answered: int


def suggestion_figures() -> SuggestionFigures:
    """Every round's suggestions received and answered (the office's reply published), in one statement: the
    home page's figures."""
    counted = func.count(Suggestion.id)
    row = db.session.execute(select(counted, counted.filter(Suggestion.reply_published_at.is_not(None)))).one()
    return SuggestionFigures(*row)


def publicly_visible_suggestions() -> ColumnElement[bool]:
    """Which suggestions the public sees: those the office published, unless set aside (rejected) or merged,
    of a round the public sees.

    The one rule: the /heard page lists these, only these may be seconded, and search's public audience is
    given from it (search_index/documents.py).
    """
    return and_(
        Suggestion.is_public,
        Suggestion.status.not_in([SuggestionStatus.rejected, SuggestionStatus.duplicate]),
        Suggestion.round_id.in_(select(Round.id).where(publicly_visible_rounds())),
    )


def publicly_visible_suggestion_ids(ids) -> set[int]:
    """Which of these suggestions the public sees, in one query."""
    ids = list(ids)
    if not ids:
        return set()
    return set(db.session.scalars(select(Suggestion.id).where(Suggestion.id.in_(ids), publicly_visible_suggestions())))


def is_publicly_visible(suggestion: Suggestion) -> bool:
    """Whether the public sees this suggestion (as it stands in the database)."""
    return suggestion.id in publicly_visible_suggestion_ids([suggestion.id])


def public_suggestions(round_id: int) -> Select:
    """What the public sees of a round's suggestions, most seconded first."""
    return (
        select(Suggestion)
        .where(Suggestion.round_id == round_id, publicly_visible_suggestions())
        .options(joinedload(Suggestion.category))
        .order_by(Suggestion.second_count.desc(), Suggestion.id.desc())
    )


def submitted_proposals(round_id: int) -> list[Proposal]:
    """Proposals of the round the office can link a suggestion to: submitted and not withdrawn."""
    query = select(Proposal).where(
        Proposal.round_id == round_id,
        Proposal.submitted_at.is_not(None),
        Proposal.status != ProposalStatus.withdrawn,
    )
    return list(db.session.scalars(query.order_by(Proposal.id)))


def category_in_round(category_id: int | None, round_id: int) -> bool:
    """Whether a chosen category belongs to the round (no category at all is fine)."""
    if category_id is None:
        return True
    category = db.session.get(Category, category_id)
    return category is not None and category.round_id == round_id
