"""A short-lived copy of the public pages as anonymous readers get them.

During a solicitation the public pages (home, 征集情况, the plans, the suggestion form) take most of the
traffic and change rarely, yet drawing one costs about 5 ms of CPU: Jinja, a translated text looked up
some forty times, SQLAlchemy's queries. A page drawn for a reader who is not logged in and has no message
waiting is kept for PUBLIC_PAGE_CACHE_SECONDS, per address and language, and handed to the next such
reader as it is, but for the CSRF token, which is each reader's own (it is put back in on the way out).

A commit in this process that wrote what these pages show empties the copies, so a change is on them at once;
the other server processes' copies age out within the configured seconds (0 turns the copies off). Staff are
logged in, so they always get their own page.
"""

import functools
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from flask import current_app, g, has_app_context, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event
from sqlalchemy.orm import Session

CSRF_PLACEHOLDER = b"\x00csrf-token\x00"  # cannot occur in an HTML page
MAX_PAGES = 256  # addresses kept a process: query strings are the reader's to vary
# What a visitor's session may hold for the page to be the same for everyone (with the language in the key);
# Flask-Login marks an anonymous visitor's session not `_fresh`.
NEUTRAL_SESSION_KEYS = frozenset({"csrf_token", "language", "browser_id", "_fresh"})
# Writes that change no page an anonymous reader gets, and so keep the copies. A new suggestion is not shown
# until the office publishes it; only 征集情况's counts include it at once, and there it may lag by the seconds.
# Residents send several a second at the height of a round: dropping the copies for each would keep none.
UNSEEN_WRITES = frozenset(
    {
        ("suggestions", "insert"),
        ("audit_events", "*"),
        ("outbox_messages", "*"),
        ("search_queue", "*"),
        ("search_documents", "*"),
    }
)


@dataclass(frozen=True)
class Copy:
    body: bytes
    headers: list[tuple[str, str]]
    expires: float


class PageCache:
    """The copies of one application in one process: an LRU of MAX_PAGES, safe across the server's threads."""

    def __init__(self):
        self._copies: OrderedDict[tuple, Copy] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Copy | None:
        with self._lock:
            copy = self._copies.get(key)
            if copy is None:
                return None
            if copy.expires <= time.monotonic():
                del self._copies[key]
                return None
            self._copies.move_to_end(key)
            return copy

    def put(self, key: tuple, copy: Copy) -> None:
        with self._lock:
            self._copies[key] = copy
            self._copies.move_to_end(key)
            while len(self._copies) > MAX_PAGES:
                self._copies.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._copies.clear()


def init_app(app) -> None:
    app.extensions["page_cache"] = PageCache()


def shared_page(view):
    """Serve the view's page from the copy while it is fresh, for readers it is the same for."""

    @functools.wraps(view)
    def serve(**kwargs):
        key = _key()
        if key is None:
            return view(**kwargs)
        cache: PageCache = current_app.extensions["page_cache"]
        copy = cache.get(key)
        if copy is None:
            response = make_response(view(**kwargs))
            if response.status_code != 200 or response.direct_passthrough or session.get("_flashes"):
                return response
            body = response.get_data()
            token = g.get("csrf_token")  # generate_csrf's for this reader, if the page has one
            if token:
                body = body.replace(token.encode(), CSRF_PLACEHOLDER)
            seconds = current_app.config["PUBLIC_PAGE_CACHE_SECONDS"]
            headers = [(name, value) for name, value in response.headers.items() if name != "Content-Length"]
            cache.put(key, Copy(body, headers, time.monotonic() + seconds))
            return response
        body = copy.body
        if CSRF_PLACEHOLDER in body:
            body = body.replace(CSRF_PLACEHOLDER, generate_csrf().encode())
        return current_app.response_class(body, headers=copy.headers)

    return serve


def _key() -> tuple | None:
    """What the page depends on, or None when it may be this reader's own."""
    if not current_app.config["PUBLIC_PAGE_CACHE_SECONDS"] or request.method != "GET":
        return None
    if current_user.is_authenticated or not NEUTRAL_SESSION_KEYS.issuperset(session.keys()):
        return None
    return request.full_path, str(get_locale())


@event.listens_for(Session, "after_flush")
def _wrote(session: Session, _flush_context) -> None:
    written = [(obj, "insert") for obj in session.new] + [(obj, "update") for obj in session.dirty]
    written += [(obj, "delete") for obj in session.deleted]
    if any(not _unseen(obj.__table__.name, kind) for obj, kind in written):
        session.info["page_cache_stale"] = True


@event.listens_for(Session, "do_orm_execute")
def _wrote_in_bulk(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        kind = "insert" if state.is_insert else "update" if state.is_update else "delete"
        if not _unseen(state.statement.table.name, kind):
            state.session.info["page_cache_stale"] = True


def _unseen(table: str, kind: str) -> bool:
    return (table, kind) in UNSEEN_WRITES or (table, "*") in UNSEEN_WRITES


@event.listens_for(Session, "after_commit")
def _forget_copies(session: Session) -> None:
    if session.info.pop("page_cache_stale", False) and has_app_context():
        cache = current_app.extensions.get("page_cache")
        if cache is not None:
            cache.clear()
