"""State changes of a plan's parts (板块): the office adds, renames, reorders and deletes them while the plan is a
draft; the key projects follow their parts' order.

Each checks who and from which state, writes an AuditEvent and commits.
"""

from accounts import audit
from accounts.models import User
from accounts.permissions import check_office
from extensions import db
from plan.errors import PlanError
from plan.models import Plan, PlanPart
from plan.services.plans import check_draft, renumber


def _title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise PlanError("part_title_required", field="title")
    return title


def add_plan_part(*, actor: User, plan: Plan, title: str) -> PlanPart:
    """Add a part at the end of the plan."""
    check_office(actor, PlanError)
    check_draft(plan)
    part = PlanPart(title=_title(title), position=len(plan.parts) + 1)
    plan.parts.append(part)
    audit.record(actor=actor, action="plan.add_part", obj=plan, after={"part": part.title})
    db.session.commit()
    return part


def rename_plan_part(*, actor: User, part: PlanPart, title: str) -> PlanPart:
    check_office(actor, PlanError)
    check_draft(part.plan)
    before = {"part": part.title}
    part.title = _title(title)
    audit.record(actor=actor, action="plan.rename_part", obj=part.plan, before=before, after={"part": part.title})
    db.session.commit()
    return part


def move_plan_part(*, actor: User, part: PlanPart, offset: int) -> PlanPart:
    """Move a part one place up (offset -1) or down (+1); its projects move with it, and the numbers follow."""
    check_office(actor, PlanError)
    plan = part.plan
    check_draft(plan)
    index = plan.parts.index(part)
    target = index + (1 if offset > 0 else -1)
    if not 0 <= target < len(plan.parts):
        raise PlanError("cannot_move_part")
    other = plan.parts[target]
    before = part.position
    part.position, other.position = other.position, part.position
    plan.parts.sort(key=lambda p: p.position)
    renumber(plan)
    audit.record(
        actor=actor,
        action="plan.move_part",
        obj=plan,
        before={"part": part.title, "part_position": before},
        after={"part": part.title, "part_position": part.position},
    )
    db.session.commit()
    return part


def remove_plan_part(*, actor: User, part: PlanPart) -> None:
    """Delete a part that holds no key project; the parts after it move up."""
    check_office(actor, PlanError)
    plan = part.plan
    check_draft(plan)
    if any(project.part_id == part.id for project in plan.projects):
        raise PlanError("part_not_empty")
    audit.record(actor=actor, action="plan.delete_part", obj=plan, before={"part": part.title})
    plan.parts.remove(part)
    for position, other in enumerate(plan.parts, start=1):
        other.position = position
    db.session.commit()
