"""Rules of the jobs package, as codes with the messages people read."""

from flask_babel import lazy_gettext as _l

from core.errors import DomainError


class JobError(DomainError):
    messages = {
        "not_failed": _l("Only a failed job can be queued again."),
    }
    statuses = {"not_failed": 409}
