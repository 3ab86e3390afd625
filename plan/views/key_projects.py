"""The key projects' pages: the office adds, edits, moves and removes them while the plan is a draft."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.permissions import office_required
from core.errors import DomainError
from core.forms import form_status, show_error
from extensions import db
from plan.forms import KeyProjectForm
from plan.models import KeyProject, Plan
from plan.services import key_projects
from plan.views import bp


def _project_form(plan, project=None):
    """Show or save the key project form; `project` None adds one."""
    form = KeyProjectForm.for_project(round=plan.round, project=project)
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
    """Move a key project up or down; the numbers follow."""
    project = db.get_or_404(KeyProject, project_id)
    try:
        key_projects.move_key_project(
            actor=current_user, project=project, offset=request.form.get("offset", type=int) or 0
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
