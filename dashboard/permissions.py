"""Who may read the dashboard."""

from accounts.models import Role
from accounts.permissions import has_role


def can_view_dashboard(user) -> bool:
    """The reform office and the district leaders read every round's figures."""
    return has_role(user, Role.office, Role.leader)


TEMPLATE_PREDICATES = {
    "can_view_dashboard": can_view_dashboard,
}
