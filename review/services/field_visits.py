"""Field research (实地调研): recorded by the office or by an expert assigned to the proposal."""

from datetime import date

from accounts import audit
from accounts.models import User
from core import clock
from core.storage import store_files
from core.uploads import check_uploads
from extensions import db
from review.errors import ReviewError
from review.models import FieldVisit, FieldVisitAttachment
from review.permissions import can_record_field_visit
from solicitation.models import Proposal


def record_field_visit(
    *,
    actor: User,
    proposal: Proposal,
    visited_on: date,
    place: str,
    people_met: str,
    findings: str,
    files: list[tuple[str, bytes]] = (),
) -> FieldVisit:
    """Record a field visit made for a proposal under review, with its files (photos, minutes), all checked."""
    if not can_record_field_visit(actor, proposal):
        raise ReviewError("not_your_assignment")
    if visited_on > clock.today():
        raise ReviewError("visit_in_future", field="visited_on")
    checked = check_uploads(files)
    visit = FieldVisit(
        proposal=proposal,
        visited_on=visited_on,
        place=place.strip(),
        people_met=people_met.strip(),
        findings=findings.strip(),
        recorded_by_id=actor.id,
    )
    visit.attachments.extend(store_files(FieldVisitAttachment, checked))
    db.session.add(visit)
    audit.record(
        actor=actor,
        action="field_visit.create",
        obj=visit,
        after=audit.snapshot(visit, ["visited_on", "place", "people_met", "findings"])
        | {"files": [a.filename for a in visit.attachments]},
    )
    db.session.commit()
    return visit
