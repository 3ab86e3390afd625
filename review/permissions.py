"""Who may see and change criteria, assignments and reviews."""

from accounts.models import Role
from accounts.permissions import has_role, is_office
from review.queries import has_published_assignment, is_conflicted


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


def can_record_field_visit(user, proposal) -> bool:
    """The office, or an expert with a published, unconflicted assignment to the proposal."""
    if is_office(user):
        return True
    return is_expert(user) and has_published_assignment(user.id, proposal.id)


TEMPLATE_PREDICATES.update(
    {"can_manage_reviews": can_manage_reviews, "is_expert": is_expert, "can_record_field_visit": can_record_field_visit}
)
