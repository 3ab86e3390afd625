"""How the audit log reads the search dictionary's and the search queue's events (accounts.audit_text)."""

from flask_babel import lazy_gettext as _l

from accounts.audit_text import RecordText

AUDIT_TEXTS = {
    "SearchTerm": RecordText(
        name=_l("search dictionary"),
        verbs={"search.terms": _l("changed")},
        fields={"added": _l("Added"), "removed": _l("Taken out")},
    ),
    "SearchQueue": RecordText(
        name=_l("search index change"),
        verbs={"search.retry": _l("queued again")},
        fields={"failed_at": _l("Failed at"), "error": _l("Error")},
    ),
}
