"""Read-only selects of jobs: the office's list and its filters, and the backlog of the queues the worker drains."""

from datetime import datetime

from flask import current_app
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from core.mail import outbox_backlog, undelivered_mail
from core.models import utcnow
from extensions import db
from jobs.models import Job, JobState

UNDELIVERED_SHOWN = 5  # the latest mail given up, on the page of background work; the rest on the mail page


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


def job_backlog() -> dict:
    """The jobs queued and failed, and since when the earliest queued one is due."""
    counted, queued = func.count(Job.id), Job.state == JobState.queued
    waiting, failed, oldest_due = db.session.execute(
        select(
            counted.filter(queued), counted.filter(Job.state == JobState.failed), func.min(Job.run_after).filter(queued)
        )
    ).one()
    return {"waiting": waiting, "failed": failed, "oldest_due_at": oldest_due}


def overdue(due_at: datetime | None) -> bool:
    """Whether work due at `due_at` has waited longer than a running worker lets it: as long as /health lets the
    search queue wait before it calls it stale."""
    if due_at is None:
        return False
    return (utcnow() - due_at).total_seconds() > current_app.config["SEARCH_QUEUE_MAX_AGE_SECONDS"]


def background_work() -> dict:
    """The jobs' and the mail outbox's backlog, the latest mail given up, and whether the worker seems stopped (the
    search queue's backlog is search_index's to add: `search_backlog`)."""
    jobs_waiting, mail = job_backlog(), outbox_backlog()
    mail_server = bool(current_app.config["MAIL_SERVER"])  # without one the outbox waits, whatever the worker does
    return {
        "jobs": jobs_waiting,
        "mail": mail,
        "mail_server": mail_server,
        "undelivered": list(db.session.scalars(undelivered_mail().limit(UNDELIVERED_SHOWN))),
        "late": overdue(jobs_waiting["oldest_due_at"]) or (mail_server and overdue(mail["oldest_due_at"])),
        "worker_in_server": current_app.config["JOBS_WORKER"] == "thread",
    }
