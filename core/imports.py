"""The pages of an import: running the upload form, and the template to download and fill in."""

from collections.abc import Iterable, Mapping

from flask import Response, abort

from core.errors import DomainError, RowsRejected
from core.exports import FORMATS, table_response
from core.forms import show_error


def run_import(form, run) -> tuple[bool, object, RowsRejected | None]:
    """Validate an upload form and run `run(filename=…, data=…)`, all rows or none.

    Returns (done, what `run` returned, the refusal listing bad rows, if that was the outcome); a file refused
    as a whole puts its message on the form.
    """
    if not form.validate_on_submit():
        return False, None, None
    upload = form.file.data
    try:
        return True, run(filename=upload.filename or "", data=upload.read()), None
    except RowsRejected as rejected:
        return False, None, rejected
    except DomainError as error:
        show_error(form, error)
        return False, None, None


def template_response(
    *, filename: str, columns: list[tuple[str, str]], rows: Iterable[Mapping[str, object]], fmt: str
) -> Response:
    """An import's template as .xlsx or .csv: the headers of its `columns` (key, header), then `rows` by key
    (an example, or the records as they stand to fill in). Any other format is refused (403)."""
    if fmt not in FORMATS:
        abort(403)
    getters = [(header, lambda row, key=key: row.get(key, "")) for key, header in columns]
    return table_response(filename=filename, columns=getters, rows=rows, fmt=fmt, document=None)
