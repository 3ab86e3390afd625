"""Read-only selects for users, units and the audit log."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from flask import current_app, g
from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from accounts.models import ApiToken, AuditEvent, Role, SiteSettings, Unit, UnitKind, User
from core import clock
from extensions import db


def users(*, q: str = "", role: Role | None = None, unit_id: int | None = None, active: bool | None = None) -> Select:
    """Users matching the filters, by role then username, each with its unit read in the same statement."""
    query = select(User).outerjoin(User.unit).options(contains_eager(User.unit)).order_by(User.role, User.username)
    if q:
        like = f"%{q.strip()}%"
        query = query.where(or_(User.username.ilike(like), User.display_name.ilike(like), Unit.name.ilike(like)))
    if role is not None:
        query = query.where(User.role == role)
    if unit_id is not None:
        query = query.where(User.unit_id == unit_id)
    if active is not None:
        query = query.where(User.active == active)
    return query


def units(*, q: str = "", kind: UnitKind | None = None, active: bool | None = None) -> Select:
    """Units matching the filters, by kind then name."""
    query = select(Unit).order_by(Unit.kind, Unit.name)
    if q:
        query = query.where(Unit.name.ilike(f"%{q.strip()}%"))
    if kind is not None:
        query = query.where(Unit.kind == kind)
    if active is not None:
        query = query.where(Unit.active == active)
    return query


def api_tokens(*, q: str = "", user_id: int | None = None, revoked: bool | None = None) -> Select:
    """API tokens matching the filters, newest first, each with its user read in the same statement."""
    query = (
        select(ApiToken)
        .join(ApiToken.user)
        .options(contains_eager(ApiToken.user))
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
    )
    if q:
        like = f"%{q.strip()}%"
        query = query.where(or_(ApiToken.name.ilike(like), User.username.ilike(like), User.display_name.ilike(like)))
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    if revoked is not None:
        query = query.where(ApiToken.revoked == revoked)
    return query


def user_counts(unit_ids: list[int]) -> dict[int, int]:
    """Number of users of each unit, in one query for a page of units."""
    rows = db.session.execute(
        select(User.unit_id, func.count(User.id)).where(User.unit_id.in_(unit_ids)).group_by(User.unit_id)
    )
    return {unit_id: count for unit_id, count in rows}


def unit_choices(*, include: int | None = None) -> list[tuple[int, str]]:
    """Active units for a select box, plus `include` (the current one) even if deactivated."""
    query = select(Unit.id, Unit.name).order_by(Unit.kind, Unit.name)
    query = query.where(or_(Unit.active, Unit.id == include)) if include else query.where(Unit.active)
    return [(row.id, row.name) for row in db.session.execute(query)]


# Who may read the events of a record type, as a SQL condition on AuditEvent given the reader: the rule of the
# package that owns the record (a later one, which this package may not import), set by create_app. Events of
# the other types are the audit log's readers' to read.
AUDIT_VISIBILITY: dict[str, Callable[[User], ColumnElement[bool]]] = {}


def events_of_records(model, visible: ColumnElement[bool]) -> ColumnElement[bool]:
    """The audit events of the records of `model` that the condition `visible` shows, as a SQL condition on
    AuditEvent: a record's rule applied to its log. The events of a record since deleted stay with the log's
    readers: its history outlives it."""
    return or_(AuditEvent.object_id.in_(select(model.id).where(visible)), AuditEvent.object_id.not_in(select(model.id)))


def audit_events(
    reader: User,
    *,
    object_type: str = "",
    object_id: int | None = None,
    actor_id: int | None = None,
    action: str = "",
    since: date | None = None,
    until: date | None = None,
) -> Select:
    """The audit events `reader` may see matching the filters, newest first, each with its actor (whom its sentence
    names) read in the same statement; `since` and `until` are days of the platform's time zone, both included."""
    query = (
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor))
        .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    )
    for type_name, visible_to in AUDIT_VISIBILITY.items():
        query = query.where(or_(AuditEvent.object_type != type_name, visible_to(reader)))
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    if object_id is not None:
        query = query.where(AuditEvent.object_id == object_id)
    if actor_id is not None:
        query = query.where(AuditEvent.actor_id == actor_id)
    if action:
        query = query.where(AuditEvent.action.startswith(action))
    if since is not None:
        query = query.where(AuditEvent.created_at >= _utc_midnight(since))
    if until is not None:
        query = query.where(AuditEvent.created_at < _utc_midnight(until + timedelta(days=1)))
    return query


def _utc_midnight(day: date) -> datetime:
    """The start of a local day as the naive UTC time the records are stamped with."""
    return datetime.combine(day, time(), clock.zone()).astimezone(UTC).replace(tzinfo=None)


def changes_since(obj, version: int) -> list[AuditEvent]:
    """The audit events that gave the versioned record `obj` a version after `version`, oldest first."""
    query = (
        select(AuditEvent)
        .options(joinedload(AuditEvent.actor))
        .where(
            AuditEvent.object_type == type(obj).__name__,
            AuditEvent.object_id == obj.id,
            AuditEvent.after["lock_version"].as_integer() > version,
        )
        .order_by(AuditEvent.id)
    )
    return list(db.session.scalars(query))


def audit_object_types() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.object_type).distinct().order_by(AuditEvent.object_type)))


def leader_choices(*, include: int | None = None) -> list[tuple[int, str]]:
    """Active district leaders' accounts for a select box, plus `include` (the current one) even if deactivated."""
    query = select(User.id, User.display_name).where(User.role == Role.leader).order_by(User.display_name)
    query = query.where(or_(User.active, User.id == include)) if include else query.where(User.active)
    return [(row.id, row.display_name) for row in db.session.execute(query)]


def user_choices(*, active: bool | None = None) -> list[tuple[int, str]]:
    query = select(User).order_by(User.username)
    if active is not None:
        query = query.where(User.active == active)
    return [(user.id, str(user)) for user in db.session.scalars(query)]


def user_by_username(username: str) -> User | None:
    """The user with this username, whatever its case and surrounding spaces."""
    return db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))


def user_for_session(token: str) -> User | None:
    """The active user a login cookie names, unless their sessions were ended since it was issued."""
    user_id, _sep, version = token.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


@dataclass(frozen=True)
class Site:
    """The district as the public pages present it: the office's settings, else the configuration's."""

    district_name: str
    organiser: str
    contact: str
    issuing_organ: str
    copied_to: str
    printed_by: str
    emblem_key: str | None
    emblem_content_type: str | None


def site_settings() -> SiteSettings | None:
    """The office's settings row, if it has saved one."""
    return db.session.scalars(_SITE_SETTINGS).first()


# Every page's footer reads it: made once a process (session.get builds its statement anew whenever the row is
# not in the session yet, which on a page drawn for the public is always; half the query's time).
_SITE_SETTINGS = select(SiteSettings).where(SiteSettings.id == 1)


def site() -> Site:
    """The district's name, organiser, contact and emblem: read once a request (every page's footer asks)."""
    if "site" not in g:
        row = site_settings()
        config = current_app.config
        g.site = Site(
            district_name=(row and row.district_name) or config["DISTRICT_NAME"],
            organiser=(row and row.organiser) or config["ORGANISER"],
            contact=(row and row.contact) or config["CONTACT"],
            issuing_organ=(row and row.issuing_organ) or (row and row.organiser) or config["ORGANISER"],
            copied_to=row.copied_to if row else "",
            printed_by=row.printed_by if row else "",
            emblem_key=row.emblem_key if row else None,
            emblem_content_type=row.emblem_content_type if row else None,
        )
    return g.site
