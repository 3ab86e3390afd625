"""Batch import: the template, every row checked, nothing imported unless every row is good."""

import io
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from config import from_environment
from core import spreadsheets
from core.errors import RowsRejected
from core.spreadsheets import SpreadsheetError
from extensions import db
from solicitation.models import Channel, Suggestion
from solicitation.services import imports
from tests.factories import make_open_round, make_user

HEADER = ["标题", "内容", "改革领域", "地点", "渠道", "收到日期", "姓名", "电话", "邮箱", "同意使用联系方式"]


def csv_bytes(rows, encoding="utf-8-sig"):
    return "\n".join(",".join(row) for row in rows).encode(encoding)


def xlsx_bytes(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def stored(imported) -> list[Suggestion]:
    """The suggestions an import added, as stored, in the file's order."""
    return [db.session.get(Suggestion, suggestion.id) for suggestion in imported]


def count():
    return db.session.scalar(select(func.count(Suggestion.id)))


@pytest.fixture
def setting():
    return make_user(role="office"), make_open_round(categories=("民生事业", "城市建设"))


def test_the_template_reads_back_as_one_good_row(setting, client, login_as):
    login_as("office")
    template = client.get("/suggestions/import-template.xlsx").data
    rows = list(load_workbook(io.BytesIO(template)).active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    csv_template = client.get("/suggestions/import-template.csv").data.decode("utf-8-sig")
    assert csv_template.splitlines()[0] == ",".join(HEADER)


def test_good_rows_from_excel_are_all_imported_with_their_channels(setting):
    office, round = setting
    data = xlsx_bytes(
        [
            HEADER,
            [
                "增加社区养老床位",
                "老人多，床位少",
                "民生事业",
                "布吉街道",
                "12345热线",
                "2016-10-20",
                "李四",
                "13900000000",
                "",
                "是",
            ],
            ["打通断头路", "某路段长期未通", "城市建设", "", "座谈会", "", "", "", "", ""],
            [None] * 10,
            ["规范停车", "小区停车难", "", "", "", "", "", "", "", "否"],
        ]
    )
    imported = stored(imports.import_suggestions(actor=office, round=round, filename="建议.xlsx", data=data))
    assert [s.channel for s in imported] == [Channel.hotline, Channel.forum, Channel.batch_import]
    assert imported[0].category.name == "民生事业" and str(imported[0].received_on) == "2016-10-20"
    assert count() == 3


def test_one_bad_row_stops_the_whole_import_and_each_problem_is_reported_with_its_line(setting):
    office, round = setting
    data = csv_bytes(
        [
            HEADER,
            ["好建议", "内容", "", "", "", "", "", "", "", ""],
            ["", "没有标题", "", "", "", "", "", "", "", ""],
            ["领域不对", "内容", "体育事业", "", "", "", "", "", "", ""],
            ["日期不对", "内容", "", "", "", "明天", "", "", "", ""],
            ["缺同意", "内容", "", "", "", "", "张三", "", "", "否"],
            ["渠道不对", "内容", "", "", "飞鸽传书", "", "", "", "", ""],
        ]
    )
    with pytest.raises(RowsRejected) as rejected:
        imports.import_suggestions(actor=office, round=round, filename="b.csv", data=data)
    assert [(line, column) for line, column, _message in rejected.value.problems] == [
        (3, "标题"),
        (4, "改革领域"),
        (5, "收到日期"),
        (6, "同意使用联系方式"),
        (7, "渠道"),
    ]
    assert count() == 0


def test_gbk_csv_from_chinese_excel_is_read(setting):
    office, round = setting
    data = csv_bytes([HEADER[:2], ["规范停车", "小区停车难"]], encoding="gbk")
    assert len(imports.import_suggestions(actor=office, round=round, filename="gbk.csv", data=data)) == 1


@pytest.mark.parametrize(
    ("filename", "data", "code"),
    [
        ("wrong.csv", csv_bytes([["题目", "正文"], ["a", "b"]]), "columns"),
        ("extra.csv", csv_bytes([HEADER + ["备注"], ["a"] * 11]), "columns"),
        ("empty.csv", csv_bytes([HEADER, [""] * 10, [""] * 10]), "no_rows"),
        ("nothing.csv", b"", "no_rows"),
        ("utf16.csv", "标题,内容\n规范停车,小区停车难\n".encode("utf-16"), "encoding"),
        ("picture.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "not_a_spreadsheet"),
        ("broken.xlsx", b"PK\x03\x04 this is no workbook", "not_a_spreadsheet"),
    ],
)
def test_a_bad_file_is_refused_with_a_reason(setting, filename, data, code):
    office, round = setting
    with pytest.raises(SpreadsheetError) as refused:
        imports.import_suggestions(actor=office, round=round, filename=filename, data=data)
    assert refused.value.code == code
    assert count() == 0


# Workbooks written part by part, as a hostile or careless program could: what they claim is not what they hold.
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"
PARTS = {
    "[Content_Types].xml": f'<Types xmlns="{PACKAGE}/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    "_rels/.rels": f'<Relationships xmlns="{PACKAGE}/relationships"><Relationship Id="rId1" '
    f'Type="{RELATIONS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONS}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PACKAGE}/relationships">'
    f'<Relationship Id="rId1" Type="{RELATIONS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{RELATIONS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
}


def text_cell(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def handmade_xlsx(rows, *, dimension="A1:B3", shared_strings=b"", repeat=0, then=("", 0)):
    """A workbook of one sheet holding `rows` ({line: cells xml}), then `then` (a row's cells xml, how many times),
    and declaring `dimension`; its shared strings `shared_strings` written `repeat` times (a few KB for many MB)."""
    cells, times = then
    sheet_data = (
        "".join(f'<row r="{line}">{cells}</row>' for line, cells in rows.items()) + f"<row>{cells}</row>" * times
    )
    sheet = f'<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/><sheetData>{sheet_data}</sheetData></worksheet>'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in PARTS.items():
            archive.writestr(name, xml)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<sst xmlns="{MAIN}">'.encode())
            for _ in range(repeat):
                part.write(shared_strings)
            part.write(b"</sst>")
    return buffer.getvalue()


GOOD_ROWS = {
    1: text_cell("A1", "标题") + text_cell("B1", "内容"),
    2: text_cell("A2", "规范停车") + text_cell("B2", "小区停车难"),
    3: text_cell("A3", "打通断头路") + text_cell("B3", "某路段长期未通"),
}


def peak_memory(action):
    """The most memory `action` held at once, in bytes (what it raised is raised after)."""
    tracemalloc.start()
    try:
        action()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


def test_the_defaults_take_a_200000_row_sheet_and_refuse_a_400_mb_one(tmp_path, app, monkeypatch):
    settings = from_environment(str(tmp_path))
    assert settings["IMPORT_MAX_ROWS"] >= 200_000 and settings["IMPORT_MAX_COLUMNS"] >= len(imports.COLUMNS)
    assert settings["IMPORT_MAX_UNPACKED_BYTES"] < 400 * 1024 * 1024
    for name in ("IMPORT_MAX_BYTES", "IMPORT_MAX_UNPACKED_BYTES", "IMPORT_MAX_ROWS", "IMPORT_MAX_COLUMNS"):
        monkeypatch.setitem(app.config, name, settings[name])
    # 200,000 suggestions of a title and a text, 45 MB unpacked. Its first line is read (all of them would take a
    # while); the row limit is the setting's, checked above and by a smaller one below. Rows and cells may leave out
    # where they are.
    row = ("建议第2条", "第2条建议的内容：办理企业开办手续仍需多次跑腿，建议推行一网通办，实现全流程网上办理。")
    cells = "".join(f'<c t="inlineStr"><is><t>{text}</t></is></c>' for text in row)
    data = handmade_xlsx(GOOD_ROWS, then=(cells, 200_000))
    assert sum(part.file_size for part in zipfile.ZipFile(io.BytesIO(data)).infolist()) > 40 * 1024 * 1024
    lines = spreadsheets.read_lines(filename="a.xlsx", data=data, max_columns=2, max_strings=0)
    assert next(lines) == ("标题", "内容")


def test_a_workbook_unpacking_past_the_limit_is_refused_on_the_page_before_it_is_read(
    client, login_as, app, monkeypatch
):
    monkeypatch.setitem(app.config, "IMPORT_MAX_UNPACKED_BYTES", 8 * 1024 * 1024)
    login_as("office")
    round = make_open_round()
    # 16 MB of shared strings in 16 KB of file, which openpyxl would parse and hold whole (a million strings).
    bomb = handmade_xlsx(GOOD_ROWS, shared_strings=b"<si><t>a</t></si>" * 1024, repeat=1024)
    assert len(bomb) < 64 * 1024
    sent = {}

    def send():
        sent["response"] = client.post(
            f"/rounds/{round.id}/suggestions/import", data={"file": (io.BytesIO(bomb), "建议.xlsx")}
        )

    assert peak_memory(send) < 20 * 1024 * 1024
    assert sent["response"].status_code == 413
    assert "解压后超过 8 MB" in sent["response"].get_data(as_text=True)
    assert count() == 0


def test_a_sheet_declaring_every_cell_excel_has_is_read_for_the_cells_it_holds(setting):
    office, round = setting
    # A few real cells, empty ones far right and far down, and a sheet claiming all 16,384 × 1,048,576 cells.
    rows = {**GOOD_ROWS, 3: GOOD_ROWS[3] + '<c r="XFD3"/>', 20_000: '<c r="XFD20000"/>'}
    data = handmade_xlsx(rows, dimension="A1:XFD1048576")
    imported = []
    peak = peak_memory(
        lambda: imported.extend(imports.import_suggestions(actor=office, round=round, filename="a.xlsx", data=data))
    )
    assert [s.title for s in stored(imported)] == ["规范停车", "打通断头路"] and count() == 2
    assert peak < 20 * 1024 * 1024


def test_lines_left_out_before_a_last_one_are_skipped_cheaply(setting):
    office, round = setting
    rows = {**GOOD_ROWS, 1_048_576: text_cell("A1048576", "最后一行") + text_cell("B1048576", "表格最后一行的建议")}
    data = handmade_xlsx(rows)
    lines = [
        line
        for line, _values in spreadsheets.table_rows(
            filename="a.xlsx", data=data, columns=imports.COLUMNS, required={"title"}
        )
    ]
    assert lines == [2, 3, 1_048_576]


def test_cells_past_the_column_limit_are_not_read(setting, app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_COLUMNS", 2)
    office, round = setting
    data = csv_bytes([["标题", "内容", "无关的列"], ["规范停车", "小区停车难", "x" * 1000]])
    imported = imports.import_suggestions(actor=office, round=round, filename="a.csv", data=data)
    assert [s.title for s in stored(imported)] == ["规范停车"]


@pytest.mark.parametrize("write", [xlsx_bytes, csv_bytes])
def test_rows_past_the_row_limit_stop_the_reading_with_a_clear_refusal(setting, app, monkeypatch, write):
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 3)
    office, round = setting
    rows = [["标题", "内容"], ["建议一", "内容"], ["", ""], ["建议二", "内容"], ["建议三", "内容"]]
    assert len(imports.import_suggestions(actor=office, round=round, filename="a.csv", data=write(rows))) == 3
    with pytest.raises(SpreadsheetError) as refused:
        imports.import_suggestions(actor=office, round=round, filename="a.csv", data=write([*rows, ["建议四", "内容"]]))
    assert refused.value.code == "too_many_rows" and refused.value.params == {"max": 3}
    assert count() == 3


def test_shared_strings_past_what_the_rows_could_use_are_refused(setting, app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 10)
    office, round = setting
    # <si/> is five bytes a string: 100 MB would be twenty million strings in memory; 11 × 10 is all 10 rows can use.
    data = handmade_xlsx(GOOD_ROWS, shared_strings=b"<si/>" * 1000, repeat=20)
    with pytest.raises(SpreadsheetError, match="too_many_rows"):
        imports.import_suggestions(actor=office, round=round, filename="a.xlsx", data=data)
    assert count() == 0


def test_many_bad_rows_are_reported_a_hundred_at_most_each_message_cut(setting):
    office, round = setting
    rows = [HEADER[:3]] + [[f"建议{n}", "内容", "无" * 5000] for n in range(250)]
    with pytest.raises(RowsRejected) as rejected:
        imports.import_suggestions(actor=office, round=round, filename="a.csv", data=csv_bytes(rows))
    problems = rejected.value.problems
    assert len(problems) == 100 and rejected.value.more == 150
    assert problems[0][0] == 2 and all(len(message) <= 200 for _line, _column, message in problems)
    assert count() == 0


def test_the_import_page_lists_a_hundred_problems_and_says_how_many_more(client, login_as):
    login_as("office")
    round = make_open_round()
    rows = [HEADER[:3]] + [[f"建议{n}", "内容", "无" * 300] for n in range(250)]  # a body under 500 KB
    response = client.post(
        f"/rounds/{round.id}/suggestions/import", data={"file": (io.BytesIO(csv_bytes(rows)), "建议.csv")}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "250" in page and "另有 150 个问题" in page
    assert page.count('<td class="num">') == 100 and "无" * 200 not in page
    assert count() == 0


def test_unknown_columns_are_quoted_back_cut_short(setting):
    office, round = setting
    header = ["标题", "内容"] + [f"备注{n}" + "长" * 1000 for n in range(40)]
    with pytest.raises(SpreadsheetError) as refused:
        imports.import_suggestions(actor=office, round=round, filename="a.csv", data=csv_bytes([header, ["a", "b"]]))
    assert refused.value.code == "columns" and "备注0长" in refused.value.message
    assert len(refused.value.message) < 300


@pytest.mark.parametrize(
    ("rows", "shared_strings"),
    [
        ({**GOOD_ROWS, 4: "<c/>" * 250_000}, b""),  # a line of 250,000 empty cells
        (GOOD_ROWS, b"<si>" + b"<r><t>a</t></r>" * 100_000 + b"</si>"),  # a text of 100,000 runs
    ],
    ids=["wide line", "long text"],
)
def test_a_workbook_shaped_as_no_spreadsheet_program_writes_is_refused_before_it_is_read(setting, rows, shared_strings):
    office, round = setting
    data = handmade_xlsx(rows, shared_strings=shared_strings, repeat=1)
    assert len(data) < 8 * 1024  # for about a megabyte unpacked, which openpyxl would hold whole
    refused = []

    def send():
        with pytest.raises(SpreadsheetError) as error:
            imports.import_suggestions(actor=office, round=round, filename="a.xlsx", data=data)
        refused.append(error.value.code)

    assert peak_memory(send) < 10 * 1024 * 1024
    assert refused == ["not_a_spreadsheet"] and count() == 0
