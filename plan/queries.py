"""Read-only selects of the plan, and its snapshots: what a version held and what changed between two."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, exists, false, func, select, true
from sqlalchemy.orm import contains_eager, selectinload

from accounts.models import Role
from accounts.permissions import has_role
from accounts.queries import events_of_records
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
from review.models import Screening
from review.queries import published_decisions
from solicitation.models import Proposal, ProposalStatus, suggestion_proposals

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
    latest = (
        select(func.max(PlanVersion.id))
        .where(PlanVersion.plan_id.in_(ids), PlanVersion.status == PlanStatus.published)
        .group_by(PlanVersion.plan_id)
    )
    return {
        version.plan_id: version
        for version in db.session.scalars(select(PlanVersion).where(PlanVersion.id.in_(latest)))
    }


def published_version(plan_id: int) -> PlanVersion | None:
    """The latest published snapshot: what the public sees, even while a new version is drafted."""
    return published_versions([plan_id]).get(plan_id)


def published_plans() -> list[tuple[Plan, PlanVersion]]:
    """Every plan that has been published (`publicly_visible_plans`), with its latest published snapshot, newest
    year first: the list of plans, the same for every reader."""
    query = select(Plan).where(publicly_visible_plans()).order_by(Plan.round_id.desc())
    plans = list(db.session.scalars(query))
    versions = published_versions([plan.id for plan in plans])
    return [(plan, versions[plan.id]) for plan in plans]


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


def project_visible_to(user) -> ColumnElement[bool]:
    """The one rule of who sees a key project on the staff side, as a SQL condition on KeyProject.

    The office and the district leaders, every one, in every state of its plan; the staff of its lead unit, once
    its plan has been published (a draft plan is the office's and the leaders' until then); nobody else. (The
    public reads the published snapshot, `public_projects`.) The project's pages, the unit's list, the search
    audience and the audit log all ask this; a progress report's rule starts from it.
    """
    if sees_every_plan(user):  # they see every plan as it stands (plan_visible_to)
        return true()
    if has_role(user, Role.unit_staff) and user.unit_id is not None:
        published = select(Plan.id).where(Plan.published_at.is_not(None))
        return and_(KeyProject.lead_unit_id == user.unit_id, KeyProject.plan_id.in_(published))
    return false()


def project_is_visible(user, project_id: int) -> bool:
    """Whether `user` may see this one key project: the rule asked of one row."""
    return db.session.scalar(select(exists().where(KeyProject.id == project_id, project_visible_to(user))))


def project_events_visible_to(user) -> ColumnElement[bool]:
    """Which audit events of key projects `user` may read: those of a project `user` sees."""
    return events_of_records(KeyProject, project_visible_to(user))


def report_visible_to(user) -> ColumnElement[bool]:
    """The one rule of who sees a quarterly progress report on the staff side, as a SQL condition on
    ProgressReport.

    Those who see its key project's reports as the lead unit (`project_visible_to`), every one; the office and the
    district leaders, those the unit has sent (a draft is the unit's until it submits; a returned one stays
    seen); nobody else. (The public reads `public_reports`.) The report's page and files, the progress lists,
    the search audience and the audit log all ask this.
    """
    if has_role(user, Role.office, Role.leader):
        return ProgressReport.state != ReportState.draft
    if has_role(user, Role.unit_staff) and user.unit_id is not None:
        return ProgressReport.key_project_id.in_(select(KeyProject.id).where(project_visible_to(user)))
    return false()


def report_is_visible(user, report_id: int) -> bool:
    """Whether `user` may see this one report: the rule asked of one row."""
    return db.session.scalar(select(exists().where(ProgressReport.id == report_id, report_visible_to(user))))


def report_events_visible_to(user) -> ColumnElement[bool]:
    """Which audit events of progress reports `user` may read: those of a report `user` sees."""
    return events_of_records(ProgressReport, report_visible_to(user))


def report_of(project_id: int, quarter: int) -> ProgressReport | None:
    query = select(ProgressReport).where(ProgressReport.key_project_id == project_id, ProgressReport.quarter == quarter)
    return db.session.scalar(query)


def reports_by_project(
    plan_id: int, *, reader=None, reached_office: bool = False
) -> dict[int, dict[int, ProgressReport]]:
    """The plan's reports (those `reader` sees, if given; only those that reached the office, if asked):
    project -> quarter -> report."""
    query = (
        select(ProgressReport)
        .join(ProgressReport.key_project)
        .where(KeyProject.plan_id == plan_id)
        .options(selectinload(ProgressReport.attachments))
    )
    if reader is not None:
        query = query.where(report_visible_to(reader))
    if reached_office:
        query = query.where(ProgressReport.state.in_(REACHED_OFFICE))
    return _by_project(query)


def reports_of_projects(project_ids, *, reader) -> dict[int, dict[int, ProgressReport]]:
    """The reports of these projects that `reader` sees, whatever their plans, in one statement:
    project -> quarter -> report."""
    query = select(ProgressReport).where(ProgressReport.key_project_id.in_(project_ids), report_visible_to(reader))
    return _by_project(query)


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
    query = select(Plan).options(selectinload(Plan.round)).where(Plan.status == PlanStatus.published)
    return list(db.session.scalars(query))


def led_by(user) -> list[KeyProject]:
    """The key projects the unit of `user` leads that the rule shows its staff (those of published plans), newest
    plan first, with their plans and tasks."""
    query = (
        select(KeyProject)
        .join(KeyProject.plan)
        .options(contains_eager(KeyProject.plan).selectinload(Plan.round), selectinload(KeyProject.tasks))
        .where(project_visible_to(user), KeyProject.lead_unit_id == user.unit_id)
        .order_by(Plan.round_id.desc(), KeyProject.position)
    )
    return list(db.session.scalars(query))


def public_reports(project_ids) -> dict[int, ProgressReport]:
    """Each project's latest report that the office accepted, by project: the progress the public sees."""
    query = (
        select(ProgressReport)
        .where(ProgressReport.key_project_id.in_(list(project_ids)), ProgressReport.state == ReportState.accepted)
        .order_by(ProgressReport.quarter)
    )
    return {report.key_project_id: report for report in db.session.scalars(query)}


def latest_reports(plan: Plan) -> dict[int, ProgressReport]:
    """Each project's latest report that the office accepted: what the public sees (the plan's projects are not
    read for it)."""
    query = (
        select(ProgressReport)
        .join(ProgressReport.key_project)
        .where(KeyProject.plan_id == plan.id, ProgressReport.state == ReportState.accepted)
        .order_by(ProgressReport.quarter)
    )
    return {report.key_project_id: report for report in db.session.scalars(query)}


def latest_public_plan() -> tuple[PlanVersion, dict[int, ProgressReport]] | None:
    """The newest plan as it was last published, with each project's latest accepted progress, in two statements:
    what the home page shows the public of the plans (None before any is published)."""
    query = (
        select(PlanVersion)
        .join(Plan, Plan.id == PlanVersion.plan_id)
        .where(PlanVersion.status == PlanStatus.published)
        .order_by(Plan.round_id.desc(), PlanVersion.plan_id.desc(), PlanVersion.id.desc())
        .limit(1)
    )
    version = db.session.scalar(query)
    if version is None:
        return None
    return version, public_reports(project["id"] for project in version.snapshot["projects"])


def key_projects_fed_by(suggestion) -> list[tuple[Plan, dict, ProgressReport | None]]:
    """The key projects of published plans that a suggestion fed into (through a proposal), as their plans were
    published (a draft's edits are not shown), with their latest accepted progress: what a resident who looks
    the suggestion up sees became of it."""
    proposal_ids = [proposal.id for proposal in suggestion.proposals]
    if not proposal_ids:
        return []
    projects = list(
        db.session.scalars(
            select(KeyProject).where(KeyProject.proposal_id.in_(proposal_ids)).options(selectinload(KeyProject.plan))
        )
    )
    published = public_projects({project.plan_id for project in projects})
    shown = [project for project in projects if project.id in published]
    reports = public_reports(project.id for project in shown)
    return [(project.plan, published[project.id], reports.get(project.id)) for project in shown]


@dataclass
class SuggestionOutcome:
    """What became of a suggestion, as a resident may read it: the proposals it fed that reached the office, each
    with the office's published decision (None while none is published), and the key projects they became."""

    proposals: list[tuple[Proposal, Screening | None]]
    key_projects: list[tuple[Plan, dict, ProgressReport | None]]

    def proposal_outcomes(self) -> list[tuple[str, str]]:
        """Each proposal's title and what became of it, in the reader's language."""
        return [
            (proposal.title, str(decision.decision.label) if decision else str(_outcome_pending(proposal)))
            for proposal, decision in self.proposals
        ]


def _outcome_pending(proposal):
    return proposal.status.label if proposal.status is ProposalStatus.withdrawn else _l("under review")


def suggestion_outcome(suggestion) -> SuggestionOutcome:
    """What became of a suggestion, or of the one it was merged into (which carries it on): the tracking page and
    the API's lookup both read this."""
    origin = suggestion.duplicate_of or suggestion
    submitted = [proposal for proposal in origin.proposals if proposal.submitted_at is not None]  # never a draft
    decisions = {screening.proposal_id: screening for screening in published_decisions(p.id for p in submitted)}
    return SuggestionOutcome(
        proposals=[(proposal, decisions.get(proposal.id)) for proposal in submitted],
        key_projects=key_projects_fed_by(origin),
    )


def suggestion_counts(plan: Plan) -> dict[int, int]:
    """How many residents' suggestions fed each key project (through its proposal)."""
    query = (
        select(KeyProject.id, func.count())
        .join(suggestion_proposals, suggestion_proposals.c.proposal_id == KeyProject.proposal_id)
        .where(KeyProject.plan_id == plan.id)
        .group_by(KeyProject.id)
    )
    return dict(db.session.execute(query).all())


def replicable_projects(plan: Plan) -> set[int]:
    """The key projects of the plan whose experience the office found worth replicating (可复制推广)."""
    return set(db.session.scalars(select(KeyProject.id).where(KeyProject.plan_id == plan.id, KeyProject.replicable)))


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
