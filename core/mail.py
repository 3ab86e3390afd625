"""Notifications by email through an outbox table: a message is queued in the same transaction as the
change it reports, and delivered (and retried) apart from it, so a mail failure loses nothing.

The background worker (jobs/: `flask worker`, or a thread of each server process) delivers the outbox each round,
and several may run at once: a worker claims each message (core/workers.py) before it sends it, so exactly one
worker sends it, and a claim lapses after CLAIM so that the messages of a worker that died go out all the same. A
message that can never go out as it stands (a header with a line break, an address the server refuses for good)
is given up with its reason and holds up no other; when the server itself fails, the batch stops and waits for the
next round.
"""

import contextlib
import logging
import smtplib
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

import click
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, String, Text, and_, func, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from core.models import LabelledEnum, utcnow
from core.privacy import mask_email
from core.workers import claim, worker_name
from extensions import db

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 10
TIMEOUT_SECONDS = 20  # for each step of a talk with the mail server
# Far longer than one message takes to send; short enough that a dead worker's messages go out soon after.
CLAIM = timedelta(minutes=5)


class MailFailure(LabelledEnum):
    """Why a message was given up."""

    header = "header"
    recipient = "recipient"
    refused = "refused"
    attempts = "attempts"
    error = "error"

    @classmethod
    def _labels(cls):
        return {
            cls.header: _l("A header holds a line break or a control character"),
            cls.recipient: _l("The mail server refused the recipient"),
            cls.refused: _l("The mail server refused the message"),
            cls.attempts: _l("Still failing at the last attempt"),
            cls.error: _l("The message could not be sent as written"),
        }


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(50), default="")  # the template it was written from
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    claimed_by: Mapped[str] = mapped_column(String(100), default="")  # the worker sending (or that sent) it
    claimed_until: Mapped[datetime | None]
    failed_at: Mapped[datetime | None] = mapped_column(index=True)  # given up: never sent, `failure` says why
    failure: Mapped[MailFailure | None] = mapped_column(db.Enum(MailFailure, native_enum=False, length=20))

    @property
    def shown_recipient(self) -> str:
        """The address, masked: a resident's is personal information."""
        return mask_email(self.recipient)

    @property
    def shown_error(self) -> str:
        """The last error, with the address masked where the server's words repeat it."""
        return self.last_error.replace(self.recipient, self.shown_recipient) if self.recipient else self.last_error


def queue_mail(*, to: str, template: str, **context) -> OutboxMessage | None:
    """Add a message rendered from templates/mail/<template>.txt (its `subject` variable and its body).

    Only adds to the session: the calling service commits it with the change it reports.
    Mail goes out in the platform's default language, Chinese. A template's subject shows only what the
    platform made (tracking codes, years, quarters, counts), never text someone typed; it is kept to one line
    whatever it holds.
    """
    if not to:
        return None
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        module = current_app.jinja_env.get_template(f"mail/{template}.txt").make_module(context)
        subject = " ".join(str(module.subject).split())[:200]
        message = OutboxMessage(kind=template, recipient=to, subject=subject, body=str(module).strip() + "\n")
    db.session.add(message)
    return message


def mail_recipients(users) -> list:
    """Those of `users` (a unit's staff, say) who can receive mail: active, with an email address."""
    return [user for user in users if user.active and user.email]


def queue_mail_to_staff(users, *, template: str, **context) -> None:
    """Queue a message to each of `users` (a unit's staff, say) who is active and has an email address."""
    for user in mail_recipients(users):
        queue_mail(to=user.email, template=template, **context)


@dataclass(frozen=True)
class _Problem:
    """What went wrong with one message's sending."""

    error: str  # the kind of error, for the log
    detail: str  # its words, kept in the outbox
    failure: MailFailure | None = None  # set when the message can never go out as it stands
    server: bool = False  # the server failed, not the message: the next ones would fail alike

    @classmethod
    def of(cls, error: Exception, **verdict) -> "_Problem":
        return cls(type(error).__name__, str(error)[:1000] or type(error).__name__, **verdict)


class _Connection:
    """One session with the mail server for a batch: opened for its first message, closed after a failure."""

    def __init__(self, config):
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def open(self) -> smtplib.SMTP:
        if self.smtp is None:
            config = self.config
            smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=TIMEOUT_SECONDS)
            try:
                if config["MAIL_USE_TLS"]:
                    smtp.starttls()
                if config["MAIL_USERNAME"]:
                    smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            except BaseException:
                smtp.close()
                raise
            self.smtp = smtp
        return self.smtp

    def close(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(OSError):  # smtplib's errors are OSErrors too
                self.smtp.quit()
            self.smtp.close()
            self.smtp = None


def _header(name: str, value: str) -> str:
    """A header's value, refused when it holds a line break or another control character (the last defence:
    queue_mail writes subjects of one line, and addresses are checked where they are typed)."""
    if any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in value):
        raise ValueError(f"the {name} header holds a line break or a control character")
    return value


def _email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_SENDER"]
    email["To"] = _header("To", message.recipient)
    email["Subject"] = _header("Subject", message.subject)
    email.set_content(message.body)
    return email


def _sending_problem(error: Exception) -> _Problem:
    """What an error of sending means: the server's trouble, this message's for now, or this message's for good."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        # The server's words without the address, which the outbox keeps apart.
        replies = [f"{code} {reply.decode(errors='replace')}" for code, reply in error.recipients.values()]
        lasting = any(code >= 500 for code, _reply in error.recipients.values())
        return _Problem(type(error).__name__, "; ".join(replies), MailFailure.recipient if lasting else None)
    if isinstance(error, smtplib.SMTPSenderRefused | smtplib.SMTPHeloError | smtplib.SMTPServerDisconnected):
        return _Problem.of(error, server=True)  # every message has the same sender and server
    if isinstance(error, smtplib.SMTPResponseException):
        if error.smtp_code == 421:  # the server is closing the connection
            return _Problem.of(error, server=True)
        return _Problem.of(error, failure=MailFailure.refused if error.smtp_code >= 500 else None)
    if isinstance(error, OSError) and not isinstance(error, smtplib.SMTPNotSupportedError):
        return _Problem.of(error, server=True)  # the network, a timeout
    # Anything else is this message's own: an address this server cannot take (SMTPUTF8), say.
    return _Problem.of(error, failure=MailFailure.error)


def _deliver(message: OutboxMessage, connection: _Connection) -> _Problem | None:
    """Send one message: None when it went out, else what went wrong."""
    try:
        email = _email(message)
    except ValueError as error:
        return _Problem.of(error, failure=MailFailure.header)
    except Exception as error:  # the message's own text: it would fail alike every time
        return _Problem.of(error, failure=MailFailure.error)
    try:
        smtp = connection.open()
    except Exception as error:  # unreachable, refusing this platform's login or TLS: no message would go out
        return _Problem.of(error, server=True)
    try:
        smtp.send_message(email)
    except Exception as error:
        return _sending_problem(error)
    return None


def _due(now: datetime):
    """Messages to send now: not sent, not given up, their time come, claimed by no worker."""
    return and_(
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.failed_at.is_(None),
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
    )


def _claim(message_id: int, *, worker: str) -> OutboxMessage | None:
    """Take the message for this worker, unless another took it first; committed before anything is sent."""
    now = utcnow()
    return claim(OutboxMessage, message_id, due=_due(now), claimed_by=worker, claimed_until=now + CLAIM)


def _record(message: OutboxMessage, problem: _Problem) -> None:
    """Keep why the message failed: give it up, or try it again later (1, 2, 4 … minutes, at most a day)."""
    message.last_error = problem.detail
    failure = problem.failure or (MailFailure.attempts if message.attempts >= MAX_ATTEMPTS else None)
    if failure is None:
        message.next_attempt_at = utcnow() + timedelta(minutes=min(2 ** (message.attempts - 1), 1440))
    else:
        message.failed_at, message.failure = utcnow(), failure
    # The address and the server's words (which may repeat it) stay in the outbox, out of the log.
    given_up = f", given up ({failure.value})" if failure else ""
    log.warning("mail %d failed (attempt %d%s): %s", message.id, message.attempts, given_up, problem.error)


def deliver_pending(*, limit: int = 100) -> tuple[int, int]:
    """Send the due messages this worker claims; a failure is kept to retry or given up. Return (sent, failed)."""
    if not current_app.config["MAIL_SERVER"]:
        return 0, 0
    worker = worker_name()
    due = db.session.scalars(select(OutboxMessage.id).where(_due(utcnow())).order_by(OutboxMessage.id).limit(limit))
    sent = failed = 0
    connection = _Connection(current_app.config)
    try:
        for message_id in due.all():
            message = _claim(message_id, worker=worker)
            if message is None:
                continue  # another worker took it
            problem = _deliver(message, connection)
            message.attempts += 1
            message.claimed_until = None
            if problem is None:
                message.sent_at = utcnow()
                sent += 1
            else:
                _record(message, problem)
                connection.close()  # after a failure, start the next message afresh
                failed += 1
            db.session.commit()
            if problem is not None and problem.server:
                break  # the next messages would fail alike: they wait for the next round
    finally:
        connection.close()
    return sent, failed


def outbox_backlog() -> dict:
    """The unsent messages: waiting for a first try, for a retry, given up; since when the most overdue is due."""
    counted = func.count(OutboxMessage.id)
    pending = OutboxMessage.failed_at.is_(None)
    waiting, retrying, given_up, oldest_due = db.session.execute(
        select(
            counted.filter(pending, OutboxMessage.attempts == 0),
            counted.filter(pending, OutboxMessage.attempts > 0),
            counted.filter(OutboxMessage.failed_at.is_not(None)),
            func.min(OutboxMessage.next_attempt_at).filter(pending),
        ).where(OutboxMessage.sent_at.is_(None))
    ).one()
    return {"waiting": waiting, "retrying": retrying, "given_up": given_up, "oldest_due_at": oldest_due}


def outbox_figures() -> dict:
    """The outbox's backlog as /health and `mail status` give it: how long the most overdue has waited, in
    seconds, for its time."""
    figures = outbox_backlog()
    oldest_due = figures.pop("oldest_due_at")
    overdue = max(0.0, (utcnow() - oldest_due).total_seconds()) if oldest_due else 0.0
    return figures | {"overdue_seconds": round(overdue, 1)}


def undelivered_mail(*, q: str = "", kind: str = "", failure: MailFailure | None = None) -> Select:
    """The messages given up, newest first, filtered by address or subject, kind and reason."""
    query = select(OutboxMessage).where(OutboxMessage.failed_at.is_not(None))
    if q:
        matches = [column.icontains(q, autoescape=True) for column in (OutboxMessage.recipient, OutboxMessage.subject)]
        query = query.where(or_(*matches))
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    if failure is not None:
        query = query.where(OutboxMessage.failure == failure)
    return query.order_by(OutboxMessage.failed_at.desc(), OutboxMessage.id.desc())


def undelivered_kinds() -> list[str]:
    """The kinds of message (their templates) among those given up."""
    kinds = select(OutboxMessage.kind).where(OutboxMessage.failed_at.is_not(None), OutboxMessage.kind != "").distinct()
    return list(db.session.scalars(kinds.order_by(OutboxMessage.kind)))


mail_cli = click.Group("mail", help="The outbox of notifications.")


@mail_cli.command("send")
def send_command():
    """Deliver the queued messages that are due now."""
    if not current_app.config["MAIL_SERVER"]:
        raise click.ClickException("MAIL_SERVER is not set; messages stay in the outbox.")
    sent, failed = deliver_pending(limit=10_000)
    click.echo(f"{sent} sent, {failed} failed (kept for a retry, or given up: see `mail status`).")


@mail_cli.command("status")
@click.option("--limit", default=20, show_default=True, help="How many of the messages given up to list.")
def status_command(limit):
    """Count messages waiting, retrying, given up and sent; list the latest given up, with why."""
    figures = outbox_figures()
    sent = db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.sent_at.is_not(None)))
    click.echo(
        f"waiting {figures['waiting']}, retrying {figures['retrying']}, given up {figures['given_up']}, sent {sent}"
    )
    for message in db.session.scalars(undelivered_mail().limit(limit)):
        click.echo(
            f"#{message.id} {message.failed_at:%Y-%m-%d %H:%M} UTC {message.kind or '-'} "
            f"to {message.shown_recipient}: {message.failure.value} — {message.shown_error}"
        )
