"""Forms for criteria, expert profiles, assignments, conflicts and reviews."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from core.forms import Form, chosen_files, enum_coerce, length_of, optional_bool, optional_int, options
from review.errors import ReviewError
from review.models import (
    Conflict,
    Criterion,
    Decision,
    ExpertProfile,
    Familiarity,
    FieldVisit,
    Recommendation,
    Review,
    Score,
    Screening,
    SuggestionReview,
)


class ScaleLabelsField(TextAreaField):
    """Labels for points of a scale, one per line: "0 不可行", "10 完全可行"; held as {point: label}."""

    LINE = re.compile(r"^\s*(\d{1,3})\s*[=:：、.·\s]\s*(\S.*?)\s*$")

    def _value(self):
        return "\n".join(f"{point} {label}" for point, label in (self.data or {}).items())

    def process_formdata(self, valuelist):
        self.data = {}
        if not valuelist:
            return
        for number, line in enumerate(valuelist[0].splitlines(), start=1):
            if not line.strip():
                continue
            match = self.LINE.match(line)
            if match is None:
                self.data = None
                raise ValueError(_l("Line %(line)d: write the point, then its label, e.g. “0 不可行”.", line=number))
            self.data[int(match[1])] = match[2]


class CriterionForm(Form):
    name = StringField(_l("Criterion"), validators=[DataRequired(), length_of(Criterion.name)])
    description = TextAreaField(_l("Scoring guidance"), validators=[Optional(), length_of(Criterion.description)])
    weight = DecimalField(
        _l("Weight"),
        places=None,
        validators=[InputRequired(), NumberRange(min=0.01, max=1000)],
        description=_l("Weights are shown as percentages of their sum."),
    )
    max_score = IntegerField(_l("Maximum score"), default=10, validators=[InputRequired(), NumberRange(min=1, max=100)])
    scale_labels = ScaleLabelsField(
        _l("Labels of the scale"),
        description=_l("Optional, one point per line: “0 不可行”, “5 基本可行”, “10 完全可行”."),
    )
    # Asked the other way round so that a form posted without the box keeps the criterion counted.
    not_counted = BooleanField(_l("Not counted: scored and shown as a column only (e.g. 适合试点?)"))
    veto_at = IntegerField(
        _l("Veto threshold"),
        validators=[Optional(), NumberRange(min=0, max=100)],
        description=_l("Optional: a score at or below it raises a flag in the ranking, e.g. 可行性 ≤ 1."),
    )

    @classmethod
    def for_criterion(cls, criterion):
        form = cls(obj=criterion)
        if not form.is_submitted():
            form.not_counted.data = not criterion.counted
        return form

    def criterion_fields(self) -> dict:
        """What the criterion services take, from the form."""
        return {
            "name": self.name.data,
            "description": self.description.data or "",
            "weight": float(self.weight.data),
            "max_score": self.max_score.data,
            "scale_labels": self.scale_labels.data or {},
            "counted": not self.not_counted.data,
            "veto_at": self.veto_at.data,
        }


class ExpertProfileForm(Form):
    institution = StringField(
        _l("Institution"),
        validators=[length_of(ExpertProfile.institution)],
        description=_l("For an expert from outside the district's units."),
    )
    expertise = StringField(
        _l("Fields of expertise"),
        validators=[length_of(ExpertProfile.expertise)],
        description=_l("E.g. 民生事业、城市建设"),
    )
    max_load = IntegerField(
        _l("Most proposals at once"), default=10, validators=[InputRequired(), NumberRange(min=0, max=500)]
    )


class AssignForm(Form):
    proposal_id = IntegerField(widget=HiddenInput(), validators=[DataRequired()])
    expert_id = SelectField(_l("Expert"), coerce=optional_int, validators=[DataRequired()])

    @classmethod
    def with_experts(cls, experts, **kwargs):
        form = cls(**kwargs)
        form.expert_id.choices = options([(e.id, e.display_name) for e in experts], blank=_l("— choose —"))
        return form


class ConflictForm(AssignForm):
    proposal_id = SelectField(_l("Proposal"), coerce=optional_int, validators=[DataRequired()])
    reason = StringField(_l("Reason"), validators=[DataRequired(), length_of(Conflict.reason)])

    @classmethod
    def with_choices(cls, experts, proposals, **kwargs):
        form = cls.with_experts(experts, **kwargs)
        form.proposal_id.choices = options([(p.id, f"{p.id} · {p.title}") for p in proposals], blank=_l("— choose —"))
        return form


class AbstainForm(Form):
    reason = StringField(_l("Why you must abstain"), validators=[Length(max=500)])


class ReviewForm(Form):
    """The review of one proposal; a score field (and comment) per criterion is added by for_criteria()."""

    comment = TextAreaField(_l("Overall comment (点评)"), validators=[length_of(Review.comment)])
    recommendation = SelectField(_l("Recommendation"), coerce=enum_coerce(Recommendation))
    familiarity = SelectField(_l("Familiarity with the subject"), coerce=enum_coerce(Familiarity))

    @classmethod
    def for_criteria(cls, criteria, review=None):
        """A form class with score_<id> and note_<id> for each criterion, bound to the request or the review."""

        class Bound(cls):
            pass

        for criterion in criteria:
            setattr(
                Bound,
                f"score_{criterion.id}",
                SelectField(
                    criterion.name,
                    coerce=optional_int,
                    choices=options(
                        [(v, criterion.point_label(v)) for v in range(criterion.max_score, -1, -1)],
                        blank=_l("— score —"),
                    ),
                    description=criterion.description,
                ),
            )
            setattr(
                Bound,
                f"note_{criterion.id}",
                StringField(_l("Comment on %(name)s", name=criterion.name), validators=[length_of(Score.comment)]),
            )
        form = Bound(obj=review)
        form.recommendation.choices = options(Recommendation.choices(), blank=_l("— choose —"))
        form.familiarity.choices = options(Familiarity.choices(), blank=_l("— choose —"))
        if review is not None and not form.is_submitted():
            for score in review.scores:
                form[f"score_{score.criterion_id}"].data = score.value
                form[f"note_{score.criterion_id}"].data = score.comment
        form.criteria = criteria
        return form

    def scores(self) -> dict[int, tuple[int | None, str]]:
        return {c.id: (self[f"score_{c.id}"].data, self[f"note_{c.id}"].data or "") for c in self.criteria}


class CutLineForm(Form):
    cut_line = IntegerField(
        _l("Cut line: the top"),
        validators=[Optional(), NumberRange(min=1, max=10000)],
        description=_l("Proposals ranked above it by the mean; a decision against it needs a reason."),
    )
    cut_percent = IntegerField(
        _l("or the top, in percent"),
        validators=[Optional(), NumberRange(min=1, max=100)],
        description=_l("A share of the reviewed proposals instead of a number."),
    )


class ReviewSettingsForm(CutLineForm):
    reviewers_per_proposal = IntegerField(
        _l("Reviewers per proposal"), validators=[InputRequired(), NumberRange(min=1, max=20)]
    )
    trim_extremes = BooleanField(
        _l("Drop the highest and lowest total from five reviews on (去掉一个最高分和一个最低分)")
    )
    blind = BooleanField(_l("Blind review: experts see neither the proposing unit nor its contacts"))


class FieldVisitForm(Form):
    visited_on = DateField(_l("Date of the visit"), validators=[DataRequired()])
    place = StringField(_l("Place"), validators=[DataRequired(), length_of(FieldVisit.place)])
    people_met = StringField(_l("People met"), validators=[length_of(FieldVisit.people_met)])
    findings = TextAreaField(_l("Findings"), validators=[DataRequired(), length_of(FieldVisit.findings)])
    file = MultipleFileField(_l("Files (photos, minutes)"), description=_l("Optional: PDF, Word, Excel or images."))

    def uploads(self) -> list[tuple[str, bytes]]:
        return chosen_files(self.file)


class DecisionForm(Form):
    decision = SelectField(_l("Decision"), coerce=enum_coerce(Decision), validators=[DataRequired()])
    merged_into_id = SelectField(_l("Merged into"), coerce=optional_int)
    reason = TextAreaField(
        _l("Reason"),
        validators=[length_of(Screening.reason)],
        description=_l("Required when the decision goes against the cut line. The unit reads it once published."),
    )

    @classmethod
    def for_proposal(cls, proposal, others, screening=None, **kwargs):
        form = cls(obj=screening, **kwargs)
        form.decision.choices = options(Decision.choices(), blank=_l("— choose —"))
        form.merged_into_id.choices = options(
            [(p.id, f"{p.id} · {p.title}") for p in others if p.id != proposal.id], blank=_l("— none —")
        )
        return form


class BulkDecisionForm(Form):
    """One decision, or 入围, for the proposals ticked in the ranking or for the rest below the cut line.

    The messages of bad input are the service's own (ReviewError), so the page refuses before the confirmation
    step with the words the service would use.
    """

    SHORTLIST = "shortlist"
    CHOSEN, BELOW_CUT = "chosen", "below_cut"

    proposal_ids = SelectMultipleField(_l("Proposals"), coerce=optional_int, validate_choice=False)
    action = SelectField(_l("What to do"))
    merged_into_id = SelectField(_l("Merged into"), coerce=optional_int, validate_choice=False)
    reason = TextAreaField(
        _l("Reason"),
        validators=[length_of(Screening.reason)],
        description=_l(
            "One reason for every proposal of the selection; the units read it once published. Needed only against "
            "the cut line: 入选 below it or 未入选 above it."
        ),
    )
    # which button was pressed: the ticked proposals, or every proposal below the cut line without a decision
    scope = HiddenField(default=CHOSEN)
    confirmed = HiddenField()

    @classmethod
    def for_round(cls, proposals, **kwargs):
        form = cls(**kwargs)
        form.action.choices = options(
            [(cls.SHORTLIST, _l("Shortlist (入围)"))] + [(d.value, d.label) for d in Decision],
            blank=_l("— choose —"),
        )
        form.merged_into_id.choices = options([(p.id, f"{p.id} · {p.title}") for p in proposals], blank=_l("— none —"))
        if form.below_cut:
            form.action.data = Decision.not_selected.value
        return form

    @property
    def below_cut(self) -> bool:
        return self.scope.data == self.BELOW_CUT

    @property
    def decision(self) -> Decision | None:
        try:
            return Decision(self.action.data)
        except ValueError:  # 入围, nothing chosen, or a value the select does not offer (its own check says so)
            return None

    def validate_proposal_ids(self, field):
        field.data = [value for value in field.data or [] if value is not None]
        if not self.below_cut and not field.data:
            raise ValidationError(ReviewError("nothing_selected").message)

    def validate_action(self, field):
        if not field.data:
            raise ValidationError(_l("Choose what to do with the selection."))

    def validate_merged_into_id(self, field):
        if self.decision not in (Decision.merged, Decision.duplicate):
            field.data = None
        elif field.data is None:
            raise ValidationError(ReviewError("merge_target_required").message)
        elif field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(ReviewError("merge_target_not_in_round").message)


class StageDatesForm(Form):
    discussion_until = DateField(_l("Panel discussion until"), validators=[Optional()])
    decision_until = DateField(_l("Office decision until"), validators=[Optional()])


class SuggestionReviewForm(Form):
    """The short form of a suggestion's screening; the score's choices follow the round's scale."""

    score = SelectField(_l("Score"), coerce=optional_int, validators=[InputRequired()])
    comment = TextAreaField(_l("Comment"), validators=[length_of(SuggestionReview.comment)])
    worth_a_project = RadioField(
        _l("Worth turning into a reform project?"),
        coerce=optional_bool,
        choices=options([("yes", _l("Yes")), ("no", _l("No"))]),
        validators=[InputRequired()],
    )

    @classmethod
    def for_scale(cls, scale, screening=None, **kwargs):
        form = cls(obj=screening, **kwargs)
        form.score.choices = options([(v, str(v)) for v in range(scale, -1, -1)], blank=_l("— score —"))
        form.score.description = _l("0 to %(scale)s, on the round's scale.", scale=scale)
        return form
