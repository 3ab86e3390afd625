"""State changes of review criteria. Each checks its rule, writes an AuditEvent and commits."""

from sqlalchemy import func, select

from accounts import audit
from accounts.models import User
from extensions import db
from review.errors import ReviewError
from review.models import Assignment, Criterion, Review, ReviewStatus
from review.presets import DEFAULT_MAX_SCORE, LONGGANG_CRITERIA, STANDARD_SCALE_LABELS
from solicitation.models import Proposal, Round, RoundStatus

CRITERION_FIELDS = ["name", "description", "weight", "max_score", "scale_labels", "counted", "veto_at", "position"]
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


def _check_criterion(
    *,
    round: Round,
    name: str,
    weight: float,
    max_score: int,
    scale_labels: dict,
    veto_at: int | None,
    criterion_id,
    **_,
) -> None:
    if weight <= 0:
        raise ReviewError("weight_not_positive", field="weight")
    if max_score < 1:
        raise ReviewError("max_score_not_positive", field="max_score")
    outside = [point for point in scale_labels if not 0 <= int(point) <= max_score]
    if outside:
        raise ReviewError("scale_label_out_of_range", field="scale_labels", point=outside[0], max=max_score)
    if veto_at is not None and not 0 <= veto_at < max_score:
        raise ReviewError("veto_out_of_range", field="veto_at", max=max_score)
    clash = select(Criterion.id).where(
        Criterion.round_id == round.id, Criterion.name == name, Criterion.id != (criterion_id or 0)
    )
    if db.session.scalar(clash):
        raise ReviewError("criterion_name_taken", field="name", name=name)


def _cleaned(name, description, weight, max_score, scale_labels, counted, veto_at) -> dict:
    """The criterion's fields as stored: trimmed text, labels keyed by the point as a string (JSON keys are)."""
    labels = {str(point): label.strip() for point, label in (scale_labels or {}).items() if label.strip()}
    return {
        "name": name.strip(),
        "description": description.strip(),
        "weight": weight,
        "max_score": max_score,
        "scale_labels": dict(sorted(labels.items(), key=lambda item: int(item[0]))),
        "counted": counted,
        "veto_at": veto_at,
    }


def _add_criterion(*, actor, round, **fields) -> Criterion:
    position = (db.session.scalar(select(func.max(Criterion.position)).where(Criterion.round_id == round.id)) or 0) + 1
    criterion = Criterion(round=round, position=position, **fields)
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
    scale_labels: dict[int, str] | None = None,
    counted: bool = True,
    veto_at: int | None = None,
) -> Criterion:
    """Add a criterion at the end of the round's list.

    `scale_labels` name some points of the scale (e.g. {0: "不可行", 10: "完全可行"}); a criterion not
    `counted` is scored and shown but left out of the weighted total; a score at or below `veto_at`
    raises a flag in the ranking.
    """
    _check_editable(round)
    fields = _cleaned(name, description, weight, max_score, scale_labels, counted, veto_at)
    _check_criterion(round=round, **fields, criterion_id=None)
    criterion = _add_criterion(actor=actor, round=round, **fields)
    db.session.commit()
    return criterion


def apply_standard_criteria(*, actor: User | None, round: Round) -> list[Criterion]:
    """Add the five principles of the Longgang plan that the round does not have yet."""
    _check_editable(round)
    existing = set(db.session.scalars(select(Criterion.name).where(Criterion.round_id == round.id)))
    added = [
        _add_criterion(
            actor=actor,
            round=round,
            **_cleaned(name, description, weight, DEFAULT_MAX_SCORE, STANDARD_SCALE_LABELS, True, None),
        )
        for name, description, weight in LONGGANG_CRITERIA
        if name not in existing
    ]
    db.session.commit()
    return added


def update_criterion(
    *,
    actor: User | None,
    criterion: Criterion,
    name: str,
    description: str,
    weight: float,
    max_score: int,
    scale_labels: dict[int, str] | None = None,
    counted: bool = True,
    veto_at: int | None = None,
) -> Criterion:
    """Change a criterion's name, guidance, weight, scale, whether it counts, or its veto threshold."""
    _check_editable(criterion.round)
    fields = _cleaned(name, description, weight, max_score, scale_labels, counted, veto_at)
    _check_criterion(round=criterion.round, **fields, criterion_id=criterion.id)
    before = audit.snapshot(criterion, CRITERION_FIELDS)
    for key, value in fields.items():
        setattr(criterion, key, value)
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
