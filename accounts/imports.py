"""Batch import of units and of staff accounts from .xlsx or .csv: every row checked, nothing imported unless all
are good. An imported account is mailed a link to set its password (accounts/password_links.py); no password
travels by mail or waits in the outbox."""

import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app

from accounts import services
from accounts.errors import AccountError
from accounts.models import Role, Unit, UnitKind, User
from accounts.password_links import password_link
from accounts.passwords import MIN_LENGTH, password_problem
from accounts.permissions import check_office
from core.email_address import is_email_address
from core.errors import DomainError, RowsRejected
from core.mail import queue_mail
from core.models import max_length
from core.spreadsheets import table_rows
from extensions import db

# key, the template's header. The header is data the office fills in, so it is Chinese in every language.
UNIT_COLUMNS = [("name", "单位名称"), ("kind", "类型")]
USER_COLUMNS = [
    ("username", "用户名"),
    ("display_name", "姓名"),
    ("role", "角色"),
    ("unit", "单位"),
    ("email", "邮箱"),
]
UNIT_EXAMPLE = {"name": "区发展和改革局", "kind": "区直单位"}
USER_EXAMPLE = {
    "username": "zhangsan",
    "display_name": "张三",
    "role": "单位经办人",
    "unit": "区发展和改革局",
    "email": "zhangsan@example.gov.cn",
}
# The Chinese names a district's spreadsheet uses, beside the codes (department, unit_staff …).
UNIT_KIND_NAMES = {
    "区直单位": UnitKind.department,
    "街道": UnitKind.subdistrict,
    "镇": UnitKind.subdistrict,
    "街道/镇": UnitKind.subdistrict,
    "驻区单位": UnitKind.stationed,
}
ROLE_NAMES = {
    "改革办": Role.office,
    "区委改革办": Role.office,
    "单位经办人": Role.unit_staff,
    "经办人": Role.unit_staff,
    "专家": Role.expert,
    "区领导": Role.leader,
}
GENERATED_PASSWORD_LENGTH = max(MIN_LENGTH, 12)
EXTRA_USER_COLUMNS = "accounts.import_columns"  # the app's extensions key of the columns later stages add


@dataclass(frozen=True)
class ImportColumns:
    """Columns a later stage adds to the accounts' import, since accounts may not import it (review adds an
    expert's profile): their (key, header)s, optional, and `add(actor=, user=, values=)`, which adds what a row
    gives them to the session (the import commits, or rolls all back) or raises a DomainError naming the column's
    key as its field."""

    columns: list[tuple[str, str]]
    add: Callable[..., None]


def register_import_columns(app, *, columns: list[tuple[str, str]], add: Callable) -> None:
    """Add columns to `app`'s accounts import, at a blueprint's registration."""
    app.extensions.setdefault(EXTRA_USER_COLUMNS, []).append(ImportColumns(columns, add))


def _extra_columns() -> list[ImportColumns]:
    return current_app.extensions.get(EXTRA_USER_COLUMNS, [])


def user_template() -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The accounts import's columns, with those later stages add, and its example row (theirs left blank)."""
    return USER_COLUMNS + [column for extra in _extra_columns() for column in extra.columns], USER_EXAMPLE


def unit_template() -> tuple[list[tuple[str, str]], dict[str, str]]:
    return UNIT_COLUMNS, UNIT_EXAMPLE


def _choice(text: str, enum_cls, names: dict, *, field: str):
    """An enum member from its code or its Chinese name; raise a row error naming the value otherwise."""
    value = {member.value: member for member in enum_cls}.get(text.lower()) or names.get(text)
    if value is None:
        raise AccountError("unknown_value", field=field, value=text or "—")
    return value


def _required(values: dict[str, str], key: str, attribute) -> str:
    text = values.get(key, "")
    if not text:
        raise AccountError("value_required", field=key)
    if len(text) > max_length(attribute):
        raise AccountError("value_too_long", field=key, max=max_length(attribute))
    return text


def _once(seen: dict[str, int], key: str, *, line: int, field: str) -> None:
    """Refuse a value (a name, a username) that an earlier line of the same file already gave."""
    if key.lower() in seen:
        raise AccountError("duplicate_in_file", field=field, value=key, line=seen[key.lower()])
    seen[key.lower()] = line


def generated_password(username: str) -> str:
    """A random password that the policy (accounts/passwords.py) accepts."""
    alphabet = string.ascii_letters + string.digits
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(GENERATED_PASSWORD_LENGTH))
        if not password_problem(password, username=username):
            return password


def _import(*, filename: str, data: bytes, columns, required, add_row: Callable) -> list:
    """Add each row with `add_row(line, values, seen)`, or none: raise RowsRejected listing each bad row."""
    rows = table_rows(filename=filename, data=data, columns=columns, required=required)
    headers = dict(columns)
    problems, records, seen = [], [], {}
    for line, values in rows:
        try:
            records.append(add_row(line, values, seen))
        except DomainError as error:  # the accounts' rules, or those of the columns a later stage adds
            column = {"unit_id": "unit", "password": "username"}.get(error.field, error.field)
            problems.append((line, headers.get(column, ""), error))
    if problems:
        db.session.rollback()  # all or nothing: the good rows go too
        raise RowsRejected(problems)
    db.session.commit()  # each record's creation is in the audit log, as when made one by one
    return records


def import_units(*, actor: User, filename: str, data: bytes) -> list[Unit]:
    """Import every row as a unit (name, kind), or none."""
    check_office(actor, AccountError)

    def add_row(line, values, seen):
        name = _required(values, "name", Unit.name)
        _once(seen, name, line=line, field="name")
        kind = _choice(values.get("kind", ""), UnitKind, UNIT_KIND_NAMES, field="kind")
        return services.add_unit(actor=actor, name=name, kind=kind)

    return _import(filename=filename, data=data, columns=UNIT_COLUMNS, required={"name", "kind"}, add_row=add_row)


def import_users(*, actor: User, filename: str, data: bytes) -> list[User]:
    """Import every row as a staff account, or none. Each is mailed a link to set its password (so an address is
    required); until then its password is a random one nobody knows."""
    check_office(actor, AccountError)
    units = {name: unit_id for unit_id, name in db.session.execute(db.select(Unit.id, Unit.name))}

    def add_row(line, values, seen):
        username = _required(values, "username", User.username)
        _once(seen, username, line=line, field="username")
        display_name = _required(values, "display_name", User.display_name)
        role = _choice(values.get("role", ""), Role, ROLE_NAMES, field="role")
        unit_name = values.get("unit", "")
        if unit_name and unit_name not in units:
            raise AccountError("unknown_unit", field="unit", name=unit_name)
        email = _required(values, "email", User.email)
        if not is_email_address(email):
            raise AccountError("email_invalid", field="email", value=email)
        user = services.add_user(
            actor=actor,
            username=username,
            display_name=display_name,
            role=role,
            password=generated_password(username),
            unit_id=units.get(unit_name),
            email=email,
        )
        db.session.flush()  # the link names the account by its id
        days = current_app.config["PASSWORD_LINK_DAYS"]
        queue_mail(to=email, template="account_created", user=user, link=password_link(user), days=days)
        for extra in _extra_columns():
            extra.add(actor=actor, user=user, values=values)
        return user

    return _import(
        filename=filename,
        data=data,
        columns=user_template()[0],
        required={"username", "display_name", "role", "email"},
        add_row=add_row,
    )
