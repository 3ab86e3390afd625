"""State changes of a plan's key projects: added, edited, moved and removed while the plan is a draft.

Each checks who and from which state, writes an AuditEvent and commits.
"""

import re

from sqlalchemy import select

from accounts import audit, edits
from accounts.models import Role, Unit, User
from accounts.permissions import check_office
from core.errors import RowsRejected
from core.spreadsheets import table_rows
from extensions import db
from plan.errors import PlanError
from plan.models import KeyProject, Milestone, Plan, PlanPart
from plan.services.plans import check_draft, plan_groups, renumber, set_positions
from solicitation.queries import category_in_round

PROJECT_TEXT = ["title", "problem", "principles", "content", "innovation", "goals", "lead_leader", "origin"]


def _apply(project: KeyProject, fields: dict, cooperating_unit_ids, milestones: dict[int, str]) -> None:
    title = (fields.get("title") or "").strip()
    if not title:
        raise PlanError("title_required", field="title")
    category_id = fields.get("category_id")
    if not category_in_round(category_id, project.plan.round_id):
        raise PlanError("category_not_in_round", field="category_id")
    part_id = fields.get("part_id", project.part_id)  # kept unless given: the form has no parts' field without parts
    leader_id = fields.get("lead_leader_id")
    with db.session.no_autoflush:  # checked before anything is set: a project being added has no title yet
        if part_id is not None and part_id not in {part.id for part in project.plan.parts}:
            raise PlanError("part_not_in_plan", field="part_id")
        if leader_id is not None and leader_id != project.lead_leader_id:
            leader = db.session.get(User, leader_id)
            if leader is None or leader.role is not Role.leader or not leader.active:
                raise PlanError("lead_leader_not_leader", field="lead_leader_id")
    project.part_id = part_id
    for name in PROJECT_TEXT:
        setattr(project, name, (fields.get(name) or "").strip())
    project.category_id = category_id
    project.lead_leader_id = leader_id
    project.lead_unit_id = fields.get("lead_unit_id")
    ids = list(cooperating_unit_ids)
    project.cooperating_units = list(db.session.scalars(select(Unit).where(Unit.id.in_(ids)))) if ids else []
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
    data = audit.snapshot(
        project, [*PROJECT_TEXT, "part_id", "category_id", "lead_leader_id", "lead_unit_id", "position"]
    )
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
    renumber(plan)
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
        renumber(project.plan)
        audit.record(
            actor=actor, action="key_project.update", obj=project, before=before, after=_project_record(project)
        )
        db.session.commit()
    return project


def remove_key_project(*, actor: User, project: KeyProject) -> None:
    """Take a project out of the draft plan; those after it move up a number."""
    check_office(actor, PlanError)
    plan = project.plan
    check_draft(plan)
    audit.record(actor=actor, action="key_project.delete", obj=project, before=_project_record(project))
    plan.projects.remove(project)
    renumber(plan)
    db.session.commit()


def move_key_project(*, actor: User, project: KeyProject, to_position: int) -> KeyProject:
    """Move a project to the `to_position`-th place of its part (of the plan, where it has no parts), 1 the first;
    the others make room and the numbers 一、二、三… follow the order. The single steps up and down are a move to
    the place before or after."""
    check_office(actor, PlanError)
    plan = project.plan
    check_draft(plan)
    groups = plan_groups(plan)
    group = next(group for group in groups if project in group)
    if not 1 <= to_position <= len(group):
        raise PlanError("cannot_move", count=len(group))
    before = project.position
    group.remove(project)
    group.insert(to_position - 1, project)
    set_positions(groups)
    audit.record(
        actor=actor,
        action="key_project.move",
        obj=project,
        before={"position": before},
        after={"position": project.position},
    )
    db.session.commit()
    return project


# key, the sheet's header (Chinese in every language: the office fills it in), as the key project form has them
IMPORT_COLUMNS = [
    ("part", "板块"),
    ("title", "项目名称"),
    ("category", "改革领域"),
    ("origin", "来源"),
    ("problem", "为解决的问题"),
    ("principles", "基本原则"),
    ("content", "改革内容"),
    ("innovation", "创新性和领先性"),
    ("goals", "改革目标"),
    ("lead_leader", "牵头区领导"),
    ("lead_unit", "牵头单位"),
    ("cooperating_units", "配合单位"),
    ("milestone_1", "一季度节点目标"),
    ("milestone_2", "二季度节点目标"),
    ("milestone_3", "三季度节点目标"),
    ("milestone_4", "年底节点目标"),
]
# The column a service's error names, by the form field it gives
_ERROR_COLUMNS = {
    "part_id": "part",
    "category_id": "category",
    "lead_leader_id": "lead_leader",
    "lead_unit_id": "lead_unit",
}
_NAME_SEPARATORS = re.compile(r"[、，,;；\n]+")


def import_key_projects(*, actor: User, plan: Plan, filename: str, data: bytes) -> int:
    """Add key projects from one sheet, a row each, after those the draft plan has: all rows or none.

    A part not yet in the plan is added; the lead unit and the cooperating units are found by name, the lead
    leader by an active leader account's name or username, else kept as written. Raises RowsRejected listing
    each bad row. Returns how many projects were added.
    """
    check_office(actor, PlanError)
    check_draft(plan)
    rows = table_rows(filename=filename, data=data, columns=IMPORT_COLUMNS, required={"title", "lead_unit"})
    units = {unit.name: unit.id for unit in db.session.scalars(select(Unit).where(Unit.active))}
    leaders = {}
    for user in db.session.scalars(select(User).where(User.role == Role.leader, User.active)):
        leaders |= {user.username: user.id, user.display_name: user.id}
    categories = {category.name: category.id for category in plan.round.categories}
    parts = {part.title: part for part in plan.parts}
    headers, problems, added = dict(IMPORT_COLUMNS), [], []
    for line, values in rows:
        try:
            part = values.get("part", "")
            if part and part not in parts:
                parts[part] = PlanPart(title=part[: PlanPart.title.type.length], position=len(plan.parts) + 1)
                plan.parts.append(parts[part])
                db.session.flush()  # its id, which the rows name it by
            unit_id = units.get(values["lead_unit"])
            if unit_id is None:
                raise PlanError("import_unknown_unit", field="lead_unit_id", value=values["lead_unit"] or "—")
            cooperating = [name for name in _NAME_SEPARATORS.split(values.get("cooperating_units", "")) if name]
            unknown = [name for name in cooperating if name not in units]
            if unknown:
                raise PlanError("import_unknown_unit", field="cooperating_units", value="、".join(unknown))
            category = values.get("category", "")
            if category and category not in categories:
                raise PlanError("category_not_in_round", field="category_id")
            leader = values.get("lead_leader", "")
            fields = {name: values.get(name, "") for name in ("title", "origin", "problem", "principles")}
            fields |= {name: values.get(name, "") for name in ("content", "innovation", "goals")}
            fields |= {
                "part_id": parts[part].id if part else None,
                "category_id": categories.get(category),
                "lead_leader_id": leaders.get(leader),
                "lead_leader": "" if leader in leaders else leader,
                "lead_unit_id": unit_id,
            }
            milestones = {quarter: values.get(f"milestone_{quarter}", "") for quarter in (1, 2, 3, 4)}
            project = KeyProject(position=len(plan.projects) + 1)
            plan.projects.append(project)
            try:
                _apply(project, fields, [units[name] for name in cooperating], milestones)
            except PlanError:
                plan.projects.remove(project)  # no half-made row is written while the others are read
                raise
            added.append(project)
        except PlanError as error:
            problems.append((line, headers.get(_ERROR_COLUMNS.get(error.field, error.field), ""), error))
    if problems:
        db.session.rollback()  # all or nothing
        raise RowsRejected(problems)
    renumber(plan)
    for project in added:
        audit.record(actor=actor, action="key_project.create", obj=project, after=_project_record(project))
    audit.record(actor=actor, action="plan.import_projects", obj=plan, after={"file": filename, "projects": len(added)})
    db.session.commit()
    return len(added)
