"""What of the plan's implementation waits for a user (core.todo): a lead unit's quarterly reports due and
returned, and its tasks overdue; the office's reports to accept and those still missing as the deadline nears; a
district leader's key projects, those behind, and the bulletin just issued."""

from datetime import date, datetime, timedelta

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from accounts.models import Role
from accounts.permissions import has_role
from core.todo import TodoItem
from extensions import db
from plan.models import REACHED_OFFICE, KeyProject, Plan, ProgressReport, ReportState
from plan.queries import (
    latest_bulletin,
    latest_task_shares,
    led_by,
    led_by_leader,
    missing_reports,
    published_plans_in_force,
    report_deadline,
    reports_of_projects,
)

# The office is told of the reports still missing this many days before they fall due (as `plan remind-progress`).
MISSING_WARNING_DAYS = 7
# A bulletin is news to the leaders of its projects for this many days after it is issued.
BULLETIN_NEWS_DAYS = 30


def todo(user, today: date) -> list[TodoItem]:
    if has_role(user, Role.unit_staff) and user.unit_id is not None:
        return _lead_unit_todo(user, today)
    if has_role(user, Role.office):
        return _office_todo(today)
    if has_role(user, Role.leader):
        return _leader_todo(user, today)
    return []


def next_due_quarter(plan: Plan, today: date) -> int | None:
    """The quarter of the plan's year whose reports fall due next (today or later), or None after the year."""
    return next((q for q in (1, 2, 3, 4) if report_deadline(plan, q) >= today), None)


def _lead_unit_todo(user, today: date) -> list[TodoItem]:
    projects = led_by(user)
    reports = reports_of_projects([project.id for project in projects], reader=user)
    due: dict[tuple[Plan, int], int] = {}
    for project in projects:
        quarter = next_due_quarter(project.plan, today)
        report = reports.get(project.id, {}).get(quarter)
        if quarter is not None and (report is None or report.state not in REACHED_OFFICE):
            due[project.plan, quarter] = due.get((project.plan, quarter), 0) + 1
    items = [
        TodoItem(
            text=_("Quarter %(quarter)d reports to submit for %(plan)s", quarter=quarter, plan=plan.title),
            url=url_for("plan.my_progress"),
            count=count,
            due=report_deadline(plan, quarter),
        )
        for (plan, quarter), count in due.items()
    ]
    titles = {project.id: project.title for project in projects}
    items += [
        TodoItem(
            text=_(
                "Revise the returned report on “%(project)s”, quarter %(quarter)d",
                project=titles[report.key_project_id],
                quarter=report.quarter,
            ),
            url=url_for("plan.progress_form", project_id=report.key_project_id, quarter=report.quarter),
            detail=report.office_comment,
        )
        for by_quarter in reports.values()
        for report in by_quarter.values()
        if report.state is ReportState.returned
    ]
    return items + _overdue_tasks(projects, today)


def _overdue_tasks(projects, today: date) -> list[TodoItem]:
    """The tasks whose quarter's reports are past due while the last report the office has gives them less than
    done, by project."""
    shares = latest_task_shares([project.id for project in projects])
    items = []
    for project in projects:
        late = [
            task
            for task in project.tasks
            if report_deadline(project.plan, task.due_quarter) < today and shares.get(task.id, 0) < 100
        ]
        if late:
            items.append(
                TodoItem(
                    text=_("Overdue tasks of “%(project)s”", project=project.title),
                    url=url_for("plan.key_project_tasks", project_id=project.id),
                    count=len(late),
                    detail=", ".join(task.title for task in late),
                )
            )
    return items


# Every staff page's menu counts the office's to-do: made once a process (building it cost more than running it),
# reading plain columns.
_SUBMITTED = (
    select(Plan.id, Plan.title, func.count(ProgressReport.id))
    .join(KeyProject, KeyProject.plan_id == Plan.id)
    .join(ProgressReport, ProgressReport.key_project_id == KeyProject.id)
    .where(ProgressReport.state == ReportState.submitted)
    .group_by(Plan.id, Plan.title)
)


def _office_todo(today: date) -> list[TodoItem]:
    items = [
        TodoItem(
            text=_("Progress reports to accept for %(plan)s", plan=title),
            url=url_for("plan.plan_progress", plan_id=plan_id),
            count=count,
        )
        for plan_id, title, count in db.session.execute(_SUBMITTED)
    ]
    soon = today + timedelta(days=MISSING_WARNING_DAYS)
    for plan in published_plans_in_force():
        quarter = next_due_quarter(plan, today)
        if quarter is None or report_deadline(plan, quarter) > soon:
            continue
        items.append(
            TodoItem(
                text=_("Quarter %(quarter)d reports still missing for %(plan)s", quarter=quarter, plan=plan.title),
                url=url_for("plan.plan_progress", plan_id=plan.id, quarter=quarter),
                count=len(missing_reports(plan, quarter)),
                due=report_deadline(plan, quarter),
            )
        )
    return items


def _leader_todo(user, today: date) -> list[TodoItem]:
    led = led_by_leader(user, published=True)
    if not led:
        return []
    behind = sum(row.behind for row in led)
    items = [
        # Where they are listed, always: not something waiting, so the menu's badge leaves it out.
        TodoItem(text=_("Key projects you lead"), url=url_for("plan.led_projects"), count=len(led), counted=False),
        TodoItem(
            text=_("Projects you lead that are behind"), url=url_for("plan.led_projects", behind="yes"), count=behind
        ),
    ]
    since = datetime.combine(today - timedelta(days=BULLETIN_NEWS_DAYS), datetime.min.time())
    bulletin = latest_bulletin({row.project.plan_id for row in led}, issued_since=since, unread_by=user.id)
    if bulletin is not None:
        items.append(
            TodoItem(
                text=_("Quarter %(quarter)d bulletin of %(plan)s", quarter=bulletin.quarter, plan=bulletin.plan.title),
                url=url_for("plan.bulletin", plan_id=bulletin.plan_id, quarter=bulletin.quarter),
            )
        )
    return items
