"""Keeping the index true: apply the queue, rebuild, check; and the office's domain terms."""

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable

from flask import current_app
from sqlalchemy import delete, func, select

from accounts import audit
from accounts.models import Role, User
from core.models import utcnow
from extensions import db
from plan.models import KeyProject, ProgressReport
from search_index import analysis
from search_index.backend import Backend, IndexBusy
from search_index.documents import KINDS, all_ids, count, documents, keys_of
from search_index.errors import SearchError
from search_index.models import REBUILD, SearchQueue, SearchTerm
from search_index.queue import queue_rebuild

log = logging.getLogger(__name__)
BATCH = 500


def backend() -> Backend:
    """The configured backend of this app, made once per process."""
    found = current_app.extensions.get("search_backend")
    if found is None:
        if current_app.config["SEARCH_BACKEND"] == "postgresql":
            from search_index.postgres_backend import PostgresBackend

            found = PostgresBackend(exact_up_to=current_app.config["SEARCH_EXACT_COUNTS_UP_TO"])
        else:
            from search_index.whoosh_backend import WhooshBackend

            found = WhooshBackend(current_app.config["SEARCH_INDEX_DIR"])
        current_app.extensions["search_backend"] = found
    return found


# The domain terms ---------------------------------------------------------------------------------------


def domain_terms() -> list[str]:
    """The shipped reform terms with the office's additions, less the ones it took out."""
    changes = {row.term: row.removed for row in db.session.scalars(select(SearchTerm))}
    shipped = [term for term in analysis.shipped_terms() if not changes.get(term)]
    return shipped + sorted(term for term, removed in changes.items() if not removed and term not in shipped)


def current_segmenter() -> analysis.Segmenter:
    """The segmenter with the terms as they stand (another process may have changed them)."""
    return analysis.use_terms(domain_terms())


def save_terms(*, actor: User, added: list[str], removed: list[str]) -> list[str]:
    """Add and take out domain terms; the index is then rebuilt, so no term stays split."""
    if actor.role is not Role.office:
        raise SearchError("office_only")
    added = sorted({term.strip() for term in added if term.strip()})
    removed = sorted({term.strip() for term in removed if term.strip()})
    if any(len(term) > 50 or len(term.split()) > 1 for term in added):
        raise SearchError("term_invalid", field="added")
    before = domain_terms()
    for term in added + removed:
        row = db.session.scalar(select(SearchTerm).where(SearchTerm.term == term)) or SearchTerm(term=term)
        row.removed = term in removed
        db.session.add(row)
    db.session.flush()
    after = domain_terms()
    if after == before:
        raise SearchError("terms_unchanged")
    audit.record(
        actor=actor,
        action="search.terms",
        obj=row,
        after={"added": sorted(set(after) - set(before)), "removed": sorted(set(before) - set(after))},
    )
    queue_rebuild(db.session)
    db.session.commit()
    return after


# Applying the queue --------------------------------------------------------------------------------------


def _expand(kind: str, ids: set[int]) -> dict[str, set[int]]:
    """The documents a change touches: a plan's projects and reports, a project's reports."""
    found = defaultdict(set)
    if kind == "plan":
        projects = set(db.session.scalars(select(KeyProject.id).where(KeyProject.plan_id.in_(ids))))
        return _expand("key_project", projects)
    found[kind] |= ids
    if kind == "progress_report" and ids:  # the public sees a project's latest accepted report: its others change
        kind, ids = (
            "key_project",
            set(db.session.scalars(select(ProgressReport.key_project_id).where(ProgressReport.id.in_(ids)))),
        )
    if kind == "key_project" and ids:  # its number and title head its reports
        found["progress_report"] |= set(
            db.session.scalars(select(ProgressReport.id).where(ProgressReport.key_project_id.in_(ids)))
        )
    return found


def process_queue(limit: int = BATCH) -> int:
    """Apply up to `limit` queued changes to the index in one write; returns how many queue rows were done.

    The index's write lock is held while the queue and the records are read, so two workers cannot write an
    older state of a record over a newer one. The applied rows are deleted once the index holds the batch, in
    a transaction of their own: on SQLite that write would otherwise hold the database's one write lock through
    Whoosh's commit (up to a second), and every suggestion sent meanwhile would wait for it. Another worker may
    apply the same rows again in between, which is harmless: it reads the records as they are then.
    """
    if db.session.scalar(select(SearchQueue.id).limit(1)) is None:
        return 0  # nothing to do: do not touch the index
    asked = db.session.scalar(select(func.max(SearchQueue.id)).where(SearchQueue.kind == REBUILD))
    if asked is not None:  # a rebuild covers every change queued before it
        db.session.execute(delete(SearchQueue).where(SearchQueue.id <= asked))
        db.session.commit()
        rebuild()
        return 1
    index = backend()
    with index.writing():
        rows = db.session.execute(
            select(SearchQueue.id, SearchQueue.kind, SearchQueue.record_id).order_by(SearchQueue.id).limit(limit)
        ).all()
        touched = defaultdict(set)
        for kind, ids in _group(rows).items():
            for name, found in _expand(kind, ids).items():
                touched[name] |= found
        for kind, ids in touched.items():
            docs = documents(kind, sorted(ids))
            index.update(docs)
            kept = {doc.key for doc in docs}
            index.delete([key for record_id in sorted(ids) for key in keys_of(kind, record_id) if key not in kept])
    db.session.execute(delete(SearchQueue).where(SearchQueue.id.in_([row.id for row in rows])))
    db.session.commit()  # after the index: if this fails, the rows are applied again, which is harmless
    return len(rows)


def _group(rows) -> dict[str, set[int]]:
    grouped = defaultdict(set)
    for row in rows:
        grouped[row.kind].add(row.record_id)
    return grouped


def queue_age_seconds() -> float:
    """How long the oldest queued change has waited: the health figure of the index."""
    oldest = db.session.scalar(select(func.min(SearchQueue.queued_at)))
    if oldest is None:
        return 0.0
    return max((utcnow() - oldest).total_seconds(), 0.0)


def rebuild(progress: Callable[[int, int], None] | None = None, *, processes: int = 1) -> int:
    """Index every record again with the current terms, `processes` of this machine's cores segmenting side by
    side; `progress(done, total)` as it goes. Searches find the old index's documents until it is done."""
    current_segmenter()
    index = backend()
    covered = db.session.scalar(select(func.max(SearchQueue.id)))  # changes queued so far are in the rebuild
    total = sum(count(kind) for kind in KINDS)
    done = 0
    with index.rebuilding(processes=processes) as add:
        for kind in KINDS:
            for ids in all_ids(kind, BATCH):
                add(documents(kind, ids))
                done += len(ids)
                if progress:
                    progress(done, total)
    index.optimize()
    if covered is not None:
        db.session.execute(delete(SearchQueue).where(SearchQueue.id <= covered))
        db.session.commit()
    return done


def check(*, fix: bool = False) -> dict[str, list[str]]:
    """Records missing from the index, stale in it (their text or facets changed), or there but gone.

    With `fix`, queue every one of them for the worker.
    """
    indexed = backend().digests()
    missing, stale = [], []
    for kind in KINDS:
        for ids in all_ids(kind, BATCH):
            for doc in documents(kind, ids):
                digest = indexed.pop(doc.key, None)
                if digest is None:
                    missing.append(doc.key)
                elif digest != doc.digest:
                    stale.append(doc.key)
    gone = sorted(indexed)
    if fix:
        rows = [{"kind": key.split(":")[0], "record_id": int(key.split(":")[1])} for key in missing + stale + gone]
        if rows:
            db.session.execute(SearchQueue.__table__.insert(), rows)
            db.session.commit()
    return {"missing": missing, "stale": stale, "gone": gone}


def run_worker(interval: float, *, once: bool = False, report: Callable[[int], None] | None = None) -> None:
    """Apply the queue as it fills, every `interval` seconds; merge the index's segments when it goes idle."""
    merged = True
    while True:
        try:
            while done := process_queue():
                merged = False
                if report:
                    report(done)
            if not merged:
                backend().optimize()
                merged = True
        except IndexBusy:  # a rebuild holds the index: its changes are applied once it is done
            log.info("search index busy, the queue waits")
        except Exception:  # the loop must outlive a bad moment of the database or the disk
            log.exception("search indexing failed")
            if once:
                raise
        finally:
            db.session.remove()
        if once:
            return
        time.sleep(interval)


def start_worker_thread(app) -> threading.Thread:
    """The worker as a daemon thread of the server (SEARCH_WORKER=thread, the default)."""

    def run():
        with app.app_context():
            run_worker(app.config["SEARCH_INTERVAL_SECONDS"])

    thread = threading.Thread(target=run, name="search-index", daemon=True)
    thread.start()
    return thread
