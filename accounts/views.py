"""Login and logout, one's own password, and the office's pages for users, units, the audit log and the mail
that could not be delivered."""

import math
from datetime import UTC, datetime
from functools import partial

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import format_time
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from accounts import devices, imports, password_links, queries, services
from accounts.audit_text import describe, describe_events
from accounts.errors import AccountError
from accounts.forms import (
    ApiTokenFilterForm,
    ApiTokenForm,
    AuditFilterForm,
    ChangePasswordForm,
    LoginForm,
    MailFilterForm,
    PasswordResetForm,
    SiteSettingsForm,
    TodoDigestForm,
    UnitFilterForm,
    UnitForm,
    UserFilterForm,
    UserForm,
)
from accounts.models import ApiToken, Unit, User
from accounts.permissions import (
    login_required,
    office_required,
)
from core.errors import DomainError
from core.forms import ImportForm, form_status, show_error
from core.imports import run_import, template_response
from core.lists import list_or_export
from core.mail import undelivered_mail
from core.negotiation import retry_after_seconds
from core.storage import download_response
from core.urls import safe_next
from extensions import db, limiter

bp = Blueprint("accounts", __name__)
# Every page's foot names the organiser and the contact, and the home page the district and its emblem.
bp.add_app_template_global(queries.site)


def _login_username() -> str:
    """The throttling key of the account a login names, so guesses spread over many addresses still slow down.

    A browser that has logged in to that account before is counted apart: strangers' failures do not keep it out.
    """
    username = request.form.get("username", "").strip().lower()[:64]
    return ("login-known:" if devices.is_known(username) else "login-user:") + username


def _login_failed(response) -> bool:
    """Only a refused login counts against the limits: colleagues behind one address log in freely."""
    return response.status_code != 302


def _login_breach(limit):
    """Too many failed logins: the login page again, with the name typed, saying when to try again."""
    wait = retry_after_seconds(limit)
    form = LoginForm()
    form.form_errors.append(
        _(
            "Too many failed login attempts. Try again after %(time)s (in about %(minutes)s minutes).",
            time=format_time(datetime.fromtimestamp(limit.reset_at, UTC), "short"),
            minutes=math.ceil(wait / 60),
        )
    )
    response = make_response(render_template("accounts/login.html", form=form), 429)
    response.headers["Retry-After"] = str(wait)
    return response


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"], deduct_when=_login_failed, on_breach=_login_breach
)
@limiter.limit(
    lambda: current_app.config["LOGIN_USERNAME_RATE_LIMIT"],
    key_func=_login_username,
    methods=["POST"],
    deduct_when=_login_failed,
    on_breach=_login_breach,
)
def login():
    """Log a staff member in."""
    if current_user.is_authenticated:
        return redirect(url_for("core.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(username=form.username.data, password=form.password.data)
        except AccountError as error:
            show_error(form, error)
        else:
            login_user(user)
            devices.remember(user)
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            return redirect(safe_next(request.args.get("next")) or url_for("core.index"))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    """Log out, ending the session on the server too."""
    if current_user.is_authenticated:
        services.log_out(user=current_user._get_current_object())
    logout_user()
    flash(_("You have logged out, here and on your other devices."), "info")
    return redirect(url_for("core.index"))


@bp.route("/password/<token>", methods=["GET", "POST"])
def set_password(token):
    """Set one's password from the link mailed with an imported account (no login: the link is the proof)."""
    user = password_links.user_for_token(token)
    form = PasswordResetForm()
    if user is not None and form.validate_on_submit():
        try:
            services.set_password_by_link(token=token, new_password=form.new_password.data)
        except AccountError as error:
            show_error(form, error)
        else:
            flash(_("Your password is set: log in with it."), "success")
            return redirect(url_for("accounts.login"))
    page = render_template("accounts/password_set.html", form=form, user=user)
    return page, 404 if user is None else form_status(form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's own password; other sessions end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(
                user=current_user, current_password=form.current_password.data, new_password=form.new_password.data
            )
        except AccountError as error:
            show_error(form, error)
        else:
            # The session id changed with the password; keep this one. The user itself, not the proxy: a
            # proxy stored as the request's user would resolve to itself on the next look.
            login_user(current_user._get_current_object())
            devices.remember(current_user)  # the browser that set the new password still knows the account
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("core.index"))
    digest_form = TodoDigestForm(formdata=None, todo_digest=current_user.todo_digest)
    return render_template("accounts/password_change.html", form=form, digest_form=digest_form)


@bp.post("/account/todo-digest")
@login_required
def todo_digest():
    """Turn one's own mail of what waits on or off."""
    form = TodoDigestForm()
    if form.validate_on_submit():
        services.set_todo_digest(user=current_user, enabled=form.todo_digest.data)
        flash(
            _("Saved: you get the mail of what waits.")
            if form.todo_digest.data
            else _("Saved: no mail of what waits."),
            "success",
        )
    return redirect(url_for("accounts.change_password"))


USER_COLUMNS = [
    (_l("Username"), lambda u: u.username),
    (_l("Full name"), lambda u: u.display_name),
    (_l("Role"), lambda u: u.role.label),
    (_l("Unit"), lambda u: u.unit.name if u.unit else ""),
    (_l("Email"), lambda u: u.email),
    (_l("Status"), lambda u: _("Active") if u.active else _("Deactivated")),
    (_l("Last login"), lambda u: u.last_login_at),
]


@bp.get("/admin/users")
@office_required
def user_list():
    """List users, filtered, or export them."""
    filters = UserFilterForm()
    query = queries.users(
        q=filters.q.data or "", role=filters.role.data, unit_id=filters.unit.data, active=filters.active.data
    )
    return list_or_export(
        query,
        filename="users",
        columns=USER_COLUMNS,
        subject=_("Users"),
        template="accounts/user_list.html",
        filters=filters,
    )


@bp.route("/admin/users/new", methods=["GET", "POST"])
@office_required
def user_create():
    """Create a staff account."""
    form = UserForm.for_user()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                actor=current_user,
                username=form.username.data,
                display_name=form.display_name.data,
                role=form.role.data,
                unit_id=form.unit_id.data,
                email=form.email.data,
                password=form.password.data,
            )
        except AccountError as error:
            show_error(form, error)
        else:
            flash(_("User %(name)s created.", name=user.display_name), "success")
            return redirect(url_for("accounts.user_list"))
    return render_template("accounts/user_form.html", form=form, user=None)


@bp.route("/admin/users/<int:user_id>/edit", methods=["GET", "POST"])
@office_required
def user_edit(user_id):
    """Edit a user's name, role, unit and email."""
    user = db.get_or_404(User, user_id)
    form = UserForm.for_user(user)
    if form.validate_on_submit():
        try:
            services.update_user(
                actor=current_user,
                user=user,
                username=form.username.data,
                display_name=form.display_name.data,
                role=form.role.data,
                unit_id=form.unit_id.data,
                email=form.email.data,
            )
        except AccountError as error:
            show_error(form, error)
        else:
            flash(_("User %(name)s saved.", name=user.display_name), "success")
            return redirect(url_for("accounts.user_list"))
    return render_template("accounts/user_form.html", form=form, user=user, reset_form=PasswordResetForm())


@bp.post("/admin/users/<int:user_id>/active")
@office_required
def user_set_active(user_id):
    """Deactivate or reactivate a user."""
    user = db.get_or_404(User, user_id)
    active = request.form.get("active") == "1"
    try:
        services.set_user_active(actor=current_user, user=user, active=active)
    except AccountError as error:
        flash(error.message, "error")
    else:
        flash(
            _("%(name)s activated.", name=user.display_name)
            if active
            else _("%(name)s deactivated.", name=user.display_name),
            "success",
        )
    return redirect(url_for("accounts.user_edit", user_id=user.id))


@bp.route("/admin/users/<int:user_id>/password", methods=["POST"])
@office_required
def user_reset_password(user_id):
    """Set a new password for a user."""
    user = db.get_or_404(User, user_id)
    reset_form = PasswordResetForm()
    if reset_form.validate_on_submit():
        try:
            services.reset_password(actor=current_user, user=user, new_password=reset_form.new_password.data)
        except AccountError as error:
            show_error(reset_form, error)
        else:
            flash(_("The password of %(name)s has been reset.", name=user.display_name), "success")
            return redirect(url_for("accounts.user_edit", user_id=user.id))
    return render_template(
        "accounts/user_form.html", form=UserForm.for_user(user), user=user, reset_form=reset_form
    ), 400


UNIT_COLUMNS = [
    (_l("Name"), lambda u: u.name),
    (_l("Kind"), lambda u: u.kind.label),
    (_l("Status"), lambda u: _("Active") if u.active else _("Deactivated")),
]


@bp.get("/admin/units")
@office_required
def unit_list():
    """List units, filtered, or export them."""
    filters = UnitFilterForm()
    query = queries.units(q=filters.q.data or "", kind=filters.kind.data, active=filters.active.data)
    return list_or_export(
        query,
        filename="units",
        columns=UNIT_COLUMNS,
        subject=_("Units"),
        template="accounts/unit_list.html",
        filters=filters,
        of_page=lambda page: {"counts": queries.user_counts([unit.id for unit in page.items])},
    )


@bp.route("/admin/units/new", methods=["GET", "POST"])
@bp.route("/admin/units/<int:unit_id>/edit", methods=["GET", "POST"])
@office_required
def unit_form(unit_id=None):
    """Create a unit or edit one."""
    unit = db.get_or_404(Unit, unit_id) if unit_id else None
    form = UnitForm(obj=unit)
    if form.validate_on_submit():
        try:
            if unit is None:
                unit = services.create_unit(actor=current_user, name=form.name.data, kind=form.kind.data)
            else:
                services.update_unit(actor=current_user, unit=unit, name=form.name.data, kind=form.kind.data)
        except AccountError as error:
            show_error(form, error)
        else:
            flash(_("Unit %(name)s saved.", name=unit.name), "success")
            return redirect(url_for("accounts.unit_list"))
    return render_template("accounts/unit_form.html", form=form, unit=unit)


@bp.post("/admin/units/<int:unit_id>/active")
@office_required
def unit_set_active(unit_id):
    """Deactivate or reactivate a unit."""
    unit = db.get_or_404(Unit, unit_id)
    active = request.form.get("active") == "1"
    services.set_unit_active(actor=current_user, unit=unit, active=active)
    flash(_("%(name)s activated.", name=unit.name) if active else _("%(name)s deactivated.", name=unit.name), "success")
    return redirect(url_for("accounts.unit_form", unit_id=unit.id))


TOKEN_COLUMNS = [
    (_l("What it is for"), lambda t: t.name),
    (_l("Account"), lambda t: str(t.user)),
    (_l("Created"), lambda t: t.created_at),
    (_l("Last used"), lambda t: t.last_used_at),
    (_l("Rate limit"), lambda t: t.rate_limit or _("API default")),
    (_l("Status"), lambda t: _("Revoked") if t.revoked else _("In use")),
]


@bp.get("/admin/tokens")
@office_required
def api_token_list():
    """List the API tokens other systems use, filtered, or export them."""
    filters = ApiTokenFilterForm()
    query = queries.api_tokens(q=filters.q.data or "", user_id=filters.user.data, revoked=filters.revoked.data)
    return list_or_export(
        query,
        filename="api-tokens",
        columns=TOKEN_COLUMNS,
        subject=_("API tokens"),
        template="accounts/api_token_list.html",
        filters=filters,
    )


@bp.route("/admin/tokens/new", methods=["GET", "POST"])
@office_required
def api_token_create():
    """Make an API token for an account and show it, once."""
    form = ApiTokenForm.for_new_token()
    if form.validate_on_submit():
        user = db.get_or_404(User, form.user_id.data)
        try:
            token = services.create_api_token(
                actor=current_user, user=user, name=form.name.data, rate_limit=form.rate_limit.data or ""
            )
        except AccountError as error:
            show_error(form, error)
        else:
            response = make_response(render_template("accounts/api_token_created.html", token=token, user=user))
            response.headers["Cache-Control"] = "no-store"  # the token is shown once: no copy in a cache
            return response
    return render_template("accounts/api_token_form.html", form=form), form_status(form)


@bp.post("/admin/tokens/<int:token_id>/revoke")
@office_required
def api_token_revoke(token_id):
    """Revoke one API token."""
    api_token = db.get_or_404(ApiToken, token_id)
    services.revoke_api_token(actor=current_user, api_token=api_token)
    flash(_("The token %(name)s is revoked.", name=api_token.name), "success")
    return redirect(url_for("accounts.api_token_list"))


# What each import reads and makes: its service, its template's columns and example, the list it fills.
IMPORTS = {
    "units": (imports.import_units, imports.unit_template, "accounts.unit_list"),
    "users": (imports.import_users, imports.user_template, "accounts.user_list"),
}


@bp.route("/admin/units/import", methods=["GET", "POST"], defaults={"what": "units"})
@bp.route("/admin/users/import", methods=["GET", "POST"], defaults={"what": "users"})
@office_required
def account_import(what):
    """Import units or accounts from a spreadsheet: all rows, or none with a report of each bad row."""
    run, _template, list_endpoint = IMPORTS[what]
    form = ImportForm()
    done, imported, rejected = run_import(form, partial(run, actor=current_user))
    if done:
        flash(_("%(count)d rows imported.", count=len(imported)), "success")
        return redirect(url_for(list_endpoint))
    page = render_template("accounts/import.html", form=form, what=what, list_endpoint=list_endpoint, rejected=rejected)
    return page, form_status(form)


@bp.get("/admin/units/import-template.<fmt>", defaults={"what": "units"})
@bp.get("/admin/users/import-template.<fmt>", defaults={"what": "users"})
@office_required
def account_import_template(what, fmt):
    """Download the import template of units or of accounts, .xlsx or .csv."""
    _run, template, _list = IMPORTS[what]
    columns, example = template()
    return template_response(filename=f"{what}-template", columns=columns, rows=[example], fmt=fmt)


def _changes(event, side: int) -> str:
    """One side (1 before, 2 after) of an event's changes as "label: value" lines, for the export."""
    return "\n".join(f"{change[0]}: {change[side]}" for change in describe(event).changes if change[side])


AUDIT_COLUMNS = [
    (_l("Time"), lambda e: e.created_at),
    (_l("User"), lambda e: str(e.actor) if e.actor else e.source),
    (_l("Event"), lambda e: describe(e).sentence),
    (_l("Action"), lambda e: e.action),
    (_l("Record type"), lambda e: describe(e).record_type),
    (_l("Record number"), lambda e: e.object_id),
    (_l("Record"), lambda e: e.object_label),
    (_l("Before"), lambda e: _changes(e, 1)),
    (_l("After"), lambda e: _changes(e, 2)),
]


@bp.get("/audit")
@office_required
def audit_log():
    """Read the audit log, each event as a sentence, filtered by record, user, action and dates, or export it."""
    filters = AuditFilterForm()
    query = queries.audit_events(
        current_user,
        object_type=filters.object_type.data or "",
        object_id=filters.object_id.data,
        actor_id=filters.actor.data,
        action=(filters.action.data or "").strip(),
        since=filters.since.data,
        until=filters.until.data,
    )
    return list_or_export(
        query,
        filename="audit-log",
        columns=AUDIT_COLUMNS,
        subject=_("Audit log"),
        template="accounts/audit_log.html",
        filters=filters,
        of_page=lambda page: {"texts": describe_events(page.items)},
    )


MAIL_COLUMNS = [
    (_l("Given up"), lambda m: m.failed_at),
    (_l("Queued"), lambda m: m.created_at),
    (_l("Kind"), lambda m: m.kind),
    (_l("Recipient"), lambda m: m.shown_recipient),
    (_l("Subject"), lambda m: m.subject),
    (_l("Attempts"), lambda m: m.attempts),
    (_l("Reason"), lambda m: m.failure.label),
    (_l("Last error"), lambda m: m.shown_error),
]


@bp.get("/admin/mail")
@office_required
def undelivered_mail_list():
    """List the mail given up, with why, filtered, or export it."""
    filters = MailFilterForm()
    query = undelivered_mail(
        q=(filters.q.data or "").strip(), kind=filters.kind.data or "", failure=filters.failure.data
    )
    return list_or_export(
        query,
        filename="undelivered-mail",
        columns=MAIL_COLUMNS,
        subject=_("Undelivered mail"),
        template="accounts/mail_list.html",
        filters=filters,
    )


@bp.route("/admin/site", methods=["GET", "POST"])
@office_required
def site_settings():
    """Set the district's name, emblem, organiser and contact, as the public pages show them."""
    form = SiteSettingsForm(obj=queries.site_settings())
    if form.validate_on_submit():
        try:
            services.update_site_settings(
                actor=current_user,
                district_name=form.district_name.data or "",
                organiser=form.organiser.data or "",
                contact=form.contact.data or "",
                issuing_organ=form.issuing_organ.data or "",
                copied_to=form.copied_to.data or "",
                printed_by=form.printed_by.data or "",
                emblem=form.chosen_emblem(),
                remove_emblem=form.remove_emblem.data,
            )
        except DomainError as error:
            show_error(form, error)
        else:
            flash(_("The site settings are saved."), "success")
            return redirect(url_for("accounts.site_settings"))
    page = render_template("accounts/site_settings.html", form=form)
    return page, form_status(form)


@bp.get("/emblem/<key>")
def emblem(key):
    """The district's emblem, the same for every reader: its address changes with it, so it may be kept for good."""
    site = queries.site()
    if key != site.emblem_key:
        abort(404)
    response = download_response(key, content_type=site.emblem_content_type, filename="emblem", inline=True)
    response.cache_control.no_cache = None  # send_file's default for bytes with no date
    response.cache_control.public, response.cache_control.max_age = True, 365 * 24 * 3600
    response.cache_control.immutable = True
    return response
