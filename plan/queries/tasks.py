"""A key project's work plan as its page reads it."""

from sqlalchemy.orm import selectinload

from plan.models import (
    KeyProject,
    Task,
)

# What a key project's work plan shows of each task.
TASK_ROWS = selectinload(KeyProject.tasks).selectinload(Task.owner_unit)
