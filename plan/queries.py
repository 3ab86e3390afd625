"""Read-only selects of the plan, and its snapshots: what a version held and what changed between two."""

from sqlalchemy import select

from extensions import db
from plan.models import KeyProject, Plan, PlanStatus, PlanVersion

# A key project's fields as a snapshot keeps them (the labels are the plan's own words).
SNAPSHOT_FIELDS = [
    "title",
    "category",
    "problem",
    "principles",
    "content",
    "innovation",
    "goals",
    "lead_leader",
    "lead_unit",
    "cooperating_units",
    "milestones",
]


def plan_of(round_id: int) -> Plan | None:
    return db.session.scalar(select(Plan).where(Plan.round_id == round_id))


def versions(plan_id: int) -> list[PlanVersion]:
    query = select(PlanVersion).where(PlanVersion.plan_id == plan_id).order_by(PlanVersion.id.desc())
    return list(db.session.scalars(query))


def published_version(plan_id: int) -> PlanVersion | None:
    """The latest published snapshot: what the public sees, even while a new version is drafted."""
    query = (
        select(PlanVersion)
        .where(PlanVersion.plan_id == plan_id, PlanVersion.status == PlanStatus.published)
        .order_by(PlanVersion.id.desc())
    )
    return db.session.scalars(query).first()


def published_plans() -> list[tuple[Plan, PlanVersion]]:
    """Every plan that has been published, with its latest published snapshot, newest year first."""
    plans = db.session.scalars(select(Plan).join(Plan.round).order_by(Plan.round_id.desc()))
    return [(plan, version) for plan in plans if (version := published_version(plan.id))]


def project_snapshot(project: KeyProject) -> dict:
    return {
        "id": project.id,
        "number": project.number,
        "title": project.title,
        "category": project.category.name if project.category else "",
        "problem": project.problem,
        "principles": project.principles,
        "content": project.content,
        "innovation": project.innovation,
        "goals": project.goals,
        "lead_leader": project.lead_leader,
        "lead_unit": project.lead_unit.name if project.lead_unit else "",
        "cooperating_units": "、".join(unit.name for unit in project.cooperating_units),
        "milestones": {str(m.quarter): m.target for m in project.milestones},
        "proposal_id": project.proposal_id,
    }


def plan_snapshot(plan: Plan) -> dict:
    """The plan's text as it stands, in JSON-ready values."""
    return {
        "title": plan.title,
        "version": plan.version,
        "status": plan.status.value,
        "meeting": plan.meeting,
        "approved_on": plan.approved_on.isoformat() if plan.approved_on else None,
        "projects": [project_snapshot(project) for project in plan.projects],
    }


def changes(before: dict, after: dict) -> list[tuple[str, str, object, object]]:
    """What differs between two snapshots: (project, field, before, after), projects matched by record.

    A project added or removed shows as one row with the field "" and None on the missing side.
    """
    old = {p["id"]: p for p in before["projects"]}
    new = {p["id"]: p for p in after["projects"]}
    rows = []
    for key in ("title", "meeting", "approved_on"):
        if before.get(key) != after.get(key):
            rows.append(("", key, before.get(key), after.get(key)))
    for project_id, project in new.items():
        label = f"{project['number']}、{project['title']}"
        if project_id not in old:
            rows.append((label, "", None, project["title"]))
            continue
        previous = old[project_id]
        if previous["number"] != project["number"]:
            rows.append((label, "number", previous["number"], project["number"]))
        rows += [
            (label, f, previous.get(f), project.get(f)) for f in SNAPSHOT_FIELDS if previous.get(f) != project.get(f)
        ]
    rows += [(f"{p['number']}、{p['title']}", "", p["title"], None) for pid, p in old.items() if pid not in new]
    return rows
