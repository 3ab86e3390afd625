"""Forms for login, passwords, users and units, and the filters of their lists."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SearchField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from accounts import queries
from accounts.audit_text import record_type_name
from accounts.models import ApiToken, Role, SiteSettings, Unit, UnitKind, User
from accounts.passwords import MIN_LENGTH
from core.forms import FilterForm, Form, email_address, enum_coerce, length_of, optional_bool, optional_int, options
from core.mail import MailFailure, undelivered_kinds

ALL = _l("All")
PASSWORD_RULES = _l(
    "At least %(min)s characters, with both letters and digits, not containing the username.", min=MIN_LENGTH
)
ACTIVE_OR_NOT = [("yes", _l("Active")), ("no", _l("Deactivated"))]


class LoginForm(Form):
    username = StringField(_l("Username"), validators=[DataRequired(), length_of(User.username)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class NewPasswordMixin:
    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), Length(max=128)],
        description=PASSWORD_RULES,
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new_password", message=_l("The two passwords differ."))],
    )


class PasswordResetForm(NewPasswordMixin, Form):
    pass


class ChangePasswordForm(NewPasswordMixin, Form):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])


class TodoDigestForm(Form):
    todo_digest = BooleanField(
        _l("Mail me what waits for me on a day I do not log in"),
        description=_l("Only when something new waits; never an empty mail."),
    )


class UserForm(Form):
    username = StringField(_l("Username"), validators=[DataRequired(), length_of(User.username)])
    display_name = StringField(_l("Full name"), validators=[DataRequired(), length_of(User.display_name)])
    email = EmailField(_l("Email"), validators=[Optional(), email_address, length_of(User.email)])
    role = SelectField(
        _l("Role"), choices=lambda: options(Role.choices()), coerce=enum_coerce(Role), validators=[DataRequired()]
    )
    unit_id = SelectField(
        _l("Unit"),
        coerce=optional_int,
        description=_l("Required for unit staff; for an expert, the unit they work for, if any."),
    )
    password = PasswordField(
        _l("Initial password"),
        validators=[DataRequired(), Length(max=128)],
        description=PASSWORD_RULES,
    )

    @classmethod
    def for_user(cls, user=None):
        """The form to create a user (user=None) or edit one; editing does not touch the password."""
        form = cls(obj=user)
        form.unit_id.choices = options(
            queries.unit_choices(include=user.unit_id if user else None), blank=_l("— none —")
        )
        if user is not None:
            del form.password
        return form


class UnitForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), length_of(Unit.name)])
    kind = SelectField(
        _l("Kind"),
        choices=lambda: options(UnitKind.choices()),
        coerce=enum_coerce(UnitKind),
        validators=[DataRequired()],
    )


class ApiTokenForm(Form):
    user_id = SelectField(_l("Account"), coerce=optional_int, validators=[DataRequired()])
    name = StringField(
        _l("What it is for"),
        validators=[DataRequired(), length_of(ApiToken.name)],
        description=_l("The system that will use it, e.g. 12345 hotline or WeChat back end."),
    )
    rate_limit = StringField(
        _l("Rate limit"),
        validators=[Optional(), length_of(ApiToken.rate_limit)],
        description=_l("Calls allowed per period, e.g. 600/hour or 10 per minute; empty: the API's default."),
    )

    @classmethod
    def for_new_token(cls):
        """The form with the active accounts to choose from."""
        form = cls()
        form.user_id.choices = options(queries.user_choices(active=True), blank=_l("— choose —"))
        return form


class ApiTokenFilterForm(FilterForm):
    q = SearchField(_l("Search"))
    user = SelectField(_l("Account"), coerce=optional_int)
    revoked = SelectField(
        _l("Status"),
        choices=lambda: options([("no", _l("In use")), ("yes", _l("Revoked"))], blank=ALL),
        coerce=optional_bool,
    )

    def __init__(self):
        super().__init__()
        self.user.choices = options(queries.user_choices(), blank=ALL)


class UserFilterForm(FilterForm):
    q = SearchField(_l("Search"))
    role = SelectField(_l("Role"), choices=lambda: options(Role.choices(), blank=ALL), coerce=enum_coerce(Role))
    unit = SelectField(_l("Unit"), coerce=optional_int)
    active = SelectField(_l("Status"), choices=lambda: options(ACTIVE_OR_NOT, blank=ALL), coerce=optional_bool)

    def __init__(self):
        super().__init__()
        self.unit.choices = options(queries.unit_choices(), blank=ALL)


class UnitFilterForm(FilterForm):
    q = SearchField(_l("Search"))
    kind = SelectField(_l("Kind"), choices=lambda: options(UnitKind.choices(), blank=ALL), coerce=enum_coerce(UnitKind))
    active = SelectField(_l("Status"), choices=lambda: options(ACTIVE_OR_NOT, blank=ALL), coerce=optional_bool)


class AuditFilterForm(FilterForm):
    object_type = SelectField(_l("Record type"))
    object_id = IntegerField(_l("Record number"), validators=[Optional()])
    actor = SelectField(_l("User"), coerce=optional_int)
    action = StringField(_l("Action"))
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])

    def __init__(self):
        super().__init__()
        types = [(name, record_type_name(name)) for name in queries.audit_object_types()]
        self.object_type.choices = options(types, blank=ALL)
        self.actor.choices = options(queries.user_choices(), blank=ALL)


class MailFilterForm(FilterForm):
    q = SearchField(_l("Address or subject"))
    kind = SelectField(_l("Kind"))
    failure = SelectField(
        _l("Reason"), choices=lambda: options(MailFailure.choices(), blank=ALL), coerce=enum_coerce(MailFailure)
    )

    def __init__(self):
        super().__init__()
        self.kind.choices = options([(kind, kind) for kind in undelivered_kinds()], blank=ALL)


class SiteSettingsForm(Form):
    district_name = StringField(
        _l("District name"),
        validators=[length_of(SiteSettings.district_name)],
        description=_l("Shown at the top of the home page, e.g. 深圳市龙岗区. Left empty: the server's setting."),
    )
    emblem = FileField(
        _l("Emblem"),
        description=_l("A PNG or JPEG image of at most 1 MB, shown beside the district's name. SVG is not accepted."),
    )
    remove_emblem = BooleanField(_l("Remove the emblem"))
    organiser = StringField(
        _l("Organiser (主办单位)"),
        validators=[length_of(SiteSettings.organiser)],
        description=_l("Shown at the foot of every page, e.g. 中共深圳市龙岗区委全面深化改革领导小组办公室."),
    )
    contact = StringField(
        _l("Contact"),
        validators=[length_of(SiteSettings.contact)],
        description=_l("Shown at the foot of every page: a telephone number, an address or an email address."),
    )
    issuing_organ = StringField(
        _l("Issuing organ (发文机关)"),
        validators=[length_of(SiteSettings.issuing_organ)],
        description=_l(
            "In red at the head of the plan's and the bulletins' Word and PDF documents, and their signature. "
            "Left empty: the organiser."
        ),
    )
    copied_to = StringField(
        _l("Copied to (抄送)"),
        validators=[length_of(SiteSettings.copied_to)],
        description=_l("At the end of the official documents, e.g. 区委办，区政府办，区人大办，区政协办。"),
    )
    printed_by = StringField(
        _l("Printed by (印发机关)"),
        validators=[length_of(SiteSettings.printed_by)],
        description=_l("At the end of the official documents, before the date. Left empty: the issuing organ."),
    )

    def chosen_emblem(self) -> tuple[str, bytes] | None:
        """The emblem file chosen, as (name, bytes); None when none was."""
        chosen = self.emblem.data
        return (chosen.filename, chosen.read()) if getattr(chosen, "filename", "") else None
