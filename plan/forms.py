"""Forms of the plan: a key project with its quarterly milestones, and the plan's transitions."""

import wtforms
from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, DateField, FormField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from accounts.queries import leader_choices, unit_choices
from core.forms import (
    FilterForm,
    Form,
    MultiCheckboxField,
    VersionedForm,
    chosen_files,
    enum_coerce,
    length_of,
    optional_bool,
    optional_int,
    options,
)
from plan.models import (
    KeyProject,
    Milestone,
    Numbering,
    Plan,
    PlanPart,
    PlanStatus,
    ProgressReport,
    ProgressStatus,
    Rating,
    Task,
)
from plan.numerals import chinese_number
from plan.services.progress import ASSESSMENT_FIELDS, Assessment

QUARTERS = (1, 2, 3, 4)
# The fields of a plan and of its key projects as people read them: on the project's form and where two
# versions of the plan are compared ("" names a project added or removed as a whole).
FIELD_LABELS = {
    "": _l("Project"),
    "title": _l("Title"),
    "number": _l("Number"),
    "meeting": _l("Meeting"),
    "approved_on": _l("Date of the meeting"),
    "document_number": _l("Document number (发文字号)"),
    "category": _l("Category"),
    "part": _l("Part (板块)"),
    "numbering": _l("Numbering"),
    "requires_lead_leader": _l("Every project needs a lead district leader for 送审稿"),
    "problem": _l("The problem it solves (为解决……问题)"),
    "principles": _l("Basic principles"),
    "content": _l("Reform content"),
    "innovation": _l("Innovation and leadership"),
    "goals": _l("Goals"),
    "lead_leader": _l("Lead district leader (牵头区领导)"),
    "lead_unit": _l("Lead unit (牵头单位)"),
    "cooperating_units": _l("Cooperating units"),
    "milestones": _l("Milestones"),
}


class KeyProjectForm(VersionedForm):
    change_labels = {
        "position": (FIELD_LABELS["number"], chinese_number),
        "cooperating_units": (FIELD_LABELS["cooperating_units"], None),
    }

    title = StringField(_l("Project title"), validators=[DataRequired(), length_of(KeyProject.title)])
    part_id = SelectField(FIELD_LABELS["part"], coerce=optional_int)
    category_id = SelectField(FIELD_LABELS["category"], coerce=optional_int)
    origin = StringField(
        _l("Where it comes from"),
        validators=[length_of(KeyProject.origin)],
        description=_l("For a task not proposed by a unit, e.g. 市级改革试点任务."),
    )
    problem = TextAreaField(FIELD_LABELS["problem"], validators=[length_of(KeyProject.problem)])
    principles = TextAreaField(FIELD_LABELS["principles"], validators=[length_of(KeyProject.principles)])
    content = TextAreaField(FIELD_LABELS["content"], validators=[length_of(KeyProject.content)])
    innovation = TextAreaField(FIELD_LABELS["innovation"], validators=[length_of(KeyProject.innovation)])
    goals = TextAreaField(FIELD_LABELS["goals"], validators=[length_of(KeyProject.goals)])
    lead_leader_id = SelectField(
        FIELD_LABELS["lead_leader"],
        coerce=optional_int,
        description=_l("A leader with an account sees the project in their to-do list and on their page."),
    )
    lead_leader = StringField(
        _l("Or the lead district leader's name"),
        validators=[length_of(KeyProject.lead_leader)],
        description=_l("For a leader without an account; the account's name is shown when one is chosen."),
    )
    lead_unit_id = SelectField(FIELD_LABELS["lead_unit"], coerce=optional_int)
    cooperating_unit_ids = MultiCheckboxField(FIELD_LABELS["cooperating_units"], coerce=int)
    milestone_1 = TextAreaField(_l("By the end of the first quarter"), validators=[length_of(Milestone.target)])
    milestone_2 = TextAreaField(_l("By the end of the second quarter"), validators=[length_of(Milestone.target)])
    milestone_3 = TextAreaField(_l("By the end of the third quarter"), validators=[length_of(Milestone.target)])
    milestone_4 = TextAreaField(_l("By the end of the year"), validators=[length_of(Milestone.target)])

    @classmethod
    def for_project(cls, *, plan, project=None, **kwargs):
        """The form with the plan's parts, the round's categories and the units; filled from `project` when given."""
        round = plan.round
        form = cls(obj=project, **kwargs)
        form.category_id.choices = options([(c.id, c.name) for c in round.categories], blank=_l("— choose —"))
        form.part_id.choices = options([(p.id, p.title) for p in plan.parts], blank=_l("— none —"))
        if not plan.parts:
            del form.part_id
        units = unit_choices(include=project.lead_unit_id if project else None)
        form.lead_unit_id.choices = options(units, blank=_l("— choose —"))
        leaders = leader_choices(include=project.lead_leader_id if project else None)
        form.lead_leader_id.choices = options(leaders, blank=_l("— no account —"))
        form.cooperating_unit_ids.choices = options(units)
        if project is None:
            del form.lock_version
        elif not form.is_submitted():
            form.cooperating_unit_ids.data = [unit.id for unit in project.cooperating_units]
            for milestone in project.milestones:
                form[f"milestone_{milestone.quarter}"].data = milestone.target
        return form

    def changed_rows(self, after: dict) -> list[tuple[str, str]]:
        """The milestones, recorded together as they then stood, shown by quarter."""
        rows = {name: value for name, value in after.items() if name != "milestones"}
        if "milestones" in after:
            rows |= {f"milestone_{quarter}": after["milestones"].get(str(quarter), "") for quarter in QUARTERS}
        return super().changed_rows(rows)

    def fields(self) -> dict:
        return {
            name: self[name].data
            for name in ("title", "part_id", "category_id", "origin", "problem", "principles", "content")
            + ("innovation", "goals", "lead_leader_id", "lead_leader", "lead_unit_id")
            if name in self
        }

    def milestones(self) -> dict[int, str]:
        return {quarter: self[f"milestone_{quarter}"].data or "" for quarter in QUARTERS}


class PlanForm(Form):
    """A new plan (one named list) of a round."""

    title = StringField(
        _l("Title of the plan"),
        validators=[DataRequired(), length_of(Plan.title)],
        description=_l("E.g. 区委全面深化改革委员会2023年工作要点, or 2023年改革攻坚“点题”项目"),
    )
    from_selection = BooleanField(
        _l("Make a key project of each selected proposal not yet in another plan of the round"),
        description=_l("Leave it unticked for a list of tasks handed down, which you enter one by one."),
    )

    @classmethod
    def for_round(cls, round, plans, **kwargs):
        """The form to add a plan: the first is titled as the round and takes the selection by default; a round
        without solicitation has no selection to take."""
        form = cls(**kwargs)
        if not round.solicits:
            del form.from_selection
        elif not form.is_submitted():
            form.from_selection.data = not plans
        if not form.is_submitted() and not plans:
            form.title.data = round.title
        return form


class ApprovalForm(VersionedForm):
    """审议通过: the meeting that approved the plan, and its date; with the plan's version its page showed, which
    the plan's other moves send too."""

    change_labels = {
        "status": (_l("Status"), lambda value: PlanStatus(value).label),
        "version": (_l("Version"), None),
        "report_day": (_l("Reports fall due on this day of each quarter's last month"), None),
    }

    meeting = StringField(
        _l("Meeting"),
        validators=[DataRequired(), length_of(Plan.meeting)],
        description=_l("E.g. 区委全面深化改革领导小组第十三次会议"),
    )
    approved_on = DateField(_l("Date of the meeting"), validators=[DataRequired()])
    document_number = StringField(
        FIELD_LABELS["document_number"],
        validators=[length_of(Plan.document_number)],
        description=_l("Optional: under the issuing organ at the head of the published document (深龙改办〔2017〕3号)"),
    )


class PlanLayoutForm(VersionedForm):
    """How the plan numbers its projects where it has parts, and whether 送审稿 needs lead district leaders."""

    numbering = SelectField(FIELD_LABELS["numbering"], coerce=enum_coerce(Numbering))
    requires_lead_leader = BooleanField(
        FIELD_LABELS["requires_lead_leader"],
        description=_l("Leave it off where the plan names no lead district leaders, only lead units."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.numbering.choices = options(Numbering.choices())  # in the reader's language


class PartForm(Form):
    title = StringField(_l("Part (板块)"), validators=[DataRequired(), length_of(PlanPart.title)])


class ProgressForm(Form):
    """The lead unit's quarterly report; a project broken into tasks gives each task's share instead of its own."""

    percent = IntegerField(_l("Share done (percent)"), validators=[InputRequired(), NumberRange(min=0, max=100)])
    status = SelectField(_l("Status"), coerce=enum_coerce(ProgressStatus), validators=[DataRequired()])
    achievements = TextAreaField(_l("Achievements"), validators=[length_of(ProgressReport.achievements)])
    problems = TextAreaField(_l("Problems met"), validators=[length_of(ProgressReport.problems)])
    next_steps = TextAreaField(_l("Next steps"), validators=[length_of(ProgressReport.next_steps)])
    file = MultipleFileField(
        _l("Add files"), description=_l("Optional: minutes, photos, documents issued (PDF, Word, Excel or images).")
    )
    remove_files = MultiCheckboxField(_l("Take off these files"), coerce=int)

    @classmethod
    def for_report(cls, project, report=None, previous=None, **kwargs):
        """The form for `project`'s report; task shares start from `report`, else the quarter before (`previous`)."""

        class Form(cls):
            pass

        for task in project.tasks:
            description = _l("Weight %(weight)s · due in quarter %(q)s", weight=task.weight, q=task.due_quarter)
            field = IntegerField(task.title, [InputRequired(), NumberRange(min=0, max=100)], description=description)
            setattr(Form, f"task_{task.id}", field)
        if project.tasks:
            Form.percent = None  # rolled up from the tasks
        form = Form(obj=report, **kwargs)
        form.status.choices = options(ProgressStatus.choices())
        form.remove_files.choices = [(file.id, file.filename) for file in report.attachments] if report else []
        if not form.is_submitted():
            source = report if report and report.task_progress else previous
            recorded = {row.task_id: row.percent for row in source.task_progress} if source else {}
            for task in project.tasks:
                form[f"task_{task.id}"].data = recorded.get(task.id, 0)
        return form

    def task_percents(self) -> dict[int, int]:
        return {int(name.removeprefix("task_")): f.data for name, f in self._fields.items() if name.startswith("task_")}

    def uploads(self) -> list[tuple[str, bytes]]:
        return chosen_files(self.file)


class TaskForm(Form):
    """One task of a key project's work plan (任务分解)."""

    title = StringField(_l("Task"), validators=[DataRequired(), length_of(Task.title)])
    weight = IntegerField(
        _l("Weight"),
        validators=[InputRequired(), NumberRange(min=1, max=100)],
        default=10,
        description=_l("The task's share of the project: weights need not add up to 100."),
    )
    owner_unit_id = SelectField(_l("Owner unit (责任单位)"), coerce=optional_int)
    due_quarter = SelectField(_l("Due by the end of"), coerce=int)

    @classmethod
    def for_task(cls, project, task=None, **kwargs):
        form = cls(obj=task, **kwargs)
        if task is None and not form.is_submitted():
            form.owner_unit_id.data = project.lead_unit_id
        form.owner_unit_id.choices = options(unit_choices(include=form.owner_unit_id.data), blank=_l("— choose —"))
        form.due_quarter.choices = [(q, _l("Quarter %(q)s", q=q)) for q in QUARTERS]
        return form


class ReturnReportForm(Form):
    comment = TextAreaField(_l("What to add or change"), validators=[Length(max=5000)])


class AssessmentRowForm(wtforms.Form):
    """考核 of one key project: one row of the plan's assessment table (the table's form carries the CSRF token)."""

    rating = SelectField(_l("Rating"), coerce=enum_coerce(Rating), choices=options(Rating.choices(), blank="—"))
    evaluation = TextAreaField(_l("Evaluation"), validators=[length_of(KeyProject.evaluation)])
    replicable = BooleanField(_l("Experience worth replicating (可复制推广)"))

    def assessment(self) -> Assessment:
        return Assessment(self.rating.data, self.evaluation.data or "", self.replicable.data)


class AssessmentForm(Form):
    """考核 of a plan: one row a key project (`k<id>`), saved together."""

    @classmethod
    def for_plan(cls, plan, **kwargs):
        """The table of `plan`'s key projects, each row filled from its project until the form is sent."""

        class Table(cls):
            pass

        for project in plan.projects:
            setattr(Table, f"k{project.id}", FormField(AssessmentRowForm, label=str(project)))
        return Table(data={f"k{p.id}": {name: getattr(p, name) for name in ASSESSMENT_FIELDS} for p in plan.projects})

    def row(self, project) -> AssessmentRowForm:
        return self[f"k{project.id}"]

    def assessments(self) -> dict[int, Assessment]:
        return {
            int(name.removeprefix("k")): field.form.assessment()
            for name, field in self._fields.items()
            if name.startswith("k")
        }


class LedProjectFilterForm(FilterForm):
    """The filters of a district leader's page of the key projects they lead."""

    plan = SelectField(_l("Plan"), coerce=optional_int)
    behind = SelectField(
        _l("Behind"),
        coerce=optional_bool,
        choices=options([("yes", _l("Behind only")), ("no", _l("Not behind"))], blank=_l("All")),
    )

    @classmethod
    def for_plans(cls, plans):
        form = cls()
        form.plan.choices = options([(plan.id, plan.title) for plan in plans], blank=_l("All"))
        return form

    def matches(self, row) -> bool:
        """Whether a project led (plan.queries.LedProject) passes the filters."""
        return self.plan.data in (None, row.project.plan_id) and self.behind.data in (None, row.behind)
