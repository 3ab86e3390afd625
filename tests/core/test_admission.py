"""A server process runs its waiting requests earliest deadline first: a resident's POST before queued pages."""

import threading
import time

import pytest

from core.admission import EarliestDeadlineFirst


class Recorder:
    """A WSGI application that notes which requests ran, in order; a request to /hold waits until let go."""

    def __init__(self):
        self.ran: list[str] = []
        self.holding = threading.Event()
        self.let_go = threading.Event()

    def __call__(self, environ, start_response):
        self.ran.append(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}")
        if environ["PATH_INFO"] == "/hold":
            self.holding.set()
            assert self.let_go.wait(10)
        if environ["PATH_INFO"] == "/fail":
            raise RuntimeError("the view failed")
        start_response("200 OK", [("Content-Type", "text/plain")])
        if environ["PATH_INFO"] == "/stream":
            return (part for part in [b"a", b"b"])
        return [b"ok"]


def request(gate, method: str, path: str):
    body = gate({"REQUEST_METHOD": method, "PATH_INFO": path}, lambda status, headers: None)
    try:
        return b"".join(body)
    finally:
        body.close()


def in_background(gate, method: str, path: str) -> threading.Thread:
    thread = threading.Thread(target=request, args=(gate, method, path), daemon=True)
    thread.start()
    return thread


def wait_until(condition, seconds: float = 5) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


@pytest.fixture
def server_app():
    recorder = Recorder()
    yield recorder
    recorder.let_go.set()


def test_a_post_waiting_behind_pages_runs_before_them(server_app):
    gate = EarliestDeadlineFirst(server_app)
    holder = in_background(gate, "GET", "/hold")
    assert server_app.holding.wait(5)
    pages = [in_background(gate, "GET", f"/page{number}") for number in range(3)]
    wait_until(lambda: len(gate.waiting) == 3)
    sent = in_background(gate, "POST", "/suggest")
    wait_until(lambda: len(gate.waiting) == 4)

    server_app.let_go.set()
    for thread in [holder, *pages, sent]:
        thread.join(5)

    assert server_app.ran == ["GET /hold", "POST /suggest", "GET /page0", "GET /page1", "GET /page2"]


def test_a_page_that_has_waited_long_enough_goes_before_a_later_post(server_app):
    gate = EarliestDeadlineFirst(server_app)
    holder = in_background(gate, "GET", "/hold")
    assert server_app.holding.wait(5)
    page = in_background(gate, "GET", "/page")
    wait_until(lambda: len(gate.waiting) == 1)
    time.sleep(0.95)  # a page's budget is 1 s, a POST's 0.1 s: the page is now due first
    sent = in_background(gate, "POST", "/suggest")
    wait_until(lambda: len(gate.waiting) == 2)

    server_app.let_go.set()
    for thread in [holder, page, sent]:
        thread.join(5)

    assert server_app.ran == ["GET /hold", "GET /page", "POST /suggest"]


def test_only_the_given_number_of_requests_run_at_once(server_app):
    gate = EarliestDeadlineFirst(server_app, slots=2)
    holder = in_background(gate, "GET", "/hold")
    assert server_app.holding.wait(5)
    assert request(gate, "GET", "/page") == b"ok", "the second slot is free"
    waiting = in_background(gate, "GET", "/hold")
    other = in_background(gate, "GET", "/other")
    wait_until(lambda: len(gate.waiting) == 1)
    assert server_app.ran == ["GET /hold", "GET /page", "GET /hold"]

    server_app.let_go.set()
    for thread in [holder, waiting, other]:
        thread.join(5)
    assert server_app.ran[-1] == "GET /other"
    assert gate.free == 2 and not gate.held_since


def test_a_failed_request_gives_its_slot_back(server_app):
    gate = EarliestDeadlineFirst(server_app)
    with pytest.raises(RuntimeError):
        request(gate, "GET", "/fail")
    assert gate.free == 1
    assert request(gate, "GET", "/page") == b"ok"


def test_closing_a_body_twice_gives_the_slot_back_once(server_app):
    gate = EarliestDeadlineFirst(server_app)
    body = gate({"REQUEST_METHOD": "GET", "PATH_INFO": "/page"}, lambda status, headers: None)
    body.close()
    body.close()
    assert gate.free == 1


def test_a_streamed_body_holds_the_slot_until_it_is_closed(server_app):
    gate = EarliestDeadlineFirst(server_app)
    streamed = gate({"REQUEST_METHOD": "GET", "PATH_INFO": "/stream"}, lambda status, headers: None)
    assert next(iter(streamed)) == b"a"
    page = in_background(gate, "GET", "/page")
    wait_until(lambda: len(gate.waiting) == 1)
    assert server_app.ran == ["GET /stream"], "the next request waits while the body is still being read"

    streamed.close()
    page.join(5)
    assert server_app.ran == ["GET /stream", "GET /page"]


def test_a_request_holding_the_process_while_others_wait_is_reported_stuck(server_app, caplog):
    stuck = threading.Event()
    gate = EarliestDeadlineFirst(server_app, stuck_after=0.2, on_stuck=stuck.set)
    holder = in_background(gate, "GET", "/hold")
    assert server_app.holding.wait(5)
    assert not stuck.wait(0.3), "nobody waits: a long request is no one's concern"

    page = in_background(gate, "GET", "/page")
    assert stuck.wait(5)
    assert "a request has held this server process" in caplog.text

    server_app.let_go.set()
    for thread in [holder, page]:
        thread.join(5)
    assert server_app.ran == ["GET /hold", "GET /page"]
