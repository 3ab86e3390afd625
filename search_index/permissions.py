"""Who may search what: everyone searches, each finding only what they may see (the audiences of
documents.py); staff export their results; the office keeps the dictionary."""

from accounts.models import Role
from accounts.permissions import has_role, is_office


def can_export_search(user) -> bool:
    return has_role(user, *Role)


def can_manage_terms(user) -> bool:
    return is_office(user)


TEMPLATE_PREDICATES = {"can_export_search": can_export_search, "can_manage_terms": can_manage_terms}
