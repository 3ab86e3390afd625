"""Batch import: the template, every row checked, nothing imported unless every row is good."""

import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from core.errors import RowsRejected
from extensions import db
from solicitation.errors import SpreadsheetError
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


def count():
    return db.session.scalar(select(func.count(Suggestion.id)))


@pytest.fixture
def setting():
    return make_user(role="office"), make_open_round(categories=("民生事业", "城市建设"))


def test_the_template_reads_back_as_one_good_row(setting):
    office, round = setting
    rows = list(load_workbook(io.BytesIO(imports.suggestion_template("xlsx"))).active.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    csv_template = imports.suggestion_template("csv").decode("utf-8-sig")
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
    imported = imports.import_suggestions(actor=office, round=round, filename="建议.xlsx", data=data)
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
