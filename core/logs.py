"""Structured logs: one JSON line per request (a load balancer's polls at debug) and per error, with the request id.

A request id comes from the X-Request-Id header when a trusted proxy is in front (PROXY_COUNT) and it looks like
one, or is made here; the answer echoes it and the error page shows it, so a person can quote it and an operator
find the lines.
Only the request's method, path (never its query or body), status, timing, user id and address are written:
no resident's phone, email or text ever reaches a log.
"""

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, current_app, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-Id"
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{7,63}$")
# The attributes every LogRecord has; the others were passed as `extra` and are written as fields.
STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}

# A load balancer polls these every few seconds: their lines are debug ones unless the server failed.
POLLED_PATHS = frozenset({"/health"})

access_log = logging.getLogger("reform.access")
_plain_record = logging.getLogRecordFactory()


def request_id() -> str:
    """The current request's id (a template global; empty outside a request)."""
    if not has_request_context():
        return ""
    if "request_id" not in g:
        # without a proxy of ours in front the header is the client's own: it must not choose what the logs say
        given = request.headers.get(REQUEST_ID_HEADER, "") if current_app.config["PROXY_COUNT"] else ""
        g.request_id = given if SANE_REQUEST_ID.match(given) else uuid.uuid4().hex
    return g.request_id


def _record_with_request_id(*args, **kwargs) -> logging.LogRecord:
    """A log record that knows the request it was written in, whenever and wherever it is formatted."""
    record = _plain_record(*args, **kwargs)
    if has_request_context():
        record.request_id = request_id()
    return record


class JsonFormatter(logging.Formatter):
    """A record as one JSON object: time, level, logger, message, the request id, fields given as `extra`."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        # the request id is one of these: the record factory adds it to every record written in a request
        entry.update({key: value for key, value in vars(record).items() if key not in STANDARD_ATTRIBUTES})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record comes (a test runner swaps it)."""

    def __init__(self):
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def install_json_logging(level: str = "INFO") -> None:
    """Send every logger's records to standard error as JSON lines (once per process)."""
    root = logging.getLogger()
    if not any(isinstance(handler, StderrHandler) for handler in root.handlers):
        handler = StderrHandler()
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the dev server's own access lines repeat ours


def _start_timer() -> None:
    g.request_started = time.perf_counter()
    request_id()


def _log_request(response):
    """Write the request's line and echo its id."""
    response.headers[REQUEST_ID_HEADER] = request_id()
    started = g.get("request_started")
    user = g.get("_login_user")  # only when the request loaded it: logging never queries the database
    if response.status_code >= 500:
        level = logging.ERROR
    else:
        level = logging.DEBUG if request.path in POLLED_PATHS else logging.INFO
    access_log.log(
        level,
        "%s %s %s",
        request.method,
        request.path,
        response.status_code,
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
            "user_id": user.id if getattr(user, "is_authenticated", False) else None,
            "remote_addr": request.remote_addr,
        },
    )
    return response


def init_app(app: Flask) -> None:
    """Give every request an id and a log line, and write every log as JSON lines (the tests read records)."""
    app.before_request(_start_timer)
    app.after_request(_log_request)
    app.add_template_global(request_id)
    logging.setLogRecordFactory(_record_with_request_id)
    if not app.testing:
        install_json_logging(app.config["LOG_LEVEL"])
