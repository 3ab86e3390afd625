"""Reading an uploaded spreadsheet (.xlsx or .csv) as the rows of an import, within the limits an import reads."""

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from xml.etree.ElementTree import ParseError, XMLParser

from flask import current_app
from flask_babel import lazy_gettext as _l
from openpyxl.cell.text import Text
from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse

from core.errors import DomainError, shorten
from core.uploads import check_size

# A spreadsheet program's (Excel's) largest sheet: no line past its last is read, whatever line numbers a file gives.
SHEET_MAX_LINES, SHEET_MAX_COLUMNS = 1_048_576, 16_384
SHARED_STRINGS_TAG, SHARED_STRING_TAG = f"{{{SHEET_MAIN_NS}}}sst", f"{{{SHEET_MAIN_NS}}}si"
ROW_TAG = f"{{{SHEET_MAIN_NS}}}row"
UNKNOWN_COLUMNS_SHOWN = 200  # characters of the unknown columns' names quoted back


class SpreadsheetError(DomainError):
    """A file that cannot be read as the table an import expects."""

    messages = {
        "not_a_spreadsheet": _l("The file is not an Excel (.xlsx) or CSV spreadsheet."),
        "encoding": _l("The CSV file's text encoding is not UTF-8 or GB18030 (GBK); save it again as UTF-8."),
        "columns": _l("The columns do not match the template. Missing: %(missing)s. Unknown: %(unknown)s."),
        "no_rows": _l("The file holds no rows below its header."),
        "too_many_rows": _l("At most %(max)s rows can be imported at once."),
        "unpacked_too_large": _l("The workbook unpacks to more than %(max)s MB; split it into smaller files."),
    }
    statuses = {"unpacked_too_large": 413}


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:  # UTF-16 and binary files decode as GB18030 full of NULs
            return text
    raise SpreadsheetError("encoding", field="file")


class _WorkbookReader(ExcelReader):
    """openpyxl's reader (read-only, values), refusing a workbook that would unpack or hold more than an import reads.

    Before openpyxl parses anything, the parts' declared sizes are added up (zipfile stops a part at its declared
    size, then fails its checksum, so they bound what reading can unpack) and each part's shape is checked (_Shape).
    The shared strings, which openpyxl keeps in memory whole, are counted as they are read.
    """

    def __init__(self, data: bytes, *, max_strings: int):
        super().__init__(io.BytesIO(data), read_only=True, data_only=True)
        limit = current_app.config["IMPORT_MAX_UNPACKED_BYTES"]
        if sum(part.file_size for part in self.archive.infolist()) > limit:
            raise SpreadsheetError("unpacked_too_large", field="file", max=limit // (1024 * 1024))
        for part in self.archive.infolist():  # whatever their names, as openpyxl follows the names a part gives
            with self.archive.open(part) as source:
                _check_shape(source)
        self.max_strings = max_strings

    def read_strings(self):
        part = self.package.find(SHARED_STRINGS)
        if part is not None:
            with self.archive.open(part.PartName[1:]) as source:
                self.shared_strings = _shared_strings(source, self.max_strings)


class _Shape:
    """An XML parser's target that builds nothing and refuses a document no spreadsheet program writes: a sheet of
    more lines or a line of more cells than Excel's, any other element of more children than Excel has cell
    formats (the shared strings aside: they are counted as read), or nesting deeper than MAX_DEPTH.

    openpyxl holds an element's children until it ends: one line of millions of empty cells, a few KB of file,
    would take gigabytes.
    """

    MAX_DEPTH = 64
    MAX_CHILDREN = 65_536
    CHILDREN = {ROW_TAG: SHEET_MAX_COLUMNS, f"{{{SHEET_MAIN_NS}}}sheetData": SHEET_MAX_LINES, SHARED_STRINGS_TAG: None}

    def __init__(self):
        self.children, self.limits = [0], [self.MAX_CHILDREN]

    def start(self, tag, _attributes):
        self.children[-1] += 1
        limit = self.limits[-1]
        if (limit is not None and self.children[-1] > limit) or len(self.limits) > self.MAX_DEPTH:
            raise SpreadsheetError("not_a_spreadsheet", field="file")
        self.children.append(0)
        self.limits.append(self.CHILDREN.get(tag, self.MAX_CHILDREN))

    def end(self, _tag):
        self.children.pop()
        self.limits.pop()

    def close(self):
        return None


def _check_shape(source) -> None:
    parser = XMLParser(target=_Shape())
    try:
        while chunk := source.read(64 * 1024):
            parser.feed(chunk)
        parser.close()
    except ParseError:
        pass  # not XML (a picture), or broken where openpyxl's parser would stop too


def _shared_strings(source, limit: int) -> list[str]:
    """openpyxl's read_string_table, refusing more than `limit` strings and dropping each one's element once read."""
    strings, table = [], None
    for event, node in iterparse(source, events=("start", "end")):
        if table is None:
            table = node
        elif event == "end" and node.tag == SHARED_STRING_TAG:
            if len(strings) == limit:
                raise SpreadsheetError("too_many_rows", field="file", max=current_app.config["IMPORT_MAX_ROWS"])
            strings.append(Text.from_tree(node).content.replace("x005F_", ""))
            table.clear()
    return strings


def _workbook_lines(data: bytes, *, max_columns: int, max_strings: int) -> Iterator[tuple]:
    try:
        reader = _WorkbookReader(data, max_strings=max_strings)
        reader.read()
        sheet = reader.wb.active
        if not isinstance(sheet, ReadOnlyWorksheet):
            raise SpreadsheetError("not_a_spreadsheet", field="file")
        # The size a sheet declares (A1:XFD1048576) is the file's claim, not its content: each line is read as far
        # as it goes, up to the columns an import reads.
        sheet.reset_dimensions()
        yield from sheet.iter_rows(max_row=SHEET_MAX_LINES, max_col=max_columns, values_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, SyntaxError, NotImplementedError):
        # SyntaxError: broken XML (ElementTree's ParseError); NotImplementedError: an unknown compression.
        raise SpreadsheetError("not_a_spreadsheet", field="file") from None


def _csv_lines(text: str, *, max_columns: int) -> Iterator[list]:
    try:
        for row in csv.reader(io.StringIO(text)):
            yield row[:max_columns]
    except csv.Error:
        raise SpreadsheetError("not_a_spreadsheet", field="file") from None


def read_lines(*, filename: str, data: bytes, max_columns: int, max_strings: int) -> Iterator[Sequence]:
    """The lines of a spreadsheet file as they are read, header first, blank ones too, at most `max_columns` cells
    each; raise SpreadsheetError (UploadError when too large).

    A workbook is known by its content (a zip holding one) whatever its name; anything else must be a .csv of text.
    """
    check_size(data, max_bytes=current_app.config["IMPORT_MAX_BYTES"])
    if data.startswith(b"PK\x03\x04"):
        return _workbook_lines(data, max_columns=max_columns, max_strings=max_strings)
    if not filename.lower().endswith(".csv"):
        raise SpreadsheetError("not_a_spreadsheet", field="file")
    return _csv_lines(_decode(data), max_columns=max_columns)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def _header_map(header: Sequence, columns: list[tuple[str, str]], required: set[str]) -> dict[str, int]:
    by_name = {header_name: key for key, header_name in columns} | {key: key for key, _h in columns}
    names = [_cell(cell) for cell in header]
    found = {by_name[name]: index for index, name in enumerate(names) if name in by_name}
    missing = [dict(columns)[key] for key in required if key not in found]
    unknown = shorten("、".join(name for name in names if name and name not in by_name), UNKNOWN_COLUMNS_SHOWN)
    if missing or unknown:
        raise SpreadsheetError(
            "columns", field="file", missing="、".join(sorted(missing)) or "—", unknown=unknown or "—"
        )
    return found


def table_rows(
    *, filename: str, data: bytes, columns: list[tuple[str, str]], required: set[str]
) -> list[tuple[int, dict[str, str]]]:
    """The non-blank rows of a spreadsheet as (line, {column key: text}), its header checked against `columns`.

    `columns` are (key, header); a header may be given by either. At most IMPORT_MAX_ROWS rows, of at most
    IMPORT_MAX_COLUMNS columns (cells further right are not read), are read. Raises SpreadsheetError.
    """
    return list(each_table_row(filename=filename, data=data, columns=columns, required=required))


def each_table_row(
    *, filename: str, data: bytes, columns: list[tuple[str, str]], required: set[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    """table_rows one at a time, as they are read: an import of 100,000 rows holds one row, not all of them.
    The header is checked before the first row is given; a refusal (too many rows, none) comes where it is met."""
    max_rows, max_columns = current_app.config["IMPORT_MAX_ROWS"], current_app.config["IMPORT_MAX_COLUMNS"]
    # A sheet needs no more distinct texts than the cells an import reads: one a column of each row and the header.
    lines = read_lines(filename=filename, data=data, max_columns=max_columns, max_strings=(max_rows + 1) * len(columns))
    header = next(lines, None)
    if header is None:
        raise SpreadsheetError("no_rows", field="file")
    found = _header_map(header, columns, required)
    given = 0
    for line, raw in enumerate(lines, start=2):
        if raw.count(None) == len(raw):  # cheaply, the lines a sheet leaves out (and gives as empty)
            continue
        values = {key: _cell(raw[index]) if index < len(raw) else "" for key, index in found.items()}
        if not any(values.values()):  # a blank line of a spreadsheet is no record
            continue
        if given == max_rows:
            raise SpreadsheetError("too_many_rows", field="file", max=max_rows)
        given += 1
        yield line, values
    if not given:
        raise SpreadsheetError("no_rows", field="file")
