"""Who may see and change criteria, assignments and reviews."""

from accounts.models import Role
from accounts.permissions import has_role, is_office
from review.queries import is_conflicted


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
    """The assigned expert, once the assignment is published and while no conflict stands between them."""
    return (
        is_expert(user)
        and assignment.expert_id == user.id
        and assignment.published
        and not is_conflicted(user.id, assignment.proposal_id)
    )


TEMPLATE_PREDICATES.update({"can_manage_reviews": can_manage_reviews, "is_expert": is_expert})
