"""Users, units, passwords and the audit events they leave."""

import pytest
from sqlalchemy import func, select

from accounts import services
from accounts.errors import AccountError
from accounts.models import AuditEvent, Role, Unit, UnitKind, User
from extensions import db
from tests.factories import PASSWORD, make_unit, make_user


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_create_user_stores_a_hash_not_the_password_and_records_the_event():
    office = make_user(role="office")
    unit = make_unit(name="区政务办")
    user = services.create_user(
        actor=office,
        username="zhang",
        display_name="张伟",
        role=Role.unit_staff,
        unit_id=unit.id,
        password="Abcdef1234",
    )
    assert user.password_hash != "Abcdef1234" and user.check_password("Abcdef1234")
    [event] = events("user.create")[-1:]
    assert event.actor_id == office.id and event.object_id == user.id
    assert event.after["username"] == "zhang" and event.after["role"] == "unit_staff"
    assert "password_hash" not in event.after


def test_duplicate_username_is_refused_whatever_its_case_and_changes_nothing():
    make_user(username="Zhang")
    before = count(User)
    with pytest.raises(AccountError) as refused:
        make_user(username="zhang")
    assert refused.value.code == "username_taken" and refused.value.field == "username"
    assert count(User) == before


def test_unit_staff_must_belong_to_an_active_unit():
    with pytest.raises(AccountError, match="unit_required"):
        services.create_user(actor=None, username="nounit", display_name="x", role=Role.unit_staff, password=PASSWORD)
    unit = make_unit()
    services.set_unit_active(actor=None, unit=unit, active=False)
    with pytest.raises(AccountError, match="unit_inactive"):
        make_user(role="unit_staff", unit=unit)
    assert count(User) == 0


def test_update_user_records_only_the_fields_that_changed():
    user = make_user(role="expert", display_name="刘教授")
    services.update_user(
        actor=None, user=user, username=user.username, display_name="刘老师", role=Role.expert, unit_id=None, email=""
    )
    [event] = events("user.update")
    assert event.before == {"display_name": "刘教授"} and event.after == {"display_name": "刘老师"}


def test_changing_a_role_ends_the_users_sessions():
    user = make_user(role="expert")
    version = user.session_version
    services.update_user(
        actor=None, user=user, username=user.username, display_name="x", role=Role.leader, unit_id=None, email=None
    )
    assert user.session_version == version + 1


def test_deactivating_a_user_ends_their_sessions_and_stops_login():
    office = make_user(role="office")
    user = make_user(role="leader")
    version = user.session_version
    services.set_user_active(actor=office, user=user, active=False)
    assert user.session_version == version + 1
    with pytest.raises(AccountError, match="inactive_user"):
        services.authenticate(username=user.username, password=PASSWORD)
    assert events("user.deactivate")[0].after == {"active": False}


def test_the_last_active_office_account_cannot_be_deactivated_or_demoted():
    office = make_user(role="office")
    with pytest.raises(AccountError, match="last_office_user"):
        services.set_user_active(actor=None, user=office, active=False)
    with pytest.raises(AccountError, match="last_office_user"):
        services.update_user(
            actor=None,
            user=office,
            username=office.username,
            display_name="x",
            role=Role.expert,
            unit_id=None,
            email=None,
        )
    db.session.refresh(office)
    assert office.active and office.role is Role.office


def test_nobody_deactivates_their_own_account():
    office, other = make_user(role="office"), make_user(role="office")
    with pytest.raises(AccountError, match="cannot_deactivate_self"):
        services.set_user_active(actor=office, user=office, active=False)
    services.set_user_active(actor=office, user=other, active=False)
    assert not other.active


def test_authenticate_refuses_a_wrong_password_and_records_a_good_login():
    user = make_user(username="LiMing")
    with pytest.raises(AccountError, match="invalid_credentials"):
        services.authenticate(username="liming", password="wrong-pass1")
    assert services.authenticate(username=" liming ", password=PASSWORD) == user
    assert user.last_login_at is not None
    assert events("user.login")[0].actor_id == user.id


def test_change_password_needs_the_current_one_and_ends_other_sessions():
    user = make_user()
    with pytest.raises(AccountError, match="password_wrong"):
        services.change_password(user=user, current_password="nope12345", new_password="NewPass123")
    version = user.session_version
    services.change_password(user=user, current_password=PASSWORD, new_password="NewPass123")
    assert user.check_password("NewPass123") and user.session_version == version + 1


def test_reset_password_by_an_operator_is_audited_without_the_password():
    user = make_user()
    services.reset_password(actor=None, user=user, new_password="Reset12345")
    [event] = events("user.reset_password")
    assert event.source == "cli" and event.before is None and event.after is None
    assert user.check_password("Reset12345")


def test_unit_names_are_unique_and_units_can_be_renamed_and_deactivated():
    unit = make_unit(name="区教育局")
    with pytest.raises(AccountError, match="unit_name_taken"):
        make_unit(name="区教育局")
    services.update_unit(actor=None, unit=unit, name="区教育局（新）", kind=UnitKind.department)
    services.set_unit_active(actor=None, unit=unit, active=False)
    assert db.session.get(Unit, unit.id).name == "区教育局（新）" and not unit.active
    assert [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))] == [
        "unit.create",
        "unit.update",
        "unit.deactivate",
    ]
