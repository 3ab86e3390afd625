"""The home page, the choice of interface language, and the pages of HTTP errors."""

import functools
import logging
from urllib.parse import urlsplit

from babel import Locale
from flask import (
    Blueprint,
    current_app,
    has_request_context,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_translations
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from jinja2 import pass_context
from markupsafe import Markup
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import Conflict, HTTPException

from core.errors import DomainError
from core.logs import request_id
from core.models import discard_changes
from core.negotiation import retry_after_seconds, wants_json
from core.request_input import CONTROL_CHARACTERS
from core.todo import todo_count, todo_for
from core.urls import safe_next
from extensions import limiter

bp = Blueprint("core", __name__)
# Every page's menu counts what waits for the reader; the home page lists it (core.todo).
bp.add_app_template_global(todo_for)
bp.add_app_template_global(todo_count)
log = logging.getLogger(__name__)


@bp.get("/")
def index():
    """Show the home page: what the platform is, and each role's way in."""
    return render_template("core/index.html", user=current_user)


@bp.get("/language/<code>")
def set_language(code):
    """Switch the interface language and go back to the page the reader was on."""
    if code in current_app.config["LANGUAGES"]:
        session["language"] = code
    return redirect(safe_next(request.args.get("next")) or url_for("core.index"))


def select_locale() -> Locale:
    """The reader's chosen language, else the configured default (Chinese)."""
    chosen = session.get("language") if has_request_context() else None
    if chosen not in current_app.config["LANGUAGES"]:
        chosen = current_app.config["BABEL_DEFAULT_LOCALE"]
    return _locale(chosen)


@functools.cache
def _locale(code: str) -> Locale:
    # flask-babel parses a selector's string on every request, and babel then scans its whole list of locales
    # (0.2 ms a request here, an eighth of the home page): hand it a Locale parsed once.
    return Locale.parse(code)


def template_translations() -> dict:
    """Give templates gettext and ngettext bound to the catalogue of the language they are drawn in (a context
    processor).

    flask-babel's, which Jinja holds as globals, look the catalogue up anew on every call (through the request's
    context, the extension and the locale: 12 µs here), and a plan's page translates some 130 texts. These look
    it up once a template, inside force_locale too.
    """
    return _template_gettext(get_translations())


@functools.lru_cache(maxsize=8)  # a catalogue a language and application (tests make many applications)
def _template_gettext(catalogue) -> dict:
    # Jinja's newstyle gettext, as flask-babel installs it: autoescaped, and always formatted with the variables.
    @pass_context
    def gettext(context, string, **variables):
        text = catalogue.ugettext(string)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    @pass_context
    def ngettext(context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        text = catalogue.ungettext(singular, plural, num)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    return {"gettext": gettext, "ngettext": ngettext}


def error_page(error: HTTPException):
    """Answer an HTTP error: JSON for programs, else a page in the reader's language with a way on."""
    if getattr(error, "response", None) is not None:
        return error.response  # a page made for this error by the view (the suggestion form keeps its text)
    code = getattr(error, "code", 500) or 500
    headers = {}
    retry_after = retry_after_seconds(limiter.current_limit) if code == 429 else None
    if retry_after:
        headers["Retry-After"] = str(retry_after)
    if code >= 500:
        discard_changes()  # the failed request's transaction must not take the page down with it
    if wants_json():  # the API's documented shape: {"error": code, "message": text}
        body = {"error": getattr(error, "name", "error").lower().replace(" ", "_"), "message": error.description}
        if retry_after:
            body["retry_after"] = retry_after
        if code >= 500:
            body["request_id"] = request_id()
        return jsonify(body), code, headers
    expired = isinstance(error, CSRFError)  # a form's token no longer holds: show back what it carried
    refused = expired or code == 409  # or the record changed under it: the same
    try:
        page = render_template(
            "errors/error.html",
            code=code,
            retry_after=retry_after,
            back=_way_back(),
            expired=expired,
            typed=_typed() if refused else [],
            form_again=_form_again() if refused else None,
        )
    except Exception:  # the layout reads the database, which may be what failed: say it plainly, not at all
        if code < 500:
            raise
        log.exception("the error page could not be drawn")
        page = f"500 · {request_id()}"
    return page, code, headers


def refusal_page(error: DomainError):
    """Answer a rule's refusal that no view turned into a message on its own page: the message, in the reader's
    language, with the rule's 4xx status (never a 500), and nothing changed."""
    discard_changes()
    if wants_json():
        return jsonify({"error": error.code, "message": error.message}), error.status
    sent = request.method == "POST"  # a form refused as a whole: show back what it carried, as for an expired one
    page = render_template(
        "errors/error.html",
        code=error.status,
        reason=error.message,
        back=_way_back(),
        typed=[CONTROL_CHARACTERS.sub("", value) for value in _typed()] if sent else [],
        form_again=_form_again() if sent else None,
    )
    return page, error.status


def stale_record(error: StaleDataError):
    """Answer a change that another request's change of the same record overtook (the version counter of
    core.models.Versioned; an edit form says so itself): 409, nothing saved, what was sent shown back."""
    discard_changes()
    return error_page(Conflict())


# What a ticked box sends (WTForms' "y", a browser's "on"): nothing the reader typed, so not shown back; nor are
# the CSRF token and the version of the record an edit form was opened at (core.forms.VersionedForm).
TICKED = frozenset({"y", "on"})


def _typed() -> list[str]:
    """What a refused form carried, to show back so none of it is lost (never a password, never re-sent)."""
    return [
        value
        for name, value in request.form.items(multi=True)
        if name is not None  # a part without a name is no field anyone typed in
        and value.strip()
        and value not in TICKED
        and name not in (current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), "lock_version")
        and "password" not in name
    ]


def _form_again() -> str | None:
    """The refused form's own page, when its address shows one (not a button's action)."""
    if request.url_rule is None or "GET" not in request.url_rule.methods:
        return None
    return request.full_path if request.query_string else request.path


def _way_back() -> str | None:
    """The page of this site the reader came from, to offer as the way back."""
    if not request.referrer:
        return None
    parts = urlsplit(request.referrer)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    if parts.netloc != request.host or parts.path == request.path:
        return None
    return safe_next(target)
