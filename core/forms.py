"""Form pieces shared by every package."""

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from core.web import stored_int


class Form(FlaskForm):
    """The base of every form: a number sent for an IntegerField must fit the database, or it is no number.

    (Text needs no check here: a control character is refused for the whole request, see core.web.)
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


class ImportForm(Form):
    """The upload of a spreadsheet to import."""

    file = FileField(_l("Spreadsheet (.xlsx or .csv)"), validators=[FileRequired()])


def chosen_files(field) -> list[tuple[str, bytes]]:
    """The files chosen in a MultipleFileField as (name, bytes); a browser sends one empty part when none is."""
    return [(f.filename or "", f.read()) for f in field.data or [] if getattr(f, "filename", "")]
