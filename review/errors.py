"""Rules of the review package, as codes with the messages people read."""

from flask_babel import lazy_gettext as _l

from core.errors import DomainError


class ReviewError(DomainError):
    messages = {
        "criteria_frozen": _l("The criteria of a round cannot change once it is past review."),
        "criterion_name_taken": _l("This round already has a criterion named %(name)s."),
        "weight_not_positive": _l("A weight must be greater than zero."),
        "max_score_not_positive": _l("The maximum score must be at least 1."),
    }
