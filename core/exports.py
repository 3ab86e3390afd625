"""Export any list as CSV or Excel, with the same columns the page shows, streamed at any size.

An Excel export is a document: a title row (what the list is, and how many rows it holds), the date it was made
and the list's filter in words, a frozen header, sheets named for what they hold, and columns as wide as their
kind of content — set from the columns' kinds before any row is written, since XlsxWriter's constant-memory mode
writes each row out as it goes. Past a sheet's row limit the rows go on on further sheets; rows in groups (a
plan's parts) have sheets of their own, one group after another. A CSV export is for machines: one plain header
row, then the rows, streamed as they are read. Import templates (no `document`) are plain tables in both formats,
so that the importer finds their header on the first row.
"""

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import IO, NamedTuple

import xlsxwriter
from flask import Response, current_app, send_file, stream_with_context
from flask_babel import format_datetime, to_user_timezone
from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from extensions import db

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXCEL_MAX_ROWS = 1_048_576  # Excel's rows a sheet
BATCH = 1000  # rows read from the database (and written out as CSV) at a time
CHUNK = 1 << 16  # bytes of a written file sent at a time


class Kind(StrEnum):
    """What a column holds, which sets its width and how its cells are written."""

    date = "date"
    datetime = "datetime"
    number = "number"
    mean = "mean"  # shown with 2 decimals, as the ranking shows means
    code = "code"  # a tracking code or a number like 一 or 2023-001
    status = "status"
    short = "short"  # a name, a title
    long = "long"  # a resident's text, a reply


WIDTHS = {
    Kind.date: 12,
    Kind.datetime: 17,
    Kind.number: 9,
    Kind.mean: 9,
    Kind.code: 14,
    Kind.status: 12,
    Kind.short: 24,
    Kind.long: 60,
}


class Column(NamedTuple):
    """A column of an export: its header, how a row gives its value, and its kind."""

    header: str
    get: Callable[[object], object]
    kind: Kind = Kind.short


def columns_of(columns: Iterable[tuple]) -> list[Column]:
    """The columns as `Column`s (a list may write them as `(header, get)` or `(header, get, kind)` tuples)."""
    return [Column(*column) for column in columns]


@dataclass(frozen=True)
class Document:
    """What an Excel export says of itself: what the list is (`subject`, also its sheets' name), of what (`scope`:
    a round, a plan), and its filter in words.

    `group`, where the rows fall in groups that come one after another (a plan's parts), gives a row's group: each
    group has sheets of its own, named and titled for it ("" for the rows in none: the subject's sheet)."""

    subject: str
    scope: str = ""
    filters: str = ""
    made_at: datetime = field(default_factory=lambda: datetime.now().astimezone())
    group: Callable[[object], str] | None = None

    @property
    def title(self) -> str:
        return " · ".join(part for part in (self.scope, self.subject) if part)


def filter_words(form) -> str:
    """A list's filter form in words ("状态：已受理；渠道：网站"), empty when nothing is chosen."""
    if form is None:
        return ""
    said = []
    for each in form:
        if each.type in {"CSRFTokenField", "SubmitField", "HiddenField"} or each.data in (None, "", False, []):
            continue
        value = each.data
        if hasattr(each, "choices") and each.choices:
            shown = {_key(key): label for key, label in _choices(each)}
            value = shown.get(_key(value), value)
        elif each.type == "BooleanField":
            value = _("yes")
        said.append(_("%(field)s: %(value)s", field=each.label.text, value=value))
    return _("; ").join(said)


def _key(value) -> str:
    return str(getattr(value, "value", value))  # an enum's member or its value, alike


def _choices(select_field):
    """A select field's choices as (value, label) pairs, whatever form it was given them in."""
    pairs = []
    for choice in select_field.choices:
        if hasattr(choice, "label"):  # WTForms' SelectChoice
            pairs.append((choice.value, choice.label))
        elif isinstance(choice, tuple | list):
            pairs.append((choice[0], choice[1]))
        else:
            pairs.append((choice, choice))
    return pairs


def _text(value) -> str:
    text = "" if value is None else str(value)
    # Text a resident typed must not become a live spreadsheet formula (=HYPERLINK(…) could leak the row).
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text


def _csv_cell(value, kind: Kind):
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "yyyy-MM-dd HH:mm")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return round(value, 2) if kind is Kind.mean else value
    return _text(value)


# Reading ---------------------------------------------------------------------------------------------------


def streamed(rows: Iterable | Select) -> Iterable:
    """The rows of a select read from the database BATCH at a time (a server-side cursor where the database has
    one), so that an export holds one batch of records in memory, not the list; other rows as they are."""
    if isinstance(rows, Select):
        return db.session.scalars(rows.execution_options(yield_per=BATCH))
    return rows


def count_rows(query: Select) -> int:
    """How many records a list's select gives (for the choice between streaming and a background export)."""
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


# Writing ---------------------------------------------------------------------------------------------------


def csv_chunks(columns: list[Column], rows: Iterable, *, counted: Callable[[int], None] | None = None):
    """The CSV file's bytes (UTF-8 with BOM, so Excel reads Chinese) a batch of rows at a time; `counted(n)`
    hears how many rows are written so far."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([str(column.header) for column in columns])
    done = 0
    for row in rows:
        writer.writerow([_csv_cell(column.get(row), column.kind) for column in columns])
        done += 1
        if done % BATCH == 0:
            yield _drained(buffer)
            if counted:
                counted(done)
    yield _drained(buffer)
    if counted:
        counted(done)


def _drained(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data


class _Sheets:
    """The workbook's sheets as rows fill them: a title block and a frozen header on each, rows until the sheet's
    limit, then a closing row and a new sheet."""

    def __init__(self, workbook, columns: list[Column], document: Document | None, sheet_rows: int):
        self.workbook, self.columns, self.document = workbook, columns, document
        self.head_rows = 3 if document else 1  # title, date and filter, header
        self.room = sheet_rows - self.head_rows - (1 if document else 0)  # a document closes with its count
        if self.room < 1:
            raise ValueError(f"a sheet of {sheet_rows} rows leaves no room for a row")
        bold = {"bold": True}
        self.formats = {
            "title": workbook.add_format({"bold": True, "font_size": 14}),
            "header": workbook.add_format({**bold, "bg_color": "#E8EEF4", "border": 1, "text_wrap": True}),
            Kind.date: workbook.add_format({"num_format": "yyyy-mm-dd"}),
            Kind.datetime: workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
            Kind.mean: workbook.add_format({"num_format": "0.00"}),
        }
        self.names: set[str] = set()  # the sheets' names so far, casefolded as Excel compares them
        self.group = ""  # the rows' group this sheet holds
        self.sheet = None
        self.row = 0  # the next row of the sheet to write
        self.on_sheet = 0  # rows written on this sheet
        self.total = 0  # rows written on every sheet, once finished

    def _name(self) -> str:
        """The group's name, or the subject's, as a sheet may be named and numbered where it is taken already."""
        base = self.group or (self.document.subject if self.document else _("Table"))
        base = "".join(" " if c in "[]:*?/\\" else c for c in str(base)).strip()[:25] or _("Table")
        name, number = base, 1
        while name.casefold() in self.names:
            number += 1
            name = f"{base} ({number})"
        self.names.add(name.casefold())
        return name

    def _open(self):
        sheet = self.workbook.add_worksheet(self._name())
        for index, column in enumerate(self.columns):
            width = max(WIDTHS[column.kind], min(40, _display_width(str(column.header)) + 2))
            sheet.set_column(index, index, width)
        if self.document:
            title = " · ".join(part for part in (self.document.title, self.group) if part)
            sheet.write_string(0, 0, title, self.formats["title"])
            made = _("Made %(when)s", when=format_datetime(self.document.made_at, "yyyy-MM-dd HH:mm"))
            filters = _("Filter: %(filters)s", filters=self.document.filters) if self.document.filters else ""
            sheet.write_string(1, 0, "　".join(part for part in (made, filters) if part))
        for index, column in enumerate(self.columns):
            sheet.write_string(self.head_rows - 1, index, str(column.header), self.formats["header"])
        sheet.freeze_panes(self.head_rows, 0)
        self.sheet, self.row, self.on_sheet = sheet, self.head_rows, 0

    def write(self, values: list, *, group: str = "") -> None:
        """Write a row: on a new sheet when its group starts or the sheet is full."""
        if self.sheet is None or self.on_sheet == self.room or group != self.group:
            if self.sheet is not None:
                self._close(last=False, full=group == self.group)
            self.group = group
            self._open()
        for index, (column, value) in enumerate(zip(self.columns, values, strict=True)):
            self._cell(index, column.kind, value)
        self.row += 1
        self.on_sheet += 1

    def _cell(self, index: int, kind: Kind, value) -> None:
        sheet, row = self.sheet, self.row
        if value is None or value == "":
            return
        if isinstance(value, datetime):
            local = to_user_timezone(value) if value.tzinfo else value
            sheet.write_datetime(row, index, local.replace(tzinfo=None), self.formats[Kind.datetime])
        elif isinstance(value, date):
            sheet.write_datetime(row, index, value, self.formats[Kind.date])
        elif isinstance(value, bool):
            sheet.write_boolean(row, index, value)
        elif isinstance(value, int | float):
            if kind is Kind.mean:
                sheet.write_number(row, index, round(value, 2), self.formats[Kind.mean])
            else:
                sheet.write_number(row, index, value)
        else:
            sheet.write_string(row, index, _text(value))

    def _close(self, *, last: bool, full: bool = False) -> None:
        """The sheet's closing row: how many rows it holds, and whether its list goes on (`full`) or ends here."""
        if not self.document:
            return
        if last:
            said = _("%(count)d rows in all", count=self.total)
            if len(self.names) > 1:
                said = _("%(count)d rows on this sheet, %(total)d in all", count=self.on_sheet, total=self.total)
        elif full:
            said = _("%(count)d rows on this sheet; the list goes on on the next sheet", count=self.on_sheet)
        else:
            said = _("%(count)d rows on this sheet", count=self.on_sheet)
        self.sheet.write_string(self.row, 0, said, self.formats["title"])

    def finish(self, total: int) -> None:
        self.total = total
        if self.sheet is None:
            self._open()
        self._close(last=True)


def _display_width(text: str) -> int:
    """How many narrow characters wide a text shows: a Chinese character takes two."""
    return sum(2 if ord(char) > 0x2E80 else 1 for char in text)


def write_xlsx(
    out: IO[bytes],
    columns: list[Column],
    rows: Iterable,
    *,
    document: Document | None,
    sheet_rows: int | None = None,
    counted: Callable[[int], None] | None = None,
) -> int:
    """Write the rows as an .xlsx workbook into `out` in constant memory; return how many rows it holds.
    `sheet_rows` (EXPORT_SHEET_MAX_ROWS by default) is a sheet's limit of rows, title and header included."""
    sheet_rows = sheet_rows or current_app.config["EXPORT_SHEET_MAX_ROWS"]
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True, "tmpdir": tempfile.gettempdir()})
    sheets = _Sheets(workbook, columns, document, sheet_rows)
    group = document.group if document and document.group else None
    done = 0
    for row in rows:
        sheets.write([column.get(row) for column in columns], group=group(row) if group else "")
        done += 1
        if counted and done % BATCH == 0:
            counted(done)
    sheets.finish(done)
    workbook.close()
    if counted:
        counted(done)
    return done


def write_export(
    out: IO[bytes],
    *,
    columns: Iterable[tuple],
    rows: Iterable | Select,
    fmt: str,
    document: Document | None,
    counted: Callable[[int], None] | None = None,
) -> int:
    """Write an export into the file `out` with the writers a download made at once streams with (a background
    export's path); return how many rows it holds."""
    columns, rows = columns_of(columns), streamed(rows)
    if fmt == "xlsx":
        return write_xlsx(out, columns, rows, document=document, counted=counted)
    done = 0

    def count(n):
        nonlocal done
        done = n
        if counted:
            counted(n)

    for chunk in csv_chunks(columns, rows, counted=count):
        out.write(chunk)
    return done


def _file_chunks(file: IO[bytes]) -> Iterator[bytes]:
    with file:
        file.seek(0)
        while chunk := file.read(CHUNK):
            yield chunk


def table_response(
    *,
    filename: str,
    columns: Iterable[tuple],
    rows: Iterable | Select,
    fmt: str,
    document: Document | None,
) -> Response:
    """Return rows (records, or the select of a list page, read here in batches) as a downloadable file: CSV
    streamed as it is read, or an .xlsx document written to a temporary file and sent from there."""
    fmt = fmt if fmt == "xlsx" else "csv"
    headers = {"Content-Disposition": f"attachment; filename={filename}.{fmt}"}
    columns, rows = columns_of(columns), streamed(rows)
    if fmt == "csv":
        return Response(stream_with_context(csv_chunks(columns, rows)), mimetype=FORMATS["csv"], headers=headers)
    file = tempfile.TemporaryFile()  # noqa: SIM115 -- the response closes it once sent
    try:
        write_xlsx(file, columns, rows, document=document)
    except BaseException:
        file.close()
        raise
    size = file.tell()
    return Response(_file_chunks(file), mimetype=FORMATS["xlsx"], headers=headers | {"Content-Length": str(size)})


def docx_response(data: bytes, *, filename: str) -> Response:
    """Return a Word document as a download."""
    return send_file(
        io.BytesIO(data),
        mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        as_attachment=True,
        download_name=f"{filename}.docx",
    )
