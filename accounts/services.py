"""State changes of users and units. Each checks its rule, writes an AuditEvent and commits."""

import functools
import hashlib
import re
import secrets
from datetime import UTC, date, datetime, time
from urllib.parse import urljoin

from flask import current_app
from limits import parse_many
from sqlalchemy import func, or_, select
from werkzeug.security import generate_password_hash

from accounts import audit, password_links, queries
from accounts.errors import AccountError
from accounts.models import ApiToken, Role, SiteSettings, Unit, UnitKind, User
from accounts.passwords import MIN_LENGTH, password_problem
from accounts.permissions import check_office
from core import clock
from core.mail import queue_mail
from core.models import utcnow
from core.storage import attachment_storage
from core.todo import todo_for
from core.uploads import IMAGE_KINDS, check_upload
from extensions import db

USER_FIELDS = ["username", "display_name", "email", "role", "unit_id", "active"]
UNIT_FIELDS = ["name", "kind", "active"]
TOKEN_FIELDS = ["name", "user_id", "rate_limit"]
USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9._-]{3,64}$")


def check_password_policy(password: str, *, username: str, field: str = "new_password") -> None:
    """Refuse a staff password the policy (accounts/passwords.py) does not allow."""
    if problem := password_problem(password, username=username):
        raise AccountError(problem, field=field, min=MIN_LENGTH)


def _check_user_fields(*, user_id: int | None, username: str, role: Role, unit_id: int | None) -> None:
    if not USERNAME_PATTERN.match(username):
        raise AccountError("username_invalid", field="username")
    clash = db.session.scalar(
        select(User.id).where(func.lower(User.username) == username.lower(), User.id != (user_id or 0))
    )
    if clash:
        raise AccountError("username_taken", field="username", username=username)
    if role is Role.unit_staff and unit_id is None:
        raise AccountError("unit_required", field="unit_id")
    if unit_id is not None:
        unit = db.session.get(Unit, unit_id)
        if unit is None or not unit.active:
            raise AccountError("unit_inactive", field="unit_id", name=unit.name if unit else unit_id)


def _check_office_remains(user: User) -> None:
    """Refuse a change that would leave no active office account to run the platform."""
    others = db.session.scalar(
        select(func.count(User.id)).where(User.role == Role.office, User.active, User.id != user.id)
    )
    if not others:
        raise AccountError("last_office_user")


def create_user(
    *,
    actor: User | None,
    username: str,
    display_name: str,
    role: Role,
    password: str,
    unit_id: int | None = None,
    email: str | None = None,
) -> User:
    """Create a staff account."""
    user = add_user(
        actor=actor,
        username=username,
        display_name=display_name,
        role=role,
        password=password,
        unit_id=unit_id,
        email=email,
    )
    db.session.commit()
    return user


def add_user(
    *,
    actor: User | None,
    username: str,
    display_name: str,
    role: Role,
    password: str,
    unit_id: int | None = None,
    email: str | None = None,
) -> User:
    """Add a staff account to the session, checked and audited; the caller commits (one account or an import)."""
    username = username.strip()
    _check_user_fields(user_id=None, username=username, role=role, unit_id=unit_id)
    check_password_policy(password, username=username, field="password")
    user = User(username=username, display_name=display_name.strip(), role=role, unit_id=unit_id, email=email or None)
    user.set_password(password)
    db.session.add(user)
    audit.record(actor=actor, action="user.create", obj=user, after=audit.snapshot(user, USER_FIELDS))
    return user


def update_user(
    *, actor: User, user: User, username: str, display_name: str, role: Role, unit_id: int | None, email: str | None
) -> User:
    """Change a user's name, role, unit or email."""
    username = username.strip()
    _check_user_fields(user_id=user.id, username=username, role=role, unit_id=unit_id)
    if user.role is Role.office and role is not Role.office and user.active:
        _check_office_remains(user)
    before = audit.snapshot(user, USER_FIELDS)
    user.username, user.display_name, user.role = username, display_name.strip(), role
    user.unit_id, user.email = unit_id, email or None
    if before["role"] != role.value:
        user.session_version += 1  # a changed role must log in again to get its new rights
    audit.record(actor=actor, action="user.update", obj=user, before=before, after=audit.snapshot(user, USER_FIELDS))
    db.session.commit()
    return user


def set_user_active(*, actor: User | None, user: User, active: bool) -> User:
    """Deactivate a user (ending their sessions) or activate them again."""
    if user.active == active:
        return user
    if not active:
        if actor is not None and actor.id == user.id:
            raise AccountError("cannot_deactivate_self")
        if user.role is Role.office:
            _check_office_remains(user)
        user.session_version += 1
    _flip_active(actor=actor, record=user, active=active, action_prefix="user")
    db.session.commit()
    return user


def reset_password(*, actor: User | None, user: User, new_password: str) -> User:
    """Set a user's password for them (office or operator) and end their sessions."""
    return _set_password(user, new_password, actor=actor, action="user.reset_password")


def set_password_by_link(*, token: str, new_password: str) -> User:
    """Set one's password from the link mailed with an imported account; the link then serves no more."""
    user = password_links.user_for_token(token)
    if user is None:
        raise AccountError("password_link_invalid")
    return _set_password(user, new_password, actor=user, action="user.set_password")  # the link no longer matches


def change_password(*, user: User, current_password: str, new_password: str) -> User:
    """Change one's own password after proving the current one; other sessions end."""
    if not user.check_password(current_password):
        raise AccountError("password_wrong", field="current_password")
    check_password_policy(new_password, username=user.username)  # first: it costs nothing, a scrypt check does
    if user.check_password(new_password):
        raise AccountError("password_unchanged", field="new_password")
    return _set_password(user, new_password, actor=user, action="user.change_password")


def _set_password(user: User, new_password: str, *, actor: User | None, action: str) -> User:
    """Check the policy, store the new hash, end the user's other sessions, audit and commit."""
    check_password_policy(new_password, username=user.username)
    user.set_password(new_password)
    user.session_version += 1
    audit.record(actor=actor, action=action, obj=user)
    db.session.commit()
    return user


def authenticate(*, username: str, password: str) -> User:
    """Return the active user with these credentials and record the login, or raise."""
    user = queries.user_by_username(username)
    if user is None:
        _spend_a_password_check(password)  # an unknown name takes as long as a wrong password
        raise AccountError("invalid_credentials")
    if not user.check_password(password):
        raise AccountError("invalid_credentials")
    if not user.active:
        raise AccountError("inactive_user")
    user.last_login_at = utcnow()
    audit.record(actor=user, action="user.login", obj=user)
    db.session.commit()
    return user


def log_out(*, user: User) -> User:
    """End the user's sessions on the server, so a copy of the login cookie no longer opens a page.

    The login cookie is signed, not stored: the session version is what a logout can change. Every session of
    the user ends with it, on every device, as a password change ends them.
    """
    user.session_version += 1
    audit.record(actor=user, action="user.logout", obj=user)
    db.session.commit()
    return user


def _spend_a_password_check(password: str) -> None:
    User(password_hash=_dummy_hash(current_app.config["PASSWORD_HASH_METHOD"])).check_password(password)


@functools.cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash("not a password", method=method)


def create_unit(*, actor: User | None, name: str, kind: UnitKind) -> Unit:
    """Create a unit: a district department, a sub-district or town, or a stationed unit."""
    unit = add_unit(actor=actor, name=name, kind=kind)
    db.session.commit()
    return unit


def add_unit(*, actor: User | None, name: str, kind: UnitKind) -> Unit:
    """Add a unit to the session, checked and audited; the caller commits (one unit or an import)."""
    name = name.strip()
    _check_unit_name(name=name, unit_id=None)
    unit = Unit(name=name, kind=kind)
    db.session.add(unit)
    audit.record(actor=actor, action="unit.create", obj=unit, after=audit.snapshot(unit, UNIT_FIELDS))
    return unit


def update_unit(*, actor: User, unit: Unit, name: str, kind: UnitKind) -> Unit:
    """Rename a unit or change its kind."""
    name = name.strip()
    _check_unit_name(name=name, unit_id=unit.id)
    before = audit.snapshot(unit, UNIT_FIELDS)
    unit.name, unit.kind = name, kind
    audit.record(actor=actor, action="unit.update", obj=unit, before=before, after=audit.snapshot(unit, UNIT_FIELDS))
    db.session.commit()
    return unit


def set_unit_active(*, actor: User, unit: Unit, active: bool) -> Unit:
    """Deactivate a unit (its records stay) or activate it again."""
    if unit.active != active:
        _flip_active(actor=actor, record=unit, active=active, action_prefix="unit")
        db.session.commit()
    return unit


def _flip_active(*, actor: User | None, record: User | Unit, active: bool, action_prefix: str) -> None:
    record.active = active
    audit.record(
        actor=actor,
        action=f"{action_prefix}.{'activate' if active else 'deactivate'}",
        obj=record,
        before={"active": not active},
        after={"active": active},
    )


def _check_unit_name(*, name: str, unit_id: int | None) -> None:
    clash = db.session.scalar(select(Unit.id).where(Unit.name == name, Unit.id != (unit_id or 0)))
    if clash:
        raise AccountError("unit_name_taken", field="name", name=name)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_rate_limit(rate_limit: str) -> str:
    """A limit string Flask-Limiter reads ("600/hour", "10 per minute; 500 per day"), or empty for the default."""
    rate_limit = rate_limit.strip()
    if rate_limit:
        try:
            parse_many(rate_limit)
        except ValueError:
            raise AccountError("rate_limit_invalid", field="rate_limit", value=rate_limit) from None
    return rate_limit


def create_api_token(*, actor: User | None, user: User, name: str, rate_limit: str = "") -> str:
    """Make a bearer token for `user`, with its own rate limit if given, and return it; only its hash is stored,
    so it is shown once."""
    if actor is not None:  # the command line's operator acts with no account
        check_office(actor, AccountError)
    if not user.active:
        raise AccountError("inactive_user")
    rate_limit = _check_rate_limit(rate_limit)
    token = secrets.token_urlsafe(32)
    api_token = ApiToken(
        user=user, name=name.strip() or "api", token_hash=token_hash(token), rate_limit=rate_limit or None
    )
    db.session.add(api_token)
    audit.record(actor=actor, action="api_token.create", obj=api_token, after=audit.snapshot(api_token, TOKEN_FIELDS))
    db.session.commit()
    return token


def revoke_api_token(*, actor: User | None, api_token: ApiToken) -> ApiToken:
    """Revoke one API token: the next call made with it is refused."""
    if actor is not None:
        check_office(actor, AccountError)
    if not api_token.revoked:
        api_token.revoked = True
        audit.record(
            actor=actor, action="api_token.revoke", obj=api_token, before={"revoked": False}, after={"revoked": True}
        )
        db.session.commit()
    return api_token


def revoke_api_tokens(*, actor: User | None, user: User) -> int:
    """Revoke every API token of a user; return how many."""
    if actor is not None:
        check_office(actor, AccountError)
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id, ~ApiToken.revoked)).all()
    for api_token in tokens:
        api_token.revoked = True
    audit.record(actor=actor, action="user.revoke_tokens", obj=user, after={"revoked": len(tokens)})
    db.session.commit()
    return len(tokens)


def api_token_in_use(token: str) -> ApiToken | None:
    """The valid API token a bearer token is, of an active user, noting its use; None for an unknown or revoked
    one."""
    api_token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    if api_token is None or api_token.revoked or not api_token.user.active:
        return None
    api_token.last_used_at = utcnow()
    db.session.commit()
    return api_token


def user_for_token(token: str) -> User | None:
    """The active user a bearer token stands for, noting its use; None for an unknown or revoked token."""
    api_token = api_token_in_use(token)
    return api_token.user if api_token else None


def set_todo_digest(*, user: User, enabled: bool) -> User:
    """Turn one's own mail of what waits on or off."""
    user.todo_digest = enabled
    audit.record(actor=user, action="user.todo_digest", obj=user, after={"todo_digest": enabled})
    db.session.commit()
    return user


def send_todo_digests(*, today: date | None = None) -> int:
    """Mail each active user with an address and the digest on, who has not logged in today, what waits for them,
    when something waits that the last digest did not list: never an empty mail, never the same one twice. Run
    daily (`flask users todo-digest`). Returns how many were queued."""
    today = today or clock.today()
    midnight = datetime.combine(today, time(), clock.zone()).astimezone(UTC).replace(tzinfo=None)
    readers = select(User).where(
        User.active,
        User.todo_digest,
        func.coalesce(User.email, "") != "",
        or_(User.last_login_at.is_(None), User.last_login_at < midnight),
    )
    public_url = current_app.config["PUBLIC_URL"]
    sent = 0
    # The items' links are the site's, on its configured address.
    with current_app.test_request_context("/", base_url=public_url):
        for user in db.session.scalars(readers.order_by(User.id)):
            items = todo_for(user, today)
            listed = {item.text: item.count for item in items if item.counted}  # what waits, as the badge counts
            before = user.todo_digest_sent or {}
            if any(count > before.get(text, 0) for text, count in listed.items()):
                links = [(item, urljoin(public_url, item.url)) for item in items]
                queue_mail(to=user.email, template="todo_digest", user=user, links=links, outstanding=len(items))
                sent += 1
            user.todo_digest_sent = listed
    db.session.commit()
    return sent


SITE_FIELDS = ["district_name", "organiser", "contact", "issuing_organ", "copied_to", "printed_by", "emblem_key"]
EMBLEM_MAX_BYTES = 1024 * 1024  # drawn on every visit to the home page


def update_site_settings(
    *,
    actor: User,
    district_name: str,
    organiser: str,
    contact: str,
    issuing_organ: str = "",
    copied_to: str = "",
    printed_by: str = "",
    emblem: tuple[str, bytes] | None = None,
    remove_emblem: bool = False,
) -> SiteSettings:
    """Set how the public pages present the district: its name, emblem (a PNG or JPEG, checked by its content),
    organiser and contact; and what frames the official documents: the issuing organ, 抄送 and 印发机关. An empty
    text falls back to the configuration."""
    check_office(actor, AccountError)
    if emblem is not None:
        filename, data = emblem
        _name, content_type = check_upload(
            filename=filename, data=data, max_bytes=EMBLEM_MAX_BYTES, kinds=IMAGE_KINDS, field="emblem"
        )
    settings = queries.site_settings()
    if settings is None:
        settings = SiteSettings(
            id=1, district_name="", organiser="", contact="", issuing_organ="", copied_to="", printed_by=""
        )
        db.session.add(settings)
    before = audit.snapshot(settings, SITE_FIELDS)
    settings.district_name, settings.organiser, settings.contact = (
        district_name.strip(),
        organiser.strip(),
        contact.strip(),
    )
    settings.issuing_organ, settings.copied_to, settings.printed_by = (
        issuing_organ.strip(),
        copied_to.strip(),
        printed_by.strip(),
    )
    storage = attachment_storage()
    if (emblem is not None or remove_emblem) and settings.emblem_key:
        storage.discard(settings.emblem_key)
        settings.emblem_key = settings.emblem_content_type = None
    if emblem is not None:
        settings.emblem_key, settings.emblem_content_type = storage.save(data), content_type
    audit.record(
        actor=actor, action="site.update", obj=settings, before=before, after=audit.snapshot(settings, SITE_FIELDS)
    )
    db.session.commit()
    return settings
