"""Screening and selection: shortlist, decide (selected, not selected, merged, duplicate), publish together."""

from dataclasses import dataclass, field

from accounts import audit
from accounts.models import User
from accounts.permissions import check_office
from core.mail import queue_mail_to_staff
from core.models import utcnow
from core.urls import external_url
from extensions import db
from review import queries
from review.errors import ReviewError
from review.models import Decision, ReviewSettings, Screening
from review.permissions import decision_refusal, screening_refusal
from review.queries import review_settings
from review.ranking import below_cut, cut_rank
from review.services import settings_row
from review.services.assignments import check_cut_line
from solicitation.models import Proposal, Round


def _screening(proposal: Proposal) -> Screening:
    screening = db.session.get(Screening, proposal.id)
    if screening is None:
        screening = Screening(proposal_id=proposal.id)
        db.session.add(screening)
    return screening


def _check_round(round: Round, *, deciding: bool = False) -> None:
    """Screening happens while the round is under review; decisions wait for the office decision stage."""
    if refusal := (decision_refusal if deciding else screening_refusal)(round):
        raise ReviewError(refusal)


# The office's marks on a proposal while it screens: 入围, and a request for 实地调研 before deciding.
FLAGS = ("shortlisted", "field_visit_requested")


@dataclass
class BulkOutcome:
    """What a decision on a selection of proposals did: the proposals changed, and those refused with the error."""

    done: list[Proposal] = field(default_factory=list)
    refused: list[tuple[Proposal, ReviewError]] = field(default_factory=list)


def set_flag(*, actor: User, proposal: Proposal, flag: str, on: bool) -> Screening:
    """Put one of the office's screening marks on a proposal, or take it off."""
    check_office(actor, ReviewError)
    if flag not in FLAGS:
        raise ValueError(flag)
    _check_round(proposal.round)
    screening = _set_flag(actor=actor, proposal=proposal, flag=flag, on=on)
    db.session.commit()
    return screening


def _set_flag(*, actor: User, proposal: Proposal, flag: str, on: bool) -> Screening:
    screening = _screening(proposal)
    if getattr(screening, flag) != on:
        setattr(screening, flag, on)
        audit.record(actor=actor, action=f"screening.{flag}", obj=proposal, before={flag: not on}, after={flag: on})
    return screening


def shortlist_proposals(*, actor: User, round: Round, proposals: list[Proposal]) -> BulkOutcome:
    """Shortlist (入围) each of a selection of the round's proposals; one not under review or already shortlisted
    is skipped and reported."""
    check_office(actor, ReviewError)
    _check_round(round)
    if not proposals:
        raise ReviewError("nothing_selected", field="proposal_ids")
    under_review = _cut(round.id)[0]
    outcome = BulkOutcome()
    for proposal in proposals:
        if proposal.id not in under_review:
            outcome.refused.append((proposal, ReviewError("not_under_review_in_round")))
        elif _screening(proposal).shortlisted:
            outcome.refused.append((proposal, ReviewError("already_shortlisted")))
        else:
            _set_flag(actor=actor, proposal=proposal, flag="shortlisted", on=True)
            outcome.done.append(proposal)
    db.session.commit()
    return outcome


def _cut(round_id: int) -> tuple[dict[int, int | None], int | None]:
    """The rank of each proposal under review in the round, and the last rank above its cut line (or None)."""
    ranked = queries.ranks(round_id)
    reviewed = sum(1 for rank in ranked.values() if rank is not None)
    return ranked, cut_rank(review_settings(round_id), reviewed)


def _check_merge_target(decision: Decision, merged_into: Proposal | None, ranks: dict[int, int | None]) -> None:
    if decision in (Decision.merged, Decision.duplicate):
        if merged_into is None:
            raise ReviewError("merge_target_required", field="merged_into_id")
        if merged_into.id not in ranks:
            raise ReviewError("merge_target_not_in_round", field="merged_into_id")


def decide_proposal(
    *, actor: User, proposal: Proposal, decision: Decision, reason: str = "", merged_into: Proposal | None = None
) -> Screening:
    """Record the office's decision, pending until published; going against the cut line needs a reason."""
    check_office(actor, ReviewError)
    _check_round(proposal.round, deciding=True)
    ranks, cut = _cut(proposal.round_id)
    screening = _decide(
        actor=actor, proposal=proposal, decision=decision, reason=reason, merged_into=merged_into, ranks=ranks, cut=cut
    )
    db.session.commit()
    return screening


def decide_proposals(
    *,
    actor: User,
    round: Round,
    proposals: list[Proposal],
    decision: Decision,
    reason: str,
    merged_into: Proposal | None = None,
) -> BulkOutcome:
    """Record one decision with one reason on each of a selection of the round's proposals, by the rule of
    decide_proposal and audited one by one; a proposal the rule refuses is skipped and reported. As for one
    proposal, the reason is needed only against the cut line (入选 below it, 未入选 above it)."""
    check_office(actor, ReviewError)
    _check_round(round, deciding=True)
    if not proposals:
        raise ReviewError("nothing_selected", field="proposal_ids")
    ranks, cut = _cut(round.id)
    _check_merge_target(decision, merged_into, ranks)
    outcome = BulkOutcome()
    for proposal in proposals:
        try:
            _decide(
                actor=actor,
                proposal=proposal,
                decision=decision,
                reason=reason,
                merged_into=merged_into,
                ranks=ranks,
                cut=cut,
            )
        except ReviewError as error:
            outcome.refused.append((proposal, error))
        else:
            outcome.done.append(proposal)
    db.session.commit()
    return outcome


def _decide(
    *,
    actor: User,
    proposal: Proposal,
    decision: Decision,
    reason: str,
    merged_into: Proposal | None,
    ranks: dict[int, int | None],
    cut: int | None,
) -> Screening:
    """Decide on one proposal (checked before anything changes, so a refusal leaves it as it was); flush only."""
    reason = reason.strip()
    if proposal.id not in ranks:
        raise ReviewError("not_under_review_in_round")
    _check_merge_target(decision, merged_into, ranks)
    if merged_into is not None and merged_into.id == proposal.id and decision in (Decision.merged, Decision.duplicate):
        raise ReviewError("merge_into_self", field="merged_into_id")
    if cut and not reason:
        rank = ranks[proposal.id]
        below = below_cut(rank, cut)
        if (decision is Decision.selected and below) or (decision is Decision.not_selected and not below):
            raise ReviewError("reason_required_against_cut", field="reason", rank=rank or "—", cut=cut)
    screening = _screening(proposal)
    before = {"decision": screening.decision.value if screening.decision else None, "reason": screening.reason}
    screening.decision, screening.reason = decision, reason
    screening.merged_into_id = (
        merged_into.id if merged_into and decision in (Decision.merged, Decision.duplicate) else None
    )
    screening.decided_by_id, screening.decided_at, screening.published_at = actor.id, utcnow(), None
    audit.record(
        actor=actor,
        action="screening.decide",
        obj=proposal,
        before=before,
        after={"decision": decision.value, "reason": reason},
    )
    return screening


def set_cut_line(*, actor: User, round: Round, cut_line: int | None, cut_percent: int | None) -> ReviewSettings:
    """Draw the round's cut line at the top N proposals or the top x % of the reviewed ones (or rub it out)."""
    check_office(actor, ReviewError)
    check_cut_line(cut_line, cut_percent)
    settings = settings_row(round)
    fields = ["cut_line", "cut_percent"]
    before = audit.snapshot(settings, fields)
    settings.cut_line, settings.cut_percent = cut_line, cut_percent
    audit.record(
        actor=actor, action="round.review_settings", obj=round, before=before, after=audit.snapshot(settings, fields)
    )
    db.session.commit()
    return settings


def publish_decisions(*, actor: User, round: Round) -> int:
    """Publish the pending decisions of the round together; each proposing unit then sees its outcome."""
    check_office(actor, ReviewError)
    _check_round(round, deciding=True)
    pending = db.session.scalars(
        db.select(Screening)
        .join(Screening.proposal)
        .where(Proposal.round_id == round.id, Screening.decision.is_not(None), Screening.published_at.is_(None))
    ).all()
    for screening in pending:
        screening.published_at = utcnow()
        url = external_url("solicitation.proposal_detail", proposal_id=screening.proposal_id)
        queue_mail_to_staff(screening.proposal.unit.users, template="proposal_decided", screening=screening, url=url)
    audit.record(actor=actor, action="screening.publish", obj=round, after={"decisions": len(pending)})
    db.session.commit()
    return len(pending)
