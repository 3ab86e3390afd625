"""Read-only selects of the plan, and its snapshots: what a version held and what changed between two."""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, selectinload

from extensions import db
from plan.models import (
    REACHED_OFFICE,
    Bulletin,
    KeyProject,
    Plan,
    PlanStatus,
    PlanVersion,
    ProgressReminder,
    ProgressReport,
    ProgressStatus,
    ReportState,
    Task,
    TaskProgress,
)
from solicitation.models import Proposal, suggestion_proposals

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


# What the plan's page shows of each key project: one query for each kind of record, not for each project.
PROJECT_ROWS = selectinload(Plan.projects).options(
    selectinload(KeyProject.proposal).selectinload(Proposal.unit),
    selectinload(KeyProject.category),
    selectinload(KeyProject.lead_unit),
    selectinload(KeyProject.milestones),
    selectinload(KeyProject.tasks),
)

# What a key project's work plan shows of each task.
TASK_ROWS = selectinload(KeyProject.tasks).selectinload(Task.owner_unit)


def plan_of(round_id: int, *, with_projects: bool = False) -> Plan | None:
    """The round's plan; `with_projects` also reads its key projects as the plan's page lists them."""
    query = select(Plan).where(Plan.round_id == round_id)
    return db.session.scalar(query.options(PROJECT_ROWS) if with_projects else query)


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
    """Every plan that has been published, with its latest published snapshot, newest year first: one statement."""
    latest = (
        select(func.max(PlanVersion.id)).where(PlanVersion.status == PlanStatus.published).group_by(PlanVersion.plan_id)
    )
    query = (
        select(Plan, PlanVersion)
        .join(PlanVersion, PlanVersion.plan_id == Plan.id)
        .where(PlanVersion.id.in_(latest))
        .order_by(Plan.round_id.desc())
    )
    return [(plan, version) for plan, version in db.session.execute(query)]


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


def report_of(project_id: int, quarter: int) -> ProgressReport | None:
    query = select(ProgressReport).where(ProgressReport.key_project_id == project_id, ProgressReport.quarter == quarter)
    return db.session.scalar(query)


def reports_by_project(plan_id: int, *, reached_office: bool = False) -> dict[int, dict[int, ProgressReport]]:
    """The plan's reports (only those that reached the office, if asked): project -> quarter -> report."""
    query = (
        select(ProgressReport)
        .join(ProgressReport.key_project)
        .where(KeyProject.plan_id == plan_id)
        .options(selectinload(ProgressReport.attachments))
    )
    if reached_office:
        query = query.where(ProgressReport.state.in_(REACHED_OFFICE))
    return _by_project(query)


def reports_of_projects(project_ids) -> dict[int, dict[int, ProgressReport]]:
    """The reports of these projects, whatever their plans, in one statement: project -> quarter -> report."""
    return _by_project(select(ProgressReport).where(ProgressReport.key_project_id.in_(project_ids)))


def _by_project(query) -> dict[int, dict[int, ProgressReport]]:
    reports: dict[int, dict[int, ProgressReport]] = {}
    for report in db.session.scalars(query):
        reports.setdefault(report.key_project_id, {})[report.quarter] = report
    return reports


def missing_reports(plan: Plan, quarter: int, reports: dict | None = None) -> list[KeyProject]:
    """The plan's projects whose report for the quarter has not reached the office (none, a draft, returned).

    `reports` are the plan's reports by project when the caller has them already.
    """
    reports = reports_by_project(plan.id) if reports is None else reports
    return [
        p for p in plan.projects if (r := reports.get(p.id, {}).get(quarter)) is None or r.state not in REACHED_OFFICE
    ]


def latest_task_progress(project_id: int) -> dict[int, int]:
    """Each task's share done in the latest report on it that reached the office (task id -> percent)."""
    query = (
        select(TaskProgress.task_id, TaskProgress.percent)
        .join(TaskProgress.report)
        .where(ProgressReport.key_project_id == project_id, ProgressReport.state.in_(REACHED_OFFICE))
        .order_by(ProgressReport.quarter)
    )
    return {task_id: percent for task_id, percent in db.session.execute(query)}


def report_deadline(plan: Plan, quarter: int) -> date:
    """The day the quarter's reports are due: the plan's report day of the quarter's last month."""
    return date(plan.round.year, 3 * quarter, plan.report_day)


def reminders(plan_id: int, quarter: int) -> list[ProgressReminder]:
    """The reminders sent for a quarter's reports, newest first."""
    query = (
        select(ProgressReminder)
        .where(ProgressReminder.plan_id == plan_id, ProgressReminder.quarter == quarter)
        .order_by(ProgressReminder.id.desc())
    )
    return list(db.session.scalars(query))


def published_plans_in_force() -> list[Plan]:
    """Plans whose current text is published: their lead units report each quarter."""
    return list(db.session.scalars(select(Plan).where(Plan.status == PlanStatus.published)))


def led_by(unit_id: int) -> list[KeyProject]:
    """The key projects of published plans that the unit leads, newest plan first, with their plans and tasks."""
    query = (
        select(KeyProject)
        .join(KeyProject.plan)
        .options(contains_eager(KeyProject.plan), selectinload(KeyProject.tasks))
        .where(KeyProject.lead_unit_id == unit_id, Plan.published_at.is_not(None))
        .order_by(Plan.round_id.desc(), KeyProject.position)
    )
    return list(db.session.scalars(query))


def latest_reports(plan_id: int) -> dict[int, ProgressReport]:
    """Each project's latest report that the office accepted: what the public sees."""
    latest = {}
    for project_id, by_quarter in reports_by_project(plan_id).items():
        accepted = [r for q, r in sorted(by_quarter.items()) if r.state is ReportState.accepted]
        if accepted:
            latest[project_id] = accepted[-1]
    return latest


def key_projects_fed_by(suggestion) -> list[tuple[KeyProject, ProgressReport | None]]:
    """The key projects of published plans that a suggestion fed into (through a proposal), with their latest
    accepted progress: what a resident who looks the suggestion up sees became of it."""
    proposal_ids = [proposal.id for proposal in suggestion.proposals]
    if not proposal_ids:
        return []
    query = (
        select(KeyProject)
        .join(KeyProject.plan)
        .where(KeyProject.proposal_id.in_(proposal_ids), Plan.published_at.is_not(None))
    )
    latest: dict[int, dict[int, ProgressReport]] = {}  # by plan, read once each
    rows = []
    for project in db.session.scalars(query):
        if project.plan_id not in latest:
            latest[project.plan_id] = latest_reports(project.plan_id)
        rows.append((project, latest[project.plan_id].get(project.id)))
    return rows


def suggestion_counts(plan: Plan) -> dict[int, int]:
    """How many residents' suggestions fed each key project (through its proposal)."""
    proposal_ids = {project.proposal_id: project.id for project in plan.projects if project.proposal_id}
    if not proposal_ids:
        return {}
    query = (
        select(suggestion_proposals.c.proposal_id, func.count())
        .where(suggestion_proposals.c.proposal_id.in_(list(proposal_ids)))
        .group_by(suggestion_proposals.c.proposal_id)
    )
    return {proposal_ids[proposal_id]: count for proposal_id, count in db.session.execute(query)}


def bulletin_of(plan_id: int, quarter: int) -> Bulletin | None:
    return db.session.scalar(select(Bulletin).where(Bulletin.plan_id == plan_id, Bulletin.quarter == quarter))


# Lagging projects lead the bulletin, then those whose report has not come in, then the rest.
BULLETIN_ORDER = {ProgressStatus.lagging: 0, None: 1, ProgressStatus.on_track: 2, ProgressStatus.completed: 3}


def bulletin_rows(plan: Plan, quarter: int) -> list[tuple[KeyProject, ProgressReport | None]]:
    """Every project with its report of the quarter (that reached the office), lagging ones first, least done first."""
    reports = reports_by_project(plan.id, reached_office=True)
    rows = [(project, reports.get(project.id, {}).get(quarter)) for project in plan.projects]

    def order(row):
        project, report = row
        return BULLETIN_ORDER[report.status if report else None], report.percent if report else 0, project.position

    return sorted(rows, key=order)
