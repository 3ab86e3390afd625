"""Notifications by email through an outbox table: a message is queued in the same transaction as the
change it reports, and delivered (and retried) apart from it, so a mail failure loses nothing."""

import logging
import smtplib
import threading
from datetime import datetime, timedelta
from email.message import EmailMessage

import click
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import String, Text, func, select
from sqlalchemy.orm import Mapped, mapped_column

from core.models import utcnow
from extensions import db

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 10


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(index=True)


def queue_mail(*, to: str, template: str, **context) -> OutboxMessage | None:
    """Add a message rendered from templates/mail/<template>.txt (its `subject` variable and its body).

    Only adds to the session: the calling service commits it with the change it reports.
    Mail goes out in the platform's default language, Chinese.
    """
    if not to:
        return None
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        module = current_app.jinja_env.get_template(f"mail/{template}.txt").make_module(context)
        message = OutboxMessage(recipient=to, subject=str(module.subject).strip(), body=str(module).strip() + "\n")
    db.session.add(message)
    return message


def queue_mail_to_staff(users, *, template: str, **context) -> None:
    """Queue a message to each of `users` (a unit's staff, say) who is active and has an email address."""
    for user in users:
        if user.active and user.email:
            queue_mail(to=user.email, template=template, **context)


def _send(message: OutboxMessage) -> None:
    config = current_app.config
    email = EmailMessage()
    email["From"] = config["MAIL_SENDER"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(email)


def deliver_pending(*, limit: int = 100) -> tuple[int, int]:
    """Send the queued messages that are due; a failure is kept and retried later. Return (sent, failed)."""
    if not current_app.config["MAIL_SERVER"]:
        return 0, 0
    due = select(OutboxMessage).where(
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.attempts < MAX_ATTEMPTS,
        OutboxMessage.next_attempt_at <= utcnow(),
    )
    sent = failed = 0
    # On PostgreSQL each process takes rows no other is sending (SQLite has one writer anyway).
    due = due.order_by(OutboxMessage.id).limit(limit).with_for_update(skip_locked=True)
    for message in db.session.scalars(due).all():
        try:
            _send(message)
        except (OSError, smtplib.SMTPException) as error:
            message.attempts += 1
            message.last_error = str(error)[:1000]
            # 1, 2, 4 … minutes, at most a day
            message.next_attempt_at = utcnow() + timedelta(minutes=min(2 ** (message.attempts - 1), 1440))
            failed += 1
            # The address and the server's words (which may repeat it) stay in the outbox, out of the log.
            log.warning("mail %d failed (attempt %d): %s", message.id, message.attempts, type(error).__name__)
        else:
            message.sent_at = utcnow()
            message.attempts += 1
            sent += 1
        db.session.commit()
    return sent, failed


def start_delivery_thread(app) -> threading.Thread:
    """Deliver the outbox every MAIL_INTERVAL_SECONDS in a daemon thread of the server."""

    def run():
        stop = threading.Event()
        while not stop.wait(app.config["MAIL_INTERVAL_SECONDS"]):
            with app.app_context():
                try:
                    deliver_pending()
                except Exception:  # the loop must outlive a bad moment of the database
                    log.exception("outbox delivery failed")
                finally:
                    db.session.remove()

    thread = threading.Thread(target=run, name="outbox", daemon=True)
    thread.start()
    return thread


mail_cli = click.Group("mail", help="The outbox of notifications.")


@mail_cli.command("send")
def send_command():
    """Deliver the queued messages that are due now."""
    if not current_app.config["MAIL_SERVER"]:
        raise click.ClickException("MAIL_SERVER is not set; messages stay in the outbox.")
    sent, failed = deliver_pending(limit=10_000)
    click.echo(f"{sent} sent, {failed} failed (kept for a retry).")


@mail_cli.command("status")
def status_command():
    """Count messages waiting, failed and sent."""
    unsent = OutboxMessage.sent_at.is_(None)
    counted = func.count(OutboxMessage.id)
    waiting, retrying, abandoned, sent = db.session.execute(
        select(
            counted.filter(unsent, OutboxMessage.attempts == 0),
            counted.filter(unsent, OutboxMessage.attempts.between(1, MAX_ATTEMPTS - 1)),
            counted.filter(unsent, OutboxMessage.attempts >= MAX_ATTEMPTS),
            counted.filter(OutboxMessage.sent_at.is_not(None)),
        )
    ).one()
    click.echo(f"waiting {waiting}, retrying {retrying}, given up {abandoned}, sent {sent}")
