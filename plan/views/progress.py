"""Progress pages: the lead unit reports each quarter; the office reads, accepts or returns, reminds, imports,
assesses at the year's end; the battle map."""

from functools import partial

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

from accounts.permissions import login_required, office_required, require
from core.errors import DomainError, RowsRejected
from core.exports import Document, Kind, filter_words, table_response
from core.forms import ImportForm, form_status, show_error
from core.imports import run_import, template_response
from core.lists import export_format
from core.request_input import stored_int
from core.storage import download_response
from extensions import db
from plan import queries
from plan.battle_map import battle_map_svg
from plan.forms import AssessmentForm, LedProjectFilterForm, ProgressForm, ReturnReportForm
from plan.models import KeyProject, Numbering, Plan, ProgressAttachment, ProgressReport, ProgressStatus
from plan.permissions import (
    can_manage_plan,
    can_report_progress,
    can_see_led_projects,
    can_see_own_progress,
    can_view_plan,
    can_view_report,
)
from plan.services import progress
from plan.views import bp

PROGRESS_COLUMNS = [
    (_l("Number"), lambda row: row[0].number, Kind.code),
    (_l("Project title"), lambda row: row[0].title),
    (_l("Lead unit (牵头单位)"), lambda row: row[0].lead_unit.name if row[0].lead_unit else ""),
    (_l("Report"), lambda row: row[1].state.label if row[1] else _l("Missing"), Kind.status),
    (_l("Share done (percent)"), lambda row: row[1].percent if row[1] else None, Kind.number),
    (_l("Status"), lambda row: row[1].status.label if row[1] else "", Kind.status),
    (_l("Achievements"), lambda row: row[1].achievements if row[1] else "", Kind.long),
    (_l("Problems met"), lambda row: row[1].problems if row[1] else "", Kind.long),
    (_l("Next steps"), lambda row: row[1].next_steps if row[1] else "", Kind.long),
]


LED_COLUMNS = [
    (_l("Plan"), lambda row: row.project.plan.title),
    (_l("Number"), lambda row: row.project.number, Kind.code),
    (_l("Project title"), lambda row: row.project.title),
    (_l("Lead unit (牵头单位)"), lambda row: row.project.lead_unit.name if row.project.lead_unit else ""),
    (_l("Latest report"), lambda row: _l("Q%(q)s", q=row.report.quarter) if row.report else _l("Missing")),
    (_l("Share done (percent)"), lambda row: row.report.percent if row.report else None, Kind.number),
    (_l("Milestone share (percent)"), lambda row: row.expected, Kind.number),
    (_l("Status"), lambda row: row.report.status.label if row.report else "", Kind.status),
    (_l("Behind"), lambda row: _l("Yes") if row.behind else ""),
]


def _quarter_asked() -> int:
    """The quarter of `?quarter=`, 1 to 4 (1 when missing)."""
    return min(max(request.args.get("quarter", 1, type=int), 1), 4)


@bp.get("/progress")
@login_required
def my_progress():
    """The key projects the reader's unit leads, with each quarter's report."""
    require(can_see_own_progress(current_user))
    projects = queries.led_by(current_user)
    reports = queries.reports_of_projects([project.id for project in projects], reader=current_user)
    return render_template("plan/my_progress.html", projects=projects, reports=reports)


@bp.get("/leading")
@login_required
def led_projects():
    """我牵头的项目: the key projects the reader leads as lead district leader, with their latest progress."""
    require(can_see_led_projects(current_user))
    rows = queries.led_by_leader(current_user)
    filters = LedProjectFilterForm.for_plans(list(dict.fromkeys(row.project.plan for row in rows)))
    shown = [row for row in rows if filters.matches(row)]
    if fmt := export_format():
        document = Document(subject=_("Projects I lead"), filters=filter_words(filters))
        return table_response(filename="led-projects", columns=LED_COLUMNS, rows=shown, fmt=fmt, document=document)
    return render_template("plan/led_projects.html", rows=shown, filters=filters)


@bp.route("/key-projects/<int:project_id>/progress/<int:quarter>", methods=["GET", "POST"])
@login_required
def progress_form(project_id, quarter):
    """Write, save and submit the quarter's report on a project the unit leads."""
    project = db.get_or_404(KeyProject, project_id)
    require(can_report_progress(current_user, project) and quarter in (1, 2, 3, 4))
    report = queries.report_of(project.id, quarter)
    previous = queries.report_of(project.id, quarter - 1) if quarter > 1 else None
    form = ProgressForm.for_report(project, report, previous)
    if form.validate_on_submit():
        try:
            report = progress.save_report(
                actor=current_user,
                project=project,
                quarter=quarter,
                percent=form.percent.data if "percent" in form else 0,
                status=form.status.data,
                achievements=form.achievements.data or "",
                problems=form.problems.data or "",
                next_steps=form.next_steps.data or "",
                task_percents=form.task_percents(),
                files=form.uploads(),
                remove_files=frozenset(form.remove_files.data or ()),
                submit=request.form.get("action") == "submit",
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Report submitted to the reform office.") if report.submitted_at else _("Draft saved."), "success")
            return redirect(url_for("plan.my_progress"))
    return render_template(
        "plan/progress_form.html", project=project, quarter=quarter, report=report, form=form
    ), form_status(form)


@bp.get("/progress-reports/<int:report_id>")
@login_required
def progress_report(report_id):
    """One quarterly report whole: its texts, its tasks' progress and its files."""
    report = db.get_or_404(ProgressReport, report_id)
    require(can_view_report(current_user, report))
    return render_template("plan/progress_report.html", report=report, return_form=ReturnReportForm(formdata=None))


@bp.get("/progress-reports/<int:report_id>/files/<int:file_id>")
@login_required
def progress_file(report_id, file_id):
    """Download a file sent with a report, for those who may read the report."""
    file = db.one_or_404(
        select(ProgressAttachment).where(ProgressAttachment.id == file_id, ProgressAttachment.report_id == report_id)
    )
    require(can_view_report(current_user, file.report))
    return download_response(file.storage_key, content_type=file.content_type, filename=file.filename)


@bp.get("/plans/<int:plan_id>/progress")
@login_required
def plan_progress(plan_id):
    """Every project's report for a quarter, the missing ones, and (for the office) accept, return, remind."""
    plan = db.get_or_404(Plan, plan_id, options=[queries.PROJECT_ROWS])
    require(can_view_plan(current_user))
    quarter = _quarter_asked()
    reports = queries.reports_by_project(plan.id, reader=current_user)
    rows = [(project, reports.get(project.id, {}).get(quarter)) for project in plan.projects]
    if fmt := export_format():
        return table_response(
            filename=f"progress-{plan.round.year}-Q{quarter}",
            columns=PROGRESS_COLUMNS,
            rows=rows,
            fmt=fmt,
            document=Document(
                subject=_("Progress in quarter %(quarter)d", quarter=quarter),
                scope=plan.title,
                group=lambda row: row[0].part_title,  # (project, report): a sheet for each part
            ),
        )
    return render_template(
        "plan/plan_progress.html",
        plan=plan,
        quarter=quarter,
        rows=rows,
        missing=queries.missing_reports(plan, quarter, reports),
        deadline=queries.report_deadline(plan, quarter),
        reminders=queries.reminders(plan.id, quarter),
        return_form=ReturnReportForm(formdata=None),
    )


@bp.post("/plans/<int:plan_id>/report-day")
@office_required
def plan_report_day(plan_id):
    """Set the day of each quarter's last month on which reports fall due."""
    plan = db.get_or_404(Plan, plan_id)
    try:
        progress.set_report_day(actor=current_user, plan=plan, day=request.form.get("report_day", 0, type=int))
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Reports now fall due on day %(day)s of each quarter's last month.", day=plan.report_day), "success")
    return redirect(url_for("plan.plan_progress", plan_id=plan.id, quarter=_quarter_asked()))


@bp.post("/progress-reports/<int:report_id>/review")
@office_required
def progress_review(report_id):
    """Accept a submitted report, or return it with what to add."""
    report = db.get_or_404(ProgressReport, report_id)
    form = ReturnReportForm()
    try:
        progress.review_report(
            actor=current_user, report=report, accept=request.form.get("accept") == "1", comment=form.comment.data or ""
        )
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(
            _("Report accepted.") if report.state.value == "accepted" else _("Report returned to the unit."), "success"
        )
    return redirect(url_for("plan.plan_progress", plan_id=report.key_project.plan_id, quarter=report.quarter))


def _chosen_ids(values) -> list[int]:
    """The report ids a form sent, those that are not ids left out."""
    return values.getlist("report_id", type=stored_int)


@bp.get("/plans/<int:plan_id>/progress/accept")
@office_required
def progress_accept_confirm(plan_id):
    """Before accepting the chosen reports at once: which will be accepted, which cannot be, and how many."""
    plan = db.get_or_404(Plan, plan_id)
    chosen = queries.reports_chosen(plan.id, _chosen_ids(request.args))
    if not chosen:
        flash(_("Choose at least one submitted report of this plan."), "error")
        return redirect(url_for("plan.plan_progress", plan_id=plan.id, quarter=_quarter_asked()))
    return render_template("plan/progress_accept.html", plan=plan, chosen=chosen, quarter=_quarter_asked())


@bp.post("/plans/<int:plan_id>/progress/accept")
@office_required
def progress_accept(plan_id):
    """Accept the chosen submitted reports in one action; say which were accepted and which were refused, why."""
    plan = db.get_or_404(Plan, plan_id)
    try:
        outcome = progress.accept_reports(actor=current_user, plan=plan, report_ids=_chosen_ids(request.form))
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(ngettext("%(num)d report accepted.", "%(num)d reports accepted.", len(outcome.accepted)), "success")
        for report, error in outcome.refused:
            flash(_("Not accepted: %(report)s — %(why)s", report=str(report), why=error.message), "warning")
    return redirect(url_for("plan.plan_progress", plan_id=plan.id, quarter=_quarter_asked()))


@bp.post("/plans/<int:plan_id>/progress/remind")
@office_required
def progress_remind(plan_id):
    """Remind the lead units whose report for the quarter is not in."""
    plan = db.get_or_404(Plan, plan_id)
    quarter = request.form.get("quarter", 1, type=int)
    try:
        count = progress.remind_missing(actor=current_user, plan=plan, quarter=quarter)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("The lead units of %(count)d projects were reminded.", count=count), "success")
    return redirect(url_for("plan.plan_progress", plan_id=plan.id, quarter=quarter))


@bp.route("/plans/<int:plan_id>/assessment", methods=["GET", "POST"])
@login_required
def plan_assessment(plan_id):
    """考核: the office rates every key project in one table and saves it at once; the leaders read it."""
    plan = db.get_or_404(Plan, plan_id, options=[queries.PROJECT_ROWS])
    require(can_view_plan(current_user) and (request.method == "GET" or can_manage_plan(current_user)))
    form = AssessmentForm.for_plan(plan)
    if form.validate_on_submit():
        try:
            count = progress.assess_key_projects(actor=current_user, plan=plan, assessments=form.assessments())
        except RowsRejected as rejected:
            _show_row_errors(form, plan, rejected)
        except DomainError as error:
            show_error(form, error)
        else:
            flash(ngettext("%(num)d assessment recorded.", "%(num)d assessments recorded.", count), "success")
            return redirect(url_for("plan.plan_assessment", plan_id=plan.id))
    latest = queries.latest_reports(plan)
    return render_template("plan/assessment.html", plan=plan, form=form, latest=latest), form_status(form)


def _show_row_errors(form, plan, rejected) -> None:
    """Put each refused row's message next to the field of its row (the service names rows by position)."""
    by_position = {project.position: project for project in plan.projects}
    for position, name, message in rejected.problems:
        field = form.row(by_position[position])[name]
        field.errors = [*field.errors, message]
    form.form_errors.append(_("Nothing was saved: correct the rows marked below."))


@bp.route("/plans/<int:plan_id>/progress/import", methods=["GET", "POST"])
@office_required
def progress_import(plan_id):
    """Record a quarter's progress of every project from one sheet: all rows, or none with each bad row."""
    plan = db.get_or_404(Plan, plan_id)
    quarter = _quarter_asked()
    form = ImportForm()
    done, count, rejected = run_import(
        form, partial(progress.import_progress, actor=current_user, plan=plan, quarter=quarter)
    )
    if done:
        flash(_("%(count)d progress reports recorded.", count=count), "success")
        return redirect(url_for("plan.plan_progress", plan_id=plan.id, quarter=quarter))
    page = render_template("plan/progress_import.html", form=form, plan=plan, quarter=quarter, rejected=rejected)
    return page, form_status(form)


@bp.get("/plans/<int:plan_id>/progress/import-template.<fmt>")
@office_required
def progress_import_template(plan_id, fmt):
    """The plan's projects, one a row with the quarter's figures so far, to fill in and import."""
    plan = db.get_or_404(Plan, plan_id)
    quarter = _quarter_asked()
    reports = queries.reports_by_project(plan.id)
    status_names = {status: name for name, status in progress.STATUS_NAMES.items()}
    rows = []
    for project in plan.projects:
        report = reports.get(project.id, {}).get(quarter)
        # Numbered within parts, 一 comes again in each part: the sheet names each project by its place instead.
        number = project.number if plan.numbering is Numbering.continuous else project.position
        figures = {"number": number, "title": project.title}
        if report:
            figures |= {
                "percent": report.percent,
                "status": status_names[report.status],
                "achievements": report.achievements,
                "problems": report.problems,
                "next_steps": report.next_steps,
            }
        rows.append(figures)
    filename = f"progress-{plan.round.year}-Q{quarter}"
    return template_response(filename=filename, columns=progress.IMPORT_COLUMNS, rows=rows, fmt=fmt)


@bp.get("/plans/<int:plan_id>/battle-map")
@login_required
def battle_map(plan_id):
    """挂图作战: every project's milestones against its reported progress, for screen and print."""
    plan = db.get_or_404(Plan, plan_id, options=[queries.PROJECT_ROWS])
    require(can_view_plan(current_user))
    reports = queries.reports_by_project(plan.id, reached_office=True)
    rows = [
        {
            "number": project.number,
            "title": project.title,
            "part": project.part_title,
            "milestones": {m.quarter: m.target for m in project.milestones},
            "reports": {q: (r.percent, r.status.value) for q, r in reports.get(project.id, {}).items()},
        }
        for project in plan.projects
    ]
    svg = battle_map_svg(
        rows,
        title=_("Battle map of %(plan)s", plan=plan.title),
        quarter_labels=[_("Q%(q)s", q=q) for q in (1, 2, 3, 4)],
        status_labels={status.value: status.label for status in ProgressStatus},
    )
    return render_template("plan/battle_map.html", plan=plan, svg=Markup(svg))  # built from escaped parts
