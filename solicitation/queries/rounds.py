"""Rounds and their categories: the lists, those soliciting, those the public sees; what a phase move does and
what the next phase needs."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, bindparam, func, select

from extensions import db
from solicitation.models import (
    PROPOSAL_EDITABLE,
    ROUND_OPEN_FOR_CHANGES,
    Category,
    Proposal,
    Round,
    RoundStatus,
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
    return list(db.session.scalars(_SOLICITING))


def publicly_visible_rounds() -> ColumnElement[bool]:
    """Which rounds the public sees (on /heard): every one out of preparation."""
    return Round.status != RoundStatus.preparing


def public_rounds() -> list[Round]:
    """The rounds the public sees, those soliciting first, each newest first: /heard's choice."""
    return list(db.session.scalars(_PUBLIC))


# The public pages' statements, made once a process: every reader's page runs them, and building one cost more
# than running it (issue 19).
_SOLICITING = rounds(status=RoundStatus.soliciting)
_PUBLIC = (
    select(Round)
    .where(publicly_visible_rounds())
    .order_by(Round.status != RoundStatus.soliciting, Round.year.desc())  # soliciting first: false sorts first
)


def category_choices(round_id: int) -> list[tuple[int, str]]:
    """The round's categories as a form offers them (id, name), in their order."""
    return list(db.session.execute(_CATEGORY_CHOICES, {"round_id": round_id}))


# The suggestion form's, made once a process: the resident's form reads it for every reader.
_CATEGORY_CHOICES = (
    select(Category.id, Category.name).where(Category.round_id == bindparam("round_id")).order_by(Category.position)
)


def category_in_round(category_id: int | None, round_id: int) -> bool:
    """Whether a chosen category belongs to the round (no category at all is fine)."""
    if category_id is None:
        return True
    category = db.session.get(Category, category_id)
    return category is not None and category.round_id == round_id


@dataclass(frozen=True)
class TransitionPreview:
    """What moving a round to `target` will do, told to the office before it confirms the move."""

    round: Round
    target: RoundStatus
    stranded_drafts: int  # proposals still in their unit's hands (drafts, returned) that can no longer be sent
    stranded_units: int
    closes_suggestions: bool  # the residents' suggestion form closes
    opens_suggestions: bool
    closes_on: date | None  # the solicitation deadline, when it has not passed yet and solicitation ends now
    days_left: int

    @property
    def forward(self) -> bool:
        return self.target.step > self.round.status.step


def transition_preview(round: Round, target: RoundStatus, today: date) -> TransitionPreview:
    """What moving `round` to `target` today will do: drafts stranded, the suggestion form, the deadline."""
    leaving_solicitation = round.status is RoundStatus.soliciting and target is not RoundStatus.soliciting
    # Units send proposals while solicitation is open, and late (with an allowance) while the round is under review.
    stranding = round.status in ROUND_OPEN_FOR_CHANGES and target is not RoundStatus.soliciting
    stranded_units = stranded_drafts = 0
    if stranding:
        stranded_drafts, stranded_units = db.session.execute(
            select(func.count(Proposal.id), func.count(Proposal.unit_id.distinct())).where(
                Proposal.round_id == round.id, Proposal.status.in_(PROPOSAL_EDITABLE)
            )
        ).one()
    early = leaving_solicitation and today <= round.solicitation_closes
    return TransitionPreview(
        round=round,
        target=target,
        stranded_drafts=stranded_drafts,
        stranded_units=stranded_units,
        closes_suggestions=leaving_solicitation,
        opens_suggestions=target is RoundStatus.soliciting,
        closes_on=round.solicitation_closes if early else None,
        days_left=(round.solicitation_closes - today).days if early else 0,
    )


@dataclass(frozen=True)
class ChecklistItem:
    """One thing the round's next phase needs: `key` names it (the round page says it in words), `done` ticks it."""

    key: str
    done: bool


def _editable_proposals(round_id: int) -> int:
    return db.session.scalar(
        select(func.count(Proposal.id)).where(Proposal.round_id == round_id, Proposal.status.in_(PROPOSAL_EDITABLE))
    )


def round_checklist(round: Round, today: date) -> list[ChecklistItem]:
    """What the round's own records say of the next phase's needs (review adds its own, see review_checklist)."""
    if round.status is RoundStatus.preparing:
        return [ChecklistItem("categories", bool(round.categories))]
    if round.status is RoundStatus.soliciting:
        return [
            ChecklistItem("deadline_passed", today > round.solicitation_closes),
            ChecklistItem("no_drafts", _editable_proposals(round.id) == 0),
        ]
    return []


def round_in_progress(today: date) -> tuple[Round, list[ChecklistItem]] | None:
    """The newest round not yet closed, with what its next phase needs: the office's home page shows it."""
    round = db.session.scalars(
        select(Round).where(Round.status != RoundStatus.closed).order_by(Round.year.desc(), Round.id.desc()).limit(1)
    ).first()
    return (round, round_checklist(round, today)) if round else None
