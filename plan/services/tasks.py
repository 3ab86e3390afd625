"""任务分解: a key project's work plan as weighted tasks, each with an owner unit and a due quarter.

The office or the project's lead unit keeps the tasks; each quarterly report then gives every task's
progress, and the project's share done is their mean weighted by the tasks' weights.
"""

from accounts import audit
from accounts.models import Unit, User
from extensions import db
from plan.errors import PlanError
from plan.models import KeyProject, Task, TaskProgress
from plan.permissions import can_manage_tasks

TASK_FIELDS = ["title", "weight", "owner_unit_id", "due_quarter"]


def rolled_up(tasks: list[Task], percents: dict[int, int]) -> int:
    """The project's share done: its tasks' shares (task id -> percent) weighted by the tasks' weights."""
    total = sum(task.weight for task in tasks)
    done = sum(task.weight * percents.get(task.id, 0) for task in tasks)
    return round(done / total) if total else 0


def _check(actor: User, project: KeyProject, *, title: str, weight: int, owner_unit_id: int | None, due_quarter: int):
    if not can_manage_tasks(actor, project):
        raise PlanError("tasks_not_yours")
    if not title.strip():
        raise PlanError("task_title_required", field="title")
    if not 1 <= weight <= 100:
        raise PlanError("weight_out_of_range", field="weight")
    if due_quarter not in (1, 2, 3, 4):
        raise PlanError("quarter_out_of_range", field="due_quarter")
    if owner_unit_id is not None and db.session.get(Unit, owner_unit_id) is None:
        raise PlanError("unknown_unit", field="owner_unit_id")


def save_task(
    *,
    actor: User,
    project: KeyProject,
    title: str,
    weight: int,
    owner_unit_id: int | None,
    due_quarter: int,
    task: Task | None = None,
) -> Task:
    """Add a task to the project's work plan, or change `task`."""
    fields = {"title": title, "weight": weight, "owner_unit_id": owner_unit_id, "due_quarter": due_quarter}
    _check(actor, project, **fields)
    before = audit.snapshot(task, TASK_FIELDS) if task else None
    task = task or Task(key_project=project)
    task.title, task.weight = title.strip(), weight
    task.owner_unit_id, task.due_quarter = owner_unit_id, due_quarter
    db.session.add(task)
    action = "task.update" if before else "task.create"
    audit.record(actor=actor, action=action, obj=task, before=before, after=audit.snapshot(task, TASK_FIELDS))
    db.session.commit()
    return task


def remove_task(*, actor: User, task: Task) -> None:
    """Take a task out of the work plan; one that reports already gave progress for stays, so nothing is lost."""
    if not can_manage_tasks(actor, task.key_project):
        raise PlanError("tasks_not_yours")
    if db.session.query(TaskProgress.report_id).filter(TaskProgress.task_id == task.id).first():
        raise PlanError("task_has_progress")
    audit.record(actor=actor, action="task.delete", obj=task, before=audit.snapshot(task, TASK_FIELDS))
    db.session.delete(task)
    db.session.commit()
