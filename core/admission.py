"""Which waiting request a server process runs next: the one whose answer is due first.

Under a full load every request waits for those ahead of it. First come, first served, a resident who pressed
"send" waits behind every page load queued before; so each request is given a deadline, its arrival plus the
budget of its kind (a POST, someone waiting to know that what they sent is kept: 0.1 s; a page: 1 s), and the
process runs `slots` requests at a time (one by default), the earliest deadline first. A page still goes first
once it has waited 0.9 s longer than a POST behind it, so nothing waits for ever.

It needs requests waiting inside the process to choose among: gunicorn's threaded worker, whose threads park
here, off the interpreter lock, while one runs (gunicorn.conf.py wraps each worker's application). With one
thread a process there is never a choice.

A threaded worker keeps telling gunicorn it is alive however long a request takes, so gunicorn's timeout no
longer ends a request that hangs; here it would hold the slot and the process with it. So once a request has
held its slot `stuck_after` seconds while another waits, `on_stuck` is called (gunicorn.conf.py ends the
process, and gunicorn starts a new one, as it does to a sync worker past its timeout).
"""

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable

BUDGETS = {"POST": 0.1}  # seconds; every other method: DEFAULT_BUDGET
DEFAULT_BUDGET = 1.0

log = logging.getLogger(__name__)


class EarliestDeadlineFirst:
    """WSGI middleware: at most `slots` requests in the application at once, the rest wait by deadline."""

    def __init__(
        self,
        app,
        slots: int = 1,
        stuck_after: float | None = None,
        on_stuck: Callable[[], None] | None = None,
    ):
        self.app = app
        self.slots = slots
        self.waiting: list[tuple[float, int, threading.Lock]] = []  # heap of (deadline, arrival order, baton)
        self.order = itertools.count()
        self.lock = threading.Lock()
        self.held_since: dict[int, float] = {}  # slot holder (arrival order) -> when it took the slot
        self.stuck_after, self.on_stuck = stuck_after, on_stuck

    @property
    def free(self) -> int:
        return self.slots - len(self.held_since)

    def __call__(self, environ, start_response):
        ticket = self._enter(time.monotonic() + BUDGETS.get(environ.get("REQUEST_METHOD"), DEFAULT_BUDGET))
        try:
            body = self.app(environ, start_response)
        except BaseException:
            self._leave(ticket)
            raise
        # A streamed body is still being made while the server reads it: the slot is given back on close().
        return _Released(body, lambda: self._leave(ticket))

    def _enter(self, deadline: float) -> int:
        ticket = next(self.order)
        with self.lock:
            if self.free:
                self.held_since[ticket] = time.monotonic()
                return ticket
            baton = threading.Lock()
            baton.acquire()
            heapq.heappush(self.waiting, (deadline, ticket, baton))
        # released by _leave, which hands over its slot (and has marked this request its holder)
        while not baton.acquire(timeout=self.stuck_after or -1):
            self._check_stuck()
        return ticket

    def _leave(self, ticket: int) -> None:
        with self.lock:
            del self.held_since[ticket]
            if self.waiting:
                _, next_ticket, baton = heapq.heappop(self.waiting)
                self.held_since[next_ticket] = time.monotonic()
                baton.release()

    def _check_stuck(self) -> None:
        with self.lock:
            now = time.monotonic()
            held = now - min(self.held_since.values(), default=now)
        if held >= self.stuck_after:
            log.error("a request has held this server process %.0f s while others wait", held)
            if self.on_stuck is not None:
                self.on_stuck()


class _Released:
    """A response body that gives the slot back once the server has closed it (exactly once)."""

    def __init__(self, body, release: Callable[[], None]):
        self.body, self.release = body, release

    def __iter__(self):
        return iter(self.body)

    def close(self):
        try:
            if hasattr(self.body, "close"):
                self.body.close()
        finally:
            release, self.release = self.release, None
            if release is not None:
                release()
