"""Forms for rounds, categories and proposals, and the filters of their lists."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, StopValidation

from accounts.models import UnitKind
from accounts.queries import unit_choices
from core import clock
from core.forms import (
    FilterForm,
    Form,
    MultiCheckboxField,
    VersionedForm,
    email_address,
    enum_coerce,
    length_of,
    optional_bool,
    optional_int,
    options,
)
from solicitation.models import (
    Category,
    Channel,
    Proposal,
    ProposalStatus,
    RejectReason,
    Round,
    RoundStatus,
    Suggestion,
    SuggestionStatus,
    Topic,
    TopicStatus,
)
from solicitation.presets import preset_choices
from solicitation.queries import topic_choices
from solicitation.services.suggestions import BulkChoice


def _required_when_soliciting(form, field):
    """A round that solicits needs its solicitation and review dates; one of tasks handed down may leave them."""
    plan_only = getattr(form, "plan_only", None)
    if field.data is None and not (plan_only is not None and plan_only.data):
        raise StopValidation(_l("This field is required."))


class RoundForm(VersionedForm):
    change_labels = {"status": (_l("Status"), lambda value: RoundStatus(value).label)}

    year = IntegerField(_l("Plan year"), validators=[DataRequired(), NumberRange(min=2000, max=2100)])
    title = StringField(_l("Title"), validators=[DataRequired(), length_of(Round.title)])
    description = TextAreaField(_l("Description"), validators=[Optional(), length_of(Round.description)])
    plan_only = BooleanField(
        _l("Tasks handed down only (无征集): no solicitation or review; the round starts drafting its plans"),
        description=_l("Its solicitation and review dates may stay empty."),
    )
    solicitation_opens = DateField(_l("Solicitation opens"), validators=[_required_when_soliciting, Optional()])
    solicitation_closes = DateField(_l("Solicitation closes"), validators=[_required_when_soliciting, Optional()])
    review_deadline = DateField(_l("Review deadline"), validators=[_required_when_soliciting, Optional()])
    plan_date = DateField(_l("Plan date"), validators=[DataRequired()])
    category_preset = SelectField(_l("Categories to start with"), validators=[Optional()])

    @classmethod
    def for_round(cls, round=None):
        """The form to create a round (with a category preset to pick) or to edit one."""
        form = cls(obj=round)
        if round is None:
            form.category_preset.choices = options(preset_choices(), blank=_l("None: I will add them"))
            if not form.is_submitted():
                form.year.data = clock.today().year + 1
            del form.lock_version
        else:
            del form.category_preset, form.plan_only
        return form

    def round_fields(self) -> dict:
        """What creating and editing a round both take from the form, as the services' keywords."""
        return {
            "year": self.year.data,
            "title": self.title.data,
            "description": self.description.data or "",
            "solicitation_opens": self.solicitation_opens.data,
            "solicitation_closes": self.solicitation_closes.data,
            "review_deadline": self.review_deadline.data,
            "plan_date": self.plan_date.data,
        }


class TopicForm(Form):
    title = StringField(_l("Problem to solve"), validators=[DataRequired(), length_of(Topic.title)])
    category_id = SelectField(_l("Field"), coerce=optional_int)
    problem = TextAreaField(
        _l("What goes wrong today"),
        validators=[length_of(Topic.problem)],
        description=_l("What the research visits and talks found, for units to answer."),
    )
    expected_result = TextAreaField(_l("Expected result"), validators=[length_of(Topic.expected_result)])

    @classmethod
    def for_round(cls, round, topic=None):
        form = cls(obj=topic)
        form.category_id.choices = options([(c.id, c.name) for c in round.categories], blank=_l("— choose —"))
        return form


class TopicFilterForm(FilterForm):
    q = SearchField(_l("Search"))
    status = SelectField(
        _l("Status"), choices=lambda: options(TopicStatus.choices(), blank=_l("All")), coerce=enum_coerce(TopicStatus)
    )
    category_id = SelectField(_l("Field"), coerce=optional_int)

    @classmethod
    def for_round(cls, round):
        form = cls()
        form.category_id.choices = options([(c.id, c.name) for c in round.categories], blank=_l("All"))
        return form


class TransitionForm(Form):
    # The confirmation page of one move sends its status as `target`, once the office ticks `confirm`.
    target = SelectField(
        choices=lambda: options(RoundStatus.choices()), coerce=enum_coerce(RoundStatus), validators=[DataRequired()]
    )
    confirm = BooleanField(
        _l("I have read what this move does"),
        validators=[DataRequired(_l("Tick the box to confirm the move: nothing has changed yet."))],
    )


class CategoryForm(Form):
    name = StringField(_l("Category name"), validators=[DataRequired(), length_of(Category.name)])
    description = TextAreaField(_l("Description"), validators=[Optional(), length_of(Category.description)])


class CategoryPresetForm(Form):
    preset = SelectField(_l("Category set"), choices=lambda: options(preset_choices()), validators=[DataRequired()])


class RoundFilterForm(FilterForm):
    q = SearchField(_l("Search"))
    status = SelectField(
        _l("Status"), choices=lambda: options(RoundStatus.choices(), blank=_l("All")), coerce=enum_coerce(RoundStatus)
    )


class ProposalForm(VersionedForm):
    change_labels = {
        "status": (_l("Status"), lambda value: ProposalStatus(value).label),
        "cooperating_units": (_l("Cooperating units"), None),
    }

    title = StringField(_l("Project title"), validators=[DataRequired(), length_of(Proposal.title)])
    category_id = SelectField(_l("Category"), coerce=optional_int)
    topic_id = SelectField(
        _l("Topic it answers (点题)"),
        coerce=optional_int,
        description=_l("One of the problems the reform office set in this round, or none."),
    )
    background = TextAreaField(
        _l("Background and the problem it solves"),
        validators=[length_of(Proposal.background)],
        description=_l("立项背景: “为解决……问题”: what goes wrong today, for whom, and why."),
    )
    content = TextAreaField(
        _l("Reform content"),
        validators=[length_of(Proposal.content)],
        description=_l("What will change: the measures, the rules, the steps."),
    )
    innovation = TextAreaField(
        _l("Innovation and leadership"),
        validators=[length_of(Proposal.innovation)],
        description=_l("创新性和领先性: what is new, compared with the city, the province, the country."),
    )
    goals = TextAreaField(
        _l("Goals and expected results"),
        validators=[length_of(Proposal.goals)],
        description=_l("改革目标及预计成效: measurable where possible."),
    )
    cooperating_unit_ids = MultiCheckboxField(_l("Cooperating units"), coerce=int)
    contact_name = StringField(_l("Contact person"), validators=[length_of(Proposal.contact_name)])
    contact_phone = StringField(_l("Contact phone"), validators=[length_of(Proposal.contact_phone)])

    @classmethod
    def for_proposal(cls, *, round, unit_id: int, proposal=None):
        """The proposal form with the round's categories and the other units as cooperating units."""
        form = cls(obj=proposal)
        form.category_id.choices = options(
            [(category.id, category.name) for category in round.categories], blank=_l("— choose —")
        )
        form.cooperating_unit_ids.choices = options([(uid, name) for uid, name in unit_choices() if uid != unit_id])
        # The topics open to answer, and the one the proposal answers even once withdrawn; none: no choice.
        topics = [
            t
            for t in topic_choices(round.id)
            if t.status is TopicStatus.published or (proposal and t.id == proposal.topic_id)
        ]
        if topics:
            form.topic_id.choices = options([(topic.id, topic.title) for topic in topics], blank=_l("None"))
        else:
            del form.topic_id
        if proposal is None:
            del form.lock_version
        elif not form.is_submitted():
            form.cooperating_unit_ids.data = [unit.id for unit in proposal.cooperating_units]
        return form

    @classmethod
    def label_of(cls, name: str) -> str:
        """The label of a field, without a form instance."""
        return str(getattr(cls, name).args[0])

    def proposal_fields(self) -> dict:
        """The values the services take, by field name."""
        names = ["title", "category_id", "background", "content", "innovation", "goals", "contact_name"]
        fields = {name: self[name].data for name in [*names, "contact_phone"]}
        if "topic_id" in self:
            fields["topic_id"] = self.topic_id.data
        return fields


class RecordedProposalForm(ProposalForm):
    """A proposal a unit sent outside the platform, which the office records with the date the unit sent it."""

    unit_id = SelectField(_l("Proposing unit"), coerce=optional_int, validators=[DataRequired()])
    submitted_on = DateField(_l("Submitted by the unit on"), validators=[DataRequired()])

    @classmethod
    def for_round(cls, round):
        form = cls.for_proposal(round=round, unit_id=None)
        form.unit_id.choices = options(unit_choices(), blank=_l("— choose —"))
        return form


class ReturnProposalForm(Form):
    reason = TextAreaField(
        _l("Why it is returned"),
        validators=[DataRequired(), Length(max=5000)],
        description=_l("The unit reads this and revises the proposal."),
    )


class AttachmentForm(Form):
    file = FileField(_l("File"), validators=[FileRequired()])

    @classmethod
    def with_limit(cls, max_bytes: int):
        form = cls()
        form.file.description = _l("PDF, Word, Excel or an image, at most %(mb)s MB.", mb=max_bytes // (1024 * 1024))
        return form


class LateSubmissionForm(Form):
    unit_id = SelectField(_l("Unit"), coerce=optional_int, validators=[DataRequired()])
    until = DateField(_l("May submit until"), validators=[DataRequired()])

    @classmethod
    def with_units(cls):
        form = cls()
        form.unit_id.choices = options(unit_choices(), blank=_l("— choose —"))
        return form


class ProposalFilterForm(FilterForm):
    q = SearchField(_l("Search"))
    unit = SelectField(_l("Unit"), coerce=optional_int)
    unit_kind = SelectField(_l("Unit kind"), coerce=enum_coerce(UnitKind))
    category = SelectField(_l("Category"), coerce=optional_int)
    status = SelectField(_l("Status"), coerce=enum_coerce(ProposalStatus))

    @classmethod
    def for_round(cls, round, *, office: bool):
        form = cls()
        form.unit.choices = options(unit_choices(), blank=_l("All"))
        form.unit_kind.choices = options(UnitKind.choices(), blank=_l("All"))
        form.category.choices = options([(c.id, c.name) for c in round.categories], blank=_l("All"))
        form.status.choices = options(ProposalStatus.choices(), blank=_l("All"))
        if not office:  # a unit sees only its own proposals: unit filters mean nothing to it
            del form.unit
            del form.unit_kind
        return form


class SuggestionForm(Form):
    """A resident's suggestion; a phone is the first screen it is made for."""

    title = StringField(_l("Title"), validators=[DataRequired(), length_of(Suggestion.title)])
    content = TextAreaField(
        _l("Your reform need or suggestion"),
        validators=[DataRequired(), length_of(Suggestion.content)],
        description=_l("What should change, where, and why. At most 5000 characters."),
    )
    category_id = SelectField(_l("Field (optional)"), coerce=optional_int)
    location = StringField(_l("Place (optional)"), validators=[length_of(Suggestion.location)])
    contact_name = StringField(_l("Your name (optional)"), validators=[length_of(Suggestion.contact_name)])
    contact_phone = TelField(_l("Phone (optional)"), validators=[length_of(Suggestion.contact_phone)])
    contact_email = EmailField(
        _l("Email (optional)"),
        validators=[Optional(), email_address, length_of(Suggestion.contact_email)],
        description=_l("We write to you when your suggestion is answered."),
    )
    consent = BooleanField(
        _l(
            "I agree that the reform office uses my contact details only to handle this suggestion; "
            "they are never published."
        )
    )
    # A honeypot: hidden from people by the stylesheet (and from screen readers and the Tab key), filled in by robots.
    website = StringField(
        _l("Leave this field empty"), validators=[Length(max=0)], render_kw={"tabindex": "-1", "autocomplete": "off"}
    )

    @classmethod
    def for_round(cls, categories, **kwargs):
        """The form for a round, offering its `categories` (queries.category_choices)."""
        form = cls(**kwargs)
        form.category_id.choices = options(categories, blank=_l("— not sure —"))
        return form

    def suggestion_fields(self) -> dict:
        names = ["title", "content", "category_id", "location", "contact_name", "contact_phone", "contact_email"]
        return {name: self[name].data for name in names}


class OfficeSuggestionForm(SuggestionForm):
    """The office enters a suggestion that came by phone, letter or at a forum."""

    channel = SelectField(_l("Channel"), coerce=enum_coerce(Channel), validators=[DataRequired()])
    received_on = DateField(_l("Received on"), validators=[DataRequired()], default=clock.today)

    @classmethod
    def for_round(cls, categories, **kwargs):
        form = super().for_round(categories, **kwargs)
        form.channel.choices = options([(c.value, c.label) for c in Channel if c is not Channel.batch_import])
        del form.website
        return form


class TrackForm(FilterForm):
    code = StringField(_l("Tracking code"), validators=[DataRequired(), Length(max=30)])


class RejectForm(Form):
    reason = SelectField(_l("Why"), coerce=enum_coerce(RejectReason), validators=[DataRequired()])
    reply = TextAreaField(_l("Public reply (optional)"), validators=[Length(max=5000)])

    @classmethod
    def make(cls, **kwargs):
        form = cls(**kwargs)
        form.reason.choices = options(RejectReason.choices(), blank=_l("— choose —"))
        return form


class DuplicateForm(Form):
    original = StringField(_l("Tracking code or number of the original"), validators=[DataRequired(), Length(max=30)])


class ReferForm(Form):
    unit_id = SelectField(_l("Unit"), coerce=optional_int, validators=[DataRequired()])
    note = TextAreaField(_l("Note for the unit"), validators=[Length(max=2000)])

    @classmethod
    def make(cls, **kwargs):
        form = cls(**kwargs)
        form.unit_id.choices = options(unit_choices(), blank=_l("— choose —"))
        return form


class DraftProposalForm(Form):
    """Turn a suggestion into a draft proposal; the office chooses the unit, a unit drafts for itself."""

    unit_id = SelectField(_l("Proposing unit"), coerce=optional_int)

    @classmethod
    def for_suggestion(cls, suggestion, **kwargs):
        form = cls(**kwargs)
        form.unit_id.choices = options(unit_choices(), blank=_l("— choose —"))
        if not form.is_submitted():
            form.unit_id.data = suggestion.referred_unit_id
        return form


class LinkProposalsForm(Form):
    proposal_ids = MultiCheckboxField(_l("Proposals it fed into"), coerce=int)

    @classmethod
    def for_suggestion(cls, suggestion, proposals, **kwargs):
        form = cls(**kwargs)
        form.proposal_ids.choices = options([(p.id, f"{p.id} · {p.title}（{p.unit.name}）") for p in proposals])
        if not form.is_submitted():
            form.proposal_ids.data = [p.id for p in suggestion.proposals]
        return form


class DecideForm(Form):
    adopted = RadioField(
        _l("Decision"),
        choices=lambda: options([("yes", _l("Adopt")), ("no", _l("Do not adopt"))]),
        validators=[DataRequired()],
    )
    reply = TextAreaField(
        _l("Public reply"),
        validators=[Length(max=5000)],
        description=_l("Required when the suggestion is not adopted. The resident reads it with the tracking code."),
    )
    publish_reply = BooleanField(_l("Publish the reply now (otherwise it is held for a bulk publication)"))


class AnswerForm(Form):
    answer = TextAreaField(_l("The unit's answer"), validators=[DataRequired(), Length(max=5000)])


class SuggestionFilterForm(FilterForm):
    q = SearchField(_l("Search (title, text or tracking code)"))
    status = SelectField(_l("Status"), coerce=enum_coerce(SuggestionStatus))
    channel = SelectField(_l("Channel"), coerce=enum_coerce(Channel))
    category = SelectField(_l("Category"), coerce=optional_int)
    held = SelectField(_l("Reply"), coerce=optional_bool)

    @classmethod
    def for_round(cls, round):
        form = cls()
        form.status.choices = options(SuggestionStatus.choices(), blank=_l("All"))
        form.channel.choices = options(Channel.choices(), blank=_l("All"))
        form.category.choices = options([(c.id, c.name) for c in round.categories], blank=_l("All"))
        form.held.choices = options([("yes", _l("Held, not yet published"))], blank=_l("All"))
        return form


class BulkTriageForm(Form):
    """One triage action for the suggestions chosen on the list (or all those matching its filter), with what the
    action needs; the service refuses a missing one."""

    all_matching = BooleanField(_l("All suggestions matching the filter, on every page"))
    action = SelectField(_l("Action"))
    reason = SelectField(_l("Why not accepted"), coerce=enum_coerce(RejectReason))
    reply = TextAreaField(_l("Public reply"), validators=[Length(max=5000)], render_kw={"rows": 2})
    unit_id = SelectField(_l("Refer to unit"), coerce=optional_int)
    note = TextAreaField(_l("Note for the unit"), validators=[Length(max=2000)], render_kw={"rows": 2})
    original = StringField(_l("Tracking code or number of the original"), validators=[Length(max=30)])
    proposal_id = SelectField(_l("Proposal"), coerce=optional_int)

    @classmethod
    def for_round(cls, proposals, **kwargs):
        """The form with the actions, the reasons, the active units and the round's linkable `proposals`."""
        form = cls(**kwargs)
        actions = [
            ("accept", _l("Accept (take up)")),
            ("reject", _l("Do not accept, with one reason")),
            ("refer", _l("Refer to a unit")),
            ("duplicate", _l("Merge as duplicates of one original")),
            ("link", _l("Link to a proposal")),
            ("reply", _l("Publish one reply to each")),
        ]
        form.action.choices = options(actions, blank=_l("— choose —"))
        form.reason.choices = options(RejectReason.choices(), blank=_l("— choose —"))
        form.unit_id.choices = options(unit_choices(), blank=_l("— choose —"))
        form.proposal_id.choices = options(
            [(p.id, f"{p.id} · {p.title}（{p.unit.name}）") for p in proposals], blank=_l("— choose —")
        )
        return form

    def action_label(self) -> str:
        """The chosen action, as the form names it."""
        return next((str(choice.label) for choice in self.action.choices if choice.value == self.action.data), "")

    def choice(self) -> BulkChoice:
        """The action as the service takes it."""
        return BulkChoice(
            action=self.action.data or "",
            reason=self.reason.data,
            reply=self.reply.data or "",
            unit_id=self.unit_id.data,
            note=self.note.data or "",
            original=self.original.data or "",
            proposal_id=self.proposal_id.data,
        )


class ThemeFilterForm(FilterForm):
    q = SearchField(_l("Name contains"))
    published = SelectField(_l("On “What we heard”"), coerce=optional_bool)

    @classmethod
    def make(cls):
        form = cls()
        form.published.choices = options([("yes", _l("Published")), ("no", _l("Not published"))], blank=_l("All"))
        return form


class ThemeRenameForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])


class ThemeMergeForm(Form):
    """The round's other themes to merge into this one."""

    other_ids = MultiCheckboxField(_l("Themes to merge into this one"), coerce=int)

    @classmethod
    def for_theme(cls, others, **kwargs):
        form = cls(**kwargs)
        form.other_ids.choices = [(other.id, f"{other.name}（{other.size}）") for other in others]
        return form


class ThemeSplitForm(Form):
    """A name for the new theme the chosen suggestions leave for."""

    new_name = StringField(_l("Name of the new theme"), validators=[DataRequired(), Length(max=80)])


class ThemeMoveForm(Form):
    """Another theme of the round for the chosen suggestions."""

    to_theme = SelectField(_l("Move to theme"), coerce=optional_int, validators=[DataRequired()])

    @classmethod
    def for_theme(cls, others, **kwargs):
        form = cls(**kwargs)
        form.to_theme.choices = options(
            [(other.id, f"{other.name}（{other.size}）") for other in others], blank=_l("— choose —")
        )
        return form


class ThemePublishForm(Form):
    """The name residents read on “What we heard” and the reform office's reply to the theme."""

    # Named apart from the rename and bulk forms' fields on the same page: one id per field.
    public_name = StringField(_l("Public name"), validators=[DataRequired(), Length(max=80)])
    public_reply = TextAreaField(
        _l("The reform office's reply"), validators=[DataRequired(), Length(max=5000)], render_kw={"rows": 4}
    )
