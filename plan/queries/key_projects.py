"""Key projects: who sees one on the staff side, those a unit leads, what the public page shows beside each."""

from sqlalchemy import ColumnElement, Row, and_, bindparam, exists, false, func, select, true
from sqlalchemy.orm import aliased, contains_eager, selectinload

from accounts.models import Role
from accounts.permissions import has_role
from accounts.queries import events_of_records
from extensions import db
from plan.models import KeyProject, Plan, ProgressReport, ReportState
from plan.queries.plans import sees_every_plan
from solicitation.models import suggestion_proposals


def project_visible_to(user) -> ColumnElement[bool]:
    """The one rule of who sees a key project on the staff side, as a SQL condition on KeyProject.

    The office and the district leaders, every one, in every state of its plan; the staff of its lead unit, once
    its plan has been published (a draft plan is the office's and the leaders' until then); nobody else. (The
    public reads the published snapshot, `public_projects`.) The project's pages, the unit's list, the search
    audience and the audit log all ask this; a progress report's rule starts from it.
    """
    if sees_every_plan(user):  # they see every plan as it stands (plan_visible_to)
        return true()
    if has_role(user, Role.unit_staff) and user.unit_id is not None:
        published = select(Plan.id).where(Plan.published_at.is_not(None))
        return and_(KeyProject.lead_unit_id == user.unit_id, KeyProject.plan_id.in_(published))
    return false()


def project_is_visible(user, project_id: int) -> bool:
    """Whether `user` may see this one key project: the rule asked of one row."""
    return db.session.scalar(select(exists().where(KeyProject.id == project_id, project_visible_to(user))))


def project_events_visible_to(user) -> ColumnElement[bool]:
    """Which audit events of key projects `user` may read: those of a project `user` sees."""
    return events_of_records(KeyProject, project_visible_to(user))


def led_by(user) -> list[KeyProject]:
    """The key projects the unit of `user` leads that the rule shows its staff (those of published plans), newest
    plan first, with their plans (and rounds, in the same statement: every page of a unit counts its to-do from
    them) and tasks."""
    query = (
        select(KeyProject)
        .join(KeyProject.plan)
        .options(contains_eager(KeyProject.plan).joinedload(Plan.round), selectinload(KeyProject.tasks))
        .where(project_visible_to(user), KeyProject.lead_unit_id == user.unit_id)
        .order_by(Plan.round_id.desc(), KeyProject.position)
    )
    return list(db.session.scalars(query))


def public_project_facts(plan_id: int) -> dict[int, Row]:
    """What the plan's public page shows beside each of its key projects, by project: `replicable` (its
    experience worth replicating, 可复制推广), `suggestions` (how many residents' suggestions fed it, through its
    proposal) and its latest report the office accepted (`quarter`, `percent`, `status`; None when there is none)."""
    return {row.id: row for row in db.session.execute(_PUBLIC_PROJECT_FACTS, {"plan_id": plan_id})}


# One statement made once a process (the public page runs it for every reader; building it cost more than running it).
_accepted = aliased(ProgressReport)
_PUBLIC_PROJECT_FACTS = (
    select(
        KeyProject.id,
        KeyProject.replicable,
        select(func.count())
        .where(suggestion_proposals.c.proposal_id == KeyProject.proposal_id)
        .scalar_subquery()
        .label("suggestions"),
        ProgressReport.quarter,
        ProgressReport.percent,
        ProgressReport.status,
    )
    .outerjoin(
        ProgressReport,
        and_(
            ProgressReport.key_project_id == KeyProject.id,
            ProgressReport.quarter
            == select(func.max(_accepted.quarter))
            .where(_accepted.key_project_id == KeyProject.id, _accepted.state == ReportState.accepted)
            .scalar_subquery(),
        ),
    )
    .where(KeyProject.plan_id == bindparam("plan_id"))
)
