"""The plan and its snapshots: who sees it, what the public reads of it, what a version held and what changed
between two."""

from collections import Counter
from datetime import datetime

from sqlalchemy import ColumnElement, bindparam, exists, func, select, true
from sqlalchemy.orm import aliased, contains_eager, defer, joinedload, selectinload

from accounts.models import Role, UnitKind
from accounts.permissions import has_role
from extensions import db
from plan.models import (
    KeyProject,
    Plan,
    PlanStatus,
    PlanVersion,
)
from solicitation.models import Proposal

# A key project's fields as a snapshot keeps them (the labels are the plan's own words).
SNAPSHOT_FIELDS = [
    "title",
    "part",
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


# What the plan's page shows of each key project: one query for each kind of record, not for each project.
PROJECT_ROWS = selectinload(Plan.projects).options(
    selectinload(KeyProject.proposal).selectinload(Proposal.unit),
    selectinload(KeyProject.category),
    selectinload(KeyProject.part),
    selectinload(KeyProject.lead_unit),
    selectinload(KeyProject.lead_leader_account),
    selectinload(KeyProject.milestones),
    selectinload(KeyProject.tasks),
)


def plans_of(round_id: int) -> list[Plan]:
    """The round's plans (its named lists), in the order they were drafted."""
    return list(db.session.scalars(select(Plan).where(Plan.round_id == round_id).order_by(Plan.id)))


def round_projects(round_id: int) -> list[KeyProject]:
    """The key projects of the round's plans, plan after plan, each in its order, with their plan, part and lead
    unit: read in a fixed number of statements, however many there are."""
    query = (
        select(KeyProject)
        .join(KeyProject.plan)
        .where(Plan.round_id == round_id)
        .options(contains_eager(KeyProject.plan), selectinload(KeyProject.part), selectinload(KeyProject.lead_unit))
        .order_by(Plan.id, KeyProject.position)
    )
    return list(db.session.scalars(query))


def plan_with_projects(plan_id: int) -> Plan | None:
    """One plan with its key projects read as the plan's page lists them."""
    return db.session.scalar(select(Plan).where(Plan.id == plan_id).options(PROJECT_ROWS))


def versions(plan_id: int) -> list[PlanVersion]:
    query = select(PlanVersion).where(PlanVersion.plan_id == plan_id).order_by(PlanVersion.id.desc())
    return list(db.session.scalars(query))


def sees_every_plan(user) -> bool:
    """The office and the district leaders see every plan as it stands, a draft included: `plan_visible_to`'s
    first half."""
    return has_role(user, Role.office, Role.leader)


def publicly_visible_plans() -> ColumnElement[bool]:
    """Which plans everyone sees, the public included, as a SQL condition on Plan: those published once, as their
    latest published version reads (`published_versions`), even while a new version is drafted:
    `plan_visible_to`'s second half."""
    return Plan.id.in_(select(PlanVersion.plan_id).where(PlanVersion.status == PlanStatus.published))


def plan_visible_to(user) -> ColumnElement[bool]:
    """The one rule of who sees a plan, as a SQL condition on Plan.

    The office and the district leaders: every plan, in every state, as it stands (`sees_every_plan`) — the
    plan's own pages: the draft, the comparison of versions, the summary and Word document, the progress, the
    bulletins, the assessment, the battle map, which nobody else opens. Everyone, the public included: a plan once
    it has been published, as its latest published version reads (`publicly_visible_plans`) — the list of plans,
    the public page and its Word document, where a key project the public finds leads. (A unit follows the key
    projects it leads by `project_visible_to`.)
    """
    if sees_every_plan(user):
        return true()
    return publicly_visible_plans()


def plan_is_visible(user, plan_id: int) -> bool:
    """Whether `user` sees this one plan: the rule asked of one row."""
    return db.session.scalar(select(exists().where(Plan.id == plan_id, plan_visible_to(user))))


def published_versions(plan_ids) -> dict[int, PlanVersion]:
    """Each plan's latest published snapshot, by plan: what the public sees of it, even while a new version is
    drafted. The one rule of the public plan: its page, its Word document and the public's search read it."""
    ids = list(plan_ids)
    if not ids:
        return {}
    return {version.plan_id: version for version in db.session.scalars(_LATEST_PUBLISHED, {"plan_ids": ids})}


# Made once a process: every public plan page reads it, and building the statement cost more than running it.
_LATEST_PUBLISHED = select(PlanVersion).where(
    PlanVersion.id.in_(
        select(func.max(PlanVersion.id))
        .where(
            PlanVersion.plan_id.in_(bindparam("plan_ids", expanding=True)), PlanVersion.status == PlanStatus.published
        )
        .group_by(PlanVersion.plan_id)
    )
)


def published_version(plan_id: int) -> PlanVersion | None:
    """The latest published snapshot: what the public sees, even while a new version is drafted."""
    return db.session.scalars(_LATEST_PUBLISHED_OF_ONE, {"plan_id": plan_id}).first()


def published_plans() -> list[tuple[Plan, PlanVersion]]:
    """Every plan that has been published (`publicly_visible_plans`), with its latest published version (its
    snapshot from `published_snapshots`), newest year first: the list of plans, the same for every reader."""
    return list(db.session.execute(_PUBLISHED_PLANS))


def published_snapshots(versions) -> dict[int, dict]:
    """The snapshots of these versions (records or rows with `id` and `created_at`), by version id: to read, never
    to change.

    A version never changes once written, and the public pages read a snapshot (some 25 KB of JSON: the plan and
    its projects) for every reader: each is parsed once a process, and only those not parsed yet are read.
    """
    keys = {version.id: (version.id, version.created_at) for version in versions}
    found = {version_id: _SNAPSHOTS.get(key) for version_id, key in keys.items()}
    missing = [version_id for version_id, snapshot in found.items() if snapshot is None]
    if missing:
        if len(_SNAPSHOTS) > _SNAPSHOTS_KEPT:
            _SNAPSHOTS.clear()
        for version_id, snapshot in db.session.execute(_SNAPSHOTS_OF, {"ids": missing}):
            found[version_id] = _SNAPSHOTS[keys[version_id]] = snapshot
    return found


# Keyed by id and time: a database made anew (the tests', a restored backup) may give another version the same id.
_SNAPSHOTS: dict[tuple[int, datetime], dict] = {}
_SNAPSHOTS_KEPT = 256
_SNAPSHOTS_OF = select(PlanVersion.id, PlanVersion.snapshot).where(PlanVersion.id.in_(bindparam("ids", expanding=True)))
# The public plan's page and the list of plans, made once a process like _LATEST_PUBLISHED, each one statement; the
# snapshots come from published_snapshots.
_LATEST_PUBLISHED_OF_ONE = (
    select(PlanVersion)
    .options(defer(PlanVersion.snapshot))
    .where(PlanVersion.plan_id == bindparam("plan_id"), PlanVersion.status == PlanStatus.published)
    .order_by(PlanVersion.id.desc())
    .limit(1)
)
_published = aliased(PlanVersion)
_PUBLISHED_PLANS = (
    select(Plan, PlanVersion)
    .options(defer(PlanVersion.snapshot))
    .join(
        PlanVersion,
        PlanVersion.id
        == select(func.max(_published.id))
        .where(_published.plan_id == Plan.id, _published.status == PlanStatus.published)
        .scalar_subquery(),
    )
    .where(publicly_visible_plans())
    .order_by(Plan.round_id.desc(), Plan.id)
)


def public_projects(plan_ids) -> dict[int, dict]:
    """What the public reads of the key projects of these plans, by project: their entries in the published
    snapshots (a draft's edits and the projects it added are not there)."""
    return {
        project["id"]: project
        for version in published_versions(plan_ids).values()
        for project in version.snapshot["projects"]
    }


def project_snapshot(project: KeyProject) -> dict:
    return {
        "id": project.id,
        "number": project.number,
        "title": project.title,
        "part": project.part_title,
        "category": project.category.name if project.category else "",
        "problem": project.problem,
        "principles": project.principles,
        "content": project.content,
        "innovation": project.innovation,
        "goals": project.goals,
        "lead_leader": project.lead_leader_name,
        "lead_unit": project.lead_unit.name if project.lead_unit else "",
        "lead_unit_kind": project.lead_unit.kind.value if project.lead_unit else "",
        "cooperating_units": "、".join(unit.name for unit in project.cooperating_units),
        "milestones": {str(m.quarter): m.target for m in project.milestones},
        "proposal_id": project.proposal_id,
    }


# What a snapshot names of each key project: read for the whole plan at once (a list of 45 is snapshotted at each
# of its moves), not project by project.
_SNAPSHOT_LOADS = [
    selectinload(KeyProject.part),
    selectinload(KeyProject.category),
    selectinload(KeyProject.lead_unit),
    selectinload(KeyProject.lead_leader_account),
    selectinload(KeyProject.cooperating_units),
    selectinload(KeyProject.milestones),
]


def plan_snapshot(plan: Plan) -> dict:
    """The plan's text as it stands, in JSON-ready values."""
    # populate_existing: the projects are in the session already, and only a load that refreshes them fills in
    # their unloaded collections (what the session held was flushed before this query, so nothing is lost).
    query = select(KeyProject).where(KeyProject.plan_id == plan.id).order_by(KeyProject.position)
    projects = db.session.scalars(query.options(*_SNAPSHOT_LOADS).execution_options(populate_existing=True)).all()
    return {
        "title": plan.title,
        "round_title": plan.round.title,
        "version": plan.version,
        "status": plan.status.value,
        "meeting": plan.meeting,
        "approved_on": plan.approved_on.isoformat() if plan.approved_on else None,
        "numbering": plan.numbering.value,
        "parts": [part.title for part in plan.parts],
        "document_number": plan.document_number,
        "published_at": plan.published_at.isoformat() if plan.published_at else None,
        "projects": [project_snapshot(project) for project in projects],
    }


def by_part(projects) -> list[tuple[str, list]]:
    """Projects in the plan's order (records, or dicts with a "part": a snapshot's entries, a bulletin's rows),
    under their parts' titles: one (title, projects) a part in turn, "" for those in no part. Every page and document
    that lists a plan's projects."""
    groups: list[tuple[str, list]] = []
    for project in projects:
        title = project.get("part", "") if isinstance(project, dict) else project.part_title
        if not groups or groups[-1][0] != title:
            groups.append((title, []))
        groups[-1][1].append(project)
    return groups


def _lead_kind(project) -> str:
    if isinstance(project, dict):
        return project.get("lead_unit_kind", "")  # a snapshot made before it was kept has none
    return project.lead_unit.kind.value if project.lead_unit else ""


def lead_counts(projects) -> list[tuple[UnitKind, int]]:
    """Who leads: how many projects (records, or a snapshot's entries) each kind of lead unit leads
    (区直单位牵头34项、各镇牵头11项), the kinds leading none left out."""
    counts = Counter(_lead_kind(project) for project in projects)
    return [(kind, counts[kind.value]) for kind in UnitKind if counts[kind.value]]


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


def published_plans_in_force() -> list[Plan]:
    """Plans whose current text is published: their lead units report each quarter."""
    return list(db.session.scalars(_IN_FORCE))


# The office's to-do reads it on every staff page: made once a process, with each plan's round (its year) in the
# same statement.
_IN_FORCE = select(Plan).options(joinedload(Plan.round)).where(Plan.status == PlanStatus.published)
