"""The office's page of background work shows, beside the jobs, the queues the worker drains: the mail outbox and
the search index's queue, with what waits, since when, what failed and why; and it says what to do when no worker
seems to run."""

from datetime import UTC, datetime, timedelta

import pytest

from core import clock
from core.mail import MailFailure, OutboxMessage
from core.models import utcnow
from extensions import db
from jobs.services import enqueue
from search_index.models import SearchQueue
from tests.jobs import kinds  # noqa: F401  (registers the test kinds of job)

LONG_AGO = datetime(2026, 3, 2, 1, 30)  # naive UTC, as stored: 09:30 in Shanghai


def shown(moment: datetime) -> str:
    """A stored time as the page shows it, in the platform's zone."""
    return moment.replace(tzinfo=UTC).astimezone(clock.zone()).strftime("%Y-%m-%d %H:%M")


def mail(*, due: datetime, attempts: int = 0, **fields) -> OutboxMessage:
    message = OutboxMessage(
        kind="suggestion_received", recipient="wang.fang@example.cn", subject="通知", body="…", attempts=attempts
    )
    message.next_attempt_at = due
    for name, value in fields.items():
        setattr(message, name, value)
    db.session.add(message)
    return message


def test_office_sees_the_mail_and_search_backlog_with_counts_and_the_oldest(client, login_as):
    login_as("office")
    mail(due=LONG_AGO)
    mail(due=LONG_AGO + timedelta(hours=1), attempts=2, last_error="421 try later")
    db.session.add_all([SearchQueue(kind="proposal", record_id=n, queued_at=LONG_AGO) for n in (1, 2, 3)])
    db.session.commit()

    page = client.get("/admin/jobs").get_data(as_text=True)

    assert "后台队列" in page
    mail_row = page.split("待发邮件")[1].split("</tr>")[0]
    assert "<td>2 (其中 1 封重试中)</td>" in mail_row and shown(LONG_AGO) in mail_row
    search_row = page.split("检索索引队列")[1].split("</tr>")[0]
    assert "<td>3</td>" in search_row and shown(LONG_AGO) in search_row
    assert "后台处理程序似乎没有运行" in page  # both have waited far longer than a running worker lets them
    assert "flask --app app worker" not in page  # the tests' servers run it in a thread: restart, read the log


def test_office_sees_why_mail_was_given_up_and_a_change_could_not_be_indexed(client, login_as):
    login_as("office")
    mail(
        due=LONG_AGO,
        attempts=1,
        failed_at=utcnow(),
        failure=MailFailure.recipient,
        last_error="550 5.1.1 <wang.fang@example.cn>: Recipient address rejected",
    )
    failed = SearchQueue(kind="key_project", record_id=7, failed_at=utcnow(), error="KeyError: 'projects'")
    db.session.add(failed)
    db.session.commit()

    page = client.get("/admin/jobs").get_data(as_text=True)

    assert "550 5.1.1 &lt;w********@example.cn&gt;: Recipient address rejected" in page  # masked
    assert "wang.fang" not in page
    assert 'href="/admin/mail"' in page  # the undelivered-mail page lists them all
    assert "<code>key_project:7</code>" in page and "KeyError: &#39;projects&#39;" in page
    assert f"/admin/search/queue/{failed.id}/retry" in page
    assert "后台处理程序似乎没有运行" not in page  # nothing waits: failures are not a stopped worker


def test_the_page_says_to_run_the_worker_when_it_is_a_process_of_its_own(app, client, login_as, monkeypatch):
    login_as("office")
    monkeypatch.setitem(app.config, "JOBS_WORKER", "none")
    job = enqueue("test.record", {}, actor=None)
    job.run_after = utcnow() - timedelta(hours=1)
    db.session.commit()

    page = client.get("/admin/jobs").get_data(as_text=True)

    jobs_row = page.split('<th scope="row">后台任务</th>')[1].split("</tr>")[0]
    assert "<td>1</td>" in jobs_row
    assert "后台处理程序似乎没有运行" in page and "<code>flask --app app worker</code>" in page
    assert "运维手册“后台处理”" in page


def test_mail_waiting_without_a_mail_server_is_not_taken_for_a_stopped_worker(client, login_as):
    login_as("office")
    mail(due=LONG_AGO)
    db.session.commit()

    page = client.get("/admin/jobs").get_data(as_text=True)

    assert "未设置邮件服务器" in page
    assert "后台处理程序似乎没有运行" not in page


@pytest.mark.parametrize("role", ["unit_staff", "expert", "leader"])
def test_only_the_office_sees_the_background_queues(client, login_as, role):
    login_as(role)
    assert client.get("/admin/jobs").status_code == 403
