"""Who may see and change the plan."""

from accounts.models import Role
from accounts.permissions import has_role, is_office


def can_manage_plan(user) -> bool:
    """The reform office drafts, edits, moves and publishes the plan."""
    return is_office(user)


def can_view_plan(user) -> bool:
    """The office and the district leaders read the plan in every state; the public reads what is published."""
    return has_role(user, Role.office, Role.leader)


TEMPLATE_PREDICATES = {"can_manage_plan": can_manage_plan, "can_view_plan": can_view_plan}
