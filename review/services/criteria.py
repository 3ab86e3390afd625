"""State changes of review criteria. Each checks its rule, writes an AuditEvent and commits."""

from sqlalchemy import func, select

from accounts import audit
from accounts.models import User
from extensions import db
from review.errors import ReviewError
from review.models import Assignment, Criterion, Review, ReviewStatus
from review.presets import DEFAULT_MAX_SCORE, LONGGANG_CRITERIA
from solicitation.models import Proposal, Round, RoundStatus

CRITERION_FIELDS = ["name", "description", "weight", "max_score", "position"]
# Past review the scores are in and the plan stands on them.
EDITABLE_STATUSES = {RoundStatus.preparing, RoundStatus.soliciting, RoundStatus.reviewing}


def _check_editable(round: Round) -> None:
    if round.status not in EDITABLE_STATUSES:
        raise ReviewError("criteria_frozen")
    if criteria_in_use(round):
        raise ReviewError("criteria_in_use")


def criteria_in_use(round: Round) -> bool:
    """Whether an expert has submitted a review in the round: its criteria and scales are then frozen."""
    return bool(
        db.session.scalar(
            select(func.count(Review.id))
            .select_from(Review)
            .join(Review.assignment)
            .join(Assignment.proposal)
            .where(Proposal.round_id == round.id, Review.status == ReviewStatus.submitted)
        )
    )


def _check_criterion(*, round: Round, name: str, weight: float, max_score: int, criterion_id: int | None) -> None:
    if weight <= 0:
        raise ReviewError("weight_not_positive", field="weight")
    if max_score < 1:
        raise ReviewError("max_score_not_positive", field="max_score")
    clash = select(Criterion.id).where(
        Criterion.round_id == round.id, Criterion.name == name, Criterion.id != (criterion_id or 0)
    )
    if db.session.scalar(clash):
        raise ReviewError("criterion_name_taken", field="name", name=name)


def _add_criterion(*, actor, round, name, description, weight, max_score) -> Criterion:
    position = (db.session.scalar(select(func.max(Criterion.position)).where(Criterion.round_id == round.id)) or 0) + 1
    criterion = Criterion(
        round=round, name=name, description=description, weight=weight, max_score=max_score, position=position
    )
    db.session.add(criterion)
    audit.record(
        actor=actor, action="criterion.create", obj=criterion, after=audit.snapshot(criterion, CRITERION_FIELDS)
    )
    return criterion


def add_criterion(
    *,
    actor: User | None,
    round: Round,
    name: str,
    weight: float,
    description: str = "",
    max_score: int = DEFAULT_MAX_SCORE,
) -> Criterion:
    """Add a criterion at the end of the round's list."""
    _check_editable(round)
    name = name.strip()
    _check_criterion(round=round, name=name, weight=weight, max_score=max_score, criterion_id=None)
    criterion = _add_criterion(
        actor=actor, round=round, name=name, description=description.strip(), weight=weight, max_score=max_score
    )
    db.session.commit()
    return criterion


def apply_standard_criteria(*, actor: User | None, round: Round) -> list[Criterion]:
    """Add the five principles of the Longgang plan that the round does not have yet."""
    _check_editable(round)
    existing = set(db.session.scalars(select(Criterion.name).where(Criterion.round_id == round.id)))
    added = [
        _add_criterion(
            actor=actor, round=round, name=name, description=description, weight=weight, max_score=DEFAULT_MAX_SCORE
        )
        for name, description, weight in LONGGANG_CRITERIA
        if name not in existing
    ]
    db.session.commit()
    return added


def update_criterion(
    *, actor: User | None, criterion: Criterion, name: str, description: str, weight: float, max_score: int
) -> Criterion:
    """Change a criterion's name, guidance, weight or maximum score."""
    _check_editable(criterion.round)
    name = name.strip()
    _check_criterion(round=criterion.round, name=name, weight=weight, max_score=max_score, criterion_id=criterion.id)
    before = audit.snapshot(criterion, CRITERION_FIELDS)
    criterion.name, criterion.description = name, description.strip()
    criterion.weight, criterion.max_score = weight, max_score
    audit.record(
        actor=actor,
        action="criterion.update",
        obj=criterion,
        before=before,
        after=audit.snapshot(criterion, CRITERION_FIELDS),
    )
    db.session.commit()
    return criterion


def delete_criterion(*, actor: User | None, criterion: Criterion) -> None:
    """Remove a criterion from its round."""
    _check_editable(criterion.round)
    audit.record(
        actor=actor, action="criterion.delete", obj=criterion, before=audit.snapshot(criterion, CRITERION_FIELDS)
    )
    db.session.delete(criterion)
    db.session.commit()
