"""What any list's select gives besides its page: counts by a column."""

from sqlalchemy import Select, func

from extensions import db


def counts_by(column, query: Select) -> list[tuple[object, int]]:
    """How many of the rows `query` selects have each value of `column` (one of theirs), most first."""
    # The same select with its joins and filters, grouped: no subquery copying the rows' columns.
    grouped = query.with_only_columns(column, func.count()).group_by(column).order_by(None)
    return sorted(db.session.execute(grouped).all(), key=lambda row: -row[1])
