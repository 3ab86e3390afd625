"""The plan's pages: the office drafts and moves it, leaders read it, everyone reads it once published."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from accounts.permissions import login_required, office_required, require
from core.errors import DomainError
from core.exports import docx_response, table_response
from core.forms import form_status, show_error
from extensions import db
from plan import queries, services
from plan.documents import plan_docx
from plan.forms import FIELD_LABELS, ApprovalForm, KeyProjectForm
from plan.models import PLAN_TRANSITIONS, KeyProject, Plan, PlanStatus
from plan.permissions import can_manage_plan, can_view_plan
from solicitation.models import Round

bp = Blueprint("plan", __name__)

SUMMARY_COLUMNS = [
    (FIELD_LABELS["number"], lambda p: p.number),
    (_l("Project title"), lambda p: p.title),
    (FIELD_LABELS["lead_leader"], lambda p: p.lead_leader),
    (FIELD_LABELS["lead_unit"], lambda p: p.lead_unit.name if p.lead_unit else ""),
    (FIELD_LABELS["cooperating_units"], lambda p: "、".join(u.name for u in p.cooperating_units)),
    (FIELD_LABELS["category"], lambda p: p.category.name if p.category else ""),
    (FIELD_LABELS["goals"], lambda p: p.goals),
]


def _render_plan(round, *, approval_form=None, status=200):
    """The plan's page, its key projects read in one query for each kind of record."""
    plan = queries.plan_of(round.id, with_projects=True)
    return render_template(
        "plan/plan_detail.html",
        round=round,
        plan=plan,
        versions=queries.versions(plan.id) if plan else [],
        statuses=list(PlanStatus),
        next_statuses=PLAN_TRANSITIONS[plan.status] if plan else (),
        approval_form=approval_form or ApprovalForm(formdata=None, lock_version=plan.lock_version if plan else None),
    ), status


@bp.get("/rounds/<int:round_id>/plan")
@login_required
def plan_detail(round_id):
    """The round's plan: its numbered key projects, its state, its versions."""
    round = db.get_or_404(Round, round_id)
    require(can_view_plan(current_user))
    return _render_plan(round)


@bp.post("/rounds/<int:round_id>/plan")
@office_required
def plan_create(round_id):
    """Draft the plan from the selected proposals."""
    round = db.get_or_404(Round, round_id)
    require(can_manage_plan(current_user))
    try:
        plan = services.create_plan(actor=current_user, round=round)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Plan drafted with %(count)d key projects.", count=len(plan.projects)), "success")
    return redirect(url_for("plan.plan_detail", round_id=round.id))


def _project_form(plan, project=None):
    """Show or save the key project form; `project` None adds one."""
    form = KeyProjectForm.for_project(round=plan.round, project=project)
    if form.validate_on_submit():
        arguments = {"fields": form.fields(), "cooperating_unit_ids": form.cooperating_unit_ids.data or []}
        try:
            if project is None:
                project = services.add_key_project(
                    actor=current_user, plan=plan, milestones=form.milestones(), **arguments
                )
            else:
                services.update_key_project(
                    actor=current_user,
                    project=project,
                    milestones=form.milestones(),
                    expected_version=form.expected_version,
                    **arguments,
                )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Key project %(number)s saved.", number=project.number), "success")
            return redirect(url_for("plan.plan_detail", round_id=plan.round_id, _anchor=f"k{project.id}"))
    return render_template("plan/key_project_form.html", form=form, plan=plan, project=project), form_status(form)


@bp.route("/plans/<int:plan_id>/projects/new", methods=["GET", "POST"])
@office_required
def key_project_new(plan_id):
    """Add a key project that came from no proposal."""
    plan = db.get_or_404(Plan, plan_id)
    require(can_manage_plan(current_user))
    return _project_form(plan)


@bp.route("/key-projects/<int:project_id>/edit", methods=["GET", "POST"])
@office_required
def key_project_edit(project_id):
    """Edit a key project of the draft plan."""
    project = db.get_or_404(KeyProject, project_id)
    require(can_manage_plan(current_user))
    return _project_form(project.plan, project)


@bp.post("/key-projects/<int:project_id>/move")
@office_required
def key_project_move(project_id):
    """Move a key project up or down; the numbers follow."""
    project = db.get_or_404(KeyProject, project_id)
    require(can_manage_plan(current_user))
    try:
        services.move_key_project(actor=current_user, project=project, offset=request.form.get("offset", type=int) or 0)
    except DomainError as error:
        flash(error.message, "error")
    return redirect(url_for("plan.plan_detail", round_id=project.plan.round_id, _anchor=f"k{project.id}"))


@bp.post("/key-projects/<int:project_id>/delete")
@office_required
def key_project_delete(project_id):
    """Take a key project out of the draft plan."""
    project = db.get_or_404(KeyProject, project_id)
    require(can_manage_plan(current_user))
    round_id, title = project.plan.round_id, project.title
    try:
        services.remove_key_project(actor=current_user, project=project)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("“%(title)s” taken out of the plan.", title=title), "success")
    return redirect(url_for("plan.plan_detail", round_id=round_id))


@bp.post("/plans/<int:plan_id>/transition")
@office_required
def plan_transition(plan_id):
    """Move the plan to its next state (or back to a draft, or to a new version)."""
    plan = db.get_or_404(Plan, plan_id)
    require(can_manage_plan(current_user))
    try:
        target = PlanStatus(request.form.get("target", ""))
    except ValueError:
        abort(400)
    form = ApprovalForm()
    valid = form.validate_on_submit() if target is PlanStatus.approved else form.lock_version.validate(form)
    if not valid:
        return _render_plan(plan.round, approval_form=form, status=400)
    try:
        services.transition_plan(
            actor=current_user,
            plan=plan,
            target=target,
            meeting=form.meeting.data or "",
            approved_on=form.approved_on.data,
            expected_version=form.expected_version,
        )
    except DomainError as error:
        show_error(form, error)
        return _render_plan(plan.round, approval_form=form, status=form_status(form))
    flash(_("The plan is now “%(status)s”.", status=plan.status.label), "success")
    return redirect(url_for("plan.plan_detail", round_id=plan.round_id))


@bp.get("/plans/<int:plan_id>/compare")
@login_required
def plan_compare(plan_id):
    """Two versions of the plan side by side, or a version against the text as it stands."""
    plan = db.get_or_404(Plan, plan_id)
    require(can_view_plan(current_user))
    versions = queries.versions(plan.id)
    by_id = {version.id: version for version in versions}
    first = by_id.get(request.args.get("a", type=int)) or (versions[0] if versions else None)
    second = by_id.get(request.args.get("b", type=int))
    before = first.snapshot if first else {"projects": []}
    after = second.snapshot if second else queries.plan_snapshot(plan)
    return render_template(
        "plan/plan_compare.html",
        plan=plan,
        versions=versions,
        first=first,
        second=second,
        rows=queries.changes(before, after),
        labels=FIELD_LABELS,
    )


@bp.get("/plans/<int:plan_id>/summary.<fmt>")
@login_required
def plan_summary(plan_id, fmt):
    """The plan as a table: number, title, lead leader, lead unit, category, goals."""
    plan = db.get_or_404(Plan, plan_id)
    require(can_view_plan(current_user) and fmt in ("xlsx", "csv"))
    return table_response(filename=f"plan-{plan.round.year}", columns=SUMMARY_COLUMNS, rows=plan.projects, fmt=fmt)


def _docx_response(snapshot: dict):
    return docx_response(plan_docx(snapshot), filename=snapshot["title"])


@bp.get("/plans/<int:plan_id>/plan.docx")
@login_required
def plan_document(plan_id):
    """The plan as it stands, as a Word document in the style of an official document."""
    plan = db.get_or_404(Plan, plan_id)
    require(can_view_plan(current_user))
    return _docx_response(queries.plan_snapshot(plan))


@bp.get("/plans/<int:plan_id>/print")
@login_required
def plan_print(plan_id):
    """The plan's text laid out for printing, as an official document numbers it."""
    plan = db.get_or_404(Plan, plan_id)
    require(can_view_plan(current_user))
    return render_template("plan/plan_print.html", plan=plan, snapshot=queries.plan_snapshot(plan))


@bp.get("/plans")
def plan_index():
    """The published plans, newest first: open to everyone."""
    return render_template("plan/plan_index.html", plans=queries.published_plans())


@bp.get("/plans/<int:plan_id>")
def plan_public(plan_id):
    """A published plan as it was published: each project with its lead leader and lead unit."""
    plan = db.get_or_404(Plan, plan_id)
    version = queries.published_version(plan.id)
    if version is None:
        abort(404)
    return render_template(
        "plan/plan_public.html",
        plan=plan,
        version=version,
        snapshot=version.snapshot,
        latest=queries.latest_reports(plan),
        suggestions=queries.suggestion_counts(plan),
        replicable={project.id for project in plan.projects if project.replicable},
    )


@bp.get("/plans/<int:plan_id>/published.docx")
def plan_public_document(plan_id):
    """The published plan as a Word document: open to everyone."""
    version = queries.published_version(db.get_or_404(Plan, plan_id).id)
    if version is None:
        abort(404)
    return _docx_response(version.snapshot)


# The progress and work plan pages add their routes to bp.
from plan import progress_views, task_views  # noqa: E402, F401
