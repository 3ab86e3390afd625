"""Quarterly progress reports: who sees one, a plan's reports by project, the missing, the reminders, what the
public sees, the projects a district leader leads and how they stand."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, bindparam, exists, false, func, select
from sqlalchemy.orm import contains_eager, selectinload

from accounts.models import Role
from accounts.permissions import has_role
from accounts.queries import events_of_records
from extensions import db
from plan.models import (
    REACHED_OFFICE,
    KeyProject,
    Plan,
    PlanStatus,
    PlanVersion,
    ProgressReminder,
    ProgressReport,
    ProgressStatus,
    ReportState,
    TaskProgress,
)
from plan.pace import expected_share, is_behind
from plan.queries.key_projects import project_visible_to
from plan.queries.plans import by_part, published_snapshots
from solicitation.models import Round


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


def reports_of_quarter(plan_id: int, quarter: int) -> dict[int, ProgressReport]:
    """The plan's reports of one quarter, by key project."""
    query = (
        select(ProgressReport)
        .join(ProgressReport.key_project)
        .where(KeyProject.plan_id == plan_id, ProgressReport.quarter == quarter)
    )
    return {report.key_project_id: report for report in db.session.scalars(query)}


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
    return latest_task_shares([project_id])


def latest_task_shares(project_ids) -> dict[int, int]:
    """latest_task_progress for the tasks of several projects, in one statement."""
    query = (
        select(TaskProgress.task_id, TaskProgress.percent)
        .join(TaskProgress.report)
        .where(ProgressReport.key_project_id.in_(project_ids), ProgressReport.state.in_(REACHED_OFFICE))
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


def public_reports(project_ids) -> dict[int, ProgressReport]:
    """Each project's latest report that the office accepted, by project: the progress the public sees."""
    return latest_reports_of(project_ids, states={ReportState.accepted})


def latest_reports_of(project_ids, *, states=REACHED_OFFICE) -> dict[int, ProgressReport]:
    """Each project's latest report in one of `states` (by default: that reached the office), by project."""
    query = (
        select(ProgressReport)
        .where(ProgressReport.key_project_id.in_(list(project_ids)), ProgressReport.state.in_(states))
        .order_by(ProgressReport.quarter)
    )
    return {report.key_project_id: report for report in db.session.scalars(query)}


def reports_chosen(plan_id: int, report_ids) -> list[ProgressReport]:
    """The plan's reports among `report_ids` (others are ignored), in the plan's order, with their projects."""
    query = (
        select(ProgressReport)
        .join(ProgressReport.key_project)
        .options(contains_eager(ProgressReport.key_project))
        .where(KeyProject.plan_id == plan_id, ProgressReport.id.in_(list(report_ids)))
        .order_by(KeyProject.position, ProgressReport.quarter)
    )
    return list(db.session.scalars(query))


@dataclass
class LedProject:
    """A key project as its lead district leader follows it: its latest report that reached the office, the share
    it should have done by that quarter, and whether it is behind."""

    project: KeyProject
    report: ProgressReport | None

    @property
    def expected(self) -> int | None:
        return expected_share(self.project.tasks, self.report.quarter) if self.report else None

    @property
    def behind(self) -> bool:
        return self.report is not None and is_behind(self.report, self.project.tasks)


def led_by_leader(user, *, published: bool = False) -> list[LedProject]:
    """The key projects `user` leads as their lead district leader (linked to their account), newest plan first,
    with their latest reports; only those of published plans, when asked."""
    query = (
        select(KeyProject)
        .join(KeyProject.plan)
        .options(
            contains_eager(KeyProject.plan).selectinload(Plan.round),
            selectinload(KeyProject.tasks),
            selectinload(KeyProject.lead_unit),
        )
        .where(KeyProject.lead_leader_id == user.id, project_visible_to(user))
        .order_by(Plan.round_id.desc(), KeyProject.position)
    )
    if published:
        query = query.where(Plan.published_at.is_not(None))
    projects = list(db.session.scalars(query))
    reports = latest_reports_of(project.id for project in projects) if projects else {}
    return [LedProject(project, reports.get(project.id)) for project in projects]


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


# A plan longer than this shows on the home page as a card a part (count, mean share done, how many lag), not a card
# a project: a resident on a phone should not scroll past 45 cards to reach the rest of the page.
HOME_PROJECT_CARDS = 12


@dataclass
class PartSummary:
    title: str
    projects: int
    reported: int
    mean_percent: int | None
    lagging: int
    completed: int


@dataclass
class PublicPlan:
    plan_id: int
    snapshot: dict
    parts: list  # (part title, projects) in the plan's order
    reports: dict  # project id -> its latest accepted report (percent, status)

    @property
    def part_summaries(self) -> list[PartSummary] | None:
        """One summary a part, or None when the plan is short enough for a card a project."""
        if len(self.snapshot["projects"]) <= HOME_PROJECT_CARDS:
            return None
        summaries = []
        for title, projects in self.parts:
            reports = [self.reports[p["id"]] for p in projects if p["id"] in self.reports]
            summaries.append(
                PartSummary(
                    title=title,
                    projects=len(projects),
                    reported=len(reports),
                    mean_percent=round(sum(r.percent for r in reports) / len(reports)) if reports else None,
                    lagging=sum(1 for r in reports if r.status is ProgressStatus.lagging),
                    completed=sum(1 for r in reports if r.status is ProgressStatus.completed),
                )
            )
        return summaries


def newest_public_plans() -> list[PublicPlan]:
    """Every plan of the newest round that has published any, as it was last published (its snapshot and the
    snapshot's projects under their parts, `by_part`), with each project's latest accepted progress (percent and
    status, by project), in two statements of plain rows: what the home page shows the public of the plans (none
    before any is published). A round may publish several lists (Jinwan's 工作要点 and 点题): each is shown."""
    versions = db.session.execute(_NEWEST_ROUND_VERSIONS).all()
    if not versions:
        return []
    snapshots = published_snapshots(versions)
    ids = [project["id"] for snapshot in snapshots.values() for project in snapshot["projects"]]
    reports = {report.key_project_id: report for report in db.session.execute(_ACCEPTED, {"ids": ids})}
    return [
        PublicPlan(
            version.plan_id,
            snapshot,
            by_part(snapshot["projects"]),
            {p["id"]: reports[p["id"]] for p in snapshot["projects"] if p["id"] in reports},
        )
        for version in versions
        for snapshot in [snapshots[version.id]]
    ]


# The home page's statements, made once a process like the other public pages' (building one cost more than
# running it); the projects' ids are bound per request.
_NEWEST_PUBLIC_ROUND = (
    select(Plan.round_id)
    .join(Round, Round.id == Plan.round_id)
    .where(Plan.id.in_(select(PlanVersion.plan_id).where(PlanVersion.status == PlanStatus.published)))
    .order_by(Round.year.desc())
    .limit(1)
    .scalar_subquery()
)
_NEWEST_ROUND_VERSIONS = (
    select(PlanVersion.plan_id, PlanVersion.id, PlanVersion.created_at)
    .where(
        PlanVersion.id.in_(
            select(func.max(PlanVersion.id))
            .join(Plan, Plan.id == PlanVersion.plan_id)
            .where(PlanVersion.status == PlanStatus.published, Plan.round_id == _NEWEST_PUBLIC_ROUND)
            .group_by(PlanVersion.plan_id)
        )
    )
    .order_by(PlanVersion.plan_id)
)
_ACCEPTED = (
    select(ProgressReport.key_project_id, ProgressReport.percent, ProgressReport.status)
    .where(
        ProgressReport.key_project_id.in_(bindparam("ids", expanding=True)),
        ProgressReport.state == ReportState.accepted,
    )
    .order_by(ProgressReport.quarter)
)
