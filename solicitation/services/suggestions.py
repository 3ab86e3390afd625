"""State changes of residents' suggestions: submission, the office's triage, referral, replies, seconds."""

import hashlib
import re
import secrets
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from accounts import audit
from accounts.models import Role, Unit, User
from accounts.permissions import check_office
from core import clock
from core.email_address import is_email_address
from core.mail import queue_mail, queue_mail_to_staff
from core.models import max_length, utcnow
from core.request_input import stored_int
from core.urls import external_url
from extensions import db
from solicitation.errors import SolicitationError
from solicitation.models import (
    PUBLIC_CHANNELS,
    SUGGESTION_TRANSITIONS,
    Channel,
    Proposal,
    ProposalStatus,
    RejectReason,
    Round,
    RoundStatus,
    Suggestion,
    SuggestionSecond,
    SuggestionStatus,
)
from solicitation.queries import category_in_round, is_publicly_visible

St = SuggestionStatus
# No 0/O, 1/I/L: a code read out over the phone must not be misheard.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12  # 31**12 ≈ 8·10**17 codes
# The most characters of each field, as the model keeps them (the API's schema says the same).
LIMITS = {
    name: max_length(getattr(Suggestion, name))
    for name in ("title", "content", "location", "contact_name", "contact_phone", "contact_email")
}
PHONE = re.compile(r"^\+?[0-9][0-9 -]{3,18}[0-9]$")
# The fields of a suggestion, as a resident or the office enters them.
SUGGESTION_FIELDS = ["title", "content", "category_id", "location", "contact_name", "contact_phone", "contact_email"]
AUDITED = ["title", "content", "category_id", "location", "channel", "status"]


def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(code: str) -> str:
    """What a resident typed, as stored: upper case, without spaces or dashes."""
    return re.sub(r"[\s-]", "", code or "").upper()


def validate_suggestion(*, round: Round, fields: dict, consent: bool) -> dict:
    """Return the cleaned fields of a suggestion, or raise on the first bad one (also used by imports)."""
    clean = {name: (fields.get(name) or "") for name in SUGGESTION_FIELDS}
    for name in SUGGESTION_FIELDS:
        if isinstance(clean[name], str):
            clean[name] = clean[name].strip()
    for name in ("title", "content"):
        if not clean[name]:
            raise SolicitationError("field_required", field=name)
    for name, limit in LIMITS.items():
        if len(clean[name]) > limit:
            raise SolicitationError("field_too_long", field=name, max=limit)
    clean["category_id"] = clean["category_id"] or None
    if not category_in_round(clean["category_id"], round.id):
        raise SolicitationError("category_not_in_round", field="category_id")
    if clean["contact_email"] and not is_email_address(clean["contact_email"]):
        raise SolicitationError("email_invalid", field="contact_email")
    if clean["contact_phone"] and not PHONE.match(clean["contact_phone"]):
        raise SolicitationError("phone_invalid", field="contact_phone")
    if any(clean[name] for name in ("contact_name", "contact_phone", "contact_email")) and not consent:
        raise SolicitationError("consent_required", field="consent")
    return clean


def _unique_code() -> str:
    while True:
        code = new_tracking_code()
        if not db.session.scalar(select(Suggestion.id).where(Suggestion.tracking_code == code)):
            return code


def add_suggestion(
    *, round: Round, fields: dict, channel: Channel, consent: bool, received_on: date | None = None, actor=None
) -> Suggestion:
    """Record a suggestion, without committing: a resident's submission, or one of an import."""
    if round.status is not RoundStatus.soliciting:
        raise SolicitationError("round_not_soliciting")
    clean = validate_suggestion(round=round, fields=fields, consent=consent)
    suggestion = Suggestion(
        round=round,
        tracking_code=_unique_code(),
        channel=channel,
        consent=consent,
        received_on=received_on or clock.today(),
        entered_by_id=actor.id if actor else None,
        **clean,
    )
    db.session.add(suggestion)
    audit.record(actor=actor, action="suggestion.create", obj=suggestion, after=audit.snapshot(suggestion, AUDITED))
    if suggestion.contact_email:
        queue_mail(
            to=suggestion.contact_email,
            template="suggestion_received",
            suggestion=suggestion,
            url=external_url("solicitation.track", code=suggestion.tracking_code),
        )
    return suggestion


def submit_suggestion(
    *, round: Round, fields: dict, channel: Channel, consent: bool, received_on: date | None = None, actor=None
) -> Suggestion:
    """A resident sends a suggestion (or the office enters one on their behalf); it gets a tracking code."""
    if actor is None and channel not in PUBLIC_CHANNELS:
        raise SolicitationError("channel_not_public", field="channel")
    suggestion = add_suggestion(
        round=round, fields=fields, channel=channel, consent=consent, received_on=received_on, actor=actor
    )
    db.session.commit()
    return suggestion


def find_by_code(code: str) -> Suggestion:
    """The suggestion a tracking code names, or raise."""
    suggestion = db.session.scalar(select(Suggestion).where(Suggestion.tracking_code == normalise_code(code)))
    if suggestion is None:
        raise SolicitationError("tracking_code_unknown", field="code", code=code)
    return suggestion


def find_by_number_or_code(text: str) -> Suggestion:
    """The suggestion a number or a tracking code names, or raise."""
    try:
        suggestion = db.session.get(Suggestion, stored_int(text))
    except ValueError:  # a tracking code, or a number no suggestion can have
        suggestion = None
    return suggestion or find_by_code(text)


def _tell_resident(suggestion: Suggestion) -> None:
    """Mail the resident (if they left an address) that the status or the public reply changed."""
    if suggestion.contact_email:
        queue_mail(
            to=suggestion.contact_email,
            template="suggestion_update",
            suggestion=suggestion,
            url=external_url("solicitation.track", code=suggestion.tracking_code),
        )


def _move(*, actor: User, suggestion: Suggestion, target: SuggestionStatus, action: str, **changes) -> Suggestion:
    """Check and make one triage step: the status, the fields it sets, the audit event, the resident told.

    Only flushes; the public service commits.
    """
    check_office(actor, SolicitationError)
    if target not in SUGGESTION_TRANSITIONS[suggestion.status]:
        raise SolicitationError("suggestion_move_not_allowed", current=suggestion.status, target=target)
    before = {"status": suggestion.status.value, **{k: audit.snapshot(suggestion, [k])[k] for k in changes}}
    suggestion.status = target
    for name, value in changes.items():
        setattr(suggestion, name, value)
    after = {"status": target.value, **audit.snapshot(suggestion, list(changes))}
    audit.record(actor=actor, action=action, obj=suggestion, before=before, after=after)
    _tell_resident(suggestion)
    return suggestion


def accept_suggestion(*, actor: User, suggestion: Suggestion) -> Suggestion:
    """受理: the office takes the suggestion up (or takes up again one it had set aside)."""
    _move(
        actor=actor,
        suggestion=suggestion,
        target=St.accepted,
        action="suggestion.accept",
        # taken up again: no longer rejected, merged or with a unit, and no earlier reply stands
        reject_reason=None,
        duplicate_of_id=None,
        referred_unit_id=None,
        referral_note="",
        reply="",
        reply_published_at=None,
    )
    db.session.commit()
    return suggestion


def reject_suggestion(
    *, actor: User, suggestion: Suggestion, reason: RejectReason | None, reply: str = ""
) -> Suggestion:
    """不予受理, with the reason (spam, out of scope, other) and an optional public reply."""
    if reason is None:
        raise SolicitationError("reject_reason_required", field="reason")
    _move(
        actor=actor,
        suggestion=suggestion,
        target=St.rejected,
        action="suggestion.reject",
        reject_reason=reason,
        reply=reply.strip(),
        reply_published_at=utcnow() if reply.strip() else None,
    )
    db.session.commit()
    return suggestion


def mark_duplicate(*, actor: User, suggestion: Suggestion, original: Suggestion) -> Suggestion:
    """Merge a suggestion into the one that absorbs it; it stays visible with a pointer to the original."""
    while original.duplicate_of is not None:  # point at the root, never along a chain
        original = original.duplicate_of
    if original.id == suggestion.id:
        raise SolicitationError("duplicate_of_self", field="original")
    if original.round_id != suggestion.round_id:
        raise SolicitationError("duplicate_other_round", field="original")
    _move(
        actor=actor,
        suggestion=suggestion,
        target=St.duplicate,
        action="suggestion.duplicate",
        duplicate_of_id=original.id,
    )
    db.session.commit()
    return suggestion


def refer_suggestion(*, actor: User, suggestion: Suggestion, unit: Unit | None, note: str = "") -> Suggestion:
    """转办: send the suggestion to a unit, which answers in its own view; its staff are told."""
    if unit is None:
        raise SolicitationError("referral_unit_required", field="unit_id")
    _move(
        actor=actor,
        suggestion=suggestion,
        target=St.referred,
        action="suggestion.refer",
        referred_unit_id=unit.id,
        referral_note=note.strip(),
    )
    url = external_url("solicitation.suggestion_detail", suggestion_id=suggestion.id)
    staff = [user for user in unit.users if user.role is Role.unit_staff]
    queue_mail_to_staff(staff, template="suggestion_referred", suggestion=suggestion, unit=unit, url=url)
    db.session.commit()
    return suggestion


def answer_referral(*, actor: User, suggestion: Suggestion, answer: str) -> Suggestion:
    """The referred unit answers the office; the office then decides."""
    if (
        actor.role is not Role.unit_staff
        or suggestion.status is not St.referred
        or suggestion.referred_unit_id != actor.unit_id
    ):
        raise SolicitationError("not_referred_to_you")
    if not answer.strip():
        raise SolicitationError("answer_required", field="answer")
    before = {"unit_answer": suggestion.unit_answer}
    suggestion.unit_answer, suggestion.unit_answered_at = answer.strip(), utcnow()
    audit.record(
        actor=actor,
        action="suggestion.answer",
        obj=suggestion,
        before=before,
        after={"unit_answer": suggestion.unit_answer},
    )
    db.session.commit()
    return suggestion


def decide_suggestion(
    *, actor: User, suggestion: Suggestion, adopted: bool, reply: str, publish_reply: bool
) -> Suggestion:
    """采纳 or not, with the public reply (required when not adopted), published now or held for later."""
    reply = reply.strip()
    if not adopted and not reply:
        raise SolicitationError("reply_required", field="reply")
    _move(
        actor=actor,
        suggestion=suggestion,
        target=St.adopted if adopted else St.not_adopted,
        action="suggestion.decide",
        reply=reply,
        reply_published_at=utcnow() if publish_reply and reply else None,
    )
    db.session.commit()
    return suggestion


def publish_replies(*, actor: User, suggestions: list[Suggestion]) -> int:
    """Publish the held replies of these suggestions together; each resident is told. Return how many."""
    check_office(actor, SolicitationError)
    published = 0
    for suggestion in suggestions:
        if suggestion.reply and suggestion.reply_published_at is None:
            suggestion.reply_published_at = utcnow()
            audit.record(
                actor=actor, action="suggestion.publish_reply", obj=suggestion, after={"reply": suggestion.reply}
            )
            _tell_resident(suggestion)
            published += 1
    db.session.commit()
    return published


def link_proposals(*, actor: User, suggestion: Suggestion, proposal_ids: list[int]) -> Suggestion:
    """Record which submitted proposals of the round this suggestion fed into."""
    check_office(actor, SolicitationError)
    proposals = db.session.scalars(select(Proposal).where(Proposal.id.in_(proposal_ids))).all()
    if len(proposals) != len(set(proposal_ids)) or any(
        p.round_id != suggestion.round_id or p.submitted_at is None or p.status is ProposalStatus.withdrawn
        for p in proposals
    ):
        raise SolicitationError("proposal_other_round", field="proposal_ids")
    before = {"proposals": [p.id for p in suggestion.proposals]}
    suggestion.proposals = list(proposals)
    audit.record(
        actor=actor,
        action="suggestion.link",
        obj=suggestion,
        before=before,
        after={"proposals": [p.id for p in suggestion.proposals]},
    )
    db.session.commit()
    return suggestion


def set_public(*, actor: User, suggestion: Suggestion, public: bool) -> Suggestion:
    """Show the suggestion (never its contact details) on the public page, or take it off."""
    check_office(actor, SolicitationError)
    if public and suggestion.status in (St.rejected, St.duplicate):
        raise SolicitationError("cannot_publish")
    if suggestion.is_public != public:
        suggestion.is_public = public
        audit.record(
            actor=actor,
            action="suggestion.publish" if public else "suggestion.unpublish",
            obj=suggestion,
            before={"is_public": not public},
            after={"is_public": public},
        )
        db.session.commit()
    return suggestion


def voter_hash(browser_id: str) -> str:
    return hashlib.sha256(browser_id.encode()).hexdigest()


def second_suggestion(*, suggestion: Suggestion, browser_id: str) -> Suggestion:
    """附议: one second per browser, on the suggestions the public sees only."""
    if not is_publicly_visible(suggestion):
        raise SolicitationError("not_public")
    voter = voter_hash(browser_id)
    exists = select(SuggestionSecond.id).where(
        SuggestionSecond.suggestion_id == suggestion.id, SuggestionSecond.voter == voter
    )
    if db.session.scalar(exists):
        raise SolicitationError("already_seconded")
    db.session.add(SuggestionSecond(suggestion_id=suggestion.id, voter=voter))
    suggestion.second_count = Suggestion.second_count + 1  # in SQL: two seconds at once both count
    try:
        db.session.commit()
    except IntegrityError:  # the same browser, twice at once
        db.session.rollback()
        raise SolicitationError("already_seconded") from None
    return suggestion


def reveal_contact(*, actor: User, suggestion: Suggestion) -> dict:
    """Show the office a resident's contact details, and log that it was seen."""
    check_office(actor, SolicitationError)
    audit.record(actor=actor, action="suggestion.reveal_contact", obj=suggestion)
    db.session.commit()
    return suggestion.contact


def record_contact_export(*, actor: User, round: Round, count: int) -> None:
    """Log that the office exported residents' contact details unmasked."""
    check_office(actor, SolicitationError)
    audit.record(actor=actor, action="suggestion.export_contacts", obj=round, after={"rows": count})
    db.session.commit()
