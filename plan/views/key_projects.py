"""The key projects' pages: the office adds, edits, moves and removes them while the plan is a draft."""

from functools import partial

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.permissions import office_required
from core.errors import DomainError
from core.forms import ImportForm, form_status, show_error
from core.imports import run_import, template_response
from extensions import db
from plan.forms import KeyProjectForm
from plan.models import KeyProject, Plan
from plan.services import key_projects
from plan.views import bp


def _project_form(plan, project=None):
    """Show or save the key project form; `project` None adds one."""
    form = KeyProjectForm.for_project(plan=plan, project=project)
    if form.validate_on_submit():
        arguments = {"fields": form.fields(), "cooperating_unit_ids": form.cooperating_unit_ids.data or []}
        try:
            if project is None:
                project = key_projects.add_key_project(
                    actor=current_user, plan=plan, milestones=form.milestones(), **arguments
                )
            else:
                key_projects.update_key_project(
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
            return redirect(
                url_for("plan.plan_detail", round_id=plan.round_id, plan_id=plan.id, _anchor=f"k{project.id}")
            )
    return render_template("plan/key_project_form.html", form=form, plan=plan, project=project), form_status(form)


@bp.route("/plans/<int:plan_id>/projects/new", methods=["GET", "POST"])
@office_required
def key_project_new(plan_id):
    """Add a key project that came from no proposal."""
    plan = db.get_or_404(Plan, plan_id)
    return _project_form(plan)


@bp.route("/key-projects/<int:project_id>/edit", methods=["GET", "POST"])
@office_required
def key_project_edit(project_id):
    """Edit a key project of the draft plan."""
    project = db.get_or_404(KeyProject, project_id)
    return _project_form(project.plan, project)


@bp.post("/key-projects/<int:project_id>/move")
@office_required
def key_project_move(project_id):
    """Move a key project to a place in its part (the number typed, a step up or down, or where it was dragged);
    the numbers follow."""
    project = db.get_or_404(KeyProject, project_id)
    try:
        key_projects.move_key_project(
            actor=current_user, project=project, to_position=request.form.get("to_position", type=int) or 0
        )
    except DomainError as error:
        flash(error.message, "error")
    return redirect(
        url_for("plan.plan_detail", round_id=project.plan.round_id, plan_id=project.plan_id, _anchor=f"k{project.id}")
    )


@bp.post("/key-projects/<int:project_id>/delete")
@office_required
def key_project_delete(project_id):
    """Take a key project out of the draft plan."""
    project = db.get_or_404(KeyProject, project_id)
    round_id, plan_id, title = project.plan.round_id, project.plan_id, project.title
    try:
        key_projects.remove_key_project(actor=current_user, project=project)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("“%(title)s” taken out of the plan.", title=title), "success")
    return redirect(url_for("plan.plan_detail", round_id=round_id, plan_id=plan_id))


@bp.route("/plans/<int:plan_id>/projects/import", methods=["GET", "POST"])
@office_required
def key_projects_import(plan_id):
    """Add a draft plan's key projects from one sheet (a list of tasks handed down): all rows, or none with each bad
    row."""
    plan = db.get_or_404(Plan, plan_id)
    form = ImportForm()
    done, count, rejected = run_import(form, partial(key_projects.import_key_projects, actor=current_user, plan=plan))
    if done:
        flash(_("%(count)d key projects added.", count=count), "success")
        return redirect(url_for("plan.plan_detail", round_id=plan.round_id, plan_id=plan.id))
    page = render_template("plan/key_projects_import.html", form=form, plan=plan, rejected=rejected)
    return page, form_status(form)


# One example row, as Jinwan's 点题 list writes a project.
IMPORT_EXAMPLE = {
    "part": "经济提升",
    "title": "建立健全开发区供热企业定价机制",
    "origin": "区委改革办点题",
    "goals": "年底前出台供热价格管理办法",
    "lead_unit": "区发展和改革局",
    "cooperating_units": "区财政局、区市场监督管理局",
    "milestone_1": "完成供热企业成本调查",
    "milestone_4": "出台定价机制",
}


@bp.get("/plans/<int:plan_id>/projects/import-template.<fmt>")
@office_required
def key_projects_import_template(plan_id, fmt):
    """The columns of the key projects' import, with an example row."""
    plan = db.get_or_404(Plan, plan_id)
    filename = f"key-projects-{plan.round.year}"
    return template_response(filename=filename, columns=key_projects.IMPORT_COLUMNS, rows=[IMPORT_EXAMPLE], fmt=fmt)
