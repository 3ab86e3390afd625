"""Export any list as CSV or Excel, with the same columns the page shows."""

import csv
import io
from collections.abc import Callable, Iterable
from datetime import date, datetime

from flask import Response, send_file
from flask_babel import format_datetime
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from sqlalchemy import Select

from extensions import db

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

Column = tuple[str, Callable[[object], object]]


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "yyyy-MM-dd HH:mm")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool | int | float):
        return value
    text = str(value)
    # Text a resident typed must not become a live spreadsheet formula (=HYPERLINK(…) could leak the row).
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def table_bytes(*, columns: list[Column], rows: Iterable, fmt: str) -> bytes:
    """Rows as the bytes of a CSV file (UTF-8 with BOM, so Excel reads Chinese) or of an .xlsx workbook."""
    headers = [str(header) for header, _ in columns]
    table = ([_cell(get(row)) for _, get in columns] for row in rows)
    if fmt == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(headers)
        for values in table:
            sheet.append(values)
        for index, header in enumerate(headers, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = max(12, len(header) * 2 + 2)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(headers)
    writer.writerows(table)
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def table_response(*, filename: str, columns: list[Column], rows: Iterable | Select, fmt: str) -> Response:
    """Return rows (records, or the select of a list page, read here) as a downloadable CSV or .xlsx file."""
    fmt = fmt if fmt == "xlsx" else "csv"
    if isinstance(rows, Select):
        rows = db.session.scalars(rows)
    return Response(
        table_bytes(columns=columns, rows=rows, fmt=fmt),
        mimetype=FORMATS[fmt],
        headers={"Content-Disposition": f"attachment; filename={filename}.{fmt}"},
    )


def docx_response(data: bytes, *, filename: str) -> Response:
    """Return a Word document as a download."""
    return send_file(
        io.BytesIO(data),
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        as_attachment=True,
        download_name=f"{filename}.docx",
    )
