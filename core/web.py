"""Small helpers the views of every package share."""

import json
import re
import time
from urllib.parse import urlsplit

from flask import current_app, flash, g, request, url_for
from flask_limiter import RequestLimit
from flask_login import current_user
from sqlalchemy import Select
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter
from wtforms import Form

from core.errors import DomainError, EditConflict, InputError, RowsRejected
from extensions import db

# The largest integer every supported database keeps in an INTEGER column (PostgreSQL's is 32 bits): ids,
# counts and numbers sent by a client beyond it are refused before a query could overflow.
INT_MAX = 2**31 - 1
# What no text may carry: C0 control characters other than tab and line breaks (PostgreSQL cannot store NUL,
# XML — .docx and .xlsx exports — none of them), lone surrogates and the two non-characters XML forbids.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def show_error(form: Form, error: DomainError) -> None:
    """Put a refused rule's message on the field it concerns, or else at the top of the page; a save refused
    because someone else saved meanwhile also lists their changes (the form is a VersionedForm).

    At the top, not in the form: the page drawn again may not show the form (the plan's approval form appears
    only when approval is the next step), and a refusal nobody sees leaves the reader not knowing what to do.
    """
    field = getattr(form, error.field, None) if error.field else None
    if isinstance(error, EditConflict):  # every versioned form's page draws its errors, with the changes listed
        form.show_conflict(error)
        form.form_errors.append(error.message)
    elif field is not None:
        field.errors = [*field.errors, error.message]
    else:
        flash(error.message, "error")
    form.refused_status = error.status


def form_status(form: Form) -> int:
    """The status of a page showing `form`: 200 before it is sent, then 400, or what a refused rule says (413)."""
    if not form.is_submitted():
        return 200
    return getattr(form, "refused_status", 400)


def run_import(form, run) -> tuple[bool, object, RowsRejected | None]:
    """Validate an upload form and run `run(filename=…, data=…)`, all rows or none.

    Returns (done, what `run` returned, the refusal listing bad rows, if that was the outcome); a file refused
    as a whole puts its message on the form.
    """
    if not form.validate_on_submit():
        return False, None, None
    upload = form.file.data
    try:
        return True, run(filename=upload.filename or "", data=upload.read()), None
    except RowsRejected as rejected:
        return False, None, rejected
    except DomainError as error:
        show_error(form, error)
        return False, None, None


def retry_after_seconds(limit: RequestLimit | None) -> int | None:
    """Seconds until `limit`, broken by this request, lets the client in again; None if it is not broken."""
    if limit is None or not limit.breached:
        return None
    return max(int(limit.reset_at - time.time()), 1)  # reset_at is already rounded up


def safe_next(target: str | None) -> str | None:
    """Return `target` if it is a path on this site, so a login link cannot send users elsewhere.

    No control character either (a line break would split the redirect's header) and no backslash (browsers
    read `/\\host` as `//host`, another site).
    """
    if not target or re.search(r"[\x00-\x1f\x7f\\]", target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def stored_int(text: str) -> int:
    """A whole number sent by a client, which an INTEGER column can hold; ValueError otherwise.

    As a `type=` of `request.args.get`, a number out of range reads as absent, like one that is not a number.
    """
    value = int(text)
    if not -INT_MAX - 1 <= value <= INT_MAX:
        raise ValueError(f"{text} is out of range")
    return value


class IdConverter(IntegerConverter):
    """The app's `<int:…>`: an id the database can hold, so a larger number in an address is no page (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=INT_MAX, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def page_number() -> int:
    """The page of a list asked for by `?page=`: 1 when absent, not a number or below 1; past any page a
    list could have, refused as no such page (404)."""
    page = request.args.get("page", 1, type=int)
    if page > INT_MAX:
        raise InputError("no_such_page")
    return max(page, 1)


def paginate(query: Select):
    """Paginate a select of records by the `page` argument with the configured page size."""
    return db.paginate(query, page=page_number(), per_page=current_app.config["PAGE_SIZE"], error_out=False)


def refuse_control_characters() -> None:
    """Refuse a request whose address, query or form carries a control character (a `before_request` hook).

    One check for every text field and filter, before any view reads it: nothing can store it (PostgreSQL
    refuses NUL) or export it, and no person types it.
    """
    sent = [request.path, *(text for pair in request.args.items(multi=True) for text in pair)]
    try:
        sent += [text for pair in request.form.items(multi=True) for text in pair]
        sent += [name for name in request.files] + [upload.filename or "" for upload in request.files.values()]
    except RequestEntityTooLarge:
        pass  # the view reading the form answers 413 with its own page
    if None in sent:  # a multipart part without a name: no page sends one
        raise InputError("unnamed_field")
    if any(CONTROL_CHARACTERS.search(text) for text in sent):
        raise InputError("control_character")


def export_format() -> str | None:
    """The export format asked for by `?export=csv|xlsx`, if any."""
    fmt = request.args.get("export")
    return fmt if fmt in {"csv", "xlsx"} else None


# No inline script or style anywhere: every asset is a vendored file served from /static.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; base-uri 'self'"
)
# No page uses the camera, the microphone, the location or payments; nothing embedded may either.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"
HSTS = "max-age=31536000"


def set_security_headers(response):
    """Add the security headers every answer carries; HSTS only when the site is served over HTTPS."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    if current_app.config["SESSION_COOKIE_SECURE"]:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if _private(response):
        response.headers["Cache-Control"] = "no-store"
    elif _readers_own():
        response.headers.setdefault("Cache-Control", "private")
    return response


def _private(response) -> bool:
    """Whether an answer may hold what only its reader should see, so no browser or proxy may keep a copy.

    That is every answer to a logged-in user or a program with a token (contact details, drafts, reviews),
    every download (an export of contacts) and every answer to a form sent (a refused one shows back the name
    and phone typed). The public pages as anyone gets them, and the site's own files, may be kept (see
    _readers_own for by whom).
    """
    if request.endpoint == "static":
        return False
    return (
        request.method not in {"GET", "HEAD"}
        or response.headers.get("Content-Disposition", "").startswith("attachment")
        or "Authorization" in request.headers
        or current_user.is_authenticated
    )


def _readers_own() -> bool:
    """Whether a page that anyone may get is still this reader's own: it carries their CSRF token (every page
    does, in its head; the suggestion form in its form too), which another reader's session would refuse. Their
    browser may keep it; a shared cache (a reverse proxy) may not hand it to the next reader."""
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token") in g


def wants_json() -> bool:
    """Whether the caller is a program (the JSON API) rather than a browser."""
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.path.startswith("/api/") or (best == "application/json" and not request.accept_mimetypes.accept_html)


def pretty_json(value) -> str:
    """A template filter showing a JSON value as readable text, Chinese kept as is."""
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True)


def url_with(**changes) -> str:
    """The current page's address with some query arguments changed (a template global: export, paging)."""
    view_args = request.view_args or {}
    # a query argument may not override the path's own values or url_for's options (_external …)
    args = {k: v for k, v in request.args.items() if k not in view_args and not k.startswith("_")}
    args.update(changes)
    return url_for(request.endpoint, **view_args, **args)


def external_url(endpoint: str, **values) -> str:
    """An absolute address on the configured PUBLIC_URL, for mail (never taken from a request's Host)."""
    with current_app.test_request_context("/", base_url=current_app.config["PUBLIC_URL"]):
        return url_for(endpoint, _external=True, **values)
