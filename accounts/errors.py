"""Rules of the accounts package, as codes with the messages people read."""

from flask_babel import lazy_gettext as _l

from core.errors import DomainError


class AccountError(DomainError):
    messages = {
        "invalid_credentials": _l("Wrong username or password."),
        "inactive_user": _l("This account has been deactivated. Ask the reform office."),
        "username_taken": _l("The username %(username)s is already taken."),
        "username_invalid": _l("A username has 3 to 64 letters, digits, dots, dashes or underscores."),
        "unit_name_taken": _l("A unit named %(name)s already exists."),
        "unit_required": _l("Unit staff must belong to a unit."),
        "unit_inactive": _l("The unit %(name)s is deactivated."),
        "password_too_short": _l("A password needs at least %(min)s characters."),
        "password_letters_and_digits": _l("A password needs both letters and digits."),
        "password_contains_username": _l("A password may not contain the username."),
        "password_too_common": _l("This password is among the most common ones and easily guessed: choose another."),
        "password_wrong": _l("The current password is wrong."),
        "password_unchanged": _l("The new password must differ from the current one."),
        "password_link_invalid": _l(
            "This link has expired or has already been used. Ask the reform office to set a password for you."
        ),
        "cannot_deactivate_self": _l("You cannot deactivate your own account."),
        "last_office_user": _l("At least one active reform office account must remain."),
        "unknown_value": _l("%(value)s is not one of the values this column takes."),
        "value_required": _l("This column must be filled in."),
        "value_too_long": _l("At most %(max)s characters."),
        "duplicate_in_file": _l("%(value)s is already on line %(line)s of this file."),
        "unknown_unit": _l("There is no unit named %(name)s: import the units first."),
        "rate_limit_invalid": _l(
            "%(value)s is not a rate limit: write a number per period, such as 600/hour or 10 per minute."
        ),
        "email_invalid": _l("%(value)s is not an email address."),
    }
