"""The office imports units and accounts from a spreadsheet: all rows or none, each bad row reported."""

import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from accounts import imports
from accounts.errors import AccountError
from accounts.models import AuditEvent, Role, Unit, UnitKind, User
from core.errors import RowsRejected
from core.mail import OutboxMessage
from extensions import db
from review.models import ExpertProfile
from tests.factories import make_unit, make_user

UNIT_HEADER = ["单位名称", "类型"]
USER_HEADER = ["用户名", "姓名", "角色", "单位", "邮箱"]
PROFILE_HEADER = ["所在机构", "专业领域", "最多评审数"]  # review's columns


def xlsx_bytes(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows):
    return "\n".join(",".join(row) for row in rows).encode("utf-8-sig")


def count(model):
    return db.session.scalar(select(func.count(model.id)))


# Longgang's own units and people, a dozen rows of each.
LONGGANG_UNITS = [
    ["区发展和改革局", "区直单位"],
    ["区财政局", "区直单位"],
    ["区教育局", "区直单位"],
    ["区卫生计生局", "department"],
    ["区城市管理局", "区直单位"],
    ["龙城街道", "街道"],
    ["平湖街道", "街道"],
    ["布吉街道", "街道"],
    ["坂田街道", "subdistrict"],
    ["横岗街道", "街道/镇"],
    ["龙岗公安分局", "驻区单位"],
    ["龙岗供电局", "stationed"],
]
LONGGANG_ACCOUNTS = [
    ["fgj_li", "李明", "单位经办人", "区发展和改革局", "li@lg.gov.cn"],
    ["czj_wang", "王芳", "单位经办人", "区财政局", "wang@lg.gov.cn"],
    ["jyj_chen", "陈刚", "unit_staff", "区教育局", "chen@lg.gov.cn"],
    ["lc_zhao", "赵丽", "单位经办人", "龙城街道", "zhao@lg.gov.cn"],
    ["ph_sun", "孙伟", "单位经办人", "平湖街道", "sun@lg.gov.cn"],
    ["gaj_zhou", "周强", "单位经办人", "龙岗公安分局", "zhou@lg.gov.cn"],
    ["expert_wu", "吴教授", "专家", "", "wu@szu.edu.cn"],
    ["expert_zheng", "郑研究员", "expert", "区发展和改革局", "zheng@lg.gov.cn"],
    ["leader_feng", "冯区长", "区领导", "", "feng@lg.gov.cn"],
    ["leader_he", "何副区长", "leader", "", "he@lg.gov.cn"],
    ["ggb_xu", "许主任", "改革办", "", "xu@lg.gov.cn"],
    ["ggb_lin", "林科长", "office", "", "lin@lg.gov.cn"],
]


@pytest.fixture
def office():
    return make_user(role="office")


def test_office_can_import_a_dozen_longgang_units_from_excel(office):
    imported = imports.import_units(actor=office, filename="单位.xlsx", data=xlsx_bytes([UNIT_HEADER, *LONGGANG_UNITS]))
    assert len(imported) == 12
    kinds = dict(db.session.execute(select(Unit.name, Unit.kind)).all())
    assert kinds["区卫生计生局"] is UnitKind.department
    assert kinds["横岗街道"] is UnitKind.subdistrict
    assert kinds["龙岗供电局"] is UnitKind.stationed


def test_office_can_import_a_dozen_accounts_each_mailed_a_link_to_set_a_password_never_the_password(office, client):
    imports.import_units(actor=office, filename="单位.csv", data=csv_bytes([UNIT_HEADER, *LONGGANG_UNITS]))
    imported = imports.import_users(
        actor=office, filename="账号.xlsx", data=xlsx_bytes([USER_HEADER, *LONGGANG_ACCOUNTS])
    )
    assert len(imported) == 12
    staff = db.session.scalar(select(User).where(User.username == "gaj_zhou"))
    assert staff.role is Role.unit_staff and staff.unit.name == "龙岗公安分局"
    expert = db.session.scalar(select(User).where(User.username == "expert_zheng"))
    assert expert.role is Role.expert and expert.unit.name == "区发展和改革局"
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "zhou@lg.gov.cn"))
    assert "gaj_zhou" in mail.body and "密码：" not in mail.body
    link = next(line for line in mail.body.splitlines() if "/password/" in line)
    path = link[link.index("/password/") :]
    response = client.post(path, data={"new_password": "Longgang2017x", "confirm": "Longgang2017x"})
    assert response.status_code == 302
    assert client.post("/login", data={"username": "gaj_zhou", "password": "Longgang2017x"}).status_code == 302


def test_one_bad_row_stops_the_account_import_and_each_problem_is_reported_with_its_line(office):
    make_unit(name="区财政局")
    make_user(role="leader", username="taken_name")
    rows = [
        USER_HEADER,
        ["good_one", "好人", "区领导", "", "good@lg.gov.cn"],
        ["taken_name", "重名", "区领导", "", "a@lg.gov.cn"],
        ["good_one", "文件内重复", "区领导", "", "b@lg.gov.cn"],
        ["no_unit", "无单位", "单位经办人", "", "c@lg.gov.cn"],
        ["ghost_unit", "不存在单位", "单位经办人", "区外星局", "d@lg.gov.cn"],
        ["bad_role", "角色错", "管理员", "", "e@lg.gov.cn"],
        ["no_mail", "无邮箱", "专家", "", ""],
        ["bad_mail", "邮箱错", "专家", "", "not-an-address"],
        ["x", "用户名太短", "专家", "", "f@lg.gov.cn"],
    ]
    with pytest.raises(RowsRejected) as rejected:
        imports.import_users(actor=office, filename="账号.csv", data=csv_bytes(rows))
    assert [(line, column) for line, column, _message in rejected.value.problems] == [
        (3, "用户名"),
        (4, "用户名"),
        (5, "单位"),
        (6, "单位"),
        (7, "角色"),
        (8, "邮箱"),
        (9, "邮箱"),
        (10, "用户名"),
    ]
    assert "2" in rejected.value.problems[1][2]  # the line it repeats
    assert count(User) == 2
    assert count(OutboxMessage) == 0


def test_a_unit_already_there_or_twice_in_the_file_stops_the_unit_import(office):
    make_unit(name="区财政局")
    rows = [UNIT_HEADER, ["区教育局", "区直单位"], ["区财政局", "区直单位"], ["区教育局", "街道"], ["龙城街道", "乡"]]
    with pytest.raises(RowsRejected) as rejected:
        imports.import_units(actor=office, filename="单位.csv", data=csv_bytes(rows))
    assert [(line, column) for line, column, _message in rejected.value.problems] == [
        (3, "单位名称"),
        (4, "单位名称"),
        (5, "类型"),
    ]
    assert count(Unit) == 1


def test_office_imports_units_through_the_page_and_sees_each_bad_row(login_as, client):
    login_as("office")
    page = client.get("/admin/units/import")
    assert page.status_code == 200 and "/admin/units/import-template.xlsx" in page.text
    bad = csv_bytes([UNIT_HEADER, ["区教育局", "区直单位"], ["区教育局", "区直单位"]])
    response = client.post("/admin/units/import", data={"file": (io.BytesIO(bad), "units.csv")})
    assert response.status_code == 400 and "区教育局" in response.text
    assert count(Unit) == 0
    good = csv_bytes([UNIT_HEADER, *LONGGANG_UNITS])
    response = client.post("/admin/units/import", data={"file": (io.BytesIO(good), "units.csv")})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/units")
    assert count(Unit) == 12


def test_office_downloads_the_account_template_with_its_chinese_headers(login_as, client):
    login_as("office")
    response = client.get("/admin/users/import-template.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [cell.value for cell in sheet[1]] == [*USER_HEADER, *PROFILE_HEADER]


def test_experts_come_in_with_their_profiles_and_other_rows_leave_the_profile_blank(office):
    rows = [
        [*USER_HEADER, *PROFILE_HEADER],
        ["expert_wu", "吴教授", "专家", "", "wu@szu.edu.cn", "深圳大学", "城市建设、民生事业", "8"],
        ["expert_li", "李研究员", "专家", "", "li@szu.edu.cn", "", "", ""],
        ["leader_feng", "冯区长", "区领导", "", "feng@lg.gov.cn", "", "", ""],
    ]
    imports.import_users(actor=office, filename="账号.xlsx", data=xlsx_bytes(rows))
    wu = db.session.scalar(select(User).where(User.username == "expert_wu"))
    profile = db.session.get(ExpertProfile, wu.id)
    assert (profile.institution, profile.expertise, profile.max_load) == ("深圳大学", "城市建设、民生事业", 8)
    li = db.session.scalar(select(User).where(User.username == "expert_li"))
    assert db.session.get(ExpertProfile, li.id) is None  # the default load stands, as for one made by hand
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "expert.profile"))


def test_a_bad_profile_cell_stops_the_account_import_with_its_line_and_column(office):
    rows = [
        [*USER_HEADER, *PROFILE_HEADER],
        ["expert_wu", "吴教授", "专家", "", "wu@szu.edu.cn", "深圳大学", "城市建设", "八"],
        ["staff_he", "何经办", "单位经办人", "区财政局", "he@lg.gov.cn", "", "财政", ""],
        ["expert_ok", "好专家", "专家", "", "ok@szu.edu.cn", "深圳大学", "", "5"],
    ]
    make_unit(name="区财政局")
    with pytest.raises(RowsRejected) as rejected:
        imports.import_users(actor=office, filename="账号.csv", data=csv_bytes(rows))
    problems = [(line, column) for line, column, _message in rejected.value.problems]
    assert problems == [(2, "最多评审数"), (3, "专业领域")]
    assert count(User) == 1 and db.session.scalar(select(func.count()).select_from(ExpertProfile)) == 0


@pytest.mark.parametrize("role", ["unit_staff", "expert", "leader"])
def test_a_unit_expert_or_leader_cannot_import_units(role):
    data = csv_bytes([UNIT_HEADER, ["区教育局", "区直单位"]])
    with pytest.raises(AccountError):
        imports.import_units(actor=make_user(role=role), filename="units.csv", data=data)
    assert db.session.scalar(select(Unit).where(Unit.name == "区教育局")) is None


@pytest.mark.parametrize("role", ["unit_staff", "expert", "leader"])
def test_only_the_office_may_import_accounts(login_as, client, role):
    login_as(role)
    data = csv_bytes([USER_HEADER, ["someone", "某人", "区领导", "", "s@lg.gov.cn"]])
    response = client.post("/admin/users/import", data={"file": (io.BytesIO(data), "users.csv")})
    assert response.status_code == 403
    assert db.session.scalar(select(User).where(User.username == "someone")) is None
