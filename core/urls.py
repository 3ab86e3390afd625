"""Addresses: where a login link may send a user, the current page with other arguments, an address for mail."""

import re
from urllib.parse import urlsplit

from flask import current_app, request, url_for


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
