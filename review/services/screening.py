"""Screening and selection: shortlist, decide (selected, not selected, merged, duplicate), publish together."""

from accounts import audit
from accounts.models import User
from accounts.permissions import check_office
from core.mail import queue_mail_to_staff
from core.models import utcnow
from core.urls import external_url
from extensions import db
from review.errors import ReviewError
from review.models import Decision, Screening
from review.permissions import decision_refusal, screening_refusal
from review.queries import review_settings
from review.ranking import rank_round
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


def set_flag(*, actor: User, proposal: Proposal, flag: str, on: bool) -> Screening:
    """Put one of the office's screening marks on a proposal, or take it off."""
    check_office(actor, ReviewError)
    if flag not in FLAGS:
        raise ValueError(flag)
    _check_round(proposal.round)
    screening = _screening(proposal)
    if getattr(screening, flag) != on:
        setattr(screening, flag, on)
        audit.record(actor=actor, action=f"screening.{flag}", obj=proposal, before={flag: not on}, after={flag: on})
    db.session.commit()
    return screening


def decide_proposal(
    *, actor: User, proposal: Proposal, decision: Decision, reason: str = "", merged_into: Proposal | None = None
) -> Screening:
    """Record the office's decision, pending until published; going against the cut line needs a reason."""
    check_office(actor, ReviewError)
    _check_round(proposal.round, deciding=True)
    reason = reason.strip()
    if decision in (Decision.merged, Decision.duplicate):
        if merged_into is None:
            raise ReviewError("merge_target_required", field="merged_into_id")
        if merged_into.id == proposal.id:
            raise ReviewError("merge_into_self", field="merged_into_id")
    ranking = rank_round(proposal.round_id, details=False)
    cut = ranking.cut_rank(review_settings(proposal.round_id))
    if cut and not reason:
        rank = next((row.rank for row in ranking.rows if row.proposal.id == proposal.id), None)
        below = rank is None or rank > cut
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
    db.session.commit()
    return screening


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
