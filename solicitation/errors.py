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
        "not_unit_staff": _l("Only staff of a unit can propose a project for it."),
        "not_your_unit": _l("This proposal belongs to another unit."),
        "solicitation_not_open": _l(
            "The round is not taking proposals now (solicitation closes on %(closes)s). "
            "Ask the reform office for a late submission."
        ),
        "proposal_not_editable": _l("A proposal that is “%(status)s” cannot be changed."),
        "proposal_incomplete": _l("Fill in this field before submitting."),
        "category_not_in_round": _l("Choose one of this round's categories."),
        "proposal_not_with_office": _l("Only a submitted proposal can be returned."),
        "return_reason_required": _l("Say why the proposal is returned, so the unit knows what to revise."),
        "already_withdrawn": _l("The proposal has already been withdrawn."),
        "cooperating_unit_is_proposer": _l("The proposing unit cannot also be a cooperating unit."),
        "late_until_in_past": _l("The late submission must end today or later."),
    }
