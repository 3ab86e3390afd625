"""State changes of residents' suggestions: submission, the office's triage, referral, replies, seconds."""

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from accounts import audit
from accounts.models import AuditEvent, Role, Unit, User
from accounts.permissions import check_office
from core import clock
from core.email_address import is_email_address
from core.mail import mail_recipients, queue_mail, queue_mail_to_staff
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
from solicitation.services.near_duplicates import queue_near_duplicate_search

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


def searched_by_words(filters: dict) -> bool:
    """Whether the list's filters search through the full-text index: for words, not a tracking code (the list
    finds it by its unique index) nor with the held-reply filter (the index does not know replies held)."""
    code = normalise_code(filters["q"])
    is_code = len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
    return bool(filters["q"].strip()) and not is_code and not filters["held_reply"]


def word_search_filters(filters: dict) -> dict:
    """The filters the word search takes: the words and all but the held-reply filter (searched_by_words)."""
    return {name: value for name, value in filters.items() if name != "held_reply"}


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
    db.session.flush()
    queue_near_duplicate_search([suggestion.id])
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


def _check_move(suggestion: Suggestion, target: SuggestionStatus) -> None:
    """Refuse a triage step the suggestion's status does not allow."""
    if target not in SUGGESTION_TRANSITIONS[suggestion.status]:
        raise SolicitationError("suggestion_move_not_allowed", current=suggestion.status, target=target)


def _move(*, actor: User, suggestion: Suggestion, target: SuggestionStatus, action: str, **changes) -> Suggestion:
    """Check and make one triage step: the status, the fields it sets, the audit event, the resident told.

    Only flushes; the public service commits.
    """
    check_office(actor, SolicitationError)
    _check_move(suggestion, target)
    before = {"status": suggestion.status.value, **{k: audit.snapshot(suggestion, [k])[k] for k in changes}}
    suggestion.status = target
    for name, value in changes.items():
        setattr(suggestion, name, value)
    after = {"status": target.value, **audit.snapshot(suggestion, list(changes))}
    audit.record(actor=actor, action=action, obj=suggestion, before=before, after=after)
    _tell_resident(suggestion)
    return suggestion


def _accept(actor: User, suggestion: Suggestion) -> None:
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


def accept_suggestion(*, actor: User, suggestion: Suggestion) -> Suggestion:
    """受理: the office takes the suggestion up (or takes up again one it had set aside)."""
    _accept(actor, suggestion)
    db.session.commit()
    return suggestion


# What the office does with a suggestion that changes nothing in it: no obstacle to taking an acceptance back.
READING_ACTIONS = ("suggestion.reveal_contact",)


def reopen_refusal(suggestion: Suggestion) -> SolicitationError | None:
    """Why the suggestion's acceptance cannot be taken back, or None: only an acceptance of a received suggestion
    that nothing followed (no referral, reply, link, publication: nothing the audit log holds after it)."""
    if suggestion.status is not St.accepted:
        return SolicitationError("reopen_not_accepted")
    latest = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.object_type == "Suggestion",
            AuditEvent.object_id == suggestion.id,
            AuditEvent.action.not_in(READING_ACTIONS),
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    accepted_from = (latest.before or {}).get("status") if latest is not None else None
    if latest is None or latest.action != "suggestion.accept" or accepted_from != St.received.value:
        return SolicitationError("reopen_after_changes")
    return None


def reopen_suggestion(*, actor: User, suggestion: Suggestion) -> Suggestion:
    """撤回受理: take back an acceptance nothing followed; the suggestion is received again, the resident told."""
    check_office(actor, SolicitationError)
    if refusal := reopen_refusal(suggestion):
        raise refusal
    _move(actor=actor, suggestion=suggestion, target=St.received, action="suggestion.reopen")
    db.session.commit()
    return suggestion


def _reject(actor: User, suggestion: Suggestion, reason: RejectReason | None, reply: str) -> None:
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


def reject_suggestion(
    *, actor: User, suggestion: Suggestion, reason: RejectReason | None, reply: str = ""
) -> Suggestion:
    """不予受理, with the reason (spam, out of scope, other) and an optional public reply."""
    _reject(actor, suggestion, reason, reply)
    db.session.commit()
    return suggestion


def _root(original: Suggestion) -> Suggestion:
    """The suggestion `original` was merged into, if any: a duplicate points at the root, never along a chain."""
    while original.duplicate_of is not None:
        original = original.duplicate_of
    return original


def _check_duplicate(suggestion: Suggestion, root: Suggestion) -> None:
    if root.id == suggestion.id:
        raise SolicitationError("duplicate_of_self", field="original")
    if root.round_id != suggestion.round_id:
        raise SolicitationError("duplicate_other_round", field="original")
    _check_move(suggestion, St.duplicate)


def _mark_duplicate(actor: User, suggestion: Suggestion, original: Suggestion) -> None:
    root = _root(original)
    _check_duplicate(suggestion, root)
    _move(
        actor=actor, suggestion=suggestion, target=St.duplicate, action="suggestion.duplicate", duplicate_of_id=root.id
    )


def mark_duplicate(*, actor: User, suggestion: Suggestion, original: Suggestion) -> Suggestion:
    """Merge a suggestion into the one that absorbs it; it stays visible with a pointer to the original."""
    _mark_duplicate(actor, suggestion, original)
    db.session.commit()
    return suggestion


def referral_staff(unit: Unit) -> list[User]:
    """Whom a referral to `unit` mails: its staff who can receive mail."""
    return mail_recipients(user for user in unit.users if user.role is Role.unit_staff)


def _refer(actor: User, suggestion: Suggestion, unit: Unit | None, note: str) -> None:
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
    queue_mail_to_staff(referral_staff(unit), template="suggestion_referred", suggestion=suggestion, unit=unit, url=url)


def refer_suggestion(*, actor: User, suggestion: Suggestion, unit: Unit | None, note: str = "") -> Suggestion:
    """转办: send the suggestion to a unit, which answers in its own view; its staff are told. A received one is
    taken up and referred in one step: its one event goes from received to referred, as the audit log says."""
    _refer(actor, suggestion, unit, note)
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


def linkable(proposal: Proposal, round_id: int) -> bool:
    """Whether a suggestion of the round can be linked to `proposal`: one of its round, submitted, not withdrawn."""
    return (
        proposal.round_id == round_id
        and proposal.submitted_at is not None
        and proposal.status is not ProposalStatus.withdrawn
    )


def _set_links(actor: User, suggestion: Suggestion, proposals: list[Proposal]) -> None:
    check_office(actor, SolicitationError)
    if not all(linkable(p, suggestion.round_id) for p in proposals):
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


def link_proposals(*, actor: User, suggestion: Suggestion, proposal_ids: list[int]) -> Suggestion:
    """Record which submitted proposals of the round this suggestion fed into."""
    check_office(actor, SolicitationError)
    proposals = db.session.scalars(select(Proposal).where(Proposal.id.in_(proposal_ids))).all()
    if len(proposals) != len(set(proposal_ids)):
        raise SolicitationError("proposal_other_round", field="proposal_ids")
    _set_links(actor, suggestion, proposals)
    db.session.commit()
    return suggestion


def _check_no_reply(suggestion: Suggestion) -> None:
    """One reply sent to many never replaces the reply a suggestion already has (held or published)."""
    if suggestion.reply:
        raise SolicitationError("already_replied")


def _reply(actor: User, suggestion: Suggestion, reply: str) -> None:
    """Publish the office's reply on a suggestion that has none, and tell the resident; only flushes."""
    _check_no_reply(suggestion)
    suggestion.reply, suggestion.reply_published_at = reply, utcnow()
    audit.record(actor=actor, action="suggestion.reply", obj=suggestion, before={"reply": ""}, after={"reply": reply})
    _tell_resident(suggestion)


def _check_new_link(suggestion: Suggestion, proposal: Proposal) -> None:
    if proposal in suggestion.proposals:
        raise SolicitationError("already_linked", proposal=proposal.id)


def _add_link(actor: User, suggestion: Suggestion, proposal: Proposal) -> None:
    _check_new_link(suggestion, proposal)
    _set_links(actor, suggestion, [*suggestion.proposals, proposal])


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


# The triage actions the office can take on many suggestions at once, and those that mail each resident.
BULK_ACTIONS = ("accept", "reject", "refer", "duplicate", "link", "reply")
TELLS_RESIDENT = frozenset({"accept", "reject", "refer", "duplicate", "reply"})


@dataclass(frozen=True)
class BulkChoice:
    """One action for many suggestions, as the office chose it, with what that action needs."""

    action: str
    reason: RejectReason | None = None
    reply: str = ""
    unit_id: int | None = None
    note: str = ""
    original: str = ""  # the original's tracking code or number
    proposal_id: int | None = None


@dataclass
class BulkTriage:
    """What a bulk triage does (or, previewed, would do): the suggestions changed, those the single action's rule
    refused with its reason, and who is mailed."""

    choice: BulkChoice
    changed: list[Suggestion] = field(default_factory=list)
    refused: list[tuple[Suggestion, SolicitationError]] = field(default_factory=list)
    unit: Unit | None = None
    original: Suggestion | None = None
    proposal: Proposal | None = None
    counted: int | None = None  # a large selection's size, previewed by count: none checked one by one yet

    @property
    def residents_mailed(self) -> int:
        """How many residents are mailed: those with an address among the changed, if the action tells them."""
        if self.choice.action not in TELLS_RESIDENT:
            return 0
        return sum(1 for suggestion in self.changed if suggestion.contact_email)

    @property
    def staff_mailed(self) -> list[User]:
        """The referral unit's staff, each mailed once per suggestion referred."""
        return referral_staff(self.unit) if self.unit and self.changed else []


def check_bulk_choice(*, actor: User, round: Round, choice: BulkChoice) -> BulkTriage:
    """Check the choice itself, before any suggestion (bad input changes nothing): the action, and what it needs
    (its reason, unit, original or proposal, loaded); return the empty outcome that carries them."""
    check_office(actor, SolicitationError)
    if choice.action not in BULK_ACTIONS:
        raise SolicitationError("bulk_action_required", field="action")
    outcome = BulkTriage(choice=choice)
    if choice.action == "reject" and choice.reason is None:
        raise SolicitationError("reject_reason_required", field="reason")
    if choice.action == "refer":
        outcome.unit = db.session.get(Unit, choice.unit_id) if choice.unit_id else None
        if outcome.unit is None or not outcome.unit.active:
            raise SolicitationError("referral_unit_required", field="unit_id")
    if choice.action == "duplicate":
        if not choice.original.strip():
            raise SolicitationError("original_required", field="original")
        outcome.original = _root(find_by_number_or_code(choice.original.strip()))
        if outcome.original.round_id != round.id:
            raise SolicitationError("duplicate_other_round", field="original")
    if choice.action == "reply" and not choice.reply.strip():
        raise SolicitationError("bulk_reply_required", field="reply")
    if choice.action == "link":
        outcome.proposal = db.session.get(Proposal, choice.proposal_id) if choice.proposal_id else None
        if outcome.proposal is None or not linkable(outcome.proposal, round.id):
            raise SolicitationError("proposal_other_round", field="proposal_id")
    return outcome


def bulk_triage(
    *, actor: User, round: Round, suggestions: list[Suggestion], choice: BulkChoice, apply: bool
) -> BulkTriage:
    """Check (and with `apply`, make) `choice` on each suggestion by its single action's own rule; only flushes."""
    outcome = check_bulk_choice(actor=actor, round=round, choice=choice)
    if not suggestions:
        raise SolicitationError("nothing_chosen", field="suggestion_id")
    # Each action: the single action's check, and its change (which checks the same first).
    check, change = {
        "accept": (lambda s: _check_move(s, St.accepted), lambda s: _accept(actor, s)),
        "reject": (
            lambda s: _check_move(s, St.rejected),
            lambda s: _reject(actor, s, choice.reason, choice.reply),
        ),
        "refer": (lambda s: _check_move(s, St.referred), lambda s: _refer(actor, s, outcome.unit, choice.note)),
        "duplicate": (
            lambda s: _check_duplicate(s, outcome.original),
            lambda s: _mark_duplicate(actor, s, outcome.original),
        ),
        "link": (lambda s: _check_new_link(s, outcome.proposal), lambda s: _add_link(actor, s, outcome.proposal)),
        "reply": (_check_no_reply, lambda s: _reply(actor, s, choice.reply.strip())),
    }[choice.action]
    for suggestion in suggestions:
        try:
            (change if apply else check)(suggestion)
        except SolicitationError as refusal:  # the rule refused before changing anything: leave it as it is
            outcome.refused.append((suggestion, refusal))
        else:
            outcome.changed.append(suggestion)
    return outcome


def preview_triage(*, actor: User, round: Round, suggestions: list[Suggestion], choice: BulkChoice) -> BulkTriage:
    """What triaging these suggestions together would change, refuse and mail; changes nothing."""
    return bulk_triage(actor=actor, round=round, suggestions=suggestions, choice=choice, apply=False)


def triage_suggestions(*, actor: User, round: Round, suggestions: list[Suggestion], choice: BulkChoice) -> BulkTriage:
    """Triage many suggestions at once: each by its single action's rule, audited and mailed as that action does;
    those the rule refuses are left unchanged and reported with the reason."""
    outcome = bulk_triage(actor=actor, round=round, suggestions=suggestions, choice=choice, apply=True)
    ids = [suggestion.id for suggestion in suggestions]
    db.session.commit()
    # Read back in one statement what the summary shows, not one refresh per suggestion.
    db.session.scalars(select(Suggestion).where(Suggestion.id.in_(ids))).all()
    return outcome
