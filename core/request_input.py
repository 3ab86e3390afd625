"""What a client may send: whole numbers an INTEGER column holds, and text without control characters."""

import re

from flask import request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from core.errors import InputError

# The largest integer every supported database keeps in an INTEGER column (PostgreSQL's is 32 bits): ids,
# counts and numbers sent by a client beyond it are refused before a query could overflow.
INT_MAX = 2**31 - 1
# What no text may carry: C0 control characters other than tab and line breaks (PostgreSQL cannot store NUL,
# XML — .docx and .xlsx exports — none of them), lone surrogates and the two non-characters XML forbids.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def stored_int(text: str) -> int:
    """A whole number sent by a client, which an INTEGER column can hold; ValueError otherwise.

    As a `type=` of `request.args.get`, a number out of range reads as absent, like one that is not a number.
    """
    value = int(text)
    if not -INT_MAX - 1 <= value <= INT_MAX:
        raise ValueError(f"{text} is out of range")
    return value


class IdConverter(IntegerConverter):
    """The app's `<int:…>`: an id the database can hold, so a larger number in an address is no page (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=INT_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def refuse_control_characters() -> None:
    """Refuse a request whose address, query or form carries a control character (a `before_request` hook).

    One check for every text field and filter, before any view reads it: nothing can store it (PostgreSQL
    refuses NUL) or export it, and no person types it.
    """
    sent = [request.path, *(text for pair in request.args.items(multi=True) for text in pair)]
    try:
        sent += [text for pair in request.form.items(multi=True) for text in pair]
        sent += [name for name in request.files] + [upload.filename or "" for upload in request.files.values()]
    except RequestEntityTooLarge:
        pass  # the view reading the form answers 413 with its own page
    if None in sent:  # a multipart part without a name: no page sends one
        raise InputError("unnamed_field")
    if any(CONTROL_CHARACTERS.search(text) for text in sent):
        raise InputError("control_character")
