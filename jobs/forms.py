"""The filters of the office's list of jobs."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from core.forms import FilterForm, enum_coerce, options
from jobs.models import JobState
from jobs.queries import job_kinds


class JobFilterForm(FilterForm):
    state = SelectField(_l("State"), coerce=enum_coerce(JobState))
    kind = SelectField(_l("Job kind"))

    def __init__(self):
        super().__init__()
        self.state.choices = options(JobState.choices(), blank=_l("All"))
        self.kind.choices = options([(kind, kind) for kind in job_kinds()], blank=_l("All"))
