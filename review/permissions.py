"""Who may see and change criteria, assignments and reviews."""

from accounts.models import Role
from accounts.permissions import has_role, is_office
from review.models import ReviewStage, ReviewStatus
from review.queries import field_visit_is_visible, review_settings, reviews_assignment, reviews_proposal
from solicitation.models import RoundStatus
from solicitation.permissions import can_view_proposal


def can_view_criteria(user) -> bool:
    """Every staff role reads the criteria: units write to them, experts score by them."""
    return has_role(user, *Role)


def can_manage_criteria(user) -> bool:
    return is_office(user)


TEMPLATE_PREDICATES = {"can_view_criteria": can_view_criteria, "can_manage_criteria": can_manage_criteria}


def can_manage_reviews(user) -> bool:
    """Experts, conflicts, assignments, reopening and the ranking belong to the office."""
    return is_office(user)


def is_expert(user) -> bool:
    return has_role(user, Role.expert)


def can_review(user, assignment) -> bool:
    """The assigned expert, once the assignment is published, while no conflict stands between them and the
    proposal is not withdrawn (review.queries.reviewing, the rule of the expert's list too)."""
    return is_expert(user) and reviews_assignment(user, assignment.id)


def can_screen_proposal(user, proposal) -> bool:
    """The office's review pages of a proposal (reviews, field visits, screening): a proposal the office sees."""
    return can_manage_reviews(user) and can_view_proposal(user, proposal)


def can_record_field_visit(user, proposal) -> bool:
    """The office on a proposal it sees, or an expert who reviews it."""
    return can_screen_proposal(user, proposal) or (is_expert(user) and reviews_proposal(user, proposal.id))


def can_view_field_visit(user, visit) -> bool:
    """The rule of review.queries.field_visit_visible_to, asked of one visit: the office; an expert who reviews
    its proposal."""
    return field_visit_is_visible(user, visit.id)


# What a round's phase allows. Each `*_refusal` is the one rule the service enforces (it raises ReviewError with
# the code) and the page asks before it offers the button, so no button leads to a refusal.


def scoring_refusal(round) -> str | None:
    """Why experts cannot score the round's proposals now: they score while it is under review, until the office
    decides."""
    if round.status is not RoundStatus.reviewing:
        return "round_not_reviewing"
    if review_settings(round.id).stage is ReviewStage.decision:
        return "reviews_closed"
    return None


def assignments_publish_refusal(round) -> str | None:
    """Why the round's assignments cannot be published now. Published during solicitation, they would mail experts
    proposals that are still arriving and that they could not score yet, so publishing waits for the review."""
    if round.status is RoundStatus.soliciting or round.status is RoundStatus.preparing:
        return "assignments_before_review"
    return scoring_refusal(round)


def can_publish_assignments(user, round) -> bool:
    return can_manage_reviews(user) and assignments_publish_refusal(round) is None


def review_refusal(assignment) -> str | None:
    """Why the assigned expert cannot change their review now: the phase, or a review already submitted."""
    if refusal := scoring_refusal(assignment.proposal.round):
        return refusal
    if assignment.review is not None and assignment.review.status is ReviewStatus.submitted:
        return "review_locked"
    return None


def can_save_review(user, assignment) -> bool:
    return can_review(user, assignment) and review_refusal(assignment) is None


def screening_refusal(round) -> str | None:
    """Why the office cannot shortlist now: screening happens while the round is under review."""
    return None if round.status is RoundStatus.reviewing else "round_not_reviewing_decisions"


def can_screen_round(user, round) -> bool:
    return can_manage_reviews(user) and screening_refusal(round) is None


def decision_refusal(round) -> str | None:
    """Why the office cannot decide now: decisions wait for the review's last stage, the office decision."""
    if refusal := screening_refusal(round):
        return refusal
    if review_settings(round.id).stage is not ReviewStage.decision:
        return "decisions_in_decision_stage"
    return None


def can_decide_proposals(user, round) -> bool:
    return can_manage_reviews(user) and decision_refusal(round) is None


def can_decide_proposal(user, proposal) -> bool:
    """As can_decide_proposals, for a proposal the review holds (withdrawn, it has left the ranking)."""
    return proposal.in_review and can_decide_proposals(user, proposal.round)


def stage_refusal(round) -> str | None:
    """Why the review's stage cannot move: it has stages only while the round is under review."""
    return None if round.status is RoundStatus.reviewing else "round_not_reviewing"


def can_move_review_stage(user, round) -> bool:
    return can_manage_reviews(user) and stage_refusal(round) is None


TEMPLATE_PREDICATES.update(
    {
        "can_manage_reviews": can_manage_reviews,
        "is_expert": is_expert,
        "can_record_field_visit": can_record_field_visit,
        "can_publish_assignments": can_publish_assignments,
        "can_save_review": can_save_review,
        "can_screen_round": can_screen_round,
        "can_decide_proposals": can_decide_proposals,
        "can_decide_proposal": can_decide_proposal,
        "can_move_review_stage": can_move_review_stage,
    }
)
