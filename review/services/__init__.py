"""State changes of review, one module per record: criteria, conflicts, assignments, reviews."""

from accounts.models import Role, User
from review.errors import ReviewError


def require_office(actor: User | None) -> None:
    """Refuse a change that only the reform office may make."""
    if actor is None or actor.role is not Role.office:
        raise ReviewError("office_only")
