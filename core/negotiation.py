"""How to answer the caller: JSON to a program, and when a client over a rate limit may come back."""

import time

from flask import request
from flask_limiter import RequestLimit


def retry_after_seconds(limit: RequestLimit | None) -> int | None:
    """Seconds until `limit`, broken by this request, lets the client in again; None if it is not broken."""
    if limit is None or not limit.breached:
        return None
    return max(int(limit.reset_at - time.time()), 1)  # reset_at is already rounded up


def wants_json() -> bool:
    """Whether the caller is a program (the JSON API) rather than a browser."""
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.path.startswith("/api/") or (best == "application/json" and not request.accept_mimetypes.accept_html)
