"""Forms for review criteria."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DecimalField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional


class CriterionForm(FlaskForm):
    name = StringField(_l("Criterion"), validators=[DataRequired(), Length(max=50)])
    description = TextAreaField(_l("Scoring guidance"), validators=[Optional(), Length(max=2000)])
    weight = DecimalField(
        _l("Weight"),
        places=None,
        validators=[InputRequired(), NumberRange(min=0.01, max=1000)],
        description=_l("Weights are shown as percentages of their sum."),
    )
    max_score = IntegerField(_l("Maximum score"), default=10, validators=[InputRequired(), NumberRange(min=1, max=100)])
