"""Rules of the solicitation package, as codes with the messages people read."""

from flask_babel import lazy_gettext as _l

from core.errors import DomainError


class SolicitationError(DomainError):
    messages = {
        "reopen_not_accepted": _l("Only an accepted suggestion's acceptance can be taken back."),
        "reopen_after_changes": _l(
            "Something followed the acceptance (a referral, a reply, a link, a publication): it can no longer be "
            "taken back."
        ),
        "year_taken": _l("A round for %(year)s already exists."),
        "dates_out_of_order": _l(
            "The dates must follow each other: solicitation opens, solicitation closes, review deadline, plan date."
        ),
        "transition_not_allowed": _l("A round cannot move from “%(current)s” to “%(target)s”."),
        "round_without_solicitation": _l(
            "This round makes plans of tasks handed down, without solicitation: it has no solicitation or review."
        ),
        "topic_not_draft": _l("Only a draft topic can be published."),
        "topic_withdrawn": _l("The topic was withdrawn; it no longer changes."),
        "topic_not_published": _l("Only a published topic can be withdrawn."),
        "topic_not_open": _l("Choose one of the topics published in this round, or none."),
        "topic_title_required": _l("Name the topic's problem."),
        "theme_reply_required": _l("Write the reform office's reply to the theme (at most 5,000 characters)."),
        "theme_not_published": _l("The theme is not published."),
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
        "round_past_review": _l("The round is past review: its proposals no longer change."),
        "solicitation_still_open": _l(
            "Solicitation is still open until %(closes)s: units submit their proposals themselves until then."
        ),
        "submitted_on_out_of_range": _l("The date the unit submitted it goes from %(opens)s to today."),
        "category_in_use": _l("Proposals or suggestions use the category %(name)s; rename it instead."),
        "cannot_publish": _l("A suggestion that was not accepted or was merged cannot be published."),
        "round_not_soliciting": _l("This round is not collecting suggestions now."),
        "field_required": _l("This field is required."),
        "unit_required": _l("Choose the unit that will propose it."),
        "suggestion_not_taken_up": _l("A suggestion that is “%(status)s” cannot become a proposal; accept it first."),
        "unit_window_closed": _l("%(unit)s cannot submit proposals now: grant it a late submission first."),
        "field_too_long": _l("At most %(max)s characters."),
        "email_invalid": _l("This is not an email address."),
        "phone_invalid": _l("A phone number has 5 to 20 digits (with - or + if needed)."),
        "consent_required": _l("Agree to the use of your contact details, or leave them empty."),
        "channel_not_public": _l("This channel is recorded by the reform office only."),
        "suggestion_move_not_allowed": _l("A suggestion that is “%(current)s” cannot become “%(target)s”."),
        "reject_reason_required": _l("Choose why the suggestion is not accepted."),
        "duplicate_of_self": _l("A suggestion cannot duplicate itself."),
        "duplicate_other_round": _l("The original must belong to the same round."),
        "tracking_code_unknown": _l("No suggestion has the tracking code %(code)s."),
        "referral_unit_required": _l("Choose the unit to refer the suggestion to."),
        "not_referred_to_you": _l("This suggestion was not referred to your unit."),
        "answer_required": _l("Write the unit's answer."),
        "reply_required": _l("A suggestion that is not adopted needs a public reply saying why."),
        "bulk_reply_required": _l("Write the reply to publish."),
        "already_replied": _l("This suggestion already has a reply of its own: it is kept."),
        "proposal_other_round": _l("Only submitted proposals of the same round can be linked."),
        "already_linked": _l("Already linked to proposal %(proposal)s."),
        "bulk_action_required": _l("Choose what to do with the chosen suggestions."),
        "nothing_chosen": _l("Choose at least one suggestion, or all those matching the filter."),
        "original_required": _l("Give the tracking code or number of the original."),
        "not_public": _l("Only suggestions published by the reform office can be seconded."),
        "already_seconded": _l("You have already seconded this suggestion."),
        "unknown_channel": _l("Unknown channel “%(value)s”."),
        "not_a_date": _l("“%(value)s” is not a date (write 2016-10-20)."),
        "unknown_category": _l("“%(value)s” is not a category of this round."),
        "consent_value": _l("Write 是 or 否 in the consent column."),
        "theme_name_required": _l("Name the theme."),
        "theme_merge_needs_two": _l("Choose at least one other theme to merge into this one."),
        "theme_other_round": _l("Themes and suggestions of different rounds cannot be put together."),
        "theme_published": _l("A published theme cannot be merged into another; withdraw it first."),
        "theme_split_all": _l("Leave at least one suggestion in the theme, or rename it instead."),
    }
