"""Quarterly progress (季度进展): the lead unit reports, the office accepts or returns, the missing are reminded.

State changes only; each checks who and from which state, writes an AuditEvent and commits.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from accounts import audit
from accounts.models import Role, User
from accounts.permissions import check_office
from core.errors import RowsRejected
from core.mail import queue_mail_to_staff
from core.models import utcnow
from core.spreadsheets import table_rows
from core.storage import discard_files, store_files
from core.uploads import check_uploads
from core.urls import external_url
from extensions import db
from plan.errors import PlanError
from plan.models import (
    KeyProject,
    Numbering,
    Plan,
    ProgressAttachment,
    ProgressReminder,
    ProgressReport,
    ProgressStatus,
    Rating,
    ReportState,
    TaskProgress,
)
from plan.permissions import can_review_report, report_is_editable
from plan.queries import (
    missing_reports,
    published_plans_in_force,
    reminders,
    report_deadline,
    report_of,
    reports_chosen,
    reports_of_quarter,
)
from plan.services.tasks import rolled_up

REPORT_FIELDS = ["percent", "status", "achievements", "problems", "next_steps", "state", "office_comment"]


def _check_lead_unit(actor: User, project: KeyProject) -> None:
    if project.plan.published_at is None:
        raise PlanError("plan_not_published")
    if actor.role is not Role.unit_staff or actor.unit_id is None or actor.unit_id != project.lead_unit_id:
        raise PlanError("not_lead_unit")


def save_report(
    *,
    actor: User,
    project: KeyProject,
    quarter: int,
    percent: int,
    status: ProgressStatus,
    achievements: str,
    problems: str = "",
    next_steps: str = "",
    task_percents: dict[int, int] | None = None,
    files: list[tuple[str, bytes]] = (),
    remove_files: frozenset[int] = frozenset(),
    submit: bool = False,
) -> ProgressReport:
    """The lead unit writes (and, with `submit`, sends) its report for a quarter; a returned one is revised.

    A project broken into tasks gives each task's share done (`task_percents`, task id -> percent) and its
    own share is rolled up from them; `percent` then goes unused. New `files` are checked and attached;
    `remove_files` are ids of the report's files to take off.
    """
    _check_lead_unit(actor, project)
    if quarter not in (1, 2, 3, 4):
        raise PlanError("quarter_out_of_range", field="quarter")
    task_percents = task_percents or {}
    for task in project.tasks:
        if not 0 <= task_percents.get(task.id, -1) <= 100:
            raise PlanError("task_percent_missing", field=f"task_{task.id}", task=task.title)
    if project.tasks:
        percent = rolled_up(project.tasks, task_percents)
    if not 0 <= percent <= 100:
        raise PlanError("percent_out_of_range", field="percent")
    report = report_of(project.id, quarter) or ProgressReport(key_project=project, quarter=quarter)
    if report.id and not report_is_editable(report):
        raise PlanError("report_locked", state=report.state)
    if submit and not achievements.strip():
        raise PlanError("report_incomplete", field="achievements")
    kept = [file for file in report.attachments if file.id not in remove_files]
    checked = check_uploads(files, already=len(kept))
    before = audit.snapshot(report, REPORT_FIELDS) if report.id else None
    report.percent, report.status = percent, status
    report.achievements, report.problems, report.next_steps = achievements.strip(), problems.strip(), next_steps.strip()
    recorded = {row.task_id: row for row in report.task_progress}
    report.task_progress = [recorded.get(task.id) or TaskProgress(task=task) for task in project.tasks]
    for row in report.task_progress:
        row.percent = task_percents[row.task.id]
    removed = [file for file in report.attachments if file.id in remove_files]
    added = store_files(ProgressAttachment, checked)
    report.attachments = kept + added
    report.author_id = actor.id
    if submit:
        report.state, report.submitted_at = ReportState.submitted, utcnow()
    db.session.add(report)
    action = "progress.submit" if submit else "progress.save"
    after = audit.snapshot(report, REPORT_FIELDS) | {
        "tasks": {str(tp.task.id): tp.percent for tp in report.task_progress},
        "files": [file.filename for file in report.attachments],
    }
    audit.record(actor=actor, action=action, obj=report, before=before, after=after)
    discard_files(removed)
    db.session.commit()
    return report


def review_report(*, actor: User, report: ProgressReport, accept: bool, comment: str = "") -> ProgressReport:
    """The office accepts a submitted report, or returns it with what to add; the lead unit is told."""
    check_office(actor, PlanError)
    _review(actor, report, accept=accept, comment=comment)
    db.session.commit()
    return report


@dataclass
class Accepted:
    """What became of the reports the office chose to accept at once: those accepted, and those refused with why."""

    accepted: list[ProgressReport] = field(default_factory=list)
    refused: list[tuple[ProgressReport, PlanError]] = field(default_factory=list)


def accept_reports(*, actor: User, plan: Plan, report_ids) -> Accepted:
    """The office accepts several of a plan's submitted reports in one action, each audited on its own; one that
    cannot be accepted (no longer submitted) is refused with why, and the others are accepted all the same."""
    check_office(actor, PlanError)
    chosen = reports_chosen(plan.id, report_ids)
    if not chosen:
        raise PlanError("no_report_chosen")
    outcome = Accepted()
    for report in chosen:
        try:
            _review(actor, report, accept=True)
        except PlanError as error:
            outcome.refused.append((report, error))
        else:
            outcome.accepted.append(report)
    db.session.commit()
    return outcome


def _review(actor: User, report: ProgressReport, *, accept: bool, comment: str = "") -> None:
    """Accept or return one submitted report and record it; the caller commits."""
    if not can_review_report(actor, report):
        raise PlanError("report_not_submitted")
    comment = comment.strip()
    if not accept and not comment:
        raise PlanError("return_comment_required", field="comment")
    before = {"state": report.state.value}
    report.state = ReportState.accepted if accept else ReportState.returned
    report.office_comment, report.reviewed_at = comment, utcnow()
    audit.record(
        actor=actor,
        action="progress.review",
        obj=report,
        before=before,
        after={"state": report.state.value, "comment": comment},
    )
    if not accept:
        url = external_url("plan.progress_form", project_id=report.key_project_id, quarter=report.quarter)
        queue_mail_to_staff(report.key_project.lead_unit.users, template="progress_returned", report=report, url=url)


def remind_missing(*, actor: User | None, plan: Plan, quarter: int) -> int:
    """Mail the staff of every lead unit whose report for the quarter is not in yet. Returns the projects.

    `actor` None is the scheduled command (`flask plan remind-progress`).
    """
    if actor is not None:  # None: the scheduled command
        check_office(actor, PlanError)
    if quarter not in (1, 2, 3, 4):
        raise PlanError("quarter_out_of_range")
    missing = missing_reports(plan, quarter)
    if not missing:
        raise PlanError("nobody_to_remind")
    due = report_deadline(plan, quarter).isoformat()
    for project in missing:
        url = external_url("plan.progress_form", project_id=project.id, quarter=quarter)
        staff = project.lead_unit.users if project.lead_unit else []
        queue_mail_to_staff(staff, template="progress_reminder", project=project, quarter=quarter, due=due, url=url)
    db.session.add(ProgressReminder(plan=plan, quarter=quarter, projects=len(missing), sent_by=actor))
    audit.record(
        actor=actor, action="progress.remind", obj=plan, after={"quarter": quarter, "projects": [p.id for p in missing]}
    )
    db.session.commit()
    return len(missing)


def remind_before_deadline(*, today: date, days: int) -> list[tuple[Plan, int, int]]:
    """Remind, for every plan in force, the quarter whose reports fall due within `days` of `today`.

    Run daily by the scheduler: a quarter it has reminded already, or that the office reminded within
    those days, is left alone, so units get one reminder per quarter. Returns (plan, quarter, projects).
    """
    sent = []
    for plan in published_plans_in_force():
        for quarter in (1, 2, 3, 4):
            due = report_deadline(plan, quarter)
            if not today <= due <= today + timedelta(days=days):
                continue
            window = due - timedelta(days=days)
            if any(r.sent_by_id is None or r.sent_at.date() >= window for r in reminders(plan.id, quarter)):
                continue
            if missing_reports(plan, quarter):
                sent.append((plan, quarter, remind_missing(actor=None, plan=plan, quarter=quarter)))
    return sent


def set_report_day(*, actor: User, plan: Plan, day: int) -> Plan:
    """The day of each quarter's last month on which the lead units' reports fall due."""
    check_office(actor, PlanError)
    if not 1 <= day <= 28:
        raise PlanError("report_day_out_of_range", field="report_day")
    before = {"report_day": plan.report_day}
    plan.report_day = day
    audit.record(actor=actor, action="plan.report_day", obj=plan, before=before, after={"report_day": day})
    db.session.commit()
    return plan


@dataclass(frozen=True)
class Assessment:
    """考核 of one key project as the office enters it: a rating, its written evaluation, and whether the
    experience is worth replicating (可复制推广)."""

    rating: Rating | None
    evaluation: str = ""
    replicable: bool = False

    @property
    def blank(self) -> bool:
        return self.rating is None and not self.evaluation.strip() and not self.replicable


ASSESSMENT_FIELDS = ["rating", "evaluation", "replicable"]


def _assessment_problem(entry: Assessment) -> PlanError | None:
    if entry.rating is None:
        return PlanError("rating_required", field="rating")
    if not entry.evaluation.strip():
        return PlanError("evaluation_required", field="evaluation")
    return None


def assess_key_projects(*, actor: User, plan: Plan, assessments: dict[int, Assessment]) -> int:
    """考核: the office rates the key projects of a published plan at the end of the year, the whole table at
    once (key project id -> Assessment): every row or none. A blank row leaves its project as it was.

    Raises RowsRejected with each bad row as (the project's position, the field, the error). Returns how many
    projects' assessments changed; each change is audited on its own.
    """
    check_office(actor, PlanError)
    if plan.published_at is None:
        raise PlanError("plan_not_published")
    rows = [(p, assessments[p.id]) for p in plan.projects if p.id in assessments and not assessments[p.id].blank]
    problems = [
        (project.position, error.field, error)
        for project, entry in rows
        if (error := _assessment_problem(entry)) is not None
    ]
    if problems:
        raise RowsRejected(problems)  # nothing was changed
    changed = 0
    for project, entry in rows:
        before = audit.snapshot(project, ASSESSMENT_FIELDS)
        project.rating, project.evaluation, project.replicable = (
            entry.rating,
            entry.evaluation.strip(),
            entry.replicable,
        )
        after = audit.snapshot(project, ASSESSMENT_FIELDS)
        if after != before:
            project.assessed_at = utcnow()
            audit.record(actor=actor, action="key_project.assess", obj=project, before=before, after=after)
            changed += 1
    db.session.commit()
    return changed


# key, the sheet's header (Chinese in every language: the office fills it in)
IMPORT_COLUMNS = [
    ("number", "编号"),
    ("title", "项目名称"),
    ("percent", "完成进度"),
    ("status", "状态"),
    ("achievements", "工作进展及成效"),
    ("problems", "存在问题"),
    ("next_steps", "下一步工作"),
]
STATUS_NAMES = {"正常推进": ProgressStatus.on_track, "滞后": ProgressStatus.lagging, "已完成": ProgressStatus.completed}


def import_progress(*, actor: User, plan: Plan, quarter: int, filename: str, data: bytes) -> int:
    """Record a quarter's progress of every project from one sheet (the office collects it), all rows or none.

    Projects are found by their number (一、二… or 1, 2…); the reports are recorded as accepted. Raises
    RowsRejected listing each bad row. Returns how many reports were recorded.
    """
    check_office(actor, PlanError)
    if plan.published_at is None:
        raise PlanError("plan_not_published")
    if quarter not in (1, 2, 3, 4):
        raise PlanError("quarter_out_of_range")
    rows = table_rows(filename=filename, data=data, columns=IMPORT_COLUMNS, required={"number", "percent", "status"})
    # 一、二… name one project only where numbering runs through the plan; 1, 2… (the positions) always do.
    named = plan.projects if plan.numbering is Numbering.continuous else []
    by_number = {project.number: project for project in named} | {str(p.position): p for p in plan.projects}
    headers, problems, seen = dict(IMPORT_COLUMNS), [], set()
    recorded = reports_of_quarter(plan.id, quarter)  # one statement, not one a row
    for line, values in rows:
        try:
            project = by_number.get(values["number"].rstrip("、"))
            if project is None or project.id in seen:
                raise PlanError("import_unknown_project", field="number", number=values["number"] or "—")
            seen.add(project.id)
            percent = values["percent"].rstrip("%")
            if not percent.isdigit() or not 0 <= int(percent) <= 100:
                raise PlanError("percent_out_of_range", field="percent")
            status = STATUS_NAMES.get(values["status"])
            if status is None:
                raise PlanError("import_unknown_status", field="status", value=values["status"] or "—")
            report = recorded.get(project.id) or ProgressReport(key_project=project, quarter=quarter)
            report.percent, report.status = int(percent), status
            for name in ("achievements", "problems", "next_steps"):
                setattr(report, name, values.get(name, ""))
            report.state, report.author_id = ReportState.accepted, actor.id
            report.submitted_at = report.reviewed_at = utcnow()
            db.session.add(report)
        except PlanError as error:
            problems.append((line, headers.get(error.field, ""), error))
    if problems:
        db.session.rollback()  # all or nothing
        raise RowsRejected(problems)
    audit.record(
        actor=actor, action="progress.import", obj=plan, after={"quarter": quarter, "file": filename, "rows": len(rows)}
    )
    db.session.commit()
    return len(rows)
