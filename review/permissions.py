"""Who may see and change criteria, assignments and reviews."""

from accounts.models import Role
from accounts.permissions import has_role, is_office
from review.queries import field_visit_is_visible, reviews_assignment, reviews_proposal
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


TEMPLATE_PREDICATES.update(
    {
        "can_manage_reviews": can_manage_reviews,
        "is_expert": is_expert,
        "can_record_field_visit": can_record_field_visit,
    }
)
