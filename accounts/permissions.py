"""Who may do what: predicates on data, shared by views, templates and the API."""

from functools import wraps

from flask import abort
from flask_login import current_user

from accounts.models import Role
from core.errors import OFFICE_ONLY, DomainError
from core.negotiation import wants_json
from extensions import login_manager


def has_role(user, *roles: Role) -> bool:
    return bool(user and user.is_authenticated and user.role in roles)


def is_office(user) -> bool:
    return has_role(user, Role.office)


def check_office(actor, error: type[DomainError]) -> None:
    """Refuse a change only the reform office may make: raise the package's `error` with the shared code."""
    if not is_office(actor):
        raise error(OFFICE_ONLY)


def can_manage_users(user) -> bool:
    return is_office(user)


def can_manage_units(user) -> bool:
    return is_office(user)


def can_manage_site(user) -> bool:
    return is_office(user)


def can_manage_api_tokens(user) -> bool:
    return is_office(user)


def can_read_audit_log(user) -> bool:
    return is_office(user)


def can_read_undelivered_mail(user) -> bool:
    return is_office(user)


def require(allowed: bool) -> None:
    """Stop the request with 403 unless the predicate allowed it."""
    if not allowed:
        abort(403)


def role_required(*roles: Role):
    """Let only logged-in users with one of `roles` (any role when none given) reach the view."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                # A browser goes to the login page; a program is told 403.
                return abort(403) if wants_json() else login_manager.unauthorized()
            if roles and current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


login_required = role_required()
office_required = role_required(Role.office)

# Exposed to templates as globals, so a page shows only the links its reader may follow.
TEMPLATE_PREDICATES = {
    "is_office": is_office,
    "can_manage_users": can_manage_users,
    "can_manage_units": can_manage_units,
    "can_manage_site": can_manage_site,
    "can_manage_api_tokens": can_manage_api_tokens,
    "can_read_audit_log": can_read_audit_log,
    "can_read_undelivered_mail": can_read_undelivered_mail,
}
