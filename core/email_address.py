"""What counts as an email address: one rule for every form, import and API call that takes one."""

from email_validator import EmailNotValidError, validate_email


def is_email_address(text: str) -> bool:
    """Whether `text` is written as an email address (its domain is not looked up)."""
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True
