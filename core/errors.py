"""The base of every package's rule-broken error, and the refusal of input no page can take."""

from flask_babel import lazy_gettext as _l

OFFICE_ONLY = "office_only"

# Rules every package shares, each with its one message and status: a package's error raises them by code.
SHARED_MESSAGES = {OFFICE_ONLY: _l("Only the reform office can do this.")}
SHARED_STATUSES = {OFFICE_ONLY: 403}


class DomainError(Exception):
    """A business rule refused a change; `code` names the rule, `message` explains it to a person.

    Subclasses map codes to translatable messages, so services never hold text for people. The codes of
    SHARED_MESSAGES (`office_only`) mean the same in every package and are defined only there.
    """

    messages: dict = {}
    # The HTTP status of a page refusing a change for this rule, when it is not 400 (413: a file too large).
    statuses: dict = {}

    def __init__(self, code: str, /, field: str | None = None, **params):
        super().__init__(code)
        self.code = code
        self.field = field
        self.params = params

    @property
    def status(self) -> int:
        return self.status_or(400)

    def status_or(self, default: int) -> int:
        """The rule's own status, or `default` when the rule names none."""
        return self.statuses.get(self.code) or SHARED_STATUSES.get(self.code, default)

    @property
    def message(self) -> str:
        template = self.messages.get(self.code) or SHARED_MESSAGES.get(self.code)
        if not template:
            return self.code
        # Enum members stand for themselves in code and show as their label to people.
        return str(template) % {key: getattr(value, "label", value) for key, value in self.params.items()}


class EditConflict(DomainError):
    """Someone saved the record after the form was opened: nothing was written.

    `version` is the record's version now, `changes` the audit events saved since the form's version.
    """

    messages = {
        "edited_meanwhile": _l(
            "Someone else changed this record after you opened the form, so it was not saved. What you typed is "
            "still below: compare it with their changes listed here, then save again to keep your version."
        )
    }
    statuses = {"edited_meanwhile": 409}


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, an ellipsis marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class RowsRejected(Exception):
    """Some rows of an import are bad: nothing was imported.

    `problems` lists the first SHOWN of them as (line, column, message), each message cut to MESSAGE_LENGTH
    characters (it may quote a cell); `more` counts the others. Each problem is given with the error that
    made it, whose message is only written for those shown.
    """

    SHOWN = 100
    MESSAGE_LENGTH = 200

    def __init__(self, problems: list[tuple[int, str, DomainError]]):
        super().__init__(f"{len(problems)} problems")
        shown = problems[: self.SHOWN]
        self.problems = [(line, column, shorten(error.message, self.MESSAGE_LENGTH)) for line, column, error in shown]
        self.more = len(problems) - len(self.problems)


class InputError(DomainError):
    """Input no page can take, whatever the page: refused before anything reads it, and nothing changes."""

    messages = {
        "control_character": _l(
            "What was sent contains an invisible control character (such as NUL) that cannot be stored. "
            "Remove it (retype the text instead of pasting it) and send again."
        ),
        "no_such_page": _l("There is no such page of this list: go back to the first page."),
        "page_out_of_reach": _l(
            "This long list opens a page by its number only near its first and last pages: use Next, Previous, "
            "Last or Go to a date."
        ),
        "unnamed_field": _l("Part of what was sent has no name, so it cannot be read. Send it from its page."),
    }
    statuses = {"no_such_page": 404, "page_out_of_reach": 404}
