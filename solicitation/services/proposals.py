"""State changes of unit proposals: draft, edit, submit, return, withdraw, attachments, late submission."""

from datetime import date, datetime, time

from flask import current_app
from sqlalchemy import select

from accounts import audit, edits
from accounts.models import Role, Unit, User
from accounts.permissions import check_office
from core import clock
from core.mail import queue_mail_to_staff
from core.models import utcnow
from core.storage import attachment_storage
from core.uploads import UploadError, check_upload
from core.urls import external_url
from extensions import db
from solicitation.errors import SolicitationError
from solicitation.models import (
    PROPOSAL_EDITABLE,
    PROPOSAL_TEXT_FIELDS,
    ROUND_OPEN_FOR_CHANGES,
    TAKEN_UP,
    FileRevision,
    LateAllowance,
    Proposal,
    ProposalAttachment,
    ProposalStatus,
    Round,
    RoundStatus,
    Suggestion,
)
from solicitation.queries import category_in_round, topic_open

PROPOSAL_FIELDS = [*PROPOSAL_TEXT_FIELDS, "category_id", "topic_id", "status"]
# What the office needs to judge a proposal; the rest may stay empty.
REQUIRED_TO_SUBMIT = ["title", "category_id", "background", "content", "goals"]

S = ProposalStatus


def window_open(*, round: Round, unit: Unit, today: date | None = None) -> bool:
    """Whether `unit` may draft and submit proposals in `round` today."""
    today = today or clock.today()
    if round.status is RoundStatus.soliciting and today <= round.solicitation_closes:
        return today >= round.solicitation_opens
    if round.status not in (RoundStatus.soliciting, RoundStatus.reviewing):
        return False
    allowance = db.session.scalar(
        select(LateAllowance).where(LateAllowance.round_id == round.id, LateAllowance.unit_id == unit.id)
    )
    return allowance is not None and today <= allowance.until


def _check_unit_staff(actor: User) -> Unit:
    if actor.role is not Role.unit_staff or actor.unit is None:
        raise SolicitationError("not_unit_staff")
    return actor.unit


def _check_own(actor: User, proposal: Proposal) -> None:
    if _check_unit_staff(actor).id != proposal.unit_id:
        raise SolicitationError("not_your_unit")


def _check_window(proposal_round: Round, unit: Unit, today: date | None) -> None:
    if not window_open(round=proposal_round, unit=unit, today=today):
        raise SolicitationError("solicitation_not_open", closes=proposal_round.solicitation_closes)


def _check_editable(proposal: Proposal) -> None:
    if proposal.status not in PROPOSAL_EDITABLE:
        raise SolicitationError("proposal_not_editable", status=proposal.status)


def _apply_fields(proposal: Proposal, fields: dict, cooperating_unit_ids: list[int]) -> None:
    """Check the unit's fields and write them: into the proposal while it is a draft, into its revision while it
    is back with the unit (the office keeps reading what was submitted until the unit resubmits)."""
    category_id = fields.get("category_id")
    if not category_in_round(category_id, proposal.round.id):
        raise SolicitationError("category_not_in_round", field="category_id")
    topic_id = fields.get("topic_id", proposal.as_revised().topic_id)
    if topic_id != proposal.as_revised().topic_id and not topic_open(topic_id, proposal.round.id):
        raise SolicitationError("topic_not_open", field="topic_id")
    if proposal.unit_id in cooperating_unit_ids:
        raise SolicitationError("cooperating_unit_is_proposer", field="cooperating_unit_ids")
    if not (fields.get("title") or "").strip():
        raise SolicitationError("field_required", field="title")
    values = {name: (fields.get(name) or "").strip() for name in PROPOSAL_TEXT_FIELDS}  # a missing text is empty
    values["category_id"], values["topic_id"] = category_id, topic_id
    units = list(db.session.scalars(select(Unit).where(Unit.id.in_(cooperating_unit_ids)).order_by(Unit.id)))
    if proposal.status is S.returned:
        proposal.revision = values | {"cooperating_unit_ids": [unit.id for unit in units]}
    else:
        _write(proposal, values, units)


def _write(proposal: Proposal, values: dict, cooperating_units: list[Unit]) -> None:
    for name in [*PROPOSAL_TEXT_FIELDS, "category_id"]:
        setattr(proposal, name, values[name])
    proposal.topic_id = values.get("topic_id", proposal.topic_id)  # a revision saved before topics has none
    proposal.cooperating_units = cooperating_units


def _send_revision(proposal: Proposal) -> None:
    """On resubmission: the unit's unsent changes become the proposal the office reads."""
    if proposal.revision is not None:
        revised = proposal.as_revised()
        _write(proposal, proposal.revision, revised.cooperating_units)
        proposal.revision = None
    for file in list(proposal.files):
        if file.revision is FileRevision.removed:
            attachment_storage().discard(file.storage_key)
            proposal.files.remove(file)
        file.revision = None


def _snapshot(proposal: Proposal, *, revised: bool = True, files: bool = False) -> dict:
    """The proposal for the audit log: as its unit has it now (with a revision not yet sent), or as the office
    reads it (`revised=False`); with its files' names if asked."""
    shown = proposal.as_revised() if revised else proposal
    data = audit.snapshot(shown, PROPOSAL_FIELDS)
    data["cooperating_units"] = [unit.name for unit in shown.cooperating_units]
    if files:
        data["files"] = [file.filename for file in shown.attachments]
    return data


def recording_refusal(round: Round, today: date | None = None) -> str | None:
    """Why the office cannot record proposals on units' behalf in `round` now (the code), or None.

    It records those a unit sent outside the platform, once solicitation has closed (a past round the district
    enters afterwards, when it starts using the platform); while solicitation is open, units submit their own.
    """
    if round.status not in ROUND_OPEN_FOR_CHANGES:
        return "round_past_review"
    if (today or clock.today()) <= round.solicitation_closes:
        return "solicitation_still_open"
    return None


def record_proposal(
    *,
    actor: User,
    round: Round,
    unit: Unit,
    fields: dict,
    submitted_on: date,
    cooperating_unit_ids: list[int] = (),
) -> Proposal:
    """Record, as submitted on `submitted_on`, a proposal a unit sent outside the platform, marked as entered by
    the office."""
    check_office(actor, SolicitationError)
    if refusal := recording_refusal(round):
        raise SolicitationError(refusal, closes=round.solicitation_closes)
    if not round.solicitation_opens <= submitted_on <= clock.today():
        raise SolicitationError("submitted_on_out_of_range", field="submitted_on", opens=round.solicitation_opens)
    proposal = Proposal(round=round, unit_id=unit.id, author_id=actor.id, entered_by_id=actor.id, status=S.draft)
    _apply_fields(proposal, fields, list(cooperating_unit_ids))
    if missing := missing_for_submission(proposal):
        raise SolicitationError("proposal_incomplete", field=missing[0], missing=missing)
    proposal.status, proposal.submitted_at = S.submitted, datetime.combine(submitted_on, time())
    db.session.add(proposal)
    after = _snapshot(proposal) | {"submitted_on": submitted_on.isoformat(), "entered_by_office": True}
    audit.record(actor=actor, action="proposal.record", obj=proposal, after=after)
    db.session.commit()
    return proposal


def create_proposal(
    *, actor: User, round: Round, fields: dict, cooperating_unit_ids: list[int] = (), today: date | None = None
) -> Proposal:
    """Start a draft proposal of the actor's unit."""
    unit = _check_unit_staff(actor)
    _check_window(round, unit, today)
    proposal = Proposal(round=round, unit_id=unit.id, author_id=actor.id, status=S.draft)
    _apply_fields(proposal, fields, list(cooperating_unit_ids))
    db.session.add(proposal)
    audit.record(actor=actor, action="proposal.create", obj=proposal, after=_snapshot(proposal))
    db.session.commit()
    return proposal


def draft_from_suggestion(
    *, actor: User, suggestion: Suggestion, unit: Unit | None = None, today: date | None = None
) -> Proposal:
    """Turn a promising suggestion into a draft proposal, linked both ways, for its unit to complete and submit.

    The office drafts it for a unit it chooses (by default the one the suggestion was referred to); the staff
    of the referred unit draft it for their own. The unit must be able to submit: the window is open to it.
    """
    if actor.role is Role.office:
        unit = unit or suggestion.referred_unit
        if unit is None:
            raise SolicitationError("unit_required", field="unit_id")
    elif suggestion.referred_unit_id is not None and suggestion.referred_unit_id == actor.unit_id:
        unit = actor.unit
    else:
        raise SolicitationError("not_referred_to_you")
    if suggestion.status not in TAKEN_UP:
        raise SolicitationError("suggestion_not_taken_up", status=suggestion.status.label)
    if not window_open(round=suggestion.round, unit=unit, today=today):
        if actor.role is Role.office:
            raise SolicitationError("unit_window_closed", field="unit_id", unit=unit.name)
        _check_window(suggestion.round, unit, today)
    proposal = Proposal(
        round=suggestion.round,
        unit_id=unit.id,
        author_id=actor.id,
        status=S.draft,
        title=suggestion.title,
        category_id=suggestion.category_id,
        background=suggestion.content,
        source_suggestion_id=suggestion.id,
    )
    db.session.add(proposal)
    suggestion.proposals.append(proposal)
    audit.record(
        actor=actor,
        action="proposal.from_suggestion",
        obj=proposal,
        after=_snapshot(proposal) | {"suggestion_id": suggestion.id, "unit": unit.name},
    )
    db.session.commit()
    return proposal


def update_proposal(
    *,
    actor: User,
    proposal: Proposal,
    fields: dict,
    cooperating_unit_ids: list[int] = (),
    expected_version: int | None = None,
) -> Proposal:
    """Change a draft or returned proposal of the actor's unit, while the unit may still submit, unless it
    changed since `expected_version`."""
    _check_own(actor, proposal)
    with edits.saving(proposal, expected_version):
        _check_editable(proposal)
        _check_window(proposal.round, proposal.unit, None)
        before = _snapshot(proposal)
        _apply_fields(proposal, fields, list(cooperating_unit_ids))
        audit.record(actor=actor, action="proposal.update", obj=proposal, before=before, after=_snapshot(proposal))
        db.session.commit()
    return proposal


def missing_for_submission(proposal: Proposal) -> list[str]:
    """The fields a proposal still needs before it can be submitted, as its unit has written it."""
    revised = proposal.as_revised()
    return [name for name in REQUIRED_TO_SUBMIT if not getattr(revised, name)]


def submit_proposal(*, actor: User, proposal: Proposal, today: date | None = None) -> Proposal:
    """Send a complete draft (submitted) or a revised returned proposal (resubmitted) to the office."""
    _check_own(actor, proposal)
    _check_editable(proposal)
    _check_window(proposal.round, proposal.unit, today)
    missing = missing_for_submission(proposal)
    if missing:
        raise SolicitationError("proposal_incomplete", field=missing[0], missing=missing)
    before = proposal.status
    sent, was = _snapshot(proposal, files=True), _snapshot(proposal, revised=False, files=True)
    _send_revision(proposal)
    proposal.status = S.resubmitted if before is S.returned else S.submitted
    proposal.submitted_at = proposal.submitted_at or utcnow()
    # What the office now reads, against what it read before: for a resubmission, the unit's revision.
    audit.record(
        actor=actor,
        action="proposal.submit",
        obj=proposal,
        before=was | {"status": before.value},
        after=sent | {"status": proposal.status.value},
    )
    db.session.commit()
    return proposal


def return_proposal(*, actor: User, proposal: Proposal, reason: str) -> Proposal:
    """The office sends a submitted proposal back to its unit for revision, saying why; the unit is told."""
    check_office(actor, SolicitationError)
    if not proposal.returnable:
        raise SolicitationError("proposal_not_with_office")
    reason = reason.strip()
    if not reason:
        raise SolicitationError("return_reason_required", field="reason")
    before = proposal.status
    proposal.status, proposal.return_reason = S.returned, reason
    audit.record(
        actor=actor,
        action="proposal.return",
        obj=proposal,
        before={"status": before.value},
        after={"status": S.returned.value, "return_reason": reason},
    )
    url = external_url("solicitation.proposal_detail", proposal_id=proposal.id)
    queue_mail_to_staff(proposal.unit.users, template="proposal_returned", proposal=proposal, url=url)
    db.session.commit()
    return proposal


def withdraw_proposal(*, actor: User, proposal: Proposal) -> Proposal:
    """The unit withdraws its proposal; it stays on record."""
    _check_own(actor, proposal)
    if refusal := proposal.withdrawal_refusal():
        raise SolicitationError(refusal)
    before = proposal.status
    proposal.status = S.withdrawn
    audit.record(
        actor=actor,
        action="proposal.withdraw",
        obj=proposal,
        before={"status": before.value},
        after={"status": S.withdrawn.value},
    )
    db.session.commit()
    return proposal


def add_attachment(*, actor: User, proposal: Proposal, filename: str, data: bytes) -> ProposalAttachment:
    """Attach a PDF, Word, Excel or image file, checked by its content, to an editable proposal."""
    _check_own(actor, proposal)
    _check_editable(proposal)
    _check_window(proposal.round, proposal.unit, None)
    limit = current_app.config["ATTACHMENTS_PER_PROPOSAL"]
    if len(proposal.as_revised().attachments) >= limit:
        raise UploadError("too_many", field="file", limit=limit)
    name, content_type = check_upload(
        filename=filename, data=data, max_bytes=current_app.config["ATTACHMENT_MAX_BYTES"]
    )
    key = attachment_storage().save(data)
    attachment = ProposalAttachment(
        proposal=proposal,
        filename=name,
        storage_key=key,
        content_type=content_type,
        size=len(data),
        uploaded_by_id=actor.id,
        revision=FileRevision.added if proposal.status is S.returned else None,
    )
    db.session.add(attachment)
    audit.record(
        actor=actor,
        action="proposal.attach",
        obj=proposal,
        after={"filename": name, "content_type": content_type, "size": len(data)},
    )
    db.session.commit()
    return attachment


def remove_attachment(*, actor: User, attachment: ProposalAttachment) -> None:
    """Remove an attachment from an editable proposal, file included."""
    proposal = attachment.proposal
    _check_own(actor, proposal)
    _check_editable(proposal)
    _check_window(proposal.round, proposal.unit, None)
    audit.record(actor=actor, action="proposal.detach", obj=proposal, before={"filename": attachment.filename})
    if proposal.status is S.returned and attachment.revision is None:  # sent: the office keeps it till resubmission
        attachment.revision = FileRevision.removed
    else:
        attachment_storage().discard(attachment.storage_key)
        db.session.delete(attachment)
    db.session.commit()


def grant_late_submission(*, actor: User, round: Round, unit: Unit, until: date) -> LateAllowance:
    """Let one unit propose in a round after solicitation closed, until a date (or change that date)."""
    check_office(actor, SolicitationError)
    if round.status not in ROUND_OPEN_FOR_CHANGES:
        raise SolicitationError("round_closed")
    if until < clock.today():
        raise SolicitationError("late_until_in_past", field="until")
    allowance = db.session.scalar(
        select(LateAllowance).where(LateAllowance.round_id == round.id, LateAllowance.unit_id == unit.id)
    )
    before = {"until": allowance.until.isoformat()} if allowance else None
    if allowance is None:
        allowance = LateAllowance(round=round, unit=unit, until=until, granted_by_id=actor.id)
        db.session.add(allowance)
    allowance.until, allowance.granted_by_id = until, actor.id
    audit.record(
        actor=actor, action="round.late_submission", obj=allowance, before=before, after={"until": until.isoformat()}
    )
    db.session.commit()
    return allowance
