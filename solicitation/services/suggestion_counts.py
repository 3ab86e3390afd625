"""The summary counts of suggestions (SuggestionCount), kept exact in the transaction of every change.

Every flush that adds, changes or removes a suggestion adds its difference to the counts, before it commits: so
whatever service (or import, or the demo loader) changes a suggestion, the counts change with it or not at all. A
key's count is spread over COUNT_SLOTS rows, one chosen at random a change, so that submissions at the same moment
do not queue on one row's lock.
"""

import random
from collections import Counter

from sqlalchemy import String, delete, event, func, inspect, literal, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from extensions import db
from solicitation.models import COUNT_SLOTS, Suggestion, SuggestionCount

KEY = ("round_id", "status", "channel", "category_id", "reject_reason", "reply_held", "reply_published", "is_public")
WATCHED = ("round_id", "status", "channel", "category_id", "reject_reason", "reply", "reply_published_at", "is_public")


def _key(values: dict) -> tuple:
    """A suggestion's summary key from its values of WATCHED."""
    reason = values["reject_reason"]
    return (
        values["round_id"],
        values["status"],
        values["channel"],
        values["category_id"] or 0,
        reason.name if reason is not None else "",
        bool(values["reply"]) and values["reply_published_at"] is None,
        values["reply_published_at"] is not None,
        bool(values["is_public"]),
    )


def _values(suggestion: Suggestion, *, before: bool) -> dict:
    """The suggestion's WATCHED values as flushed (`before`: as they were before this flush)."""
    state = inspect(suggestion)
    values = {}
    for name in WATCHED:
        history = state.attrs[name].history
        if before and history.has_changes():
            values[name] = history.deleted[0] if history.deleted else None
        else:
            values[name] = getattr(suggestion, name)
    return values


def _changes(session: Session) -> Counter:
    changes: Counter = Counter()
    for obj in session.new:
        if isinstance(obj, Suggestion):
            changes[_key(_values(obj, before=False))] += 1
    for obj in session.deleted:
        if isinstance(obj, Suggestion):
            changes[_key(_values(obj, before=True))] -= 1
    for obj in session.dirty:
        if isinstance(obj, Suggestion) and obj not in session.deleted:
            state = inspect(obj)
            if any(state.attrs[name].history.has_changes() for name in WATCHED):
                changes[_key(_values(obj, before=True))] -= 1
                changes[_key(_values(obj, before=False))] += 1
    return changes


def _after_flush(session: Session, _context) -> None:
    rows = [
        {**dict(zip(KEY, key, strict=True)), "slot": random.randrange(COUNT_SLOTS), "count": change}
        for key, change in _changes(session).items()
        if change
    ]
    if not rows:
        return
    connection = session.connection()
    insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = insert(SuggestionCount)
    connection.execute(
        statement.on_conflict_do_update(
            index_elements=[*KEY, "slot"], set_={"count": SuggestionCount.count + statement.excluded.count}
        ),
        rows,
    )


def watch() -> None:
    """Keep the counts in every session's flushes (once per process)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


def recount_suggestions() -> None:
    """Count every suggestion anew (after rows were written past the ORM: a bulk load, a restore), and commit."""
    reason = func.coalesce(Suggestion.reject_reason, "", type_=String)
    held = (Suggestion.reply != "") & Suggestion.reply_published_at.is_(None)
    published = Suggestion.reply_published_at.is_not(None)
    columns = (
        Suggestion.round_id,
        Suggestion.status,
        Suggestion.channel,
        func.coalesce(Suggestion.category_id, 0),
        reason,
        held,
        published,
        Suggestion.is_public,
    )
    db.session.execute(delete(SuggestionCount))
    db.session.execute(
        SuggestionCount.__table__.insert().from_select(
            [*KEY, "slot", "count"], select(*columns, literal(0), func.count()).group_by(*columns)
        )
    )
    db.session.commit()
