"""Notifications go through the outbox to a real (local) SMTP server: each message is sent once, by one worker;
a failure for now is retried, and a message that cannot be sent is set aside with its reason without holding up
the others."""

import asyncio
import socket
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import jinja2.meta
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from core.mail import MAX_ATTEMPTS, OutboxMessage, deliver_pending, queue_mail
from core.models import utcnow
from extensions import db
from jobs.services import run_worker
from solicitation.services import suggestions as services
from tests.conftest import in_two_workers
from tests.factories import make_open_round, make_suggestion, make_user

EVIL = "a\r\nBcc: x@evil.example"
MAIL_TEMPLATES = sorted(path.stem for path in (Path(__file__).parents[2] / "templates" / "mail").glob("*.txt"))


class Inbox:
    """What a real SMTP server received, with the envelope's recipients (where a Bcc line would add one)."""

    REFUSED = {"nobody@example.cn": "550 5.1.1 No such user", "busy@example.cn": "450 4.2.1 Mailbox busy"}

    def __init__(self):
        self.messages = []
        self.recipients = []
        self.senders = set()
        self.two_senders = None  # when set, each sender's first message waits until another sender is sending

    def hold_until_two_senders(self):
        self.two_senders = asyncio.Event()

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: N802 - aiosmtpd's protocol
        if self.two_senders is not None and id(session) not in self.senders:
            self.senders.add(id(session))
            if len(self.senders) >= 2:
                self.two_senders.set()
            await asyncio.wait_for(self.two_senders.wait(), timeout=10)
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.REFUSED:
            return self.REFUSED[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.recipients.extend(envelope.rcpt_tos)
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
    controller.loop.close()  # the loop of a server never started


def outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_resident_is_mailed_the_tracking_code_and_then_the_decision(smtp):
    smtp.start()
    office = make_user(role="office")
    suggestion = make_suggestion(contact_email="wang@example.cn")
    services.accept_suggestion(actor=office, suggestion=suggestion)
    assert deliver_pending() == (2, 0)
    received, accepted = smtp.messages
    assert received["To"] == "wang@example.cn" and suggestion.display_code in received["Subject"]
    assert suggestion.display_code in received.get_content()
    assert "已受理" in accepted.get_content()
    assert all(m.sent_at for m in outbox())
    assert deliver_pending() == (0, 0)  # nothing is sent twice


def test_the_receipt_to_a_typed_address_carries_the_tracking_code_and_a_link_and_nothing_typed(smtp):
    smtp.start()
    office = make_user(role="office")
    suggestion = make_suggestion(
        title="低价代开发票 加微信 fapiao888",
        content="详情请访问 spam.example",
        contact_name="推广专员",
        contact_email="someone-else@example.cn",
    )
    services.accept_suggestion(actor=office, suggestion=suggestion)
    assert deliver_pending() == (2, 0)
    for mail in smtp.messages:  # the receipt, then the news that it was taken up
        text = mail["Subject"] + mail.get_content()
        assert suggestion.display_code in mail["Subject"]
        assert f"/track?code={suggestion.tracking_code}" in text or f"/track/{suggestion.tracking_code}" in text
        assert not any(typed in text for typed in ("fapiao888", "spam.example", "推广专员", "低价代开发票"))


def test_a_title_with_a_line_break_adds_no_header_and_stops_no_mail(client, smtp):
    smtp.start()
    round = make_open_round()
    response = client.post(
        "/api/v1/suggestions",
        json={"title": EVIL, "content": "内容", "contact": {"email": "wang@example.cn"}, "consent": True},
    )
    assert response.status_code == 201
    make_suggestion(round=round, contact_email="li@example.cn")
    assert deliver_pending() == (2, 0)
    assert sorted(smtp.recipients) == ["li@example.cn", "wang@example.cn"]
    assert not any("evil" in mail.as_string() for mail in smtp.messages)


def test_a_message_that_cannot_be_sent_is_set_aside_with_its_reason_and_the_others_go_out(runner, smtp):
    smtp.start()
    # Queued before this release, when a resident's title could reach the subject.
    db.session.add(OutboxMessage(recipient="wang@example.cn", subject=EVIL, body="内容\n"))
    db.session.add(OutboxMessage(recipient="nobody@example.cn", subject="通知", body="内容\n"))
    db.session.commit()
    make_suggestion(contact_email="li@example.cn")
    assert deliver_pending() == (1, 2)
    assert smtp.recipients == ["li@example.cn"]
    bad_header, refused, receipt = outbox()
    assert bad_header.failed_at and bad_header.sent_at is None and "line break" in bad_header.last_error
    assert refused.failed_at and refused.sent_at is None and "550" in refused.last_error
    assert receipt.sent_at and receipt.failed_at is None
    assert deliver_pending() == (0, 0)  # what failed for good is not tried again
    output = runner.invoke(args=["mail", "status"]).output
    assert "waiting 0, retrying 0, given up 2, sent 1" in output
    assert "line break" in output and "550" in output


def test_a_recipient_refused_for_now_is_retried_later_and_the_others_go_out(smtp):
    smtp.start()
    make_suggestion(contact_email="busy@example.cn")
    make_suggestion(contact_email="li@example.cn")
    assert deliver_pending() == (1, 1)
    busy, receipt = outbox()
    assert busy.failed_at is None and busy.attempts == 1 and "450" in busy.last_error
    assert busy.next_attempt_at > utcnow() and receipt.sent_at


def test_a_mail_failure_loses_nothing_and_is_retried(smtp):
    make_suggestion(contact_email="wang@example.cn")  # the server is not up yet
    assert deliver_pending() == (0, 1)
    message = db.session.scalar(select(OutboxMessage))
    assert message.sent_at is None and message.attempts == 1 and message.last_error
    assert message.failed_at is None  # the server's failure is not the message's
    assert message.next_attempt_at > utcnow()
    assert deliver_pending() == (0, 0)  # not due yet
    smtp.start()
    message.next_attempt_at = utcnow()  # time passes
    db.session.commit()
    assert deliver_pending() == (1, 0)
    assert len(smtp.messages) == 1 and db.session.get(OutboxMessage, message.id).sent_at is not None


def test_a_server_down_is_tried_once_a_round_not_once_a_message(smtp):
    for address in ("wang@example.cn", "li@example.cn", "zhao@example.cn"):
        make_suggestion(contact_email=address)
    assert deliver_pending() == (0, 1)
    assert [m.attempts for m in outbox()] == [1, 0, 0]


def test_a_message_failing_at_its_last_attempt_is_given_up(smtp):
    make_suggestion(contact_email="wang@example.cn")  # the server is down
    message = db.session.scalar(select(OutboxMessage))
    message.attempts = MAX_ATTEMPTS - 1
    db.session.commit()
    assert deliver_pending() == (0, 1)
    message = db.session.scalar(select(OutboxMessage))
    assert message.failed_at and message.attempts == MAX_ATTEMPTS and message.last_error


def test_without_a_mail_server_messages_wait_in_the_outbox(app):
    make_suggestion(contact_email="wang@example.cn")
    assert app.config["MAIL_SERVER"] == ""
    assert deliver_pending() == (0, 0)
    assert db.session.scalar(select(OutboxMessage)).sent_at is None


def test_a_message_another_worker_claimed_is_left_to_it_until_its_claim_lapses(smtp):
    smtp.start()
    make_suggestion(contact_email="wang@example.cn")
    message = db.session.scalar(select(OutboxMessage))
    message.claimed_by, message.claimed_until = "other-host:123", utcnow() + timedelta(minutes=5)
    db.session.commit()
    assert deliver_pending() == (0, 0) and smtp.messages == []
    message.claimed_until = utcnow() - timedelta(seconds=1)  # that worker died while sending
    db.session.commit()
    assert deliver_pending() == (1, 0) and smtp.recipients == ["wang@example.cn"]


def test_two_workers_at_once_send_each_message_exactly_once(app, smtp):
    smtp.start()
    smtp.hold_until_two_senders()  # neither finishes its first message before the other has begun one
    round = make_open_round()
    addresses = [f"resident{n}@example.cn" for n in range(10)]
    for address in addresses:
        make_suggestion(round=round, contact_email=address)
    results = in_two_workers(app, deliver_pending)
    assert sorted(smtp.recipients) == sorted(addresses)
    assert sorted(results) != [(0, 0), (10, 0)]  # both took part
    assert sum(sent for sent, _failed in results) == 10
    assert all(m.sent_at for m in outbox())


def test_the_background_worker_delivers_the_outbox_in_its_round(runner, smtp):
    smtp.start()
    make_suggestion(contact_email="wang@example.cn")
    result = runner.invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "mail: 1 sent" in result.output and smtp.recipients == ["wang@example.cn"]
    assert all(m.sent_at for m in outbox())


def test_two_background_workers_at_once_send_each_message_exactly_once(app, smtp):
    smtp.start()
    smtp.hold_until_two_senders()
    round = make_open_round()
    addresses = [f"resident{n}@example.cn" for n in range(10)]
    for address in addresses:
        make_suggestion(round=round, contact_email=address)
    in_two_workers(app, lambda: run_worker(0, once=True))
    assert sorted(smtp.recipients) == sorted(addresses)
    assert all(m.sent_at for m in outbox())


class Typed:
    """A value someone typed, at its worst: each of its attributes, items and calls is more of the same."""

    # What the platform itself makes: a subject may show these.
    MADE = {"display_code": "ABCD-2345-EFGH", "year": 2027, "quarter": 2, "outstanding": 3}

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return self.MADE.get(name, self)

    def __call__(self, *args, **kwargs):
        return self

    def __iter__(self):  # a list of them (a to-do list's items and links)
        return iter((self, self))

    def __gt__(self, other):
        return True

    def __str__(self):
        return EVIL


@pytest.mark.parametrize("template", MAIL_TEMPLATES)
def test_a_subject_is_made_of_what_the_platform_made_never_of_what_someone_typed(app, template):
    environment = app.jinja_env
    source, _path, _uptodate = environment.loader.get_source(environment, f"mail/{template}.txt")
    names = jinja2.meta.find_undeclared_variables(environment.parse(source)) - set(environment.globals)
    message = queue_mail(
        to="wang@example.cn", template=template, **{name: Typed.MADE.get(name, Typed()) for name in names}
    )
    assert message.subject and "evil" not in message.subject and "\n" not in message.subject
    db.session.expunge(message)


def test_mail_status_counts_waiting_and_sent_messages(runner):
    make_suggestion(contact_email="wang@example.cn")
    make_suggestion(contact_email="li@example.cn")
    message = db.session.scalars(select(OutboxMessage)).first()
    message.sent_at = utcnow()
    db.session.commit()
    assert "waiting 1, retrying 0, given up 0, sent 1" in runner.invoke(args=["mail", "status"]).output
