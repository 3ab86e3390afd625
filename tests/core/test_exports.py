"""Exports as documents: an Excel file says what it is, when it was made, its filter and how many rows it holds,
with a frozen header and columns as wide as their kind; a list longer than a sheet goes on on further sheets; CSV
stays a plain table, streamed; a list past EXPORT_INLINE_MAX_ROWS is made in the background."""

import csv
import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import event, select

from core.exports import Document, Kind, columns_of, table_response, write_xlsx
from extensions import db
from jobs.models import Job, JobState
from jobs.services import run_pending
from solicitation.services.exports import EXPORT_SUGGESTIONS
from tests.factories import make_open_round, make_suggestion

COLUMNS = [
    ("编号", lambda row: row["code"], Kind.code),
    ("收到日期", lambda row: row["on"], Kind.date),
    ("平均分", lambda row: row["mean"], Kind.mean),
    ("内容", lambda row: row["text"], Kind.long),
]
TEXT = "建议每个社区设长者饭堂。"
ROWS = [{"code": f"A-{n}", "on": date(2023, 3, n + 1), "mean": 19 / 3 + n, "text": TEXT} for n in range(5)]
DOCUMENT = Document(subject="群众建议", scope="2023 年度征集轮次", filters="状态：已受理")


def exported(fmt, rows=ROWS, document=DOCUMENT):
    response = table_response(filename="t", columns=COLUMNS, rows=rows, fmt=fmt, document=document)
    return response.is_streamed, b"".join(response.response)


def test_an_excel_export_says_what_it_is_when_it_was_made_its_filter_and_its_count(app):
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        _streamed, data = exported("xlsx")
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["群众建议"]
    sheet = workbook["群众建议"]
    assert sheet["A1"].value == "2023 年度征集轮次 · 群众建议"
    assert sheet["A2"].value.startswith("导出时间：") and "筛选条件：状态：已受理" in sheet["A2"].value
    assert [cell.value for cell in sheet[3]] == ["编号", "收到日期", "平均分", "内容"]
    assert sheet.freeze_panes == "A4"  # title, date and header stay in view
    assert sheet.max_row == 3 + 5 + 1 and sheet.cell(row=9, column=1).value == "共 5 条"


def test_excel_columns_are_as_wide_as_their_kind_and_means_are_rounded_as_on_the_page(app):
    with app.test_request_context():
        _streamed, data = exported("xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCD"}
    assert widths["B"] < widths["A"] < widths["D"] and widths["D"] >= 60
    mean = sheet["C4"]
    assert mean.value == 6.33 and mean.number_format == "0.00"
    assert sheet["B4"].value.date() == date(2023, 3, 1) and sheet["B4"].number_format == "yyyy-mm-dd"


def test_a_list_longer_than_a_sheet_goes_on_on_further_sheets_each_titled_and_counted(app):
    file = io.BytesIO()
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        written = write_xlsx(file, columns_of(COLUMNS), ROWS, document=DOCUMENT, sheet_rows=6)
    assert written == 5
    workbook = load_workbook(io.BytesIO(file.getvalue()))
    assert workbook.sheetnames == ["群众建议", "群众建议 (2)", "群众建议 (3)"]  # two rows a sheet of six
    first, last = workbook["群众建议"], workbook["群众建议 (3)"]
    assert [row[0] for row in first.iter_rows(min_row=4, max_row=5, values_only=True)] == ["A-0", "A-1"]
    assert first["A6"].value == "本表 2 条，接下一表"
    assert last["A1"].value == "2023 年度征集轮次 · 群众建议" and last.freeze_panes == "A4"
    assert last["A4"].value == "A-4" and last["A5"].value == "本表 1 条，共 5 条"


def test_rows_in_groups_have_sheets_of_their_own_named_titled_and_counted_for_their_group(app):
    rows = [row | {"part": part} for row, part in zip(ROWS, ["经济提升"] * 3 + ["民生提升", "破解难题"], strict=True)]
    grouped = Document(subject="重点项目", scope="2023年改革攻坚“点题”项目", group=lambda row: row["part"])
    file = io.BytesIO()
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        written = write_xlsx(file, columns_of(COLUMNS), rows, document=grouped, sheet_rows=6)
    assert written == 5
    workbook = load_workbook(io.BytesIO(file.getvalue()))
    # Two rows a sheet of six: the first part goes on on a second sheet of its own.
    assert workbook.sheetnames == ["经济提升", "经济提升 (2)", "民生提升", "破解难题"]
    first, further, livelihood, last = (workbook[name] for name in workbook.sheetnames)
    assert first["A1"].value == "2023年改革攻坚“点题”项目 · 重点项目 · 经济提升"
    assert first["A6"].value == "本表 2 条，接下一表" and further["A5"].value == "本表 1 条"
    assert livelihood["A1"].value.endswith("· 民生提升") and livelihood["A4"].value == "A-3"
    assert livelihood["A5"].value == "本表 1 条" and last["A5"].value == "本表 1 条，共 5 条"
    for sheet in (further, livelihood, last):  # each sheet laid out before its rows, as the first
        assert sheet.freeze_panes == "A4" and [cell.value for cell in sheet[3]] == [
            "编号",
            "收到日期",
            "平均分",
            "内容",
        ]
        assert sheet.column_dimensions["D"].width == first.column_dimensions["D"].width >= 60


def test_a_csv_export_is_a_plain_table_streamed_row_by_row(app):
    with app.test_request_context():
        streamed, data = exported("csv")
    assert streamed
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0] == ["编号", "收到日期", "平均分", "内容"] and len(table) == 6  # no title: machines read it
    assert table[1][:3] == ["A-0", "2023-03-01", "6.33"]


def test_a_suggestion_list_past_the_inline_limit_is_exported_in_the_background(client, login_as, app, monkeypatch):
    office = login_as("office")
    round = make_open_round(actor=office)
    for n in range(3):
        make_suggestion(round=round, title=f"建议{n}")
    monkeypatch.setitem(app.config, "EXPORT_INLINE_MAX_ROWS", 2)

    offer = client.get(f"/rounds/{round.id}/suggestions?export=csv")
    assert offer.status_code == 200 and "此列表共 3 条" in offer.get_data(as_text=True)
    exports = select(Job).where(Job.kind == EXPORT_SUGGESTIONS)
    assert db.session.scalars(exports).all() == []  # asking changes nothing until the office confirms

    made = client.post(f"/rounds/{round.id}/suggestions/export-job?export=csv")
    job = db.session.scalars(exports).one()
    assert made.location.endswith(f"/jobs/{job.id}")
    run_pending()
    assert db.session.get(Job, job.id).state is JobState.done
    shown = client.get(f"/jobs/{job.id}", headers={"Accept": "application/json"}).get_json()
    assert (shown["state"], shown["done"], shown["total"]) == ("done", 3, 3)
    download = client.get(shown["download_url"])
    assert f"suggestions-{round.year}.csv" in download.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(download.data.decode("utf-8-sig"))))
    assert table[0][:2] == ["查询码", "标题"] and sorted(row[1] for row in table[1:]) == ["建议0", "建议1", "建议2"]

    monkeypatch.setitem(app.config, "EXPORT_INLINE_MAX_ROWS", 3)
    inline = client.get(f"/rounds/{round.id}/suggestions?export=xlsx")  # at the limit: made at once
    sheet = load_workbook(io.BytesIO(inline.data)).active
    assert sheet.title == "群众建议" and sheet.cell(row=sheet.max_row, column=1).value == "共 3 条"
    streamed = client.get(f"/rounds/{round.id}/suggestions?export=csv", buffered=False)
    assert (
        streamed.is_streamed
        and len(list(csv.reader(io.StringIO(b"".join(streamed.response).decode("utf-8-sig"))))) == 4
    )


def test_the_offer_to_export_a_rounds_list_takes_its_count_from_the_summary(client, login_as, app, monkeypatch):
    office = login_as("office")
    round = make_open_round(actor=office)
    for n in range(3):
        make_suggestion(round=round, title=f"建议{n}", channel="hotline" if n else "web", actor=office)
    monkeypatch.setitem(app.config, "EXPORT_INLINE_MAX_ROWS", 1)
    sent = []

    def record(_connection, _cursor, statement, *_args):
        sent.append(statement.lower())

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        whole = client.get(f"/rounds/{round.id}/suggestions?export=csv").get_data(as_text=True)
        by_channel = client.get(f"/rounds/{round.id}/suggestions?export=csv&channel=hotline").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert "此列表共 3 条" in whole and "此列表共 2 条" in by_channel
    assert [statement for statement in sent if "count(" in statement and "from suggestions " in statement] == []
