"""What waits for a signed-in user (待办): each stage package says what of its own waits, the home page lists it.

A source is a function of the user and the district's date returning TodoItems; create_app registers one per stage
package (this package may not import them). Counts are exact: each is one COUNT or one small select, never a sample.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import g, has_request_context

from core import clock


@dataclass(frozen=True)
class TodoItem:
    """One thing waiting: what (in the reader's language), how many, where to act, by when, and a detail."""

    text: str
    url: str
    count: int = 1
    due: date | None = None
    detail: str = ""
    counted: bool = True  # by the menu's badge; a standing pointer (the projects a leader leads) is listed only


SOURCES: list[Callable[[object, date], list[TodoItem]]] = []


def todo_for(user, today: date | None = None) -> list[TodoItem]:
    """What waits for `user` on `today` (the district's today by default), the soonest due first, then the rest
    in the order the sources gave them."""
    if not getattr(user, "is_authenticated", False):
        return []
    # The menu's badge and the home page ask once a request.
    if today is None and has_request_context() and g.get("todo_of") == user.id:
        return g.todo
    items = [item for source in SOURCES for item in source(user, today or clock.today()) if item.count > 0]
    items.sort(key=lambda item: item.due or date.max)
    if today is None and has_request_context():
        g.todo_of, g.todo = user.id, items
    return items


def todo_count(user) -> int:
    """How many things wait for `user`, for the menu's badge."""
    return sum(item.count for item in todo_for(user) if item.counted)
