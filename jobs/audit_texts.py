"""How the audit log reads the background jobs' events (accounts.audit_text)."""

from flask_babel import lazy_gettext as _l

from accounts.audit_text import RecordText
from jobs.models import JobState

AUDIT_TEXTS = {
    "Job": RecordText(
        name=_l("background job"),
        verbs={"job.retry": _l("queued again")},
        fields={"state": _l("Status"), "attempts": _l("Attempts")},
        values={"state": JobState},
    ),
}
