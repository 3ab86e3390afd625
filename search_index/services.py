"""Keeping the index true: apply the queue, rebuild, check; and the office's domain terms."""

import logging
from collections import defaultdict
from collections.abc import Callable

from flask import current_app
from sqlalchemy import delete, func, select, tuple_
from sqlalchemy.exc import SQLAlchemyError

from accounts import audit
from accounts.models import User
from accounts.permissions import check_office
from core import segmentation
from core.models import utcnow
from extensions import db
from jobs.services import drain
from plan.models import KeyProject, ProgressReport
from search_index.backend import Backend, IndexBusy, IndexUnreadable, QueryTerm, SearchRequest
from search_index.documents import KINDS, PUBLIC, Document, all_ids, count, documents, keys_of
from search_index.errors import SearchError
from search_index.models import REBUILD, SearchQueue, SearchTerm
from search_index.queue import queue_rebuild
from solicitation.models import Suggestion

log = logging.getLogger(__name__)
BATCH = 500
REASON_LENGTH = 500  # characters kept of why a change could not be applied


def backend() -> Backend:
    """The configured backend of this app, made once per process."""
    found = current_app.extensions.get("search_backend")
    if found is None:
        if current_app.config["SEARCH_BACKEND"] == "postgresql":
            from search_index.postgres_backend import PostgresBackend

            found = PostgresBackend(count_cap=current_app.config["SEARCH_COUNT_CAP"])
        else:
            from search_index.whoosh_backend import WhooshBackend

            found = WhooshBackend(current_app.config["SEARCH_INDEX_DIR"])
        current_app.extensions["search_backend"] = found
    return found


# The domain terms ---------------------------------------------------------------------------------------


def domain_terms() -> list[str]:
    """The shipped reform terms with the office's additions, less the ones it took out."""
    changes = {row.term: row.removed for row in db.session.scalars(select(SearchTerm))}
    shipped = [term for term in segmentation.shipped_terms() if not changes.get(term)]
    return shipped + sorted(term for term, removed in changes.items() if not removed and term not in shipped)


def current_segmenter() -> segmentation.Segmenter:
    """The segmenter with the terms as they stand (another process may have changed them)."""
    return segmentation.use_terms(domain_terms())


def save_terms(*, actor: User, added: list[str], removed: list[str]) -> list[str]:
    """Add and take out domain terms; the index is then rebuilt, so no term stays split."""
    check_office(actor, SearchError)
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
    if kind == "round":
        return {"suggestion": set(db.session.scalars(select(Suggestion.id).where(Suggestion.round_id.in_(ids))))}
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

    A record that cannot be made a document (or a row naming no kind the index knows) does not hold up the
    others: it stays in the queue as failed, with why, until it changes again, and `search status` and /health
    show it. An index found unreadable is rebuilt here, by the worker holding its lock.
    """
    pending = select(SearchQueue.id).where(SearchQueue.failed_at.is_(None))
    if db.session.scalar(pending.limit(1)) is None:
        return 0  # nothing to do: do not touch the index
    asked = db.session.scalar(pending.with_only_columns(func.max(SearchQueue.id)).where(SearchQueue.kind == REBUILD))
    if asked is not None:  # a rebuild covers every change queued before it
        db.session.execute(delete(SearchQueue).where(SearchQueue.id <= asked))
        db.session.commit()
        rebuild()
        return 1
    index = backend()
    failures: dict[tuple[str, int], str] = {}
    try:
        with index.writing():
            rows = db.session.execute(
                select(SearchQueue.id, SearchQueue.kind, SearchQueue.record_id)
                .where(SearchQueue.failed_at.is_(None))
                .order_by(SearchQueue.id)
                .limit(limit)
            ).all()
            touched = defaultdict(set)
            for kind, ids in _group(rows).items():
                for name, found in _expand(kind, ids).items():
                    touched[name] |= found
            for kind, ids in touched.items():
                docs, failed = _built(kind, sorted(ids))
                index.update(docs)
                kept = {doc.key for doc in docs}
                gone = sorted(ids - set(failed))
                index.delete([key for record_id in gone for key in keys_of(kind, record_id) if key not in kept])
                failures |= {(kind, record_id): why for record_id, why in failed.items()}
    except IndexUnreadable:
        log.exception("the search index cannot be read: this worker rebuilds it")
        db.session.rollback()
        rebuild()
        return 1
    db.session.execute(delete(SearchQueue).where(SearchQueue.id.in_([row.id for row in rows])))
    touched_pairs = [(kind, record_id) for kind, ids in touched.items() for record_id in ids]
    _record_failures(failures, settled=touched_pairs)
    db.session.commit()  # after the index: if this fails, the rows are applied again, which is harmless
    return len(rows)


def _group(rows) -> dict[str, set[int]]:
    grouped = defaultdict(set)
    for row in rows:
        grouped[row.kind].add(row.record_id)
    return grouped


def _built(kind: str, ids: list[int]) -> tuple[list[Document], dict[int, str]]:
    """The documents of these records, and the records that could not be made documents, with why.

    A batch that fails is halved until the records that fail are found: the others are indexed.
    """
    try:
        return documents(kind, ids), {}
    except SQLAlchemyError:
        raise  # the database, not a record: the batch is tried again
    except Exception as error:
        if len(ids) == 1:
            log.exception("search: %s %s cannot be indexed", kind, ids[0])
            return [], {ids[0]: f"{type(error).__name__}: {error}"[:REASON_LENGTH]}
        half = len(ids) // 2
        first, first_failed = _built(kind, ids[:half])
        second, second_failed = _built(kind, ids[half:])
        return first + second, first_failed | second_failed


def _record_failures(failures: dict[tuple[str, int], str], *, settled) -> None:
    """Keep the records that failed in the queue, marked with why; forget earlier failures of those settled."""
    if settled:
        db.session.execute(
            delete(SearchQueue).where(
                SearchQueue.failed_at.is_not(None), tuple_(SearchQueue.kind, SearchQueue.record_id).in_(settled)
            )
        )
    if failures:
        now = utcnow()
        rows = [
            {"kind": kind, "record_id": record_id, "error": why, "failed_at": now}
            for (kind, record_id), why in sorted(failures.items())
        ]
        db.session.execute(SearchQueue.__table__.insert(), rows)


def retry_search_change(*, actor: User, change: SearchQueue) -> SearchQueue:
    """Queue again a change that could not be applied (once its record or the code is mended), audited."""
    check_office(actor, SearchError)
    if change.failed_at is None:
        raise SearchError("not_failed")
    shown = ["failed_at", "error"]
    before = audit.snapshot(change, shown)
    change.failed_at, change.error, change.queued_at = None, None, utcnow()
    audit.record(actor=actor, action="search.retry", obj=change, before=before, after=audit.snapshot(change, shown))
    db.session.commit()
    return change


def ask_for_rebuild() -> None:
    """The index could not be read: ask the worker to rebuild it (once: a rebuild asked for is not asked again)."""
    db.session.rollback()
    asked = select(SearchQueue.id).where(SearchQueue.kind == REBUILD, SearchQueue.failed_at.is_(None))
    if db.session.scalar(asked.limit(1)) is None:
        queue_rebuild(db.session)
        db.session.commit()


def rebuild(progress: Callable[[int, int], None] | None = None, *, processes: int = 1) -> int:
    """Index every record again with the current terms, `processes` of this machine's cores segmenting side by
    side; `progress(done, total)` as it goes. Searches find the old index's documents until it is done.

    A record that cannot be made a document is left out and kept in the queue as failed, with why.
    """
    current_segmenter()
    index = backend()
    covered = db.session.scalar(select(func.max(SearchQueue.id)))  # changes queued so far are in the rebuild
    total = sum(count(kind) for kind in KINDS)
    done = 0
    failures: dict[tuple[str, int], str] = {}
    with index.rebuilding(processes=processes) as add:
        for kind in KINDS:
            for ids in all_ids(kind, BATCH):
                docs, failed = _built(kind, ids)
                add(docs)
                failures |= {(kind, record_id): why for record_id, why in failed.items()}
                done += len(ids)
                if progress:
                    progress(done, total)
    index.optimize()
    if covered is not None:
        db.session.execute(delete(SearchQueue).where(SearchQueue.id <= covered))
    _record_failures(failures, settled=[])
    db.session.commit()
    return done


def check(*, fix: bool = False) -> dict[str, list[str]]:
    """Records missing from the index, stale in it (their text or facets changed), there but gone, or failing
    to be made documents. Raises IndexUnreadable when the index cannot be read.

    With `fix`, queue every one of them (but the failing) for the worker.
    """
    indexed = backend().digests()
    missing, stale, failing = [], [], []
    for kind in KINDS:
        for ids in all_ids(kind, BATCH):
            docs, failed = _built(kind, ids)
            failing += [f"{kind}:{record_id}" for record_id in failed]
            for doc in docs:
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
    return {"missing": missing, "stale": stale, "gone": gone, "failing": failing}


def probe() -> None:
    """Read the index as a search does (a word no document holds); raises IndexUnreadable if it cannot."""
    backend().search(SearchRequest(terms=[QueryTerm(words=["healthcheck"])], audiences=[PUBLIC], per_page=1))


@drain("search")
def index_the_queue() -> Callable[[], dict[str, int]]:
    """The search queue as a worker drains it: each round applies all that is queued, and the index's segments are
    merged when it goes idle.

    An index found unreadable (here, or by a search that queued a rebuild) is rebuilt by this worker; at the first
    round, an index damaged while no worker ran is found without waiting for a reader.
    """
    merged, probed = True, False

    def apply() -> dict[str, int]:
        nonlocal merged, probed
        if not probed:
            try:
                probe()
            except IndexUnreadable:
                log.exception("the search index cannot be read: a rebuild is queued")
                ask_for_rebuild()
            probed = True
        applied = 0
        try:
            while done := process_queue():
                merged = False
                applied += done
            if not merged:
                backend().optimize()
                merged = True
        except IndexBusy:  # a rebuild holds the index: its changes are applied once it is done
            log.info("search index busy, the queue waits")
        return {"indexed": applied} if applied else {}

    return apply
