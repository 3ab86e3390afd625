"""Who may see and change rounds, categories, proposals and suggestions."""

from accounts.models import Role
from accounts.permissions import has_role, is_office
from solicitation.models import PROPOSAL_EDITABLE, FileRevision, SuggestionStatus
from solicitation.queries import proposal_is_visible, suggestion_is_visible
from solicitation.services.proposals import recording_refusal, window_open
from solicitation.services.suggestions import reopen_refusal


def can_view_rounds(user) -> bool:
    """Staff of every role read the rounds; only the office changes them."""
    return has_role(user, *Role)


def can_manage_rounds(user) -> bool:
    return is_office(user)


def can_transition_round(user, round, target) -> bool:
    """The office, to a status the round may move to now (see Round.transition_refusal)."""
    return is_office(user) and round.transition_refusal(target) is None


def can_manage_topics(user) -> bool:
    """The office sets, publishes and withdraws a round's topics (点题), and reads each one's answers; units see the
    published ones on their proposal form."""
    return is_office(user)


def can_record_proposals(user, round) -> bool:
    """The office, once solicitation has closed, records proposals units sent outside the platform."""
    return is_office(user) and recording_refusal(round) is None


def is_proposing_unit(user, proposal) -> bool:
    """Staff of the unit that proposed it: the only ones who change it, when its state lets them."""
    return has_role(user, Role.unit_staff) and user.unit_id == proposal.unit_id


def can_propose(user) -> bool:
    """Unit staff propose for their unit (whether the round takes proposals today is the service's rule)."""
    return has_role(user, Role.unit_staff) and user.unit_id is not None


def can_list_proposals(user) -> bool:
    return is_office(user) or can_propose(user)


def can_view_proposal(user, proposal) -> bool:
    """The rule of solicitation.queries.proposal_visible_to, asked of one proposal: never another unit's draft."""
    return proposal_is_visible(user, proposal.id)


def can_download_attachment(user, attachment) -> bool:
    """Those who see its proposal, but a file added in a revision not yet sent only by the proposing unit."""
    proposal = attachment.proposal
    if attachment.revision is FileRevision.added:
        return is_proposing_unit(user, proposal)
    return can_view_proposal(user, proposal)


def can_edit_proposal(user, proposal) -> bool:
    return is_proposing_unit(user, proposal) and proposal.status in PROPOSAL_EDITABLE


def can_submit_proposal(user, proposal) -> bool:
    """The proposing unit, while it may change the proposal and the round takes its proposals today (the window
    the service checks: solicitation open, or a late submission allowed)."""
    return can_edit_proposal(user, proposal) and window_open(round=proposal.round, unit=proposal.unit)


def can_withdraw_proposal(user, proposal) -> bool:
    """The proposing unit, while the service would let it withdraw (see Proposal.withdrawal_refusal)."""
    return is_proposing_unit(user, proposal) and proposal.withdrawal_refusal() is None


def can_return_proposal(user, proposal) -> bool:
    return is_office(user) and proposal.returnable


def can_triage_suggestions(user) -> bool:
    """Only the office triages suggestions and sees residents' contact details (after a logged reveal)."""
    return is_office(user)


def can_view_suggestion(user, suggestion) -> bool:
    """The rule of solicitation.queries.suggestion_visible_to, asked of one suggestion: the office; the unit it
    was referred to (contact details masked)."""
    return suggestion_is_visible(user, suggestion.id)


def can_reopen_suggestion(user, suggestion) -> bool:
    """The office, while the acceptance can be taken back (see reopen_refusal)."""
    return is_office(user) and reopen_refusal(suggestion) is None


def can_answer_referral(user, suggestion) -> bool:
    return (
        has_role(user, Role.unit_staff)
        and suggestion.status is SuggestionStatus.referred
        and suggestion.referred_unit_id == user.unit_id
    )


def can_draft_from_suggestion(user, suggestion) -> bool:
    """Those who see a suggestion (the office, the unit it was referred to) may turn it into a proposal."""
    return can_view_suggestion(user, suggestion)


def can_see_referrals(user) -> bool:
    return can_propose(user)


TEMPLATE_PREDICATES = {
    "can_triage_suggestions": can_triage_suggestions,
    "can_answer_referral": can_answer_referral,
    "can_draft_from_suggestion": can_draft_from_suggestion,
    "can_reopen_suggestion": can_reopen_suggestion,
    "can_view_suggestion": can_view_suggestion,
    "can_view_proposal": can_view_proposal,
    "can_see_referrals": can_see_referrals,
    "can_view_rounds": can_view_rounds,
    "can_manage_rounds": can_manage_rounds,
    "can_manage_topics": can_manage_topics,
    "can_transition_round": can_transition_round,
    "can_record_proposals": can_record_proposals,
    "can_propose": can_propose,
    "can_list_proposals": can_list_proposals,
    "can_edit_proposal": can_edit_proposal,
    "can_withdraw_proposal": can_withdraw_proposal,
    "can_submit_proposal": can_submit_proposal,
    "can_return_proposal": can_return_proposal,
}
