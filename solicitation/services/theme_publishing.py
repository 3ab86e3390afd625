"""Publishing a theme on /heard ("what we heard"): the office approves the name residents read and writes its reply;
withdrawing takes the theme off again. Each checks who, writes an AuditEvent and commits."""

from accounts import audit
from accounts.models import User
from accounts.permissions import check_office
from core.models import utcnow
from extensions import db
from solicitation.errors import SolicitationError
from solicitation.models import Theme

NAME_MAX = 80
REPLY_MAX = 5000
FIELDS = ["name", "published", "public_reply"]


def publish_theme(*, actor: User, theme: Theme, name: str, reply: str) -> Theme:
    """Show the theme on /heard under the name the office approves, with its reply; publishing it again changes
    either. The name is the office's from now on: a recompute keeps it."""
    check_office(actor, SolicitationError)
    name, reply = name.strip(), reply.strip()
    if not name:
        raise SolicitationError("theme_name_required", field="public_name")
    if len(name) > NAME_MAX:
        raise SolicitationError("field_too_long", field="public_name", max=NAME_MAX)
    if not reply:
        raise SolicitationError("theme_reply_required", field="public_reply")
    if len(reply) > REPLY_MAX:
        raise SolicitationError("field_too_long", field="public_reply", max=REPLY_MAX)
    before = audit.snapshot(theme, FIELDS)
    theme.name, theme.named_by_office = name, True
    theme.public_reply = reply
    if not theme.published:
        theme.published, theme.published_at = True, utcnow()
    audit.record(actor=actor, action="theme.publish", obj=theme, before=before, after=audit.snapshot(theme, FIELDS))
    db.session.commit()
    return theme


def withdraw_theme(*, actor: User, theme: Theme) -> Theme:
    """Take a published theme off /heard; its name and reply are kept for publishing it again."""
    check_office(actor, SolicitationError)
    if not theme.published:
        raise SolicitationError("theme_not_published")
    theme.published, theme.published_at = False, None
    audit.record(
        actor=actor, action="theme.withdraw", obj=theme, before={"published": True}, after={"published": False}
    )
    db.session.commit()
    return theme
