"""The change queue: every flush that touches an indexed record adds a queue row in the same transaction.

So the index never misses a committed change (nor hears of a rolled-back one), and nothing a user does
waits for it: the worker applies the queue in batches.
"""

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from plan.models import Plan
from search_index.documents import MODEL_KINDS
from search_index.models import REBUILD, SearchQueue
from solicitation.models import Round

# Records whose change alters other documents: a plan's state changes who may find its projects, a round's
# status whether the public sees its suggestions.
PARENTS = {Plan: "plan", Round: "round"}
# Of these, only a change of these attributes alters the documents (a round's title does not).
WATCHED = {Round: "status"}


def _modified(session: Session, obj) -> bool:
    if obj in session.new or obj in session.deleted:
        return True
    watched = WATCHED.get(type(obj))
    if watched is None:
        return session.is_modified(obj)
    return inspect(obj).attrs[watched].history.has_changes()


def _changed(session: Session) -> set[tuple[str, int]]:
    found = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        kind = MODEL_KINDS.get(type(obj)) or PARENTS.get(type(obj))
        if kind and obj.id is not None and _modified(session, obj):
            found.add((kind, obj.id))
    return found


def _after_flush(session: Session, _context) -> None:
    if changed := _changed(session):
        rows = [{"kind": kind, "record_id": record_id} for kind, record_id in sorted(changed)]
        session.connection().execute(insert(SearchQueue), rows)


def watch() -> None:
    """Queue the changes of every session (once per process)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


def queue_rebuild(session: Session) -> None:
    """Ask the worker to rebuild the whole index (the domain terms changed)."""
    session.add(SearchQueue(kind=REBUILD))
