"""Who may see and change the plan."""

from accounts.models import Role
from accounts.permissions import has_role, is_office
from plan.models import REPORT_EDITABLE, ReportState
from plan.queries import project_is_visible, report_is_visible, sees_every_plan


def can_manage_plan(user) -> bool:
    """The reform office drafts, edits, moves and publishes the plan."""
    return is_office(user)


def can_view_plan(user) -> bool:
    """The first half of plan.queries.plan_visible_to: the office and the district leaders read every plan as it
    stands, a draft included, on the plan's own pages (a round's plan page, its versions, progress, bulletins)."""
    return sees_every_plan(user)


def can_report_progress(user, project) -> bool:
    """The staff of a project's lead unit report its progress, once the plan is published."""
    return (
        has_role(user, Role.unit_staff)
        and user.unit_id is not None
        and user.unit_id == project.lead_unit_id
        and project.plan.published_at is not None
    )


def can_follow_project(user, project) -> bool:
    """The rule of plan.queries.project_visible_to, asked of one project: the office and the leaders; its lead
    unit once the plan is published. They read its tasks."""
    return project_is_visible(user, project.id)


def can_manage_tasks(user, project) -> bool:
    """The office, and the staff of the project's lead unit (once they see it), break the project into tasks
    (its work plan)."""
    return is_office(user) or (has_role(user, Role.unit_staff) and can_follow_project(user, project))


def can_view_report(user, report) -> bool:
    """The rule of plan.queries.report_visible_to, asked of one report: its lead unit; the office and the
    leaders once the unit has sent it."""
    return report_is_visible(user, report.id)


def report_is_editable(report) -> bool:
    """Whether the lead unit may still write a quarter's report (None: not begun): the service's rule, which the
    form asks before it offers saving."""
    return report is None or report.state in REPORT_EDITABLE


def can_review_report(user, report) -> bool:
    """The office accepts or returns a report its lead unit has sent and nobody has yet answered."""
    return can_manage_plan(user) and report.state is ReportState.submitted


def can_see_own_progress(user) -> bool:
    """Unit staff have a page of the key projects their unit leads."""
    return has_role(user, Role.unit_staff) and user.unit_id is not None


def can_see_led_projects(user) -> bool:
    """District leaders have a page of the key projects they lead (我牵头的项目)."""
    return has_role(user, Role.leader)


TEMPLATE_PREDICATES = {
    "can_see_led_projects": can_see_led_projects,
    "can_manage_plan": can_manage_plan,
    "can_view_plan": can_view_plan,
    "can_report_progress": can_report_progress,
    "can_see_own_progress": can_see_own_progress,
    "can_manage_tasks": can_manage_tasks,
    "can_follow_project": can_follow_project,
    "can_view_report": can_view_report,
    "report_is_editable": report_is_editable,
    "can_review_report": can_review_report,
}
