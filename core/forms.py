"""Form pieces shared by every package."""

from flask import flash, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, IntegerField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from core.email_address import is_email_address
from core.errors import DomainError, EditConflict
from core.models import max_length
from core.request_input import stored_int


class Form(FlaskForm):
    """The base of every form: a number sent for an IntegerField must fit the database, or it is no number.

    (Text needs no check here: a control character is refused for the whole request, see core.request_input.)
    """

    def process(self, *args, **kwargs):
        super().process(*args, **kwargs)
        for field in self:
            if isinstance(field, IntegerField) and field.data is not None and field.raw_data:
                try:
                    stored_int(field.raw_data[0])
                except ValueError:
                    field.data = None  # as WTForms does with what is not a number: a filter reads it as "all"
                    field.process_errors.append(_l("This number is out of range."))


def options(pairs, *, blank=None) -> list[SelectChoice]:
    """SelectField choices from (value, label) pairs, after an optional blank option labelled `blank`."""
    first = [SelectChoice("", blank)] if blank is not None else []
    return first + [SelectChoice(value, label) for value, label in pairs]


def optional_int(value):
    """Coerce a select's value to int (one the database can hold), with the blank choice meaning None."""
    if value in (None, "", "None"):
        return None
    return stored_int(value)


def optional_bool(value):
    """Coerce 'yes'/'no'/'' to True/False/None, for an 'all / yes / no' filter."""
    if isinstance(value, bool) or value is None:
        return value
    return {"yes": True, "no": False}.get(value)


class FilterForm(Form):
    """A GET form that filters a list: no CSRF token, invalid choices read as 'all'."""

    class Meta:
        csrf = False

    def __init__(self, *args, **kwargs):
        super().__init__(request.args, *args, **kwargs)


def enum_coerce(enum_cls):
    """Coerce a select's value to a member of `enum_cls`, with the blank choice meaning None."""

    def coerce(value):
        if value in (None, "", "None"):
            return None
        return value if isinstance(value, enum_cls) else enum_cls(value)

    return coerce


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes: kinder than a multiple select on a phone."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _version_given(form, field) -> None:
    # Sent by the page, never taken from the record: a form without it would save over anything.
    if not (field.raw_data and field.raw_data[0].isdigit()):
        message = _l("This form is out of date: open it again from its page.")
        form.form_errors.append(message)  # the field is hidden: say it above the form
        raise ValidationError(message)


class VersionedForm(Form):
    """The edit form of a versioned record (core.models.Versioned). It carries the version it was opened at; a
    save refused because someone saved since (EditConflict) shows what they changed, with what was typed kept,
    and takes the record's new version, so that saving again keeps this form's text."""

    lock_version = HiddenField(validators=[_version_given])
    # How to show a change the audit log records under a name that is no field of the form:
    # name -> (label, function showing the value, or None to show it as it is, a list joined).
    change_labels: dict = {}
    conflict: list = []  # after a refused save: (audit event, the rows it changed on this form), oldest first

    @property
    def expected_version(self) -> int:
        """The version of the record the form was opened at (validated)."""
        return int(self.lock_version.data)

    def show_conflict(self, error: EditConflict) -> None:
        """Take the record's new version and keep, for the page, who saved what since this form was opened."""
        self.lock_version.data = str(error.params["version"])
        changes = [(event, self.changed_rows(event.after or {})) for event in error.params["changes"]]
        self.conflict = [(event, rows) for event, rows in changes if rows]  # not an attachment added, say

    def changed_rows(self, after: dict) -> list[tuple[str, str]]:
        """(label, new value as shown) for each field an audit event changed."""
        rows = []
        for name, value in after.items():
            if name == "lock_version":
                continue
            if name in self.change_labels:
                label, show = self.change_labels[name]
                rows.append((str(label), show(value) if show else _shown(None, value)))
            elif name in self._fields:
                rows.append((str(self[name].label.text), _shown(self[name], value)))
        return rows


def _shown(field, value) -> str:
    """A value of `field` as the form shows it: a choice by its label, a list joined, nothing as a dash."""
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        return "、".join(str(item) for item in value)
    choices = field.iter_choices() if getattr(field, "choices", None) else []
    return {str(choice[0]): str(choice[1]) for choice in choices}.get(str(value), str(value))


class ImportForm(Form):
    """The upload of a spreadsheet to import."""

    file = FileField(_l("Spreadsheet (.xlsx or .csv)"), validators=[FileRequired()])


def chosen_files(field) -> list[tuple[str, bytes]]:
    """The files chosen in a MultipleFileField as (name, bytes); a browser sends one empty part when none is."""
    return [(f.filename or "", f.read()) for f in field.data or [] if getattr(f, "filename", "")]


def show_error(form: Form, error: DomainError) -> None:
    """Put a refused rule's message on the field it concerns, or else at the top of the page; a save refused
    because someone else saved meanwhile also lists their changes (the form is a VersionedForm).

    At the top, not in the form: the page drawn again may not show the form (the plan's approval form appears
    only when approval is the next step), and a refusal nobody sees leaves the reader not knowing what to do.
    """
    field = getattr(form, error.field, None) if error.field else None
    if isinstance(error, EditConflict):  # every versioned form's page draws its errors, with the changes listed
        form.show_conflict(error)
        form.form_errors.append(error.message)
    elif field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")
    form.refused_status = error.status


def form_status(form: Form) -> int:
    """The status of a page showing `form`: 200 before it is sent, then 400, or what a refused rule says (413)."""
    if not form.is_submitted():
        return 200
    return getattr(form, "refused_status", 400)


def length_of(attribute) -> Length:
    """A validator: at most as many characters as the model's column holds (its one limit, core.models.max_length)."""
    return Length(max=max_length(attribute))


def email_address(_form, field) -> None:
    """A validator: an email address by the one rule every form and service checks (core.email_address)."""
    if field.data and not is_email_address(field.data):
        raise ValidationError(_l("This is not an email address."))
