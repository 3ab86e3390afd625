"""GET /health: whether this server can do its work — its database answers and its search index keeps up —
and how the mail outbox fares (figures only: a mail server down must not take this server out of rotation).

For load balancers and monitoring: JSON, 200 when every check passes and 503 when one fails, never rate
limited and never setting a cookie. A failure names its kind only; the details go to the log.
"""

import logging
import time

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from core.mail import outbox_figures
from extensions import db, limiter
from search_index.backend import IndexUnreadable
from search_index.queries import age_of, queue_backlog, queue_stale
from search_index.services import ask_for_rebuild, probe

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)


def _database() -> dict:
    db.session.execute(text("SELECT 1"))
    return {}


def _search() -> dict:
    backlog = queue_backlog()
    age = round(age_of(backlog["oldest_at"]), 1)
    # Changes that could not be applied are shown, not failed on: the queue goes on past them.
    figures = {
        "backend": current_app.config["SEARCH_BACKEND"],
        "queue_age_seconds": age,
        "failed_changes": backlog["failed"],
    }
    try:
        probe()  # a word no document holds: the backend answers through its index without counting
    except IndexUnreadable:
        log.exception("the search index cannot be read: a rebuild is queued")
        ask_for_rebuild()
        return figures | {"status": "error", "error": "index_rebuilding"}
    if queue_stale(age):
        return figures | {"status": "error", "error": "queue_stale"}
    return figures


def _mail() -> dict:
    # Messages waiting, retrying and given up, and how long the most overdue has waited past its time: a queue
    # that no worker delivers (or one stuck) shows as a growing overdue_seconds.
    return outbox_figures()


CHECKS = {"database": _database, "search": _search, "mail": _mail}


def _run(name: str, check) -> dict:
    started = time.perf_counter()
    try:
        result = {"status": "ok"} | check()
    except Exception as error:  # a check that fails is the answer, not a crash
        log.exception("health check %s failed", name)
        db.session.rollback()
        result = {"status": "error", "error": type(error).__name__}
    return result | {"ms": round((time.perf_counter() - started) * 1000, 1)}


@bp.get("/health")
@limiter.exempt
def health():
    """Report each check's status and figures: 200 when all pass, 503 when one fails."""
    checks = {name: _run(name, check) for name, check in CHECKS.items()}
    healthy = all(result["status"] == "ok" for result in checks.values())
    response = jsonify(status="ok" if healthy else "error", checks=checks)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
