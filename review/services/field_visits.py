"""Field research (实地调研): recorded by the office or by an expert assigned to the proposal."""

from datetime import date

from accounts import audit
from accounts.models import User
from extensions import db
from review.errors import ReviewError
from review.models import FieldVisit
from review.permissions import can_record_field_visit
from solicitation.models import Proposal


def record_field_visit(
    *, actor: User, proposal: Proposal, visited_on: date, place: str, people_met: str, findings: str
) -> FieldVisit:
    """Record a field visit made for a proposal under review."""
    if not can_record_field_visit(actor, proposal):
        raise ReviewError("not_your_assignment")
    if visited_on > date.today():
        raise ReviewError("visit_in_future", field="visited_on")
    visit = FieldVisit(
        proposal=proposal,
        visited_on=visited_on,
        place=place.strip(),
        people_met=people_met.strip(),
        findings=findings.strip(),
        recorded_by_id=actor.id,
    )
    db.session.add(visit)
    audit.record(
        actor=actor,
        action="field_visit.create",
        obj=visit,
        after=audit.snapshot(visit, ["visited_on", "place", "people_met", "findings"]),
    )
    db.session.commit()
    return visit
