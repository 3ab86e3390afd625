"""An imported account sets its password from a mailed link: signed, expiring, serving once."""

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from accounts import services
from accounts.models import AuditEvent
from accounts.password_links import password_link
from extensions import db
from tests.factories import PASSWORD, make_user

NEW = "Longgang2017x"


@pytest.fixture
def expert():
    return make_user(role="expert", username="expert_wu")


def path(link: str) -> str:
    return link[link.index("/password/") :]


def set_password(client, link, password=NEW, confirm=None):
    return client.post(path(link), data={"new_password": password, "confirm": confirm or password})


def logs_in(client, password) -> bool:
    return client.post("/login", data={"username": "expert_wu", "password": password}).status_code == 302


def test_the_link_sets_the_password_once_and_is_audited(client, expert):
    link = password_link(expert)
    assert "expert_wu" in client.get(path(link)).get_data(as_text=True)
    assert set_password(client, link).status_code == 302
    assert not logs_in(client, PASSWORD) and logs_in(client, NEW)
    [event] = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.set_password"))
    assert event.actor_id == expert.id
    client.post("/logout")
    again = set_password(client, link, password="Another2017x")
    assert again.status_code == 404 and "已用过" in again.get_data(as_text=True)
    assert logs_in(client, NEW)


def test_a_link_expires_after_the_configured_days(app, client, expert):
    link = password_link(expert)
    with time_machine.travel(timedelta(days=app.config["PASSWORD_LINK_DAYS"], hours=1), tick=False):
        assert set_password(client, link).status_code == 404
    db.session.refresh(expert)
    assert expert.check_password(PASSWORD)


def test_a_forged_or_altered_link_sets_nothing(client, expert):
    link = password_link(expert)
    assert set_password(client, link[:-3] + "abc").status_code == 404
    assert client.get("/password/anything").status_code == 404
    assert logs_in(client, PASSWORD)


def test_a_weak_or_mistyped_password_is_refused_and_the_link_still_serves(client, expert):
    link = password_link(expert)
    assert set_password(client, link, password="short1").status_code == 400
    assert set_password(client, link, confirm="Longgang2017y").status_code == 400
    assert set_password(client, link).status_code == 302


def test_a_link_stops_serving_once_the_password_changed_another_way(client, expert):
    link = password_link(expert)
    services.reset_password(actor=None, user=expert, new_password="ByTheOffice2017")
    assert set_password(client, link).status_code == 404
