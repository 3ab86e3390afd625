"""State changes of a plan's key projects: added, edited, moved and removed while the plan is a draft.

Each checks who and from which state, writes an AuditEvent and commits.
"""

from sqlalchemy import select

from accounts import audit, edits
from accounts.models import Role, Unit, User
from accounts.permissions import check_office
from extensions import db
from plan.errors import PlanError
from plan.models import KeyProject, Milestone, Plan
from plan.services.plans import check_draft
from solicitation.queries import category_in_round

PROJECT_TEXT = ["title", "problem", "principles", "content", "innovation", "goals", "lead_leader", "origin"]


def _apply(project: KeyProject, fields: dict, cooperating_unit_ids, milestones: dict[int, str]) -> None:
    title = (fields.get("title") or "").strip()
    if not title:
        raise PlanError("title_required", field="title")
    category_id = fields.get("category_id")
    if not category_in_round(category_id, project.plan.round_id):
        raise PlanError("category_not_in_round", field="category_id")
    for name in PROJECT_TEXT:
        setattr(project, name, (fields.get(name) or "").strip())
    leader_id = fields.get("lead_leader_id")
    if leader_id is not None and leader_id != project.lead_leader_id:
        leader = db.session.get(User, leader_id)
        if leader is None or leader.role is not Role.leader or not leader.active:
            raise PlanError("lead_leader_not_leader", field="lead_leader_id")
    project.category_id = category_id
    project.lead_leader_id = leader_id
    project.lead_unit_id = fields.get("lead_unit_id")
    project.cooperating_units = list(db.session.scalars(select(Unit).where(Unit.id.in_(list(cooperating_unit_ids)))))
    existing = {m.quarter: m for m in project.milestones}
    for quarter in (1, 2, 3, 4):
        target = (milestones.get(quarter) or "").strip()
        if target and quarter in existing:
            existing[quarter].target = target
        elif target:
            project.milestones.append(Milestone(quarter=quarter, target=target))
        elif quarter in existing:
            project.milestones.remove(existing[quarter])


def _project_record(project: KeyProject) -> dict:
    data = audit.snapshot(project, [*PROJECT_TEXT, "category_id", "lead_leader_id", "lead_unit_id", "position"])
    data["cooperating_units"] = [unit.name for unit in project.cooperating_units]
    data["milestones"] = {str(m.quarter): m.target for m in project.milestones}
    return data


def add_key_project(
    *, actor: User, plan: Plan, fields: dict, cooperating_unit_ids=(), milestones: dict[int, str] | None = None
) -> KeyProject:
    """Add a key project that came from no proposal (e.g. a task handed down by the city), last in the list."""
    check_office(actor, PlanError)
    check_draft(plan)
    project = KeyProject(position=len(plan.projects) + 1)
    plan.projects.append(project)
    _apply(project, fields, cooperating_unit_ids, milestones or {})
    audit.record(actor=actor, action="key_project.create", obj=project, after=_project_record(project))
    db.session.commit()
    return project


def update_key_project(
    *,
    actor: User,
    project: KeyProject,
    fields: dict,
    cooperating_unit_ids=(),
    milestones: dict[int, str] | None = None,
    expected_version: int | None = None,
) -> KeyProject:
    """Edit a key project's text, leaders, units and quarterly milestones while the plan is a draft, unless
    it changed since `expected_version`."""
    check_office(actor, PlanError)
    with edits.saving(project, expected_version):
        check_draft(project.plan)
        before = _project_record(project)
        _apply(project, fields, cooperating_unit_ids, milestones or {})
        audit.record(
            actor=actor, action="key_project.update", obj=project, before=before, after=_project_record(project)
        )
        db.session.commit()
    return project


def _renumber(plan: Plan) -> None:
    for position, project in enumerate(sorted(plan.projects, key=lambda p: p.position), start=1):
        project.position = position


def remove_key_project(*, actor: User, project: KeyProject) -> None:
    """Take a project out of the draft plan; those after it move up a number."""
    check_office(actor, PlanError)
    plan = project.plan
    check_draft(plan)
    audit.record(actor=actor, action="key_project.delete", obj=project, before=_project_record(project))
    plan.projects.remove(project)
    _renumber(plan)
    db.session.commit()


def move_key_project(*, actor: User, project: KeyProject, offset: int) -> KeyProject:
    """Move a project one place up (offset -1) or down (+1); the numbers 一、二、三… follow the order."""
    check_office(actor, PlanError)
    plan = project.plan
    check_draft(plan)
    ordered = sorted(plan.projects, key=lambda p: p.position)
    index = ordered.index(project)
    target = index + (1 if offset > 0 else -1)
    if not 0 <= target < len(ordered):
        raise PlanError("cannot_move")
    other = ordered[target]
    before = project.position
    project.position, other.position = other.position, project.position
    audit.record(
        actor=actor,
        action="key_project.move",
        obj=project,
        before={"position": before},
        after={"position": project.position},
    )
    db.session.commit()
    return project
