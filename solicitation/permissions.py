"""Who may see and change rounds and their categories."""

from accounts.models import Role
from accounts.permissions import has_role, is_office


def can_view_rounds(user) -> bool:
    """Staff of every role read the rounds; only the office changes them."""
    return has_role(user, *Role)


def can_manage_rounds(user) -> bool:
    return is_office(user)


TEMPLATE_PREDICATES = {"can_view_rounds": can_view_rounds, "can_manage_rounds": can_manage_rounds}
