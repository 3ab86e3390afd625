"""Who may see and change review criteria."""

from accounts.models import Role
from accounts.permissions import has_role, is_office


def can_view_criteria(user) -> bool:
    """Every staff role reads the criteria: units write to them, experts score by them."""
    return has_role(user, *Role)


def can_manage_criteria(user) -> bool:
    return is_office(user)


TEMPLATE_PREDICATES = {"can_view_criteria": can_view_criteria, "can_manage_criteria": can_manage_criteria}
