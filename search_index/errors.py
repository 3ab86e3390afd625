"""Rules of the search package, as codes with the messages people read."""

from flask_babel import lazy_gettext as _l

from core.errors import DomainError


class SearchError(DomainError):
    messages = {
        "term_invalid": _l("A term is one word of at most 50 characters, without spaces."),
        "terms_unchanged": _l("The dictionary already reads like that."),
        "query_too_long": _l("Search with fewer words (at most 200 characters)."),
        "unbalanced_quotes": _l("A phrase in quotes needs its closing quote."),
        "index_rebuilding": _l("Search is being rebuilt and is unavailable for a few minutes. Please try again later."),
        "not_failed": _l("Only a change that could not be applied can be queued again."),
    }
    statuses = {"index_rebuilding": 503, "not_failed": 409}
