"""Login, logout, CSRF, the office-only pages, and the office's user, unit and audit pages."""

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from accounts.models import AuditEvent, Role, User
from extensions import db
from tests.factories import PASSWORD, make_unit, make_user

OFFICE_ONLY_PAGES = [
    "/admin/users",
    "/admin/users/new",
    "/admin/units",
    "/admin/units/new",
    "/audit",
    "/rounds/new",
]


def test_login_with_good_credentials_shows_the_dashboard_and_logout_ends_it(client):
    user = make_user(role="leader", display_name="高自民")
    response = client.post("/login", data={"username": user.username, "password": PASSWORD}, follow_redirects=True)
    assert "高自民" in response.get_data(as_text=True)
    response = client.post("/logout", follow_redirects=True)
    assert "高自民" not in response.get_data(as_text=True)
    assert client.get("/rounds").status_code == 302


def test_a_login_cookie_copied_before_logout_no_longer_opens_a_page(app, client, login_as):
    user = login_as("office")
    copied = client.get_cookie("session").value
    page = client.post("/logout", follow_redirects=True).get_data(as_text=True)
    assert "您已退出登录，在其他设备上的登录也已一并结束。" in page
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/admin/users")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert [event.actor_id for event in db.session.scalars(select(AuditEvent).filter_by(action="user.logout"))] == [
        user.id
    ]


def test_login_with_a_wrong_password_says_so_and_logs_nobody_in(client):
    user = make_user()
    response = client.post("/login", data={"username": user.username, "password": "wrong-pass1"})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/admin/users").status_code == 302


def test_a_deactivated_user_cannot_log_in(client):
    make_user(role="office")
    user = make_user(role="expert")
    user.active = False
    db.session.commit()
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    assert "已停用" in response.get_data(as_text=True)


def test_a_post_without_csrf_token_is_rejected(client):
    user = make_user()
    response = client.post("/login", data={"username": user.username, "password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert client.get("/admin/users").status_code == 302


def test_login_ignores_a_next_address_on_another_site(client):
    user = make_user()
    response = client.post("/login?next=https://evil.example/", data={"username": user.username, "password": PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=/audit", data={"username": user.username, "password": PASSWORD})
    assert response.headers["Location"] == "/audit"


def test_session_cookie_is_httponly_and_samesite(client):
    user = make_user()
    response = client.post("/login", data={"username": user.username, "password": PASSWORD})
    cookie = response.headers.get("Set-Cookie")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("role", ["unit_staff", "expert", "leader"])
@pytest.mark.parametrize("page", OFFICE_ONLY_PAGES)
def test_office_only_pages_refuse_other_roles(client, login_as, role, page):
    login_as(role)
    assert client.get(page).status_code == 403


@pytest.mark.parametrize("page", OFFICE_ONLY_PAGES)
def test_office_only_pages_send_anonymous_users_to_login(client, page):
    response = client.get(page)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_a_program_asking_for_json_gets_403_not_a_login_page(client):
    response = client.get("/admin/users", headers={"Accept": "application/json"})
    assert response.status_code == 403 and response.is_json


@pytest.mark.parametrize("page", OFFICE_ONLY_PAGES)
def test_office_reaches_every_office_page(client, login_as, page):
    login_as("office")
    assert client.get(page).status_code == 200


def test_office_creates_a_unit_staff_account(client, login_as):
    office = login_as("office")
    unit = make_unit(name="平湖街道")
    response = client.post(
        "/admin/users/new",
        data={
            "username": "chenjing",
            "display_name": "陈静",
            "role": "unit_staff",
            "unit_id": unit.id,
            "email": "",
            "password": "Pinghu2017",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "chenjing"))
    assert user.unit_id == unit.id and user.role is Role.unit_staff
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "user.create", AuditEvent.object_id == user.id)
    )
    assert event.actor_id == office.id


def test_a_duplicate_username_gets_a_message_on_the_form_and_keeps_what_was_typed(client, login_as):
    login_as("office")
    make_user(username="zhangwei")
    users = db.session.scalar(select(func.count(User.id)))
    response = client.post(
        "/admin/users/new",
        data={
            "username": "ZhangWei",
            "display_name": "张伟二",
            "role": "expert",
            "unit_id": "",
            "password": "Abcdef1234",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "用户名“ZhangWei”已被使用" in page
    assert 'value="张伟二"' in page
    assert db.session.scalar(select(func.count(User.id))) == users


def test_unit_staff_without_a_unit_gets_a_message(client, login_as):
    login_as("office")
    response = client.post(
        "/admin/users/new",
        data={
            "username": "nounit",
            "display_name": "无单位",
            "role": "unit_staff",
            "unit_id": "",
            "password": "Abcdef1234",
        },
    )
    assert "单位经办人必须属于某个单位" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.username == "nounit")) is None


def test_office_deactivates_a_user_whose_open_session_then_ends(app, client, login_as):
    login_as("office")
    expert = make_user(role="expert")
    expert_client = app.test_client()
    expert_client.post("/login", data={"username": expert.username, "password": PASSWORD})
    assert expert_client.get("/rounds").status_code == 200
    response = client.post(f"/admin/users/{expert.id}/active", data={"active": "0"})
    assert response.status_code == 302
    assert not db.session.get(User, expert.id).active
    assert expert_client.get("/rounds").status_code == 302


def test_office_resets_a_password_and_a_mismatched_repeat_is_refused(client, login_as):
    login_as("office")
    user = make_user(role="leader")
    response = client.post(
        f"/admin/users/{user.id}/password", data={"new_password": "Another123", "confirm": "Another124"}
    )
    assert response.status_code == 400 and "两次输入的密码不一致" in response.get_data(as_text=True)
    assert db.session.get(User, user.id).check_password(PASSWORD)
    client.post(f"/admin/users/{user.id}/password", data={"new_password": "Another123", "confirm": "Another123"})
    assert db.session.get(User, user.id).check_password("Another123")


def test_changing_ones_password_keeps_this_session_and_ends_the_others(app, client, login_as):
    user = login_as("expert")
    other = app.test_client()
    other.post("/login", data={"username": user.username, "password": PASSWORD})
    response = client.post(
        "/account/password",
        data={"current_password": PASSWORD, "new_password": "Changed123", "confirm": "Changed123"},
    )
    assert response.status_code == 302
    assert client.get("/rounds").status_code == 200
    assert other.get("/rounds").status_code == 302


def test_user_list_filters_by_role_and_unit(client, login_as):
    login_as("office")
    unit = make_unit(name="区科创局")
    make_user(role="unit_staff", unit=unit, display_name="科创局经办人")
    make_user(role="expert", display_name="某专家")
    page = client.get(f"/admin/users?role=unit_staff&unit={unit.id}").get_data(as_text=True)
    assert "科创局经办人" in page and "某专家" not in page
    page = client.get("/admin/users?q=专家").get_data(as_text=True)
    assert "某专家" in page and "科创局经办人" not in page


def test_user_list_exports_what_the_filters_select_as_excel_and_csv(client, login_as):
    login_as("office")
    make_user(role="expert", display_name="刘教授")
    make_user(role="leader", display_name="戴斌")
    response = client.get("/admin/users?role=expert&export=xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2][:3] == ("用户名", "姓名", "角色") and rows[-1][0] == "共 1 条"
    assert [row[1] for row in rows[3:-1]] == ["刘教授"]
    response = client.get("/admin/users?role=leader&export=csv")
    assert response.headers["Content-Disposition"].endswith("users.csv")
    table = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [row[1] for row in table[1:]] == ["戴斌"]


def test_office_creates_edits_and_deactivates_a_unit(client, login_as):
    login_as("office")
    response = client.post("/admin/units/new", data={"name": "龙岗海关", "kind": "stationed"})
    assert response.status_code == 302
    page = client.get("/admin/units?kind=stationed").get_data(as_text=True)
    assert "龙岗海关" in page and "驻区单位" in page
    unit_id = db.session.scalar(select(AuditEvent.object_id).where(AuditEvent.action == "unit.create"))
    response = client.post("/admin/units/new", data={"name": "龙岗海关", "kind": "department"})
    assert "名为“龙岗海关”的单位已存在" in response.get_data(as_text=True)
    client.post(f"/admin/units/{unit_id}/edit", data={"name": "深圳海关龙岗办", "kind": "stationed"})
    client.post(f"/admin/units/{unit_id}/active", data={"active": "0"})
    page = client.get("/admin/units?active=no").get_data(as_text=True)
    assert "深圳海关龙岗办" in page
    page = client.get("/admin/users/new").get_data(as_text=True)
    assert "深圳海关龙岗办" not in page


def test_audit_log_filters_by_record_and_by_user(client, login_as):
    office = login_as("office")
    unit = make_unit(name="区发改局", actor=office)
    make_unit(name="区教育局")
    page = client.get(f"/audit?object_type=Unit&object_id={unit.id}").get_data(as_text=True)
    assert "区发改局" in page and "区教育局" not in page
    page = client.get(f"/audit?actor={office.id}").get_data(as_text=True)
    assert "区发改局" in page and "区教育局" not in page
    response = client.get(f"/audit?actor={office.id}&export=csv")
    assert "unit.create" in response.data.decode("utf-8-sig")
