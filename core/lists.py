"""The list pages: a page of records at a time, or every record exported as a spreadsheet."""

from collections.abc import Callable

from flask import current_app, render_template, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from core.errors import InputError
from core.exports import Column, table_response
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


class FoundPage(Pagination):
    """A page of records found elsewhere (the search index), as the list templates read a page: its items, how
    many were found in all and, when the finder stopped counting at its cap, `capped` ("1,000+")."""

    def __init__(self, *, items: list, total: int, capped: bool):
        self._found, self.capped = items, capped
        super().__init__(page=page_number(), per_page=current_app.config["PAGE_SIZE"], error_out=False, count=False)
        self.total = total

    def _query_items(self) -> list:
        return self._found

    def _query_count(self) -> int:
        return self.total


def export_format() -> str | None:
    """The export format asked for by `?export=csv|xlsx`, if any."""
    fmt = request.args.get("export")
    return fmt if fmt in {"csv", "xlsx"} else None


def list_or_export(
    query: Select,
    *,
    filename: str,
    columns: list[Column],
    template: str,
    of_page: Callable[[Pagination], dict] | None = None,
    total: int | None = None,
    **context,
):
    """A list page of `query`'s records a page at a time, or, asked `?export=csv|xlsx`, every one of them as a file
    of `columns`. The template gets the page as `page`, the `context`, and what `of_page(page)` gives: what only
    the page shows (counts, forms), not asked for an export; `total`, if known, is the number of records."""
    if fmt := export_format():
        return table_response(filename=filename, columns=columns, rows=db.session.scalars(query), fmt=fmt)
    page = paginate(query, total=total)
    return render_template(template, page=page, **context, **(of_page(page) if of_page else {}))
