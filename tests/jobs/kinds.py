"""Kinds of job the tests register: what each run saw and did is kept in the lists below."""

import threading

from jobs.services import job

RAN: list[tuple[int, int]] = []  # (payload's n, the thread that ran it), test.record
SEEN: list = []  # what test.watched's `watch` callbacks returned while the job ran
WATCHERS: list = []  # callbacks test.watched calls halfway
TWO_AT_ONCE = threading.Barrier(2)  # test.record's first job in each thread waits here for the other thread's
_started = threading.local()


@job("test.record")
def record(payload, progress):
    """Note who ran it; with `together`, a thread's first job waits until another thread is running one too."""
    if payload.get("together") and not getattr(_started, "done", False):
        _started.done = True
        TWO_AT_ONCE.wait(timeout=10)
    RAN.append((payload["n"], threading.get_ident()))
    return {"n": payload["n"]}


@job("test.watched")
def watched(payload, progress):
    """Count to 2, letting the watchers look at the job halfway."""
    progress(1, 2, "halfway")
    SEEN.extend(watch() for watch in WATCHERS)
    progress(2, 2, "counted")
    return {"counted": 2}


@job("test.fails", max_attempts=3)
def fails(payload, progress):
    """Fail every time."""
    progress(0, 10, "starting")
    raise RuntimeError("the printer is on fire")
