"""The work plan of a key project (任务分解): its tasks, kept by the office and the lead unit."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from accounts.permissions import login_required, require
from core.errors import DomainError
from core.exports import Document, table_response
from core.forms import form_status, show_error
from core.lists import export_format
from extensions import db
from plan import queries
from plan.forms import TaskForm
from plan.models import KeyProject, Task
from plan.permissions import can_follow_project, can_manage_tasks
from plan.services import tasks
from plan.views import bp

TASK_COLUMNS = [
    (_l("Task"), lambda row: row[0].title),
    (_l("Weight"), lambda row: row[0].weight),
    (_l("Owner unit (责任单位)"), lambda row: row[0].owner_unit.name if row[0].owner_unit else ""),
    (_l("Due by the end of"), lambda row: _l("Quarter %(q)s", q=row[0].due_quarter)),
    (_l("Share done (percent)"), lambda row: row[1]),
]


def _render_tasks(project, form, status=200):
    latest = queries.latest_task_progress(project.id)
    rows = [(task, latest.get(task.id)) for task in project.tasks]
    if fmt := export_format():
        document = Document(subject=_("Tasks"), scope=project.title)
        return table_response(
            filename=f"tasks-{project.id}", columns=TASK_COLUMNS, rows=rows, fmt=fmt, document=document
        )
    return render_template("plan/tasks.html", project=project, rows=rows, form=form), status


@bp.route("/key-projects/<int:project_id>/tasks", methods=["GET", "POST"])
@login_required
def key_project_tasks(project_id):
    """The project's tasks with their latest reported progress; the office and the lead unit add tasks."""
    project = db.get_or_404(KeyProject, project_id, options=[queries.TASK_ROWS])
    require(can_follow_project(current_user, project))
    form = TaskForm.for_task(project)
    if form.is_submitted():
        require(can_manage_tasks(current_user, project))
    if form.validate_on_submit():
        try:
            tasks.save_task(actor=current_user, project=project, **_task_fields(form))
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Task added."), "success")
            return redirect(url_for("plan.key_project_tasks", project_id=project.id))
    return _render_tasks(project, form, form_status(form))


def _task_fields(form) -> dict:
    return {name: form[name].data for name in ("title", "weight", "owner_unit_id", "due_quarter")}


@bp.route("/tasks/<int:task_id>/edit", methods=["GET", "POST"])
@login_required
def task_edit(task_id):
    task = db.get_or_404(Task, task_id)
    require(can_manage_tasks(current_user, task.key_project))
    form = TaskForm.for_task(task.key_project, task)
    if form.validate_on_submit():
        try:
            tasks.save_task(actor=current_user, project=task.key_project, task=task, **_task_fields(form))
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("Task saved."), "success")
            return redirect(url_for("plan.key_project_tasks", project_id=task.key_project_id))
    return render_template("plan/task_form.html", task=task, project=task.key_project, form=form), form_status(form)


@bp.post("/tasks/<int:task_id>/delete")
@login_required
def task_delete(task_id):
    task = db.get_or_404(Task, task_id)
    project = task.key_project
    require(can_manage_tasks(current_user, project))
    try:
        tasks.remove_task(actor=current_user, task=task)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Task removed."), "success")
    return redirect(url_for("plan.key_project_tasks", project_id=project.id))
