"""Forms for rounds and categories, and the filter of the round list."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SearchField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from core.forms import FilterForm, enum_coerce, options
from solicitation.models import RoundStatus
from solicitation.presets import preset_choices


class RoundForm(FlaskForm):
    year = IntegerField(_l("Plan year"), validators=[DataRequired(), NumberRange(min=2000, max=2100)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    solicitation_opens = DateField(_l("Solicitation opens"), validators=[DataRequired()])
    solicitation_closes = DateField(_l("Solicitation closes"), validators=[DataRequired()])
    review_deadline = DateField(_l("Review deadline"), validators=[DataRequired()])
    plan_date = DateField(_l("Plan date"), validators=[DataRequired()])
    category_preset = SelectField(_l("Categories to start with"), validators=[Optional()])

    @classmethod
    def for_round(cls, round=None):
        """The form to create a round (with a category preset to pick) or to edit one."""
        form = cls(obj=round)
        if round is None:
            form.category_preset.choices = options(preset_choices(), blank=_l("None: I will add them"))
            if not form.is_submitted():
                form.year.data = date.today().year + 1
        else:
            del form.category_preset
        return form


class TransitionForm(FlaskForm):
    # Rendered as one button per legal move, each sending its status as `target`.
    target = SelectField(
        choices=lambda: options(RoundStatus.choices()), coerce=enum_coerce(RoundStatus), validators=[DataRequired()]
    )


class CategoryForm(FlaskForm):
    name = StringField(_l("Category name"), validators=[DataRequired(), Length(max=50)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])


class CategoryPresetForm(FlaskForm):
    preset = SelectField(_l("Category set"), choices=lambda: options(preset_choices()), validators=[DataRequired()])


class RoundFilterForm(FilterForm):
    q = SearchField(_l("Search"))
    status = SelectField(
        _l("Status"), choices=lambda: options(RoundStatus.choices(), blank=_l("All")), coerce=enum_coerce(RoundStatus)
    )
