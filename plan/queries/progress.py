"""Quarterly progress reports: who sees one, a plan's reports by project, the missing, the reminders, what the
public sees."""

from datetime import date

from sqlalchemy import ColumnElement, exists, false, select
from sqlalchemy.orm import selectinload

from accounts.models import Role
from accounts.permissions import has_role
from accounts.queries import events_of_records
from extensions import db
from plan.models import (
    REACHED_OFFICE,
    KeyProject,
    Plan,
    ProgressReminder,
    ProgressReport,
    ReportState,
    TaskProgress,
)
from plan.queries.key_projects import project_visible_to


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
