"""Write audit events. Helpers here only add to the session; the calling service commits."""

import enum
from datetime import date, datetime

from flask import has_request_context, request

from accounts.models import AuditEvent, User
from core.models import Versioned
from extensions import db


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def snapshot(obj, fields: list[str]) -> dict:
    """Return the named fields of a record as JSON-ready values."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def _source() -> str:
    if not has_request_context():
        return "cli"
    return "api" if (request.blueprint or "").startswith("api") else "web"


def record(*, actor: User | None, action: str, obj, before: dict | None = None, after: dict | None = None):
    """Add an AuditEvent for `obj`; with both snapshots given, keep only the fields that changed. A versioned
    record's `after` also says the version the change gave it (`lock_version`)."""
    if before is not None and after is not None:
        changed = [key for key in after if before.get(key) != after[key]]
        before = {key: before.get(key) for key in changed}
        after = {key: after[key] for key in changed}
        if changed and isinstance(obj, Versioned) and not db.session.is_modified(obj, include_collections=False):
            # Only its linked rows changed (cooperating units, milestones): still a new version of the record.
            obj.lock_version += 1
    db.session.flush()  # obj.id exists from here on, and a versioned record's new version
    if isinstance(obj, Versioned) and after is not None:
        after = after | {"lock_version": obj.lock_version}  # what changed since a form was opened: changes_since
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        source=_source(),
        action=action,
        object_type=type(obj).__name__,
        object_id=obj.id,
        object_label=str(obj)[:200],
        before=before,
        after=after,
    )
    db.session.add(event)
    return event
