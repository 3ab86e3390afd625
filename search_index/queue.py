"""The change queue: every flush that touches an indexed record adds a queue row in the same transaction.

So the index never misses a committed change (nor hears of a rolled-back one), and nothing a user does
waits for it: the worker applies the queue in batches.
"""

from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from plan.models import Plan
from search_index.documents import MODEL_KINDS
from search_index.models import REBUILD, SearchQueue

# Records whose change alters other documents: a plan's state changes who may find its projects.
PARENTS = {Plan: "plan"}


def _changed(session: Session) -> set[tuple[str, int]]:
    found = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        kind = MODEL_KINDS.get(type(obj)) or PARENTS.get(type(obj))
        if kind and obj.id is not None and (obj in session.new or obj in session.deleted or session.is_modified(obj)):
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
