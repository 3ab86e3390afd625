"""The office's form for the domain dictionary."""

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import Length

from core.forms import Form, MultiCheckboxField


class TermsForm(Form):
    added = TextAreaField(
        _l("Add terms"),
        validators=[Length(max=5000)],
        description=_l("One term a line (or separated by spaces), e.g. 营商环境 一网通办."),
    )
    removed = MultiCheckboxField(_l("Take out"))
