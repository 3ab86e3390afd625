"""Field research (实地调研): recorded by the office or by an expert assigned to the proposal."""

from datetime import date

from flask import current_app

from accounts import audit
from accounts.models import User
from core.storage import attachment_storage
from core.uploads import UploadError, check_upload
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
    if visited_on > date.today():
        raise ReviewError("visit_in_future", field="visited_on")
    limit = current_app.config["ATTACHMENTS_PER_PROPOSAL"]
    if len(files) > limit:
        raise UploadError("too_many", field="file", limit=limit)
    checked = [
        (*check_upload(filename=name, data=data, max_bytes=current_app.config["ATTACHMENT_MAX_BYTES"]), data)
        for name, data in files
    ]
    visit = FieldVisit(
        proposal=proposal,
        visited_on=visited_on,
        place=place.strip(),
        people_met=people_met.strip(),
        findings=findings.strip(),
        recorded_by_id=actor.id,
    )
    storage = attachment_storage()
    for name, content_type, data in checked:
        visit.attachments.append(
            FieldVisitAttachment(
                filename=name, storage_key=storage.save(data), content_type=content_type, size=len(data)
            )
        )
    db.session.add(visit)
    audit.record(
        actor=actor,
        action="field_visit.create",
        obj=visit,
        after=audit.snapshot(visit, ["visited_on", "place", "people_met", "findings"])
        | {"files": [a.filename for a in visit.attachments]},
    )
    try:
        db.session.commit()
    except Exception:
        for attachment in visit.attachments:
            storage.delete(attachment.storage_key)  # no orphan file when the record is not written
        raise
    return visit
