"""Rules of the solicitation package, as codes with the messages people read."""

from flask_babel import lazy_gettext as _l

from core.errors import DomainError


class SolicitationError(DomainError):
    messages = {
        "year_taken": _l("A round for %(year)s already exists."),
        "dates_out_of_order": _l(
            "The dates must follow each other: solicitation opens, solicitation closes, review deadline, plan date."
        ),
        "transition_not_allowed": _l("A round cannot move from “%(current)s” to “%(target)s”."),
        "no_categories": _l("Give the round at least one category before opening solicitation."),
        "round_closed": _l("The round is closed; its settings can no longer change."),
        "category_name_taken": _l("This round already has a category named %(name)s."),
        "unknown_preset": _l("Unknown category set."),
    }
