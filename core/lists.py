"""The list pages: a page of records at a time, or every record exported as a spreadsheet."""

import math
from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from flask import current_app, render_template, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, select, tuple_

from core.errors import InputError
from core.exports import Column, Document, count_rows, filter_words, table_response
from core.request_input import INT_MAX
from extensions import db


def page_number() -> int:
    """The page of a list asked for by `?page=`: 1 when absent, not a number or below 1; past any page a
    list could have, refused as no such page (404)."""
    page = request.args.get("page", 1, type=int)
    if page > INT_MAX:
        raise InputError("no_such_page")
    return max(page, 1)


def paginate(query: Select, *, total: int | None = None):
    """Paginate a select of records by the `page` argument with the configured page size. A `total` the caller
    knows (from summary counts) spares counting the rows, which in a round of a million costs more than the page."""
    size = current_app.config["PAGE_SIZE"]
    if total is None:
        return db.paginate(query, page=page_number(), per_page=size, error_out=False)
    page = db.paginate(query, page=page_number(), per_page=size, error_out=False, count=False)
    page.total = total
    return page


def page_of(fetch: Callable[[int, int], list], *, total: int) -> "FoundPage":
    """The page asked for by `?page=` of a list read by `fetch(offset, limit)`, whose `total` the caller knows: for a
    public page's statement made once a process with its offset and limit bound per request (paginate builds its
    statement anew for every page drawn, which costs more than running it)."""
    size = current_app.config["PAGE_SIZE"]
    return FoundPage(items=fetch((page_number() - 1) * size, size), total=total, capped=False)


class FoundPage(Pagination):
    """A page of records found elsewhere (the search index, or page_of's reader), as the list templates read a page:
    its items, how many were found in all and, when the finder stopped counting at its cap, `capped` ("1,000+")."""

    def __init__(self, *, items: list, total: int, capped: bool):
        self._found, self.capped = items, capped
        super().__init__(page=page_number(), per_page=current_app.config["PAGE_SIZE"], error_out=False, count=False)
        self.total = total

    def _query_items(self) -> list:
        return self._found

    def _query_count(self) -> int:
        return self.total


class KeysetPage(Pagination):
    """A page of a list ordered newest first by (date, id), read from an index where the reader is (keyset
    pagination): the next page from after the last row shown and the previous from before the first, so that
    the thousandth page is as quick as the first; a page by number from the nearer end (the last page is a
    first page read backwards); or the page where a day's records begin (`?on=`). `next_args` and `prev_args`
    are the links' query arguments."""

    keyset = True

    def __init__(self, *, number: int, total: int, items: list, next_args: dict, prev_args: dict):
        self._found, self.next_args, self.prev_args = items, next_args, prev_args
        super().__init__(page=number, per_page=current_app.config["PAGE_SIZE"], error_out=False, count=False)
        self.total = total

    def _query_items(self) -> list:
        return self._found

    def _query_count(self) -> int:
        return self.total


def _cursor(name: str) -> tuple[datetime, int] | None:
    """A row's place as a link carries it (`2026-10-01T08:00:00_123`); None when absent or not one."""
    when, _sep, ident = request.args.get(name, "").rpartition("_")
    try:
        return datetime.fromisoformat(when), int(ident)
    except ValueError:
        return None


def _day() -> date | None:
    try:
        return date.fromisoformat(request.args.get("on", ""))
    except ValueError:
        return None


# A page by its number alone (no place to read from) is read by OFFSET, which skips every row before it: only this
# near either end of a list read by keyset (the links give a place; a number is typed by hand), so a page costs
# at most this many pages' rows whatever the list's length.
OFFSET_PAGES = 10


def keyset_paginate(query: Select, *, created, ident, total: int) -> KeysetPage:
    """A page of `query`'s records, newest first by (`created`, `ident`), read by keyset (KeysetPage); `total`
    is their number, known without counting them (summary counts)."""
    size = current_app.config["PAGE_SIZE"]
    pages = max(math.ceil(total / size), 1)
    newest_first = query.order_by(None).order_by(created.desc(), ident.desc())
    oldest_first = query.order_by(None).order_by(created.asc(), ident.asc())
    place = tuple_(created, ident)
    number = min(page_number(), pages)
    if after := _cursor("after"):
        items = list(db.session.scalars(newest_first.where(place < tuple_(*after)).limit(size)))
    elif before := _cursor("before"):
        items = list(db.session.scalars(oldest_first.where(place > tuple_(*before)).limit(size)))[::-1]
    elif day := _day():
        end = datetime.combine(day + timedelta(days=1), time.min)
        newer = select(func.count()).select_from(query.order_by(None).where(created >= end).subquery())
        number = min(db.session.scalar(newer) // size + 1, pages)
        items = list(db.session.scalars(newest_first.where(created < end).limit(size)))
    else:
        first, last = (number - 1) * size, min(number * size, total)
        if number - 1 > OFFSET_PAGES and pages - number > OFFSET_PAGES:
            raise InputError("page_out_of_reach")
        if number * 2 <= pages + 1:
            items = list(db.session.scalars(newest_first.offset(first).limit(size)))
        else:  # nearer the end: read it backwards
            items = list(db.session.scalars(oldest_first.offset(total - last).limit(last - first)))[::-1]
    reset = {"after": None, "before": None, "on": None}
    # Without a row to read from (a place past the end), the links lead to the first page.
    next_args = prev_args = {**reset, "page": 1}
    if items:
        next_args, prev_args = {**reset, "page": number + 1}, {**reset, "page": max(number - 1, 1)}
        next_args["after"] = f"{getattr(items[-1], created.key).isoformat()}_{getattr(items[-1], ident.key)}"
        prev_args["before"] = f"{getattr(items[0], created.key).isoformat()}_{getattr(items[0], ident.key)}"
    return KeysetPage(number=number, total=total, items=items, next_args=next_args, prev_args=prev_args)


def export_format() -> str | None:
    """The export format asked for by `?export=csv|xlsx`, if any."""
    fmt = request.args.get("export")
    return fmt if fmt in {"csv", "xlsx"} else None


def list_or_export(
    query: Select,
    *,
    filename: str,
    columns: list[Column],
    subject: str,
    template: str,
    scope: str = "",
    background: str | None = None,
    of_page: Callable[[Pagination], dict] | None = None,
    total: int | None = None,
    keyset: tuple | None = None,
    **context,
):
    """A list page of `query`'s records a page at a time, or, asked `?export=csv|xlsx`, every one of them as a file
    of `columns`, titled `scope · subject` with the filter form `context["filters"]` in words. Past
    EXPORT_INLINE_MAX_ROWS records, a list that has a `background` export (the URL its form posts to) offers to make
    the file there instead of holding a web worker. The template gets the page as `page`, the `context`, and what
    `of_page(page)` gives: what only the page shows (counts, forms), not asked for an export; `total`, if known, is
    the number of records, and with it `keyset`, the (date, id) columns the list is ordered by newest first, reads
    the page by keyset."""
    if fmt := export_format():
        if background:
            # A total known from summary counts spares counting the rows (a million, before every file).
            count = count_rows(query) if total is None else total
            if count > current_app.config["EXPORT_INLINE_MAX_ROWS"]:
                return render_template("core/export_background.html", count=count, fmt=fmt, action=background)
        document = Document(subject=subject, scope=scope, filters=filter_words(context.get("filters")))
        return table_response(filename=filename, columns=columns, rows=query, fmt=fmt, document=document)
    if keyset is not None and total is not None:
        page = keyset_paginate(query, created=keyset[0], ident=keyset[1], total=total)
    else:
        page = paginate(query, total=total)
    return render_template(template, page=page, **context, **(of_page(page) if of_page else {}))
