"""Notifications go through the outbox to a real (local) SMTP server; a failure is kept and retried."""

import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from core.mail import OutboxMessage, deliver_pending
from core.models import utcnow
from extensions import db
from solicitation.services import suggestions as services
from tests.factories import make_suggestion, make_user


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - the aiosmtpd handler protocol
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(app, monkeypatch):
    """A real SMTP server on this machine, and the app configured to send to it."""
    inbox, port = Inbox(), free_port()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    inbox.start, inbox.stop = controller.start, controller.stop
    yield inbox
    if getattr(controller, "_thread", None) is not None:
        controller.stop()


def test_a_resident_is_mailed_the_tracking_code_and_then_the_decision(smtp):
    smtp.start()
    office = make_user(role="office")
    suggestion = make_suggestion(contact_email="wang@example.cn")
    services.accept_suggestion(actor=office, suggestion=suggestion)
    assert deliver_pending() == (2, 0)
    received, accepted = smtp.messages
    assert received["To"] == "wang@example.cn" and "一网通办" in received["Subject"]
    assert suggestion.display_code in received.get_content()
    assert "已受理" in accepted.get_content()
    assert all(m.sent_at for m in db.session.scalars(select(OutboxMessage)))
    assert deliver_pending() == (0, 0)  # nothing is sent twice


def test_a_mail_failure_loses_nothing_and_is_retried(smtp):
    make_suggestion(contact_email="wang@example.cn")  # the server is not up yet
    assert deliver_pending() == (0, 1)
    message = db.session.scalar(select(OutboxMessage))
    assert message.sent_at is None and message.attempts == 1 and message.last_error
    assert message.next_attempt_at > utcnow()
    assert deliver_pending() == (0, 0)  # not due yet
    smtp.start()
    message.next_attempt_at = utcnow()  # time passes
    db.session.commit()
    assert deliver_pending() == (1, 0)
    assert len(smtp.messages) == 1 and db.session.get(OutboxMessage, message.id).sent_at is not None


def test_without_a_mail_server_messages_wait_in_the_outbox(app):
    make_suggestion(contact_email="wang@example.cn")
    assert app.config["MAIL_SERVER"] == ""
    assert deliver_pending() == (0, 0)
    assert db.session.scalar(select(OutboxMessage)).sent_at is None


def test_mail_status_counts_waiting_and_sent_messages(runner):
    make_suggestion(contact_email="wang@example.cn")
    make_suggestion(contact_email="li@example.cn")
    message = db.session.scalars(select(OutboxMessage)).first()
    message.sent_at = utcnow()
    db.session.commit()
    assert "waiting 1, retrying 0, given up 0, sent 1" in runner.invoke(args=["mail", "status"]).output
