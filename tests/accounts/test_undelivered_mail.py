"""The office's list of the mail given up: each message with why, filtered and exported, addresses masked."""

import csv
import io

from core.mail import MailFailure, OutboxMessage
from core.models import utcnow
from extensions import db


def given_up(*, recipient: str, kind: str, failure: MailFailure, error: str) -> OutboxMessage:
    message = OutboxMessage(kind=kind, recipient=recipient, subject=f"通知 {kind}", body="…", attempts=1)
    message.failed_at, message.failure, message.last_error = utcnow(), failure, error
    db.session.add(message)
    return message


def world() -> None:
    given_up(
        recipient="wang.fang@example.cn",
        kind="suggestion_received",
        failure=MailFailure.recipient,
        error="550 5.1.1 <wang.fang@example.cn>: Recipient address rejected",
    )
    given_up(
        recipient="li@example.cn",
        kind="proposal_returned",
        failure=MailFailure.header,
        error="the Subject header holds a line break or a control character",
    )
    db.session.add(OutboxMessage(kind="suggestion_update", recipient="zhao@example.cn", subject="等待", body="…"))
    db.session.add(OutboxMessage(recipient="sun@example.cn", subject="已发送", body="…", sent_at=utcnow()))
    db.session.commit()


def test_office_reads_the_mail_given_up_with_why_and_the_addresses_masked(client, login_as):
    world()
    login_as("office")
    home = client.get("/").get_data(as_text=True)
    assert 'href="/admin/mail"' in home  # in the office's menu
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "w********@example.cn" in page and "l*@example.cn" in page
    assert "550 5.1.1 &lt;w********@example.cn&gt;: Recipient address rejected" in page
    assert MailFailure.recipient.label in page and MailFailure.header.label in page
    assert "wang.fang@example.cn" not in page and "等待" not in page and "已发送" not in page


def test_office_filters_the_mail_given_up_by_reason_kind_and_address(client, login_as):
    world()
    login_as("office")
    by_reason = client.get("/admin/mail?failure=header").get_data(as_text=True)
    assert "l*@example.cn" in by_reason and "w********@example.cn" not in by_reason
    by_kind = client.get("/admin/mail?kind=suggestion_received").get_data(as_text=True)
    assert "w********@example.cn" in by_kind and "l*@example.cn" not in by_kind
    by_address = client.get("/admin/mail?q=wang.fang@example.cn").get_data(as_text=True)
    assert "w********@example.cn" in by_address and "l*@example.cn" not in by_address


def test_office_exports_the_mail_given_up_with_the_addresses_masked(client, login_as):
    world()
    login_as("office")
    response = client.get("/admin/mail?export=csv")
    assert response.headers["Content-Disposition"].endswith("undelivered-mail.csv")
    table = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert sorted(row[3] for row in table[1:]) == ["l*@example.cn", "w********@example.cn"]
    assert "wang.fang@example.cn" not in response.data.decode("utf-8-sig")


def test_only_the_office_sees_the_link_to_the_mail_given_up(client, login_as):
    login_as("unit_staff")
    assert 'href="/admin/mail"' not in client.get("/").get_data(as_text=True)
    assert client.get("/admin/mail").status_code == 403
