"""Read-only selects of jobs: the office's list and its filters."""

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from extensions import db
from jobs.models import Job, JobState


def jobs(*, state: JobState | None = None, kind: str = "") -> Select:
    """The jobs, newest first, filtered by state and kind."""
    query = select(Job).options(selectinload(Job.created_by))
    if state is not None:
        query = query.where(Job.state == state)
    if kind:
        query = query.where(Job.kind == kind)
    return query.order_by(Job.created_at.desc(), Job.id.desc())


def job_kinds() -> list[str]:
    """The kinds of the jobs kept."""
    return list(db.session.scalars(select(Job.kind).distinct().order_by(Job.kind)))
