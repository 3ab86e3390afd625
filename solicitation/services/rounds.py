"""State changes of rounds and categories. Each checks its rule, writes an AuditEvent and commits."""

from datetime import date

from sqlalchemy import func, select

from accounts import audit, edits
from accounts.models import User
from extensions import db
from solicitation.errors import SolicitationError
from solicitation.models import Category, Proposal, Round, RoundStatus, Suggestion
from solicitation.presets import CATEGORY_PRESETS

ROUND_FIELDS = [
    "year",
    "title",
    "description",
    "status",
    "solicitation_opens",
    "solicitation_closes",
    "review_deadline",
    "plan_date",
    "solicits",
]
CATEGORY_FIELDS = ["name", "description", "position"]


DATE_FIELDS = ["solicitation_opens", "solicitation_closes", "review_deadline", "plan_date"]


def _check_round_fields(*, round_id: int | None, year: int, dates: list[date]) -> None:
    if db.session.scalar(select(Round.id).where(Round.year == year, Round.id != (round_id or 0))):
        raise SolicitationError("year_taken", field="year", year=year)
    for name, earlier, later in zip(DATE_FIELDS[1:], dates, dates[1:], strict=False):
        if later < earlier:
            raise SolicitationError("dates_out_of_order", field=name)


def _check_open(round: Round) -> None:
    if round.status is RoundStatus.closed:
        raise SolicitationError("round_closed")


def create_round(
    *,
    actor: User | None,
    year: int,
    title: str,
    solicitation_opens: date | None,
    solicitation_closes: date | None,
    review_deadline: date | None,
    plan_date: date,
    description: str = "",
    category_preset: str | None = None,
    solicits: bool = True,
) -> Round:
    """Create a round in preparation, optionally with a preset set of categories; or, for a round that only makes
    plans of tasks handed down (`solicits=False`), one already drafting its plans, its unused solicitation and
    review dates on the plan date unless given."""
    dates = [solicitation_opens, solicitation_closes, review_deadline]
    if not solicits:
        dates = [day or plan_date for day in dates]
    if None in dates:
        raise SolicitationError("field_required", field=DATE_FIELDS[dates.index(None)])
    dates.append(plan_date)
    _check_round_fields(round_id=None, year=year, dates=dates)
    if category_preset and category_preset not in CATEGORY_PRESETS:
        raise SolicitationError("unknown_preset", field="category_preset")
    round = Round(
        year=year,
        title=title.strip(),
        description=description.strip(),
        status=RoundStatus.preparing if solicits else RoundStatus.planning,
        solicitation_opens=dates[0],
        solicitation_closes=dates[1],
        review_deadline=dates[2],
        plan_date=plan_date,
        solicits=solicits,
    )
    db.session.add(round)
    audit.record(actor=actor, action="round.create", obj=round, after=audit.snapshot(round, ROUND_FIELDS))
    if category_preset:
        _add_preset_categories(actor=actor, round=round, preset=category_preset)
    db.session.commit()
    return round


def update_round(
    *,
    actor: User | None,
    round: Round,
    year: int,
    title: str,
    description: str,
    solicitation_opens: date,
    solicitation_closes: date,
    review_deadline: date,
    plan_date: date,
    expected_version: int | None = None,
) -> Round:
    """Change a round's year, title, description or phase dates, unless it changed since `expected_version`."""
    with edits.saving(round, expected_version):
        _check_open(round)
        dates = [solicitation_opens, solicitation_closes, review_deadline, plan_date]
        _check_round_fields(round_id=round.id, year=year, dates=dates)
        before = audit.snapshot(round, ROUND_FIELDS)
        round.year, round.title, round.description = year, title.strip(), description.strip()
        round.solicitation_opens, round.solicitation_closes, round.review_deadline, round.plan_date = dates
        audit.record(
            actor=actor, action="round.update", obj=round, before=before, after=audit.snapshot(round, ROUND_FIELDS)
        )
        db.session.commit()
    return round


def transition_round(*, actor: User | None, round: Round, target: RoundStatus) -> Round:
    """Move a round to another status, if that move is legal from where it is."""
    if refusal := round.transition_refusal(target):
        raise SolicitationError(refusal, current=round.status, target=target)
    before = round.status
    round.status = target
    audit.record(
        actor=actor,
        action="round.transition",
        obj=round,
        before={"status": before.value},
        after={"status": target.value},
    )
    db.session.commit()
    return round


def _check_category_name(*, round: Round, name: str, category_id: int | None) -> None:
    clash = select(Category.id).where(
        Category.round_id == round.id, Category.name == name, Category.id != (category_id or 0)
    )
    if db.session.scalar(clash):
        raise SolicitationError("category_name_taken", field="name", name=name)


def _next_position(round: Round) -> int:
    return (db.session.scalar(select(func.max(Category.position)).where(Category.round_id == round.id)) or 0) + 1


def _add_category(*, actor: User | None, round: Round, name: str, description: str = "") -> Category:
    category = Category(round=round, name=name, description=description, position=_next_position(round))
    db.session.add(category)
    audit.record(actor=actor, action="category.create", obj=category, after=audit.snapshot(category, CATEGORY_FIELDS))
    return category


def _add_preset_categories(*, actor: User | None, round: Round, preset: str) -> list[Category]:
    existing = {category.name for category in round.categories}
    _label, names = CATEGORY_PRESETS[preset]
    return [_add_category(actor=actor, round=round, name=name) for name in names if name not in existing]


def add_category(*, actor: User | None, round: Round, name: str, description: str = "") -> Category:
    """Add a category at the end of the round's list."""
    _check_open(round)
    name = name.strip()
    _check_category_name(round=round, name=name, category_id=None)
    category = _add_category(actor=actor, round=round, name=name, description=description.strip())
    db.session.commit()
    return category


def apply_category_preset(*, actor: User | None, round: Round, preset: str) -> list[Category]:
    """Add the categories of a preset set that the round does not have yet."""
    _check_open(round)
    if preset not in CATEGORY_PRESETS:
        raise SolicitationError("unknown_preset", field="preset")
    added = _add_preset_categories(actor=actor, round=round, preset=preset)
    db.session.commit()
    return added


def update_category(*, actor: User | None, category: Category, name: str, description: str) -> Category:
    """Rename a category or change its description."""
    _check_open(category.round)
    name = name.strip()
    _check_category_name(round=category.round, name=name, category_id=category.id)
    before = audit.snapshot(category, CATEGORY_FIELDS)
    category.name, category.description = name, description.strip()
    audit.record(
        actor=actor,
        action="category.update",
        obj=category,
        before=before,
        after=audit.snapshot(category, CATEGORY_FIELDS),
    )
    db.session.commit()
    return category


def delete_category(*, actor: User | None, category: Category) -> None:
    """Remove a category from its round, unless proposals or suggestions use it."""
    _check_open(category.round)
    used = select(
        select(Proposal.id).where(Proposal.category_id == category.id).exists()
        | select(Suggestion.id).where(Suggestion.category_id == category.id).exists()
    )
    if db.session.scalar(used):
        raise SolicitationError("category_in_use", name=category.name)
    audit.record(actor=actor, action="category.delete", obj=category, before=audit.snapshot(category, CATEGORY_FIELDS))
    db.session.delete(category)
    db.session.commit()
