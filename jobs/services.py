"""Enqueue, claim, run, retry: the one mechanism for background work, and the one worker loop that drains every
queue — the jobs, and the queues registered with `@drain` (the mail outbox, the search index's queue of changes).

A worker claims a job (core/workers.py) before it runs it, so two workers never run the same job; the claim lapses
after CLAIM unless the job reports progress, which renews it, so the jobs of a worker that died run again. A job
that raises is tried again after a backoff that doubles (BACKOFF, 2 × BACKOFF …, at most MAX_BACKOFF) until its
`max_attempts`, then it is failed, with its error, for the office to see and queue again.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, delete, or_, select, update

from accounts import audit
from accounts.models import User
from accounts.permissions import check_office
from core.mail import deliver_pending
from core.models import utcnow
from core.storage import attachment_storage
from core.workers import claim, worker_name
from extensions import db
from jobs.errors import JobError
from jobs.models import Job, JobState

log = logging.getLogger(__name__)
# Far longer than a job takes between two reports of progress; short enough that a dead worker's job runs soon.
CLAIM = timedelta(minutes=10)
BACKOFF = timedelta(seconds=30)
MAX_BACKOFF = timedelta(hours=1)
ERROR_LENGTH = 2000
PURGE_EVERY_SECONDS = 600  # how often a running worker forgets the jobs done long ago

Progress = Callable[..., None]


@dataclass(frozen=True)
class JobKind:
    """A registered kind: the function run with (payload, progress) and how many times it is tried."""

    name: str
    function: Callable[[dict, Progress], dict | None]
    max_attempts: int


KINDS: dict[str, JobKind] = {}


def job(kind: str, *, max_attempts: int = 3):
    """Register the decorated function as the job kind `kind`.

    It is called as `function(payload, progress)` in an app context, `progress(done, total, message="")` saying
    how far it has come (call it between transactions, or where `progress_while_writing()`: it writes on a
    connection of its own). What it returns (JSON; a stored file as `storage_key`, `filename`, `content_type`; a
    `summary` and a table of `columns`, `rows` and `more` shown on the job's page) is kept as the job's result;
    what it raises fails the attempt. It may run more than once (a retry, a worker that died): make it safe to repeat.
    """

    def register(function):
        if kind in KINDS:
            raise ValueError(f"job kind {kind!r} is registered twice")
        KINDS[kind] = JobKind(kind, function, max_attempts)
        return function

    return register


def enqueue(kind: str, payload: dict, *, actor: User | None) -> Job:
    """Queue a job of a registered kind for `actor` (None: the platform's own). Only adds it to the session: the
    calling service commits it with the change it belongs to."""
    registered = KINDS.get(kind)
    if registered is None:
        raise ValueError(f"no job kind {kind!r} is registered")
    queued = Job(
        kind=kind,
        payload=payload,
        state=JobState.queued,
        max_attempts=registered.max_attempts,
        run_after=utcnow(),
        created_by_id=actor.id if actor else None,
    )
    db.session.add(queued)
    db.session.flush()
    return queued


def retry_job(*, actor: User, job: Job) -> Job:
    """Queue a failed job again, with all its attempts before it (audited)."""
    check_office(actor, JobError)
    if job.state is not JobState.failed:
        raise JobError("not_failed")
    shown = ["state", "attempts"]
    before = audit.snapshot(job, shown)
    job.state, job.attempts, job.run_after, job.finished_at = JobState.queued, 0, utcnow(), None
    audit.record(actor=actor, action="job.retry", obj=job, before=before, after=audit.snapshot(job, shown))
    db.session.commit()
    return job


# Running -------------------------------------------------------------------------------------------------


def _due(now):
    """Jobs to run now: queued and their time come, or running with a claim that lapsed."""
    return or_(
        and_(Job.state == JobState.queued, Job.run_after <= now),
        and_(Job.state == JobState.running, Job.claimed_until < now),
    )


def _claim(job_id: int, *, worker: str) -> Job | None:
    """Take the job for this worker, unless another took it first; committed before it runs."""
    now = utcnow()
    return claim(
        Job,
        job_id,
        due=_due(now),
        state=JobState.running,
        claimed_by=worker,
        claimed_until=now + CLAIM,
        attempts=Job.attempts + 1,
        started_at=now,
        progress_done=0,
        progress_message="",
    )


class JobLost(Exception):
    """Another worker holds the job now (this one's claim lapsed): this run stops, changing nothing."""


def _progress(job_id: int, worker: str) -> Progress:
    """The callback a job reports its progress with: written at once for the pages polling it, renewing the claim."""

    def progress(done: int, total: int, message: str = "") -> None:
        with db.engine.begin() as connection:
            kept = connection.execute(
                update(Job)
                .where(Job.id == job_id, Job.state == JobState.running, Job.claimed_by == worker)
                .values(
                    progress_done=done,
                    progress_total=total,
                    progress_message=str(message)[:200],
                    claimed_until=utcnow() + CLAIM,
                )
            ).rowcount
        if kept != 1:
            raise JobLost(job_id)

    return progress


def progress_while_writing() -> bool:
    """Whether a job may report progress while its own transaction has written and is still open.

    PostgreSQL locks the rows written, not the jobs table: the report, on its own connection, is seen at once.
    SQLite has one writer for the whole file: the report would wait for the job's own commit, then time out. A job
    on SQLite reports between its transactions only.
    """
    return db.engine.dialect.name != "sqlite"


def _settle(job_id: int, worker: str, **values) -> bool:
    """Write the outcome of this worker's run, if the job is still its own; commit (or roll back) the run."""
    settled = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == JobState.running, Job.claimed_by == worker)
        .values(claimed_until=None, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if settled == 1:
        db.session.commit()
        return True
    db.session.rollback()  # its files saved meanwhile go with it
    return False


def backoff(attempts: int) -> timedelta:
    """How long a job waits after its `attempts`-th failed attempt: 30 s, 1 min, 2 min … at most an hour."""
    return min(BACKOFF * 2 ** (attempts - 1), MAX_BACKOFF)


def run_job(job: Job, *, worker: str) -> JobState | None:
    """Run a job this worker claimed; return its state after the attempt (None when another worker took it)."""
    job_id, kind, attempts, max_attempts, payload = job.id, job.kind, job.attempts, job.max_attempts, job.payload
    registered = KINDS.get(kind)
    try:
        if registered is None:
            raise LookupError(f"no job kind {kind!r} is registered in this process")
        result = registered.function(dict(payload or {}), _progress(job_id, worker))
    except JobLost:
        db.session.rollback()
        log.warning("job %d was taken over by another worker", job_id)
        return None
    except Exception as error:
        db.session.rollback()
        log.exception("job %d (%s) failed at attempt %d", job_id, kind, attempts)
        error_text = f"{type(error).__name__}: {error}"[:ERROR_LENGTH]
        if attempts >= max_attempts:
            state, values = JobState.failed, {"finished_at": utcnow()}
        else:
            state, values = JobState.queued, {"run_after": utcnow() + backoff(attempts)}
        return state if _settle(job_id, worker, state=state, error=error_text, **values) else None
    done = {"state": JobState.done, "result": result, "error": "", "finished_at": utcnow()}
    return JobState.done if _settle(job_id, worker, **done) else None


def run_pending(*, limit: int = 100) -> dict[JobState, int]:
    """Claim and run the due jobs, oldest first, up to `limit`; count them by the state they ended in."""
    worker = worker_name()
    due = db.session.scalars(select(Job.id).where(_due(utcnow())).order_by(Job.run_after, Job.id).limit(limit))
    counts: dict[JobState, int] = {}
    for job_id in due.all():
        claimed = _claim(job_id, worker=worker)
        if claimed is None:
            continue  # another worker took it
        state = run_job(claimed, worker=worker)
        if state is not None:
            counts[state] = counts.get(state, 0) + 1
    return counts


def purge_done_jobs() -> int:
    """Forget the jobs done more than JOBS_KEEP_DAYS ago, and the files they made; return how many.

    Failed jobs stay, for the office to see and queue again.
    """
    before = utcnow() - timedelta(days=current_app.config["JOBS_KEEP_DAYS"])
    old = list(db.session.scalars(select(Job).where(Job.state == JobState.done, Job.finished_at < before)))
    storage = attachment_storage()
    for done in old:
        if done.download:
            storage.discard(done.download["storage_key"])
    db.session.execute(delete(Job).where(Job.id.in_([done.id for done in old])))
    db.session.commit()
    return len(old)


# The worker loop --------------------------------------------------------------------------------------------

Tick = Callable[[], dict[str, int]]
DRAINS: dict[str, Callable[[], Tick]] = {}


def drain(name: str):
    """Register the decorated function as a queue the worker drains each round, besides the jobs.

    It is called once by each worker, in an app context, and returns the function the worker then calls every
    round: it does one round's work (claiming what it takes, as the jobs do, if several workers may run at once)
    and returns what it did as counts by outcome (`{"sent": 2}`), empty when there was nothing to do.
    """

    def register(start):
        if name in DRAINS:
            raise ValueError(f"drain {name!r} is registered twice")
        DRAINS[name] = start
        return start

    return register


@drain("mail")
def _mail() -> Tick:
    """The outbox (core comes before jobs, so jobs registers it): one batch a round; after a failure of the mail
    server the rest waits for the next round."""

    def deliver() -> dict[str, int]:
        sent, failed = deliver_pending()
        return {outcome: count for outcome, count in (("sent", sent), ("failed", failed)) if count}

    return deliver


def _jobs() -> Tick:
    """The jobs table: every job due, and now and then the forgetting of those done long ago."""
    purged_at = None

    def run() -> dict[str, int]:
        nonlocal purged_at
        if purged_at is None or time.monotonic() - purged_at > PURGE_EVERY_SECONDS:
            purge_done_jobs()
            purged_at = time.monotonic()
        done: dict[str, int] = {}
        while counts := run_pending():
            for state, count in counts.items():
                done[state.value] = done.get(state.value, 0) + count
        return done

    return run


def run_worker(interval: float, *, once: bool = False, report: Callable[[str, dict], None] | None = None) -> None:
    """Every `interval` seconds (once, with `once`), drain each registered queue, then run the due jobs.

    Each round of a queue is on its own: one that fails is logged and the others go on (with `once`, it raises).
    `report(name, counts)` hears what a round did.
    """
    ticks = {name: start() for name, start in DRAINS.items()} | {"jobs": _jobs()}
    while True:
        for name, tick in ticks.items():
            try:
                counts = tick()
            except Exception:  # the loop must outlive a bad moment of the database, the disk or the mail server
                log.exception("the worker's round of %s failed", name)
                if once:
                    raise
            else:
                if counts and report:
                    report(name, counts)
            finally:
                db.session.remove()
        if once:
            return
        time.sleep(interval)


def start_worker_thread(app) -> threading.Thread:
    """The worker as a daemon thread of the server (JOBS_WORKER=thread, the default)."""

    def run():
        with app.app_context():
            run_worker(app.config["JOBS_INTERVAL_SECONDS"])

    thread = threading.Thread(target=run, name="worker", daemon=True)
    thread.start()
    return thread
