"""State changes of the quarterly bulletins (季度跟踪通报): the office writes and issues them."""

from sqlalchemy.exc import IntegrityError

from accounts import audit
from accounts.models import User
from accounts.permissions import check_office
from core.models import utcnow
from extensions import db
from plan.errors import PlanError
from plan.models import (
    Bulletin,
    BulletinRead,
    Plan,
)
from plan.queries import (
    bulletin_of,
)
from plan.services import documents


def save_bulletin(
    *, actor: User, plan: Plan, quarter: int, summary: str, remarks: dict[int, str], issue: bool = False
) -> Bulletin:
    """Write the quarter's bulletin (季度跟踪通报): overall remarks and a remark per project; `issue` issues it.

    An issued bulletin has gone out and no longer changes; issuing it has the worker make its PDF.
    """
    check_office(actor, PlanError)
    if quarter not in (1, 2, 3, 4):
        raise PlanError("quarter_out_of_range")
    if plan.published_at is None:
        raise PlanError("plan_not_published")
    bulletin = bulletin_of(plan.id, quarter) or Bulletin(plan=plan, quarter=quarter)
    if bulletin.issued_at is not None:
        raise PlanError("bulletin_issued")
    ids = {project.id for project in plan.projects}
    bulletin.summary = summary.strip()
    bulletin.remarks = {str(pid): text.strip() for pid, text in remarks.items() if pid in ids and text.strip()}
    db.session.add(bulletin)
    if issue:
        bulletin.issued_at = utcnow()
        documents.queue_bulletin_pdf(actor=actor, bulletin=bulletin)
    audit.record(
        actor=actor,
        action="bulletin.issue" if issue else "bulletin.save",
        obj=plan,
        after={"quarter": quarter, "summary": bulletin.summary, "remarks": bulletin.remarks},
    )
    db.session.commit()
    return bulletin


def mark_bulletin_read(*, user: User, bulletin: Bulletin) -> None:
    """Note that `user` has opened the issued bulletin, so it is no longer news on their to-do list. A receipt, not
    a change of the bulletin: not audited, as reading a page is not."""
    if bulletin.issued_at is None or db.session.get(BulletinRead, (bulletin.id, user.id)) is not None:
        return
    db.session.add(BulletinRead(bulletin_id=bulletin.id, user_id=user.id))
    try:
        db.session.commit()
    except IntegrityError:  # the same user's other tab noted it first
        db.session.rollback()
