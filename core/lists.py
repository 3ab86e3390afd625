"""The list pages: a page of records at a time, or every record exported as a spreadsheet."""

from collections.abc import Callable

from flask import current_app, render_template, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

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


def paginate(query: Select):
    """Paginate a select of records by the `page` argument with the configured page size."""
    return db.paginate(query, page=page_number(), per_page=current_app.config["PAGE_SIZE"], error_out=False)


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
    **context,
):
    """A list page of `query`'s records a page at a time, or, asked `?export=csv|xlsx`, every one of them as a file
    of `columns`, titled `scope · subject` with the filter form `context["filters"]` in words. Past
    EXPORT_INLINE_MAX_ROWS records, a list that has a `background` export (the URL its form posts to) offers to make
    the file there instead of holding a web worker. The template gets the page as `page`, the `context`, and what
    `of_page(page)` gives: what only the page shows (counts, forms), not asked for an export."""
    if fmt := export_format():
        if background and (count := count_rows(query)) > current_app.config["EXPORT_INLINE_MAX_ROWS"]:
            return render_template("core/export_background.html", count=count, fmt=fmt, action=background)
        document = Document(subject=subject, scope=scope, filters=filter_words(context.get("filters")))
        return table_response(filename=filename, columns=columns, rows=query, fmt=fmt, document=document)
    page = paginate(query)
    return render_template(template, page=page, **context, **(of_page(page) if of_page else {}))
