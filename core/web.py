"""Small helpers the views of every package share."""

import json
import time
from urllib.parse import urlsplit

from flask import current_app, request, url_for
from flask_limiter import RequestLimit
from sqlalchemy import Select
from wtforms import Form

from core.errors import DomainError, RowsRejected
from extensions import db


def show_error(form: Form, error: DomainError) -> None:
    """Put a refused rule's message on the field it concerns, or on the whole form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
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
    """Return `target` if it is a path on this site, so a login link cannot send users elsewhere."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def paginate(query: Select):
    """Paginate a select of records by the `page` argument with the configured page size."""
    return db.paginate(
        query,
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )


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
    return response


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
