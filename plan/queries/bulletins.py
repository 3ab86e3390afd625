"""The quarterly bulletin and its rows, lagging projects first."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from extensions import db
from plan.models import (
    Bulletin,
    BulletinRead,
    KeyProject,
    Plan,
    ProgressReport,
    ProgressStatus,
)
from plan.queries.progress import reports_by_project


def bulletin_of(plan_id: int, quarter: int) -> Bulletin | None:
    return db.session.scalar(select(Bulletin).where(Bulletin.plan_id == plan_id, Bulletin.quarter == quarter))


# Lagging projects lead the bulletin, then those whose report has not come in, then the rest.
BULLETIN_ORDER = {ProgressStatus.lagging: 0, None: 1, ProgressStatus.on_track: 2, ProgressStatus.completed: 3}


def bulletin_rows(plan: Plan, quarter: int) -> list[tuple[KeyProject, ProgressReport | None]]:
    """Every project with its report of the quarter (that reached the office), part by part in the plan's order,
    and in each part lagging ones first, least done first."""
    reports = reports_by_project(plan.id, reached_office=True)
    rows = [(project, reports.get(project.id, {}).get(quarter)) for project in plan.projects]
    part_place: dict[int | None, int] = {}  # a part's place: its first project's
    for project in plan.projects:
        part_place.setdefault(project.part_id, project.position)

    def order(row):
        project, report = row
        status = BULLETIN_ORDER[report.status if report else None]
        return part_place[project.part_id], status, report.percent if report else 0, project.position

    return sorted(rows, key=order)


def latest_bulletin(plan_ids, *, issued_since: datetime, unread_by: int) -> Bulletin | None:
    """The bulletin of these plans issued last, if it was issued since `issued_since` and user `unread_by` has not
    opened it."""
    query = (
        select(Bulletin)
        .options(selectinload(Bulletin.plan))
        .where(Bulletin.plan_id.in_(list(plan_ids)), Bulletin.issued_at >= issued_since)
        .order_by(Bulletin.issued_at.desc())
        .limit(1)
    )
    latest = db.session.scalar(query)
    if latest is None or db.session.get(BulletinRead, (latest.id, unread_by)) is not None:
        return None
    return latest
